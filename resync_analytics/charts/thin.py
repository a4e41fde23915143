"""Fewer points for a long line, keeping its spikes: a chart 900 px wide shows no more."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

# Two points (the low and the high) per bucket: about two per horizontal pixel.
MAX_POINTS = 2000


def thin(
    index: pd.DatetimeIndex, values: np.ndarray, max_points: int = MAX_POINTS
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """``index`` and ``values`` unchanged when short, else each bucket's lowest and highest
    point in time order, so a one-point spike still shows (a stride would drop it)."""
    if len(values) <= max_points:
        return index, values
    buckets = max(1, max_points // 2)
    edges = np.linspace(0, len(values), buckets + 1).astype(int)
    keep: list[int] = []
    for start, stop in itertools.pairwise(edges):
        if stop <= start:
            continue
        chunk = values[start:stop]
        if not np.isfinite(chunk).any():
            keep.append(start)
            continue
        low, high = start + int(np.nanargmin(chunk)), start + int(np.nanargmax(chunk))
        keep.extend(sorted({low, high}))
    positions = np.asarray(keep)
    return index[positions], values[positions]

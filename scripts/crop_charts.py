"""Cut a tall screenshot of a report in the Prefect UI down to its first charts.

    python scripts/crop_charts.py TALL.png OUT.png [CHARTS]

The UI is dark and the charts are light, so the rows where a chart is are the rows that are
bright across the report's column; the picture keeps the heading above the first chart and
ends under the CHARTS-th (default 2). Exits 1 when the screenshot holds no chart.
"""

from __future__ import annotations

import sys

import numpy as np
from PIL import Image

HEADING_PX = 70  # the section heading above the first chart
MIN_CHART_ROWS = 150
MAX_GAP_ROWS = 6


def chart_rows(pixels: np.ndarray) -> list[tuple[int, int]]:
    """(top, bottom) of each block of rows that are bright across the report's column."""
    width = pixels.shape[1]
    column = pixels[:, int(width * 0.25) : int(width * 0.65)]
    bright = np.flatnonzero((column.mean(axis=2) > 180).mean(axis=1) > 0.5)
    blocks: list[tuple[int, int]] = []
    if not bright.size:
        return blocks
    # An axis line or a dark legend row crosses a chart: gaps of a few rows stay inside it.
    breaks = np.flatnonzero(np.diff(bright) > MAX_GAP_ROWS)
    for start, stop in zip(np.r_[0, breaks + 1], np.r_[breaks, bright.size - 1], strict=True):
        top, bottom = int(bright[start]), int(bright[stop]) + 1
        if bottom - top >= MIN_CHART_ROWS:
            blocks.append((top, bottom))
    return blocks


def main(tall: str, out: str, charts: int = 2) -> int:
    with Image.open(tall) as image:
        pixels = np.asarray(image.convert("RGB"))
        blocks = chart_rows(pixels)
        if not blocks:
            print(f"{tall}: no chart found", file=sys.stderr)
            return 1
        top = max(0, blocks[0][0] - HEADING_PX)
        bottom = min(pixels.shape[0], blocks[: max(1, charts)][-1][1] + 20)
        image.crop((0, top, image.width, bottom)).save(out, optimize=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], *(int(n) for n in sys.argv[3:4])))

"""Level shifts: a series that jumped to a new level and stayed there.

A host moved to bigger hardware, a job moved away, a disk was cleaned: the history before the
jump describes a level that no longer exists, and every method that averages over it (the
seasonal profile, the drift, a trend line, a seasonal naive forecast that reaches back across
the jump) carries the old level into the forecast. ``remove_level_shifts`` finds such jumps
and moves the history before each one to the new level, so the methods see one regime.

A jump is the change of the median over a window on each side of a point (a window is one
cycle and a twentieth of the history, at least ``MIN_WINDOW`` steps). Trends change that
median steadily, noise a little, a random walk a lot; a shift is the point where the change
stands out from all of them: above ``SHIFT_SPREADS`` times the spread of the change over the
whole history and ``SHIFT_SIGMAS`` times the step-to-step noise. Windows must be full on both
sides: a jump in the last window is not yet a level (it may be a burst), so it is left alone;
a jump followed by one back (a burst that ended), or whose new level no longer holds in the
last window, is left alone too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from resync_analytics.forecasting.models import _phases, seasonal_profile

MIN_WINDOW = 10
# At most this many steps per window (a 288-step day is summarised by its median all the same).
MAX_WINDOW = 288
SHIFT_SPREADS = 6.0
SHIFT_SIGMAS = 4.0
# Shifts looked for per series (each found one is removed before looking again).
MAX_SHIFTS = 2


@dataclass(frozen=True)
class LevelShift:
    """A jump of ``size`` (new level minus old) that starts at step ``position``."""

    position: int
    size: float


def _noise(values: np.ndarray) -> np.ndarray:
    """Robust step-to-step noise (series,): MAD of first differences, as a standard deviation."""
    diffs = np.diff(values, axis=1)
    mad = np.median(np.abs(diffs - np.median(diffs, axis=1, keepdims=True)), axis=1)
    return 1.4826 * mad / np.sqrt(2.0)


def find_level_shift(values: np.ndarray, period: int | None) -> list[LevelShift | None]:
    """The largest level shift of each row of ``values`` (series, time), or None."""
    count, length = values.shape
    # At least a twentieth of the history: a burst of a few steps in a long series of short
    # steps (half an hour of a busy job in weeks of 5-minute samples) must not move a median.
    window = int(min(MAX_WINDOW, max(MIN_WINDOW, period or 0, length // 20)))
    if length < 4 * window:
        return [None] * count
    adjusted = values
    if period and length >= 2 * period:
        profile = seasonal_profile(values, period)
        adjusted = values - profile[:, _phases(0, length, period)]
    medians = np.median(sliding_window_view(adjusted, window, axis=1), axis=2)
    # change[k]: median of the window starting at k minus that of the window ending before k.
    change = medians[:, window:] - medians[:, :-window]
    typical = np.median(change, axis=1, keepdims=True)
    excess = change - typical
    spread = 1.4826 * np.median(np.abs(excess), axis=1)
    noise = _noise(adjusted)
    best = np.argmax(np.abs(excess), axis=1)
    peak = excess[np.arange(count), best]
    found: list[LevelShift | None] = []
    for row in range(count):
        size = float(peak[row])
        if abs(size) > SHIFT_SPREADS * spread[row] and abs(size) > SHIFT_SIGMAS * noise[row]:
            position = _refine(adjusted[row], int(best[row]) + window, window)
            before = np.median(adjusted[row, max(0, position - window) : position])
            # Less the trend between the two windows (``typical`` is its change per window).
            trend = float(typical[row, 0]) * (length - position) / window
            still = (np.median(adjusted[row, -window:]) - before - trend) * np.sign(size)
            # The new level must still hold at the end: a busy spell that is fading is no
            # level to forecast from.
            if still >= 0.5 * abs(size):
                found.append(LevelShift(position=position, size=size))
                continue
        found.append(None)
    return found


def _refine(values: np.ndarray, position: int, window: int) -> int:
    """The step near ``position`` that best splits the two windows into two flat levels.

    Window medians locate a jump only roughly; moving the history at the wrong step would
    leave a few points at the wrong level, which then look like spikes.
    """
    low = max(1, position - window // 2)
    high = min(len(values) - 1, position + window // 2)
    segment = values[max(0, low - window) : high + window]
    offset = max(0, low - window)
    best, best_cost = position, np.inf
    for split in range(low, high + 1):
        before, after = segment[: split - offset], segment[split - offset :]
        cost = before.var() * before.size + after.var() * after.size
        if cost < best_cost:
            best, best_cost = split, cost
    return best


def remove_level_shifts(
    values: np.ndarray, period: int | None
) -> tuple[np.ndarray, list[list[LevelShift]]]:
    """``values`` with the history before each level shift moved to the level after it,
    and the shifts found per row (most prominent first)."""
    adjusted = np.array(values, dtype=float, copy=True)
    shifts: list[list[LevelShift]] = [[] for _ in range(adjusted.shape[0])]
    rows = np.arange(adjusted.shape[0])
    for _ in range(MAX_SHIFTS):
        found = find_level_shift(adjusted[rows], period)
        still = []
        for row, shift in zip(rows.tolist(), found, strict=True):
            if shift is None:
                continue
            adjusted[row, : shift.position] += shift.size
            shifts[row].append(shift)
            still.append(row)
        if not still:
            break
        rows = np.array(still)
    for row, pair in enumerate(shifts):
        if len(pair) == 2 and abs(pair[0].size + pair[1].size) < 0.5 * max(
            abs(pair[0].size), abs(pair[1].size)
        ):
            # Up and back down (or the reverse): a burst that ended, not a new level. The
            # history keeps it, so the backtest errors (and the intervals) remember it.
            adjusted[row] = values[row]
            shifts[row] = []
    return adjusted, shifts

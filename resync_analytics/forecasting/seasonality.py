"""Which seasonal period a series has: daily, weekly, or none, judged from the data.

The candidates follow from the step (a day of 5-minute steps is 288 of them); a candidate
counts only when the series covers at least three of its cycles and the detrended series
correlates with itself one cycle back. Three cycles, because a profile estimated from two is
mostly noise; the correlation test, because a calendar period that the data does not show
only adds noise to a forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from resync_analytics.forecasting.models import centred_mean

DAY = pd.Timedelta(days=1)
WEEK = pd.Timedelta(days=7)
MIN_CYCLES = 3
# Autocorrelation one cycle back that makes a period worth modelling.
MIN_AUTOCORRELATION = 0.3
# A weekly pattern must beat the daily one by this much to be preferred (it contains it).
WEEKLY_MARGIN = 0.05


def candidate_periods(step: pd.Timedelta, length: int, min_cycles: int = MIN_CYCLES) -> list[int]:
    """Daily and weekly periods in steps that fit at least ``min_cycles`` times into ``length``."""
    periods = []
    for span in (DAY, WEEK):
        ratio = span / step
        period = round(ratio)
        # A period must be a whole number of steps (a 7-minute step has no daily phase).
        if period >= 2 and abs(ratio - period) < 1e-6 and length >= min_cycles * period:
            periods.append(period)
    return periods


def seasonal_autocorrelation(values: np.ndarray, period: int) -> float:
    """Correlation of the detrended series with itself ``period`` steps back."""
    series = pd.Series(values, dtype=float)
    trend = series.rolling(period, center=True, min_periods=max(1, period // 2)).mean()
    detrended = (series - trend).to_numpy()
    head, tail = detrended[:-period], detrended[period:]
    keep = np.isfinite(head) & np.isfinite(tail)
    if keep.sum() < 3 or np.std(head[keep]) == 0 or np.std(tail[keep]) == 0:
        return 0.0
    return float(np.corrcoef(head[keep], tail[keep])[0, 1])


def seasonal_autocorrelations(values: np.ndarray, period: int) -> np.ndarray:
    """``seasonal_autocorrelation`` of every row of ``values`` (series, time) at once."""
    values = np.asarray(values, dtype=float)
    detrended = values - centred_mean(values, period)
    head, tail = detrended[:, :-period], detrended[:, period:]
    keep = np.isfinite(head) & np.isfinite(tail)
    count = keep.sum(axis=1)
    head, tail = np.where(keep, head, 0.0), np.where(keep, tail, 0.0)
    safe = np.maximum(count, 1)
    head_c = np.where(keep, head - (head.sum(axis=1) / safe)[:, None], 0.0)
    tail_c = np.where(keep, tail - (tail.sum(axis=1) / safe)[:, None], 0.0)
    spread = np.sqrt((head_c**2).sum(axis=1) * (tail_c**2).sum(axis=1))
    # Relative floor: rounding leaves a constant series a tiny non-zero spread.
    scale = np.maximum(np.abs(head).max(axis=1, initial=0.0), 1e-300) ** 2 * count
    valid = (count >= 3) & (spread > 1e-12 * scale)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = (head_c * tail_c).sum(axis=1) / spread
    return np.where(valid, result, 0.0)


def detect_periods(values: np.ndarray, step: pd.Timedelta) -> list[int | None]:
    """The seasonal period (in steps) each row of ``values`` (series, time) shows, or None."""
    count, length = values.shape
    best = np.full(count, -np.inf)
    chosen: list[int | None] = [None] * count
    for period in candidate_periods(step, length):
        strength = seasonal_autocorrelations(values, period)
        for row in range(count):
            if strength[row] < MIN_AUTOCORRELATION:
                continue
            margin = WEEKLY_MARGIN if chosen[row] is not None else 0.0
            if chosen[row] is None or strength[row] > best[row] + margin:
                best[row], chosen[row] = strength[row], period
    return chosen


def detect_period(values: np.ndarray, step: pd.Timedelta) -> int | None:
    """The seasonal period (in steps) the series shows, or None."""
    return detect_periods(np.asarray(values, dtype=float)[None, :], step)[0]

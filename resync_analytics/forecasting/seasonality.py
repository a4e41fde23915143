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

DAY = pd.Timedelta(days=1)
WEEK = pd.Timedelta(days=7)
MIN_CYCLES = 3
# Autocorrelation one cycle back that makes a period worth modelling.
MIN_AUTOCORRELATION = 0.3
# A weekly pattern must beat the daily one by this much to be preferred (it contains it).
WEEKLY_MARGIN = 0.05


def candidate_periods(step: pd.Timedelta, length: int) -> list[int]:
    """Daily and weekly periods in steps that fit at least three times into ``length``."""
    periods = []
    for span in (DAY, WEEK):
        ratio = span / step
        period = round(ratio)
        # A period must be a whole number of steps (a 7-minute step has no daily phase).
        if period >= 2 and abs(ratio - period) < 1e-6 and length >= MIN_CYCLES * period:
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


def detect_period(values: np.ndarray, step: pd.Timedelta) -> int | None:
    """The seasonal period (in steps) the series shows, or None."""
    best: tuple[float, int] | None = None
    for period in candidate_periods(step, len(values)):
        strength = seasonal_autocorrelation(values, period)
        if strength < MIN_AUTOCORRELATION:
            continue
        margin = WEEKLY_MARGIN if best is not None else 0.0
        if best is None or strength > best[0] + margin:
            best = (strength, period)
    return None if best is None else best[1]

"""When a forecast reaches a threshold: "CPU will hit 95% in 6 weeks (4–8)".

The central estimate is the first forecast step at or above the threshold. The interval's
upper bound crosses first, so it gives the earliest plausible date; the lower bound crosses
last, giving the latest. A bound that does not cross within the horizon leaves that end open
(None): extrapolating a trend past the forecast horizon would claim a precision the backtest
never measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from resync_analytics.forecasting.select import SeriesForecast


@dataclass(frozen=True)
class ThresholdEta:
    """When the forecast first reaches the threshold, with the earliest and latest dates.

    ``earliest`` (the upper bound's crossing) is never after ``expected``; ``latest`` (the
    lower bound's crossing) is never before it, and is None when the lower bound stays below
    the threshold for the whole horizon.
    """

    threshold: float
    expected: pd.Timestamp
    earliest: pd.Timestamp
    latest: pd.Timestamp | None


def _first_crossing(index: pd.DatetimeIndex, values: np.ndarray, threshold: float):
    hits = np.flatnonzero(values >= threshold)
    return None if hits.size == 0 else index[int(hits[0])]


def threshold_eta(forecast: SeriesForecast, threshold: float) -> ThresholdEta | None:
    """When ``forecast`` reaches ``threshold`` (at or above), or None if not in the horizon."""
    expected = _first_crossing(forecast.index, forecast.value, threshold)
    if expected is None:
        return None
    earliest = _first_crossing(
        forecast.index, np.maximum(forecast.upper, forecast.value), threshold
    )
    latest = _first_crossing(forecast.index, np.minimum(forecast.lower, forecast.value), threshold)
    return ThresholdEta(threshold=threshold, expected=expected, earliest=earliest, latest=latest)


def earliest_crossing(forecast: SeriesForecast, threshold: float) -> pd.Timestamp | None:
    """When the interval's upper bound first reaches ``threshold``: the risk date.

    A capacity warning should not wait for the central forecast: this is set even when only
    the pessimistic end of the interval crosses within the horizon.
    """
    return _first_crossing(forecast.index, np.maximum(forecast.upper, forecast.value), threshold)

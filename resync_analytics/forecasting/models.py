"""Point-forecast methods, each taking a batch of equally long series at once.

Every method maps ``history`` of shape (series, time) to forecasts of shape (series, horizon)
given the seasonal period in steps (None: no seasonality). The simple methods are plain numpy
over the whole batch; exponential smoothing is fitted per series (statsmodels) and earns its
cost only where the backtest says it forecasts better.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

PredictFn = Callable[[np.ndarray, int, "int | None"], np.ndarray]

# Seasonal profiles come from at most this many recent cycles: old cycles describe old habits.
PROFILE_CYCLES = 8
# Exponential smoothing sees at most this many recent points (fit time grows with length).
ETS_MAX_POINTS = 1000


@dataclass(frozen=True)
class Method:
    """A forecasting method: its name in results, and whether it runs on a whole batch."""

    name: str
    predict: PredictFn
    vectorised: bool


def seasonal_profile(history: np.ndarray, period: int) -> np.ndarray:
    """Per-phase seasonal offsets (series, period), median over recent cycles, mean zero.

    Phase ``p`` is the position ``t`` with ``t % period == p`` counted from the start of
    ``history``. The trend is removed first with a centred moving average one cycle wide.
    """
    count, length = history.shape
    span = min(length, PROFILE_CYCLES * period)
    frame = pd.DataFrame(history[:, length - span :].T)
    trend = frame.rolling(period, center=True, min_periods=max(1, period // 2)).mean()
    detrended = (frame - trend).to_numpy().T  # (series, span)
    start_phase = (length - span) % period
    # Lay the window out as whole cycles (NaN-padded) so one nanmedian does every phase.
    cycles = -(-(start_phase + span) // period)
    padded = np.full((count, cycles * period), np.nan)
    padded[:, start_phase : start_phase + span] = detrended
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN phase: filled below
        profile = np.nanmedian(padded.reshape(count, cycles, period), axis=1)
    profile = np.nan_to_num(profile)
    return profile - profile.mean(axis=1, keepdims=True)


def _phases(start: int, count: int, period: int) -> np.ndarray:
    return (start + np.arange(count)) % period


def seasonal_naive(history: np.ndarray, horizon: int, period: int | None) -> np.ndarray:
    """The value one cycle earlier (the last value when there is no season)."""
    length = history.shape[1]
    if not period or period > length:
        return np.repeat(history[:, -1:], horizon, axis=1)
    positions = length - period + (np.arange(horizon) % period)
    return history[:, positions]


def seasonal_drift(history: np.ndarray, horizon: int, period: int | None) -> np.ndarray:
    """Seasonal naive plus the average change per cycle (plain drift when there is no season).

    The value one cycle earlier, moved by the mean of all one-cycle changes for every cycle
    skipped: a series that grows steadily keeps growing, at almost no cost.
    """
    length = history.shape[1]
    lag = period if period and period < length else 1
    if length <= lag:
        return seasonal_naive(history, horizon, period)
    per_cycle = (history[:, lag:] - history[:, :-lag]).mean(axis=1)
    cycles = np.arange(horizon) // lag + 1
    base = seasonal_naive(history, horizon, lag if lag > 1 else None)
    return base + per_cycle[:, None] * cycles[None, :]


def linear_trend(history: np.ndarray, horizon: int, period: int | None) -> np.ndarray:
    """A straight line fitted by least squares to the recent history, plus the season.

    The line is fitted to the last half of the history (at least three cycles): capacity
    grows in phases, and the latest phase is what will continue.
    """
    length = history.shape[1]
    window = min(length, max(length // 2, 3 * (period or 0), 10))
    recent = history[:, length - window :]
    profile = None
    if period and length >= 2 * period:
        profile = seasonal_profile(history, period)
        recent = recent - profile[:, _phases(length - window, window, period)]
    times = np.arange(window, dtype=float)
    design = np.column_stack([np.ones(window), times])
    coefficients, *_ = np.linalg.lstsq(design, recent.T, rcond=None)  # (2, series)
    future = np.arange(window, window + horizon, dtype=float)
    forecast = coefficients[0][:, None] + coefficients[1][:, None] * future[None, :]
    if profile is not None:
        forecast = forecast + profile[:, _phases(length, horizon, period or 1)]
    return forecast


def damped_trend_ets(history: np.ndarray, horizon: int, period: int | None) -> np.ndarray:
    """Exponential smoothing with a damped additive trend on the seasonally adjusted series.

    Deseasonalising first (as STL-then-ETS does) keeps the model at three parameters even for
    a 288-step daily cycle, which full Holt-Winters would fit slowly and poorly.
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    count, length = history.shape
    span = min(length, ETS_MAX_POINTS)
    profile = None
    adjusted = history[:, length - span :]
    if period and length >= 2 * period:
        profile = seasonal_profile(history, period)
        adjusted = adjusted - profile[:, _phases(length - span, span, period)]
    forecasts = np.empty((count, horizon))
    for row in range(count):
        values = adjusted[row]
        if np.ptp(values) == 0:
            forecasts[row] = values[-1]
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", UserWarning)
            model = ExponentialSmoothing(
                values, trend="add", damped_trend=True, initialization_method="heuristic"
            ).fit()
        forecasts[row] = model.forecast(horizon)
    if profile is not None:
        forecasts = forecasts + profile[:, _phases(length, horizon, period or 1)]
    return forecasts


SEASONAL_NAIVE = Method("seasonal_naive", seasonal_naive, vectorised=True)
DRIFT = Method("drift", seasonal_drift, vectorised=True)
LINEAR_TREND = Method("linear_trend", linear_trend, vectorised=True)
DAMPED_ETS = Method("ets_damped", damped_trend_ets, vectorised=False)

# Simplest first: on a near tie the simpler method wins.
# Seasonal naive comes first: it is the default that the others must beat by a margin.
DEFAULT_METHODS: tuple[Method, ...] = (SEASONAL_NAIVE, DRIFT, LINEAR_TREND, DAMPED_ETS)

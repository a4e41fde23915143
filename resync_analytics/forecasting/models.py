"""Point-forecast methods, each taking a batch of equally long series at once.

Every method maps ``history`` of shape (series, time) to forecasts of shape (series, horizon)
given the seasonal period in steps (None: no seasonality). All are plain numpy over the whole
batch, exponential smoothing and Theta included: their smoothing parameters come from a small
grid searched for every series in the same array recursion, so thousands of series cost about
as much as one statsmodels fit each would cost a few of.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

PredictFn = Callable[[np.ndarray, int, "int | None"], np.ndarray]

# Seasonal profiles come from at most this many recent cycles: old cycles describe old habits.
PROFILE_CYCLES = 8
# Forecasts take their profiles from up to this many cycles: a median over 8 weekly cycles of
# a 90-day history was noisy enough to cost 1.6% MASE on bench.forecast_scale, while the NAB
# held-out MASE moved by 0.002 (its histories hold 12 daily cycles).
FORECAST_PROFILE_CYCLES = 16
# Exponential smoothing sees at most this many recent points (fit time grows with length).
ETS_MAX_POINTS = 1000


@dataclass(frozen=True)
class Method:
    """A forecasting method: its name in results, and whether it runs on a whole batch."""

    name: str
    predict: PredictFn
    vectorised: bool


def centred_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average of every row of ``values`` (series, time), NaN-aware.

    What ``pandas`` ``rolling(window, center=True, min_periods=max(1, window // 2)).mean()``
    gives column by column, from one cumulative sum over the whole batch: pandas loops over
    the 10,000 columns of a batch in Python, which cost half of a batch forecast.
    """
    count, length = values.shape
    finite = np.isfinite(values)
    zero = np.zeros((count, 1))
    sums = np.concatenate([zero, np.cumsum(np.where(finite, values, 0.0), axis=1)], axis=1)
    counts = np.concatenate([zero, np.cumsum(finite, axis=1)], axis=1)
    positions = np.arange(length)
    end = np.minimum(positions + (window - 1) // 2 + 1, length)
    start = np.maximum(positions + (window - 1) // 2 + 1 - window, 0)
    present = counts[:, end] - counts[:, start]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (sums[:, end] - sums[:, start]) / present
    return np.where(present >= max(1, window // 2), mean, np.nan)


def seasonal_profile(history: np.ndarray, period: int, cycles: int = PROFILE_CYCLES) -> np.ndarray:
    """Per-phase seasonal offsets (series, period), median over recent cycles, mean zero.

    Phase ``p`` is the position ``t`` with ``t % period == p`` counted from the start of
    ``history``. The trend is removed first with a centred moving average one cycle wide.
    """
    count, length = history.shape
    span = min(length, cycles * period)
    window = np.asarray(history[:, length - span :], dtype=float)
    detrended = window - centred_mean(window, period)  # (series, span)
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


def line_fit(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares intercept and slope of every row against its positions 0, 1, ...

    Closed form with row-wise sums rather than one LAPACK solve for the whole batch: a
    solver's blocking depends on how many series share the call, and a series must get the
    same forecast whether it is forecast alone, on one worker or in a batch of 10,000.
    """
    length = values.shape[1]
    times = np.arange(length, dtype=float)
    centred_times = times - times.mean()
    spread = float(np.sum(centred_times**2))
    means = values.mean(axis=1)
    if spread == 0.0:
        return means, np.zeros(values.shape[0])
    slopes = np.sum((values - means[:, None]) * centred_times[None, :], axis=1) / spread
    return means - slopes * times.mean(), slopes


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
        profile = seasonal_profile(history, period, FORECAST_PROFILE_CYCLES)
        recent = recent - profile[:, _phases(length - window, window, period)]
    intercept, slope = line_fit(recent)
    future = np.arange(window, window + horizon, dtype=float)
    forecast = intercept[:, None] + slope[:, None] * future[None, :]
    if profile is not None:
        forecast = forecast + profile[:, _phases(length, horizon, period or 1)]
    return forecast


def straight_line(history: np.ndarray, horizon: int, period: int | None) -> np.ndarray:
    """A straight line fitted by least squares to the whole history, plus the season if any.

    The plainest trend there is, and one of the two baselines every forecast must not lose
    to: it wins on series that drift slowly and whose daily rhythm is noise. With a detected
    season the line goes through the seasonally adjusted history and the season is added
    back (a bare line through a weekly pattern forecasts its average, never its weekdays).
    """
    length = history.shape[1]
    profile = None
    if period and length >= 2 * period:
        profile = seasonal_profile(history, period, FORECAST_PROFILE_CYCLES)
        history = history - profile[:, _phases(0, length, period)]
    intercept, slope = line_fit(history)
    future = np.arange(length, length + horizon, dtype=float)
    forecast = intercept[:, None] + slope[:, None] * future[None, :]
    if profile is not None:
        forecast = forecast + profile[:, _phases(length, horizon, period or 1)]
    return forecast


def straight_line_no_season(history: np.ndarray, horizon: int, _period: int | None) -> np.ndarray:
    """The straight line through the whole history with no season added: the baseline itself.

    Where a season was detected ``straight_line`` adds it back, which is not the baseline a
    forecast must not lose to: on noisy workload series (daily job counts, a week of daily
    samples holding one busy day) the bare line beats both the season and the seasonal line
    (bench/forecast_outside.py), and only a pool holding it can choose it.
    """
    return straight_line(history, horizon, None)


# Smoothing parameters tried for every series at once (one-step squared error picks).
ETS_ALPHAS = np.array([0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9])
ETS_BETAS = np.array([0.0, 0.02, 0.1, 0.3])
ETS_PHIS = np.array([0.8, 0.9, 0.98])


def _adjust(history: np.ndarray, period: int | None) -> tuple[np.ndarray, np.ndarray | None]:
    """The recent history (at most ``ETS_MAX_POINTS``) with the seasonal profile removed."""
    length = history.shape[1]
    span = min(length, ETS_MAX_POINTS)
    adjusted = history[:, length - span :]
    if period and length >= 2 * period:
        profile = seasonal_profile(history, period, FORECAST_PROFILE_CYCLES)
        return adjusted - profile[:, _phases(length - span, span, period)], profile
    return adjusted, None


def holt_damped(values: np.ndarray, horizon: int) -> np.ndarray:
    """Damped additive-trend exponential smoothing of every row, parameters by grid search.

    Every (alpha, beta, phi) of the grid is run on every series in one numpy recursion (the
    loop is over time only); each series keeps the triple with the least one-step squared
    error. beta = 0 includes simple exponential smoothing. The grid replaces a numerical
    optimiser per series, which is what makes 10,000 series take seconds, not minutes.
    """
    count, length = values.shape
    alpha, beta, phi = (a.ravel() for a in np.meshgrid(ETS_ALPHAS, ETS_BETAS, ETS_PHIS))
    grid = alpha.size
    first = min(length - 1, 5)
    level = np.repeat(values[:, :1], grid, axis=1)
    slope0 = (values[:, first] - values[:, 0]) / max(first, 1) if length > 1 else values[:, 0] * 0
    trend = np.repeat(slope0[:, None], grid, axis=1)
    sse = np.zeros((count, grid))
    burn = min(length // 4, 10)
    for t in range(1, length):
        predicted = level + phi * trend
        error = values[:, t : t + 1] - predicted
        if t >= burn:
            sse += error * error
        new_level = predicted + alpha * error
        trend = phi * trend + alpha * beta * error
        level = new_level
    best = np.argmin(sse, axis=1)
    rows = np.arange(count)
    steps = np.cumsum(phi[best][:, None] ** np.arange(1, horizon + 1)[None, :], axis=1)
    return level[rows, best][:, None] + trend[rows, best][:, None] * steps


def damped_trend_ets(history: np.ndarray, horizon: int, period: int | None) -> np.ndarray:
    """Exponential smoothing with a damped additive trend on the seasonally adjusted series.

    Deseasonalising first (as STL-then-ETS does) keeps the model at three parameters even for
    a 288-step daily cycle, which full Holt-Winters would fit slowly and poorly.
    """
    adjusted, profile = _adjust(history, period)
    forecasts = holt_damped(adjusted, horizon)
    if profile is not None:
        forecasts = forecasts + profile[:, _phases(history.shape[1], horizon, period or 1)]
    return forecasts


def theta(history: np.ndarray, horizon: int, period: int | None) -> np.ndarray:
    """The Theta method: simple exponential smoothing plus half the least-squares slope.

    In the Hyndman-Billah form: SES with drift b/2, b the slope of a line through the
    seasonally adjusted history; alpha from the grid by one-step squared error.
    """
    adjusted, profile = _adjust(history, period)
    count, length = adjusted.shape
    _, slope = line_fit(adjusted)
    alphas = ETS_ALPHAS[None, :]
    level = np.repeat(adjusted[:, :1], alphas.size, axis=1)
    sse = np.zeros((count, alphas.size))
    for t in range(1, length):
        error = adjusted[:, t : t + 1] - level
        sse += error * error
        level = level + alphas * error
    best = np.argmin(sse, axis=1)
    alpha = ETS_ALPHAS[best]
    rows = np.arange(count)
    leads = np.arange(horizon, dtype=float)[None, :]
    carry = (1 - (1 - alpha) ** length) / alpha
    forecasts = level[rows, best][:, None] + 0.5 * slope[:, None] * (leads + carry[:, None])
    if profile is not None:
        forecasts = forecasts + profile[:, _phases(history.shape[1], horizon, period or 1)]
    return forecasts


def calendar_naive(period: int) -> Method:
    """Seasonal naive at a calendar period (a day) the autocorrelation test did not accept:
    a weak daily rhythm still repeats yesterday better than the last value repeats itself,
    so this is the seasonal naive forecast of a series with no detected season."""

    def predict(history: np.ndarray, horizon: int, _period: int | None) -> np.ndarray:
        return seasonal_naive(history, horizon, period)

    return Method("seasonal_naive", predict, vectorised=True)


# Cycles a seasonal median takes its value at each phase from: enough that a few bursts (spiky
# days) are outvoted. Chosen among 5, 7 and 14 leave-one-source-out over the NAB CPU series
# and the hourly and daily job-trace series (bench/forecast_outside.py --variants: 14 on
# every fold, though a tie would go to fewer).
MEDIAN_CYCLES = 14


def seasonal_median_values(
    history: np.ndarray, horizon: int, period: int | None, cycles: int | None = None
) -> np.ndarray:
    """The median of the values at the same phase in the last ``cycles`` cycles.

    What minimises absolute error (and so MASE) for a series that repeats its cycle with
    bursts on top: a job that ran yesterday at 3 a.m. and not on the days before does not
    make tomorrow's 3 a.m. busy, as seasonal naive says. With no period, the median of the
    last ``cycles`` values; with fewer whole cycles than ``cycles``, as many as there are.
    """
    length = history.shape[1]
    lag = period if period and period <= length else 1
    count = max(1, min(cycles or MEDIAN_CYCLES, length // lag))
    recent = history[:, length - count * lag :].reshape(history.shape[0], count, lag)
    # Row by row: a series gets the same forecast alone or in a batch.
    profile = np.median(recent, axis=1)
    return profile[:, np.arange(horizon) % lag]


def seasonal_median(cycles: int | None = None, period: int | None = None) -> Method:
    """``seasonal_median_values`` over ``cycles`` cycles (``MEDIAN_CYCLES`` by default), at
    ``period`` when given (a calendar period the autocorrelation test did not accept), else
    at the detected one."""

    def predict(history: np.ndarray, horizon: int, detected: int | None) -> np.ndarray:
        return seasonal_median_values(history, horizon, period or detected, cycles)

    return Method("seasonal_median", predict, vectorised=True)


def mstl(periods: tuple[int, ...]) -> Method:
    """Several seasonal profiles (e.g. daily and weekly) removed in turn, damped ETS on the rest.

    Like MSTL: each profile is re-estimated with the others removed (two passes), the
    seasonally adjusted series is forecast by ``holt_damped``, and every profile is added back.
    """

    def predict(history: np.ndarray, horizon: int, _period: int | None) -> np.ndarray:
        length = history.shape[1]
        usable = [p for p in sorted(periods) if length >= 2 * p]
        profiles = {p: np.zeros((history.shape[0], p)) for p in usable}

        def seasonal(skip: int | None, start: int, count: int) -> np.ndarray:
            total = np.zeros((history.shape[0], count))
            for p, profile in profiles.items():
                if p != skip:
                    total = total + profile[:, _phases(start, count, p)]
            return total

        for _ in range(2):
            for p in usable:
                profiles[p] = seasonal_profile(
                    history - seasonal(p, 0, length), p, FORECAST_PROFILE_CYCLES
                )
        adjusted = (history - seasonal(None, 0, length))[:, max(0, length - ETS_MAX_POINTS) :]
        return holt_damped(adjusted, horizon) + seasonal(None, length, horizon)

    return Method("mstl", predict, vectorised=True)


SEASONAL_NAIVE = Method("seasonal_naive", seasonal_naive, vectorised=True)
STRAIGHT_LINE = Method("straight_line", straight_line, vectorised=True)
STRAIGHT_LINE_NO_SEASON = Method(
    "straight_line_no_season", straight_line_no_season, vectorised=True
)
DRIFT = Method("drift", seasonal_drift, vectorised=True)
LINEAR_TREND = Method("linear_trend", linear_trend, vectorised=True)
DAMPED_ETS = Method("ets_damped", damped_trend_ets, vectorised=True)
THETA = Method("theta", theta, vectorised=True)
SEASONAL_MEDIAN = seasonal_median()

# Seasonal naive comes first: it is the default that the others must beat by a margin. The
# two baselines (seasonal naive, the straight line with and without the season) and the
# members of the combination (seasonal naive, damped ETS, Theta; MSTL joins where two seasons
# fit) are what a forecast needs: in the M4 competition the median or mean of a few simple
# methods beat choosing one of them per series, and choosing among more singles lost more
# often to the baselines (bench/forecast.py). The seasonal median is the one single added:
# spiky hourly job series lost to seasonal naive without it (bench/forecast_outside.py).
DEFAULT_METHODS: tuple[Method, ...] = (
    SEASONAL_NAIVE,
    STRAIGHT_LINE,
    STRAIGHT_LINE_NO_SEASON,
    DAMPED_ETS,
    THETA,
    SEASONAL_MEDIAN,
)

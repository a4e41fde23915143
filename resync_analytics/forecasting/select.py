"""Choose a method per series by backtest, forecast, and attach calibrated intervals.

For each series the candidate methods forecast from several origins spread over the last ~30%
of the history (rolling origin, test windows one horizon long and not overlapping) and are
scored by their mean MASE over the origins. The first candidate (seasonal naive) is the
default: another method replaces it only when it beats it by more than ``DEFAULT_MARGIN``
(the simpler one on a near tie among the challengers). The same backtest errors of the
chosen method give the interval (conformal): at each lead time, the empirical quantiles of
its errors at similar lead times. Intervals built
this way are as wide as the method's real mistakes on this series, not as a model's
assumptions say; beyond the backtested lead times they widen with the square root of time.

Series of equal length and period are forecast together: the numpy methods run once on the
whole batch.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resync_analytics.forecasting.models import DEFAULT_METHODS, Method
from resync_analytics.forecasting.seasonality import detect_period
from resync_analytics.forecasting.series import RegularSeries

DEFAULT_COVERAGE = 0.8
MIN_ORIGINS = 3
MAX_ORIGINS = 5
# The rolling origins cover about this share of the end of the history.
BACKTEST_SHARE = 0.3
# A challenger must beat seasonal naive's mean backtest MASE by this share to replace it.
# Chosen by leave-one-series-out over the NAB CPU series (bench/forecast.py), not per series.
DEFAULT_MARGIN = 0.05
# A method must beat a simpler one by more than this share of MAE to be chosen over it.
TIE_MARGIN = 0.02
MIN_TRAIN = 10


class ForecastError(ValueError):
    """A forecast was asked for with unusable parameters (e.g. a non-positive horizon)."""


@dataclass(frozen=True)
class MethodScore:
    """How a method did in the backtest of one series."""

    method: str
    mae: float
    mase: float


@dataclass(frozen=True)
class SeriesForecast:
    """A forecast of ``len(index)`` steps after the series' last point, with its interval.

    ``lower``/``upper`` bound the ``coverage`` central interval; ``scores`` are the backtest
    results of every candidate (best first); ``period`` is the seasonal period in steps.
    """

    method: str
    index: pd.DatetimeIndex
    value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    coverage: float
    period: int | None
    scores: tuple[MethodScore, ...]
    backtest_horizon: int

    @property
    def horizon(self) -> int:
        return len(self.index)


@dataclass(frozen=True)
class BacktestPlan:
    """Where the backtest forecasts from: ``origins`` (history lengths), ``horizon`` steps."""

    origins: tuple[int, ...]
    horizon: int


def plan_backtest(length: int, horizon: int, period: int | None) -> BacktestPlan | None:
    """Origins for a rolling-origin backtest of a series of ``length``; None if too short."""
    min_train = max(MIN_TRAIN, 2 * (period or 0))
    available = length - min_train
    if available < 2:
        return None
    test = max(1, min(horizon, available // 2))
    spare = available - test
    if test >= 8:
        # Whole test windows apart, so each origin is a separate trial of the horizon.
        wanted = round(BACKTEST_SHARE * length / test)
        count = min(max(MIN_ORIGINS, wanted), MAX_ORIGINS, spare + 1)
        spacing = test
    else:
        # Short tests get more origins (errors to estimate quantiles from), spread over at
        # least a quarter cycle each so they see different times of day.
        count = min(2 * MAX_ORIGINS, spare + 1)
        spacing = max(1, test, (period or 0) // 4)
    stride = max(1, min(spacing, spare // max(1, count - 1)))
    origins = tuple(length - test - j * stride for j in range(count))
    return BacktestPlan(origins=tuple(o for o in origins if o >= min_train), horizon=test)


def _backtest_errors(
    history: np.ndarray, plan: BacktestPlan, method: Method, period: int | None
) -> np.ndarray:
    """Errors (actual - forecast) of shape (series, origins, plan.horizon)."""
    errors = np.empty((history.shape[0], len(plan.origins), plan.horizon))
    for slot, origin in enumerate(plan.origins):
        predicted = method.predict(history[:, :origin], plan.horizon, period)
        errors[:, slot] = history[:, origin : origin + plan.horizon] - predicted
    return errors


def _origin_scales(history: np.ndarray, plan: BacktestPlan, period: int | None) -> np.ndarray:
    """MASE denominators (series, origins): the in-sample naive error before each origin."""
    return np.column_stack([_naive_scale(history[:, :origin], period) for origin in plan.origins])


def choose_method(mase: np.ndarray, margin: float = DEFAULT_MARGIN) -> int:
    """Index of the method to use given mean backtest MASE per method (index 0 = default).

    The best challenger wins only if its MASE is below ``(1 - margin)`` times the default's;
    among challengers within ``TIE_MARGIN`` of the best, the first (simplest) is taken.
    Non-finite scores never win.
    """
    scores = np.where(np.isfinite(mase), mase, np.inf)
    best = int(np.argmin(scores))
    if best == 0 or not np.isfinite(scores[best]):
        return 0
    if np.isfinite(scores[0]) and not scores[best] < scores[0] * (1 - margin):
        return 0
    return next(i for i in range(1, len(scores)) if scores[i] <= scores[best] * (1 + TIE_MARGIN))


def _naive_scale(history: np.ndarray, period: int | None) -> np.ndarray:
    lag = period or 1
    diffs = np.abs(history[:, lag:] - history[:, :-lag])
    scale = diffs.mean(axis=1) if diffs.shape[1] else np.zeros(history.shape[0])
    return np.where(scale > 0, scale, np.nan)


def _lead_bands(test: int) -> np.ndarray:
    grid = np.unique(np.round(np.geomspace(1, test, num=min(test, 24))).astype(int))
    return grid


def interval_offsets(
    errors: np.ndarray, horizon: int, coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper offsets (series, horizon) from backtest ``errors`` (series, o, test).

    At lead ``h`` the quantiles pool the errors at leads ``h/1.5 .. 1.5h``; past the tested
    leads the offsets grow with ``sqrt(h / test)``; offsets never narrow with the lead.
    """
    count, _, test = errors.shape
    alpha = (1.0 - coverage) / 2.0
    grid = _lead_bands(test)
    lows = np.empty((count, len(grid)))
    highs = np.empty((count, len(grid)))
    for slot, lead in enumerate(grid):
        first = max(1, int(np.floor(lead / 1.5)))
        last = min(test, int(np.ceil(lead * 1.5)))
        pooled = errors[:, :, first - 1 : last].reshape(count, -1)
        lows[:, slot], highs[:, slot] = np.quantile(pooled, [alpha, 1 - alpha], axis=1)
    leads = np.arange(1, horizon + 1)
    within = np.minimum(leads, test)
    low = np.vstack([np.interp(within, grid, row) for row in lows])
    high = np.vstack([np.interp(within, grid, row) for row in highs])
    growth = np.sqrt(np.maximum(leads / test, 1.0))
    # Quantiles can fall on the wrong side of zero for a biased method: keep the point inside.
    low = np.minimum(low, 0.0) * growth
    high = np.maximum(high, 0.0) * growth
    return np.minimum.accumulate(low, axis=1), np.maximum.accumulate(high, axis=1)


def forecast_series(
    series: RegularSeries,
    horizon: int,
    *,
    coverage: float = DEFAULT_COVERAGE,
    methods: Sequence[Method] = DEFAULT_METHODS,
    margin: float = DEFAULT_MARGIN,
) -> SeriesForecast:
    """Forecast one series ``horizon`` steps ahead; see ``forecast_many``."""
    return forecast_many([series], horizon, coverage=coverage, methods=methods, margin=margin)[0]


def forecast_many(
    series: Sequence[RegularSeries],
    horizon: int,
    *,
    coverage: float = DEFAULT_COVERAGE,
    methods: Sequence[Method] = DEFAULT_METHODS,
    floor_at_zero: bool | None = None,
    margin: float = DEFAULT_MARGIN,
) -> list[SeriesForecast]:
    """Forecast every series ``horizon`` steps ahead, each with the method its backtest picks.

    ``methods[0]`` is the default, replaced only by a method whose mean backtest MASE is
    lower by more than ``margin`` (a share of the default's).

    ``coverage`` is the central interval's target probability (0.8: 80% of future values
    inside). Forecasts and bounds are kept at or above zero for a series that never went
    below zero (``floor_at_zero=None``), since utilisation, counts and runtimes cannot.
    Raises ``ForecastError`` for a horizon < 1 or a coverage outside (0, 1).
    """
    if horizon < 1:
        raise ForecastError(f"horizon must be at least 1 step, got {horizon}")
    if not 0 < coverage < 1:
        raise ForecastError(f"coverage must be between 0 and 1, got {coverage}")
    groups: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    periods = [detect_period(s.values, s.step) for s in series]
    for position, (item, period) in enumerate(zip(series, periods, strict=True)):
        groups[(len(item), period)].append(position)
    results: list[SeriesForecast | None] = [None] * len(series)
    for (_, period), members in groups.items():
        batch = [series[i] for i in members]
        for position, result in zip(
            members,
            _forecast_group(batch, horizon, period, coverage, methods, floor_at_zero, margin),
            strict=True,
        ):
            results[position] = result
    return [r for r in results if r is not None]


def _forecast_group(
    batch: Sequence[RegularSeries],
    horizon: int,
    period: int | None,
    coverage: float,
    methods: Sequence[Method],
    floor_at_zero: bool | None,
    margin: float,
) -> list[SeriesForecast]:
    history = np.vstack([s.values for s in batch])
    count = len(batch)
    plan = plan_backtest(history.shape[1], horizon, period)
    if plan is None or not plan.origins:
        # Too short to test anything: the last value, with the spread of recent changes.
        return _fallback(batch, history, horizon, coverage, floor_at_zero)

    errors = {m.name: _backtest_errors(history, plan, m, period) for m in methods}
    scales = _origin_scales(history, plan, period)
    maes = np.column_stack([np.abs(errors[m.name]).mean(axis=(1, 2)) for m in methods])
    # Each origin is scaled by the series' own noise before it, so every origin counts alike.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant series: handled below
        mases = np.column_stack(
            [np.nanmean(np.abs(errors[m.name]).mean(axis=2) / scales, axis=1) for m in methods]
        )
    # A series with no naive error (constant) has no MASE: compare on MAE instead.
    mases = np.where(np.isfinite(scales).any(axis=1)[:, None], mases, maes)
    # A method whose backtest overflowed (inf or NaN error) must never be chosen, and must not
    # leave a row with no candidate at all: it scores as infinitely bad.
    maes = np.where(np.isfinite(maes), maes, np.inf)
    mases = np.where(np.isfinite(mases), mases, np.inf)
    chosen = np.array([choose_method(mases[row], margin) for row in range(count)], dtype=int)

    results: list[SeriesForecast | None] = [None] * count
    for index, method in enumerate(methods):
        rows = np.flatnonzero(chosen == index)
        if rows.size == 0:
            continue
        point = method.predict(history[rows], horizon, period)
        low, high = interval_offsets(errors[method.name][rows], horizon, coverage)
        for slot, row in enumerate(rows.tolist()):
            scores = sorted(
                (
                    MethodScore(m.name, float(maes[row, i]), float(mases[row, i]))
                    for i, m in enumerate(methods)
                ),
                key=lambda s: s.mase,
            )
            results[row] = _assemble(
                batch[row],
                method.name,
                point[slot],
                point[slot] + low[slot],
                point[slot] + high[slot],
                coverage,
                period,
                tuple(scores),
                plan.horizon,
                floor_at_zero,
            )
    return [r for r in results if r is not None]


def _assemble(
    source: RegularSeries,
    method: str,
    value: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    coverage: float,
    period: int | None,
    scores: tuple[MethodScore, ...],
    backtest_horizon: int,
    floor_at_zero: bool | None,
) -> SeriesForecast:
    if floor_at_zero is None:
        floor_at_zero = bool(source.values.min() >= 0)
    if floor_at_zero:
        value, lower, upper = (np.maximum(a, 0.0) for a in (value, lower, upper))
    return SeriesForecast(
        method=method,
        index=source.future_index(len(value)),
        value=value,
        lower=lower,
        upper=upper,
        coverage=coverage,
        period=period,
        scores=scores,
        backtest_horizon=backtest_horizon,
    )


def _fallback(
    batch: Sequence[RegularSeries],
    history: np.ndarray,
    horizon: int,
    coverage: float,
    floor_at_zero: bool | None,
) -> list[SeriesForecast]:
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + coverage / 2))
    leads = np.sqrt(np.arange(1, horizon + 1))
    results = []
    for row, source in enumerate(batch):
        spread = float(np.std(np.diff(history[row]))) if history.shape[1] > 2 else 0.0
        value = np.full(horizon, history[row, -1])
        results.append(
            _assemble(
                source,
                "naive",
                value,
                value - z * spread * leads,
                value + z * spread * leads,
                coverage,
                None,
                (),
                0,
                floor_at_zero,
            )
        )
    return results

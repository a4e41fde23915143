"""Choose a method per series by backtest, forecast, and attach calibrated intervals.

For each series the candidate methods forecast from several origins spread over the last ~30%
of the history (rolling origin, test windows one horizon long and not overlapping) and are
scored by their mean MASE over the origins. Besides the single methods, a combination (the
median of the ``combine`` best methods of that series) can compete too. The first candidate
(seasonal naive) is the default: another replaces it only when it beats it by more than
``DEFAULT_MARGIN`` (the simpler one on a near tie among the challengers), so a series where
nothing beats seasonal naive gets seasonal naive.

The same backtest errors of the chosen candidate give the interval (split conformal): at
each lead time, the empirical quantiles of its errors at similar lead times. Intervals built
this way are as wide as the method's real mistakes on this series, not as a model's
assumptions say; beyond the backtested lead times they widen with the square root of time.

Before any of this, level shifts are removed (``shifts.remove_level_shifts``). What was done
to a series (level shifts, a backtest shorter than the horizon, a history too short to
backtest, gaps filled) is listed in ``SeriesForecast.notes``.

Series of equal length, step and period are forecast together: every method is numpy over
the whole batch, so 10,000 series cost seconds.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resync_analytics.forecasting.models import DEFAULT_METHODS, Method, calendar_naive, mstl
from resync_analytics.forecasting.seasonality import MIN_CYCLES, candidate_periods, detect_periods
from resync_analytics.forecasting.series import RegularSeries
from resync_analytics.forecasting.shifts import remove_level_shifts

DEFAULT_COVERAGE = 0.8
MIN_ORIGINS = 3
# Whole-horizon origins whose errors feed selection and the conformal interval, at most (the
# conformal window; ``BACKTEST_SHARE`` limits them too). Chosen with the margin
# (bench/forecast.py): 5 and 8 tied on NAB, 3 was worse; on a tie the larger window wins.
MAX_ORIGINS = 8
# Origins for a backtest shorter than 8 steps (short horizons or histories): more of them,
# since each gives few errors to take quantiles from.
SHORT_TEST_ORIGINS = 10
# The rolling origins cover about this share of the end of the history.
BACKTEST_SHARE = 0.3
# A challenger must beat seasonal naive's mean backtest MASE by this share to replace it.
# Chosen by leave-one-series-out over the NAB CPU series (bench/forecast.py), not per series.
DEFAULT_MARGIN = 0.1
# The combination candidate is the median forecast of this many best methods (0: none).
# Chosen with the margin (bench/forecast.py, four held-out days per NAB series): the median
# of the best two or three did not beat the best single method, so it is off by default;
# callers with many similar series may ask for it.
DEFAULT_COMBINE = 0
# Whether a series without a detected season also gets seasonal naive at the calendar day
# as a challenger. Chosen with the margin (bench/forecast.py): CPU series whose daily rhythm is
# too weak for the autocorrelation test still repeat yesterday better than the last value.
DEFAULT_DAILY_NAIVE = True
# A method must beat a simpler one by more than this share of MAE to be chosen over it.
TIE_MARGIN = 0.02
MIN_TRAIN = 10
COMBINATION = "combination"


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
    results of every candidate (best first); ``period`` is the seasonal period in steps;
    ``notes`` say what was done to the series (level shifts, short history, gaps filled).
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
    notes: tuple[str, ...] = ()

    @property
    def horizon(self) -> int:
        return len(self.index)


@dataclass(frozen=True)
class BacktestPlan:
    """Where the backtest forecasts from: ``origins`` (history lengths), ``horizon`` steps."""

    origins: tuple[int, ...]
    horizon: int


def plan_backtest(
    length: int, horizon: int, period: int | None, max_origins: int = MAX_ORIGINS
) -> BacktestPlan | None:
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
        count = min(max(MIN_ORIGINS, wanted), max_origins, spare + 1)
        spacing = test
    else:
        # Short tests get more origins (errors to estimate quantiles from), spread over at
        # least a quarter cycle each so they see different times of day.
        count = min(SHORT_TEST_ORIGINS, spare + 1)
        spacing = max(1, test, (period or 0) // 4)
    stride = max(1, min(spacing, spare // max(1, count - 1)))
    origins = tuple(length - test - j * stride for j in range(count))
    return BacktestPlan(origins=tuple(o for o in origins if o >= min_train), horizon=test)


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
    leads the offsets grow with ``sqrt(h / test)``. Offsets may narrow with the lead: with
    origins a whole horizon apart a lead is also a time of day, and a quiet hour after a
    busy one is quiet (forcing them wider at every later lead covered 92% of the NAB held-out
    days for 80% intervals, 82% without).
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
        # Split-conformal finite-sample correction: from n errors the (1-a)(n+1)/n quantile
        # covers a new error with probability 1-a; the plain quantile covers less.
        n = pooled.shape[1]
        level = min(1.0, (1 - alpha) * (n + 1) / n)
        lows[:, slot], highs[:, slot] = np.quantile(pooled, [1 - level, level], axis=1)
    leads = np.arange(1, horizon + 1)
    within = np.minimum(leads, test)
    positions = np.searchsorted(grid, within)
    # Linear interpolation between grid leads, for every series at once.
    upper_slot = np.minimum(positions, len(grid) - 1)
    lower_slot = np.maximum(upper_slot - 1, 0)
    span = np.maximum(grid[upper_slot] - grid[lower_slot], 1)
    weight = np.clip((within - grid[lower_slot]) / span, 0.0, 1.0)
    low = lows[:, lower_slot] * (1 - weight) + lows[:, upper_slot] * weight
    high = highs[:, lower_slot] * (1 - weight) + highs[:, upper_slot] * weight
    growth = np.sqrt(np.maximum(leads / test, 1.0))
    # Quantiles can fall on the wrong side of zero for a biased method: keep the point inside.
    return np.minimum(low, 0.0) * growth, np.maximum(high, 0.0) * growth


@dataclass(frozen=True)
class GroupBacktest:
    """Every candidate's backtest and final forecast for a group of alike series.

    ``members`` are the positions of the group's series in the caller's list; arrays are
    indexed (member, candidate, ...) in ``names`` order: ``errors`` (origins, test) are
    actual minus forecast at each origin, ``point`` the forecast from the whole history.
    """

    members: tuple[int, ...]
    period: int | None
    names: tuple[str, ...]
    mae: np.ndarray
    mase: np.ndarray
    errors: np.ndarray
    point: np.ndarray
    test_horizon: int
    notes: tuple[tuple[str, ...], ...]


def backtest_many(
    series: Sequence[RegularSeries],
    horizon: int,
    *,
    methods: Sequence[Method] = DEFAULT_METHODS,
    combine: int = DEFAULT_COMBINE,
    max_origins: int = MAX_ORIGINS,
    shifts: bool = True,
    daily_naive: bool | None = None,
) -> list[GroupBacktest]:
    """Backtest every candidate on every series, in groups of equal length, step and period.

    Series too short to backtest are left out (``forecast_many`` gives them a fallback).
    ``daily_naive`` (default ``DEFAULT_DAILY_NAIVE``) adds seasonal naive at the calendar
    period to the candidates of a series with no detected season.
    """
    if daily_naive is None:
        daily_naive = DEFAULT_DAILY_NAIVE
    results = []
    for members, period, history in _groups(series):
        notes: list[list[str]] = [list(series[m].notes) for m in members]
        if shifts:
            history, found = remove_level_shifts(history, period)
            for row, (member, row_shifts) in enumerate(zip(members, found, strict=True)):
                source = series[member]
                for shift in row_shifts:
                    notes[row].append(
                        f"level shift of {shift.size:+.4g} at "
                        f"{source.format_timestamp(source.index[shift.position])}: "
                        "earlier history moved to the new level"
                    )
        plan = plan_backtest(history.shape[1], horizon, period, max_origins)
        if plan is None or not plan.origins:
            continue
        daily = _too_short_for_days(series[members[0]].step, history.shape[1])
        if daily is not None:
            for row_notes in notes:
                row_notes.append(daily)
        pool = list(methods)
        # MSTL models every calendar season that fits twice (daily and weekly): it adds
        # something where that is not just the one season the other methods already remove
        # (two seasons, or a weak one the autocorrelation test did not accept).
        seasons = tuple(candidate_periods(series[members[0]].step, history.shape[1], 2))
        if seasons and seasons != (period,):
            pool.append(mstl(seasons))
        if daily_naive and period is None and seasons:
            # Right after the default: the simplest challenger, first on a near tie.
            pool.insert(1, calendar_naive(seasons[0]))
        results.append(
            _backtest_group(members, period, history, plan, horizon, pool, combine, notes)
        )
    return results


def _too_short_for_days(step: pd.Timedelta, length: int) -> str | None:
    """A note when sub-daily samples cover too few days to learn the daily cycle from."""
    per_day = pd.Timedelta(days=1) / step
    if per_day < 2 or length >= MIN_CYCLES * per_day:
        return None
    return (
        f"history covers {length / per_day:.1f} days, fewer than {MIN_CYCLES}: "
        "no daily cycle modelled"
    )


def _groups(
    series: Sequence[RegularSeries],
) -> list[tuple[tuple[int, ...], int | None, np.ndarray]]:
    """(members, period, history matrix) per group of equal length, step and period."""
    by_shape: dict[tuple[int, float], list[int]] = defaultdict(list)
    for position, item in enumerate(series):
        by_shape[(len(item), item.step_seconds)].append(position)
    groups = []
    for members in by_shape.values():
        history = np.vstack([series[i].values for i in members])
        periods = detect_periods(history, series[members[0]].step)
        by_period: dict[int | None, list[int]] = defaultdict(list)
        for row, period in enumerate(periods):
            by_period[period].append(row)
        for period, rows in by_period.items():
            groups.append((tuple(members[r] for r in rows), period, history[rows]))
    return groups


def _backtest_group(
    members: tuple[int, ...],
    period: int | None,
    history: np.ndarray,
    plan: BacktestPlan,
    horizon: int,
    methods: Sequence[Method],
    combine: int,
    notes: list[list[str]],
) -> GroupBacktest:
    count, test = history.shape[0], plan.horizon
    origins = len(plan.origins)
    predicted = np.empty((count, len(methods), origins, test))
    actual = np.empty((count, origins, test))
    scales = np.empty((count, origins))
    for slot, origin in enumerate(plan.origins):
        actual[:, slot] = history[:, origin : origin + test]
        scales[:, slot] = _naive_scale(history[:, :origin], period)
        for index, method in enumerate(methods):
            predicted[:, index, slot] = method.predict(history[:, :origin], test, period)
    point = np.stack([m.predict(history, horizon, period) for m in methods], axis=1)
    names = [m.name for m in methods]
    mae, mase = _scores(actual[:, None] - predicted, scales)
    if combine >= 2 and len(methods) >= combine:
        # The median of each series' best methods: robust when the best single one is a
        # matter of luck. Its members are picked on the same backtest it is scored on.
        top = np.argsort(mase, axis=1, kind="stable")[:, :combine]
        chosen = np.take_along_axis(predicted, top[:, :, None, None], axis=1)
        combined = np.median(chosen, axis=1)
        final = np.median(np.take_along_axis(point, top[:, :, None], axis=1), axis=1)
        predicted = np.concatenate([predicted, combined[:, None]], axis=1)
        point = np.concatenate([point, final[:, None]], axis=1)
        combo_mae, combo_mase = _scores((actual - combined)[:, None], scales)
        mae = np.column_stack([mae, combo_mae])
        mase = np.column_stack([mase, combo_mase])
        names.append(COMBINATION)
        for row in range(count):
            members_text = ", ".join(names[i] for i in top[row])
            notes[row].append(f"{COMBINATION}: median of {members_text}")
    if test < horizon:
        for row in range(count):
            notes[row].append(
                f"history allows a backtest of {test} of the {horizon} steps: "
                "intervals past that widen with the square root of the lead"
            )
    return GroupBacktest(
        members=members,
        period=period,
        names=tuple(names),
        mae=mae,
        mase=mase,
        errors=actual[:, None] - predicted,
        point=point,
        test_horizon=test,
        notes=tuple(tuple(n) for n in notes),
    )


def _scores(errors: np.ndarray, scales: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean absolute error and mean MASE over origins, (series, candidates); non-finite
    scores become infinitely bad so they are never chosen."""
    absolute = np.abs(errors)
    mae = absolute.mean(axis=(2, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant series: handled below
        # Each origin is scaled by the series' own noise before it, so every origin counts alike.
        mase = np.nanmean(absolute.mean(axis=3) / scales[:, None, :], axis=2)
    # A series with no naive error (constant) has no MASE: compare on MAE instead.
    mase = np.where(np.isfinite(scales).any(axis=1)[:, None], mase, mae)
    return np.where(np.isfinite(mae), mae, np.inf), np.where(np.isfinite(mase), mase, np.inf)


def forecast_series(
    series: RegularSeries,
    horizon: int,
    *,
    coverage: float = DEFAULT_COVERAGE,
    methods: Sequence[Method] = DEFAULT_METHODS,
    margin: float = DEFAULT_MARGIN,
    combine: int = DEFAULT_COMBINE,
) -> SeriesForecast:
    """Forecast one series ``horizon`` steps ahead; see ``forecast_many``."""
    return forecast_many(
        [series], horizon, coverage=coverage, methods=methods, margin=margin, combine=combine
    )[0]


def forecast_many(
    series: Sequence[RegularSeries],
    horizon: int,
    *,
    coverage: float = DEFAULT_COVERAGE,
    methods: Sequence[Method] = DEFAULT_METHODS,
    floor_at_zero: bool | None = None,
    margin: float = DEFAULT_MARGIN,
    combine: int = DEFAULT_COMBINE,
    max_origins: int = MAX_ORIGINS,
) -> list[SeriesForecast]:
    """Forecast every series ``horizon`` steps ahead, each with the method its backtest picks.

    ``methods[0]`` is the default, replaced only by a candidate whose mean backtest MASE is
    lower by more than ``margin`` (a share of the default's). ``combine`` best methods of
    each series also compete as their median (0: no combination).

    ``coverage`` is the central interval's target probability (0.8: 80% of future values
    inside). Forecasts and bounds are kept at or above zero for a series that never went
    below zero (``floor_at_zero=None``), since utilisation, counts and runtimes cannot.
    Raises ``ForecastError`` for a horizon < 1 or a coverage outside (0, 1).
    """
    if horizon < 1:
        raise ForecastError(f"horizon must be at least 1 step, got {horizon}")
    if not 0 < coverage < 1:
        raise ForecastError(f"coverage must be between 0 and 1, got {coverage}")
    results: list[SeriesForecast | None] = [None] * len(series)
    groups = backtest_many(
        series, horizon, methods=methods, combine=combine, max_origins=max_origins
    )
    for group in groups:
        for member, result in zip(
            group.members, finish_group(group, series, coverage, margin, floor_at_zero), strict=True
        ):
            results[member] = result
    left = [i for i, r in enumerate(results) if r is None]
    if left:
        for member, result in zip(
            left,
            _fallback([series[i] for i in left], horizon, coverage, floor_at_zero),
            strict=True,
        ):
            results[member] = result
    return [r for r in results if r is not None]


def finish_group(
    group: GroupBacktest,
    series: Sequence[RegularSeries],
    coverage: float,
    margin: float,
    floor_at_zero: bool | None = None,
) -> list[SeriesForecast]:
    """Choose each member's candidate and build its forecast with conformal intervals."""
    count = len(group.members)
    chosen = np.array([choose_method(group.mase[row], margin) for row in range(count)], dtype=int)
    rows = np.arange(count)
    point = group.point[rows, chosen]
    low, high = interval_offsets(group.errors[rows, chosen], point.shape[1], coverage)
    results = []
    for row, member in enumerate(group.members):
        scores = sorted(
            (
                MethodScore(name, float(group.mae[row, i]), float(group.mase[row, i]))
                for i, name in enumerate(group.names)
            ),
            key=lambda s: s.mase,
        )
        name = group.names[chosen[row]]
        # Which methods the combination holds matters only where it was chosen.
        notes = [
            n
            for n in group.notes[row]
            if name == COMBINATION or not n.startswith(f"{COMBINATION}: ")
        ]
        results.append(
            _assemble(
                series[member],
                name,
                point[row],
                point[row] + low[row],
                point[row] + high[row],
                coverage,
                group.period,
                tuple(scores),
                group.test_horizon,
                floor_at_zero,
                tuple(notes),
            )
        )
    return results


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
    notes: tuple[str, ...],
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
        notes=notes,
    )


def _fallback(
    batch: Sequence[RegularSeries],
    horizon: int,
    coverage: float,
    floor_at_zero: bool | None,
) -> list[SeriesForecast]:
    """Too short to test anything: the last value, with the spread of recent changes."""
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + coverage / 2))
    leads = np.sqrt(np.arange(1, horizon + 1))
    results = []
    for source in batch:
        history = source.values
        spread = float(np.std(np.diff(history))) if len(history) > 2 else 0.0
        value = np.full(horizon, history[-1])
        note = (
            f"short history ({len(history)} points): too short to backtest; "
            "last value with the spread of recent changes"
        )
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
                (*source.notes, note),
            )
        )
    return results

"""Choose a method per series by backtest, forecast, and attach calibrated intervals.

Only these forecasts compete for a series: seasonal naive (the default), a straight line
(plus the season, if one was detected, and without it), the seasonal median (the median of
the same phase over the last 14 cycles) and a combination, the median of seasonal naive,
damped ETS and Theta (and MSTL where two calendar seasons fit). Both baselines are in the
pool verbatim, so a series where one of them is right gets it; the seasonal median is what
minimises absolute error on spiky series (a user's busy processors, zero most hours, where a
burst yesterday says little about today); the combination is the M4 lesson that the median
of a few simple methods is rarely much worse than the best of them, while choosing the best
single method per series from a short backtest often picks a lucky one.

Each candidate forecasts from up to ``MAX_ORIGINS`` origins one horizon apart (rolling
origin, test windows exactly as long as the forecast asked for when the history allows).
Its score is the median over origins of the per-origin MASE: one freak day (a burst in a
spiky series) does not decide. A challenger replaces seasonal naive only when its score is
lower by more than ``DEFAULT_MARGIN`` (``INTERMITTENT_MARGIN`` for a series that is zero a
fifth of the time or more) and it is better on at least ``DEFAULT_WIN_SHARE`` of the
origins; so a series where nothing beats seasonal naive clearly gets seasonal naive.
``choose_method`` can also default to the better backtested of the two baselines and grow
the margin when the backtest holds few separate trials, score candidates by their
geometric mean ratio to the default per origin, and average a challenger with the default
it beat when the backtest favoured it on only some origins (``finish_group``'s ``blend``),
and require a challenger to pass a Diebold-Mariano test against the default
(``significance``); all were measured leave-one-source-out (bench/forecast_outside.py
--variants) and are off, since none improved a held-out source.

The same backtest errors of the chosen candidate give the interval (split conformal): at
each lead time, the split-conformal quantiles of its errors at similar lead times (the
level raised for a finite sample, ``(1 - a)(n + 1) / n``; counting origins, single leads,
errors scaled by the square root of the lead, trials only when there are few, or all
leads pooled, was measured and not chosen). Below five separate trials (a daily series of
a few weeks) a challenger's interval is widened to the default's where that is wider: the
challenger won on little evidence, and its few errors understate its spread (daily series
69% covered without this, 77% with). Intervals built this way are as wide as the method's
real mistakes on this series, not as a model's assumptions say; beyond the backtested lead
times they widen with the square root of time.

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

from resync_analytics.forecasting.models import (
    DEFAULT_METHODS,
    SEASONAL_NAIVE,
    STRAIGHT_LINE,
    STRAIGHT_LINE_NO_SEASON,
    Method,
    calendar_naive,
    mstl,
    seasonal_median,
)
from resync_analytics.forecasting.seasonality import MIN_CYCLES, candidate_periods, detect_periods
from resync_analytics.forecasting.series import RegularSeries
from resync_analytics.forecasting.shifts import remove_level_shifts

DEFAULT_COVERAGE = 0.8
# Whole-horizon origins whose errors feed selection and the conformal interval, at most: as
# many as the history allows up to this. On spiky hourly job series five daily origins let a
# lucky challenger win (one quiet week decides). Among 5, 10 and 20, leave-one-source-out
# over the NAB CPU series and the hourly and daily job-trace series (bench/forecast_outside.py
# --variants, ties to fewer): 20 on both folds that hold the hourly series; the fold without
# them cannot tell 20 from 10 and takes 5 (hourly held out 1.966 against 1.864 with 20).
MAX_ORIGINS = 20
# How the conformal interval counts its sample (``interval_offsets``): "errors" pooled, the
# "origins" they come from, each "lead" alone, errors "scaled" by the square root of their
# lead and pooled over all leads, "few": trials below ``FEW_TRIALS`` of them, else pooled
# errors, "all": every lead's errors in one quantile pair, or "envelope": pooled errors, and
# below ``FEW_TRIALS`` trials the outer envelope of the chosen method's offsets and the
# default's (a challenger chosen on three weeks borrows the baseline's spread); and whether
# offsets may not narrow with the lead. Chosen leave-one-source-out for the shipped
# selection (bench/forecast_outside.py --variants) as the rule whose coverage on each of
# the other sources is nearest 80% on average (a pooled figure let the hourly series' 86%
# excuse the daily series' 69%): "envelope" on the NAB and hourly folds and on 12 of 18
# series folds ("few" on 5), "all" on the daily fold (the others cannot tell the envelope
# from pooled errors). The envelope is pooled errors wherever the backtest holds five trials
# or more (NAB 81%, hourly 86%, unchanged) and takes the daily series from 69% to 77%.
INTERVAL_SAMPLES = ("errors", "origins", "lead", "scaled", "few", "all", "envelope")
# Below this many separate backtest trials, the "few" sample counts trials instead of errors
# (a week's seven errors move together: three weeks are three trials, not 21 errors).
FEW_TRIALS = 5.0
INTERVAL_SAMPLE = "envelope"
INTERVAL_WIDENS = False
# Origins for a backtest shorter than 8 steps (short horizons or histories): more of them,
# since each gives few errors to take quantiles from.
SHORT_TEST_ORIGINS = 10
# A challenger's median backtest MASE must be below seasonal naive's by this share, and it
# must beat seasonal naive on at least this share of the origins, to replace it. Both chosen
# by leave-one-series-out over the NAB CPU series (bench/forecast.py), never per series.
DEFAULT_MARGIN = 0.1
DEFAULT_WIN_SHARE = 0.5
# An intermittent series (zero at least this share of the time: a user's busy processors,
# jobs started per hour) needs this margin instead: its bursts make every backtest origin a
# lottery, and a challenger 10% ahead over a few origins was as often behind the next day.
# Chosen on the NAB CPU series and the hourly and daily job-trace series: any share from 0.1
# to 0.3 does the same there (bench/forecast_outside.py --variants).
INTERMITTENT_ZEROS = 0.2
INTERMITTENT_MARGIN = 0.2
# How the per-origin MASEs of a candidate become its score: "median", "mean" or "worst".
# Chosen the same way: the median, since one freak day (a burst in a spiky series, the one
# origin a method was lucky on) moves a mean and decides a worst case.
STATISTICS = ("median", "mean", "worst")
DEFAULT_STATISTIC = "median"
# Selection may also score a candidate by its geometric mean ratio to the default over the
# origins ("ratio"): each origin's error relative to the default's at the same origin, so a
# hard week (every method bad) weighs no more than an easy one. Chosen leave-one-source-out
# over NAB and the hourly and daily job-trace series on no fold (bench/forecast_outside.py
# --variants), on 2 of 18 leave-one-series-out folds, and not on NAB alone (bench/forecast.py);
# it wins only where 150 synthetic series outvote the real ones, and then costs NAB held
# out 0.960 against 0.762: so the median stays.
CHOICE_STATISTICS = (*STATISTICS, "ratio")
# MASE added to both sides of a per-origin ratio, so an origin the default got exactly right
# (a zero hour of a spiky series) does not divide by zero; its disasters still weigh.
RATIO_FLOOR = 0.05
# How a chosen challenger is mixed with the default it beat: "off", not at all; "half", the
# mean of the two unless the challenger won every backtest origin; "weighted", weights
# inverse to their backtest scores; "evidence", the challenger weighted by the share of
# origins it won (a 6-of-10 winner keeps 40% of the default). Averaging is the M4 lesson
# for weak evidence: the mean of two forecasts is never worse than the worse of them. Only
# the fold holding out NAB chooses a blend ("evidence"), and NAB held out then gets 0.785
# and 1 of 4 series behind, against 0.762 and none without: so no blend.
BLEND_RULES = ("off", "half", "weighted", "evidence")
DEFAULT_BLEND = "off"
# The default a challenger must beat: "naive", seasonal naive, or "better", the better in
# the backtest of the two baselines every forecast must not lose to (seasonal naive and the
# bare straight line); and the backtest trials below which the margin grows
# (``few_origins_margin``; 0, never). Offered because short daily histories lost to their
# better baseline, and measured leave-one-source-out over the NAB CPU series and the hourly
# and daily job-trace series (bench/forecast_outside.py --variants): no fold chooses the
# better baseline as the default, and the growing margin only the fold where it changes
# nothing held out, so both stay off.
BASELINE_RULES = ("better", "naive")
DEFAULT_BASELINE = "naive"
BASELINES = (SEASONAL_NAIVE.name, STRAIGHT_LINE_NO_SEASON.name)
MARGIN_ORIGINS = 0
# Leaving the default may also need a significance test (``choose_method``'s
# ``significance``): the one-sided Diebold-Mariano test of the per-origin MASE differences
# between the default and a challenger, with the Harvey-Leybourne-Newbold small-sample
# correction and Student's t; a challenger qualifies only when its p-value is below this
# level (0: no test). At 5% or 20% chosen on no fold, by source or by series
# (bench/forecast_outside.py --variants --more): the test is of the mean loss difference,
# and NAB's challengers win by the median with the odd bad day, so the gate keeps seasonal
# naive there (NAB 0.946 against 0.762 at any level up to 50%).
DEFAULT_SIGNIFICANCE = 0.0
# A candidate must beat a simpler one by more than this share of its score to be chosen
# over it (the straight line before the combination).
TIE_MARGIN = 0.02
MIN_TRAIN = 10
COMBINATION = "combination"
SEASONAL_MEDIAN = "seasonal_median"
# The combination's members, where the pool has them: simple methods that fail differently.
COMBINATION_MEMBERS = ("seasonal_naive", "ets_damped", "theta", "mstl")
# What selection may return; the other methods only feed the combination.
SELECTABLE = (
    SEASONAL_NAIVE.name,
    STRAIGHT_LINE.name,
    STRAIGHT_LINE_NO_SEASON.name,
    COMBINATION,
    SEASONAL_MEDIAN,
)


class ForecastError(ValueError):
    """A forecast was asked for with unusable parameters (e.g. a non-positive horizon)."""


@dataclass(frozen=True)
class MethodScore:
    """How a method did in the backtest of one series: ``mae`` over all origins, ``mase``
    the median over origins of each origin's MASE (what selection compares)."""

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

    @property
    def trials(self) -> float:
        """How many separate trials of the horizon the origins are: their count when they are
        a whole window apart, fewer when their windows overlap (short tests)."""
        if not self.origins:
            return 0.0
        span = max(self.origins) - min(self.origins) + self.horizon
        return float(min(len(self.origins), span / self.horizon))


def plan_backtest(
    length: int,
    horizon: int,
    period: int | None,
    max_origins: int = MAX_ORIGINS,
    short_origins: int = SHORT_TEST_ORIGINS,
) -> BacktestPlan | None:
    """Origins for a rolling-origin backtest of a series of ``length``; None if too short.

    The test window is the horizon (half the usable history at most); origins go back one
    window at a time, at most ``max_origins``, each with at least ``MIN_TRAIN`` steps, two
    cycles of a season and one test window of history before it (a line through 10 points
    says nothing about the next 250). A test shorter than 8 steps takes up to
    ``short_origins`` origins, overlapping where the history is short.
    """
    min_train = max(MIN_TRAIN, 2 * (period or 0))
    available = length - min_train
    if available < 2:
        return None
    test = max(1, min(horizon, available // 2))
    min_train = max(min_train, test)
    spare = length - min_train - test
    if test >= 8:
        # Whole test windows apart, so each origin is a separate trial of the horizon.
        count = min(max_origins, spare // test + 1)
        stride = test
    else:
        # Short tests get more origins (errors to estimate quantiles from), spread over at
        # least a quarter cycle each so they see different times of day.
        count = min(max(1, short_origins), spare + 1)
        spacing = max(1, test, (period or 0) // 4)
        stride = max(1, min(spacing, spare // max(1, count - 1)))
    origins = tuple(length - test - j * stride for j in range(count))
    return BacktestPlan(origins=tuple(o for o in origins if o >= min_train), horizon=test)


def origin_scores(per_origin: np.ndarray, statistic: str = DEFAULT_STATISTIC) -> np.ndarray:
    """The selection score of each candidate: by default the median over origins of its MASE.

    ``per_origin`` is (..., candidates, origins); ``statistic`` one of ``STATISTICS``.
    Non-finite origins are ignored and a candidate with none finite scores infinity (never
    chosen).
    """
    if statistic not in STATISTICS:
        raise ForecastError(f"statistic must be one of {STATISTICS}, got {statistic!r}")
    usable = np.where(np.isfinite(per_origin), per_origin, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN candidate: inf below
        if statistic == "median":
            score = np.nanmedian(usable, axis=-1)
        elif statistic == "mean":
            score = np.nanmean(usable, axis=-1)
        else:
            score = np.nanmax(usable, axis=-1)
    return np.where(np.isfinite(score), score, np.inf)


def few_origins_margin(
    margin: float, origins: float, margin_origins: int = MARGIN_ORIGINS
) -> float:
    """The margin a challenger needs over ``origins`` backtest trials: ``margin`` from
    ``margin_origins`` on, and ``sqrt(margin_origins / origins)`` times it below (the noise
    of a median over n origins shrinks like ``1 / sqrt(n)``). ``margin_origins`` 0: never
    grows."""
    if margin_origins <= 0 or origins >= margin_origins:
        return margin
    return margin * float(np.sqrt(margin_origins / max(origins, 1.0)))


def default_position(scores: np.ndarray, baselines: Sequence[int] = (0,)) -> int:
    """The baseline (candidate index among ``baselines``) with the lowest score, the first
    on a tie: what a forecast is unless a challenger beats it."""
    candidates = [int(b) for b in baselines] or [0]
    return candidates[int(np.argmin(np.asarray(scores)[candidates]))]


def choose_method(
    per_origin: np.ndarray,
    margin: float = DEFAULT_MARGIN,
    win_share: float = DEFAULT_WIN_SHARE,
    eligible: np.ndarray | None = None,
    statistic: str = DEFAULT_STATISTIC,
    baselines: Sequence[int] = (0,),
    margin_origins: int = 0,
    trials: float | None = None,
    significance: float = DEFAULT_SIGNIFICANCE,
) -> int:
    """Index of the candidate to use given its MASE at each origin (candidates, origins).

    The default is the baseline (``baselines``: candidate indices, the first preferred on a
    tie) with the lowest ``origin_scores`` (by ``statistic``). A challenger (``eligible``,
    default all) qualifies when its score is below ``(1 - m)`` times the default's and it
    beats the default on at least ``win_share`` of the origins, ``m`` being ``margin`` grown
    for few origins as ``few_origins_margin`` says (``margin_origins``; 0: not grown), counting
    ``trials`` origins (default: the default's finite ones; overlapping test windows are fewer
    trials than origins); the best qualifying one wins, and among those within ``TIE_MARGIN``
    of it, the first (simplest). Non-finite scores never win. With ``significance`` above 0
    a challenger must also beat the default in the ``diebold_mariano`` test at that level.
    """
    per_origin = np.asarray(per_origin, dtype=float)
    if per_origin.ndim == 1:
        per_origin = per_origin[:, None]
    if statistic not in CHOICE_STATISTICS:
        raise ForecastError(f"statistic must be one of {CHOICE_STATISTICS}, got {statistic!r}")
    scores = origin_scores(per_origin, DEFAULT_STATISTIC if statistic == "ratio" else statistic)
    allowed = np.ones(len(scores), bool) if eligible is None else np.asarray(eligible, bool)
    first = default_position(scores, baselines)
    default = per_origin[first]
    if statistic == "ratio":
        scores = ratio_scores(per_origin, first)
    tried = float(np.isfinite(default).sum()) if trials is None else trials
    margin = few_origins_margin(margin, tried, margin_origins)
    with np.errstate(invalid="ignore"):
        wins = np.mean(per_origin < np.where(np.isfinite(default), default, np.inf), axis=1)
    qualifies = allowed & np.isfinite(scores) & (wins >= win_share)
    if np.isfinite(scores[first]):
        qualifies &= scores < scores[first] * (1 - margin)
    qualifies[first] = False
    if significance > 0 and qualifies.any():
        # Overlapping test windows (fewer trials than origins) are autocorrelated losses.
        lag = int(np.ceil(np.isfinite(default).sum() / tried)) if tried > 0 else 1
        qualifies &= diebold_mariano(per_origin, first, max(1, lag)) < significance
    if not qualifies.any():
        return first
    best = float(scores[qualifies].min())
    return int(np.flatnonzero(qualifies & (scores <= best * (1 + TIE_MARGIN)))[0])


def ratio_scores(per_origin: np.ndarray, default: int) -> np.ndarray:
    """Each candidate's geometric mean over origins of its MASE relative to candidate
    ``default``'s at the same origin (both floored by ``RATIO_FLOOR``); the default scores 1,
    a candidate with no finite origin infinity."""
    per_origin = np.asarray(per_origin, dtype=float)
    base = per_origin[default]
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.log(per_origin + RATIO_FLOOR) - np.log(base + RATIO_FLOOR)
    usable = np.isfinite(logs) & np.isfinite(base)
    counted = usable.sum(axis=-1)
    total = np.where(usable, logs, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.exp(total / counted)
    # A candidate infinite where the default was finite never wins.
    broken = (~np.isfinite(per_origin) & np.isfinite(base)).any(axis=-1)
    return np.where((counted > 0) & ~broken, score, np.inf)


def diebold_mariano(per_origin: np.ndarray, default: int, lag: int = 1) -> np.ndarray:
    """One-sided p-value, per candidate, that it beats candidate ``default`` (lower loss over
    the origins of ``per_origin``, (candidates, origins)): the Diebold-Mariano statistic over
    the origins both have finite, its variance from autocovariances up to ``lag - 1`` (the
    origins whose test windows overlap), corrected for small samples as Harvey, Leybourne
    and Newbold (1997) say and read against Student's t with n - 1 degrees of freedom. A
    candidate with fewer than three shared origins gets 1; one whose differences have no
    spread, 0 if they favour it and 1 if not."""
    from scipy.stats import t as student

    per_origin = np.asarray(per_origin, dtype=float)
    base = per_origin[default]
    p_values = np.ones(len(per_origin))
    for row, losses in enumerate(per_origin):
        if row == default:
            continue
        usable = np.isfinite(losses) & np.isfinite(base)
        d = base[usable] - losses[usable]
        n = d.size
        if n < 3:
            continue
        mean = float(d.mean())
        centred = d - mean
        h = max(1, min(int(lag), n - 1))
        variance = float(centred @ centred) / n
        for k in range(1, h):
            variance += 2.0 * float(centred[k:] @ centred[:-k]) / n
        if variance <= 0:
            variance = float(centred @ centred) / n
        if variance <= 0:
            p_values[row] = 0.0 if mean > 0 else 1.0
            continue
        statistic = mean / np.sqrt(variance / n)
        correction = np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
        p_values[row] = float(student.sf(statistic * correction, n - 1))
    return p_values


def blend_weight(chosen: np.ndarray, default: np.ndarray, rule: str = DEFAULT_BLEND) -> float:
    """The weight of the default in the forecast, given the per-origin MASE of the chosen
    challenger and of the default it beat (``BLEND_RULES``); 0 for the default itself."""
    if rule not in BLEND_RULES:
        raise ForecastError(f"blend rule must be one of {BLEND_RULES}, got {rule!r}")
    if rule == "off":
        return 0.0
    with np.errstate(invalid="ignore"):
        won = float(np.mean(chosen < np.where(np.isfinite(default), default, np.inf)))
    if rule == "half":
        return 0.5 if won < 1 else 0.0
    if rule == "evidence":
        return 1.0 - won
    mine, theirs = origin_scores(np.stack([chosen, default]))
    if np.isfinite(mine + theirs) and mine + theirs > 0:
        return float(mine / (mine + theirs))
    return 0.0


def baseline_positions(names: Sequence[str], which: str = DEFAULT_BASELINE) -> tuple[int, ...]:
    """Positions in ``names`` of the candidates a forecast defaults to: seasonal naive alone
    (``"naive"``) or, for ``"better"``, seasonal naive and the bare straight line, the better
    of which in the backtest is the default."""
    if which not in BASELINE_RULES:
        raise ForecastError(f"baseline rule must be one of {BASELINE_RULES}, got {which!r}")
    wanted = BASELINES if which == "better" else BASELINES[:1]
    return tuple(names.index(name) for name in wanted if name in names) or (0,)


def is_intermittent(values: np.ndarray) -> bool:
    """Whether a series is zero at least ``INTERMITTENT_ZEROS`` of the time."""
    return bool(len(values)) and float(np.mean(values == 0)) >= INTERMITTENT_ZEROS


def _naive_scale(history: np.ndarray, period: int | None) -> np.ndarray:
    lag = period or 1
    diffs = np.abs(history[:, lag:] - history[:, :-lag])
    scale = diffs.mean(axis=1) if diffs.shape[1] else np.zeros(history.shape[0])
    return np.where(scale > 0, scale, np.nan)


def _lead_bands(test: int) -> np.ndarray:
    grid = np.unique(np.round(np.geomspace(1, test, num=min(test, 24))).astype(int))
    return grid


def interval_offsets(
    errors: np.ndarray,
    horizon: int,
    coverage: float,
    sample: str = INTERVAL_SAMPLE,
    widen: bool = INTERVAL_WIDENS,
    trials: float | None = None,
    default_errors: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper offsets (series, horizon) from backtest ``errors`` (series, o, test).

    At lead ``h`` the quantiles pool the errors at leads ``h/1.5 .. 1.5h``; past the tested
    leads the offsets grow with ``sqrt(h / test)``. The quantile level is the split-conformal
    one for ``n`` errors, ``(1 - a)(n + 1) / n``, with ``n`` (``sample``) the pooled errors
    (``"errors"``) or the ``trials`` the origins are (``"origins"``, default their count: the
    errors of one origin move together, so 4 origins are 4 trials, not 28 errors); or
    (``"lead"``) each lead's own errors, one per origin, pooled with no neighbour. With
    ``widen`` the offsets never narrow as the lead grows; without, they may: with origins a
    whole horizon apart a lead is also a time of day, and a quiet hour after a busy one is
    quiet.
    """
    if sample not in INTERVAL_SAMPLES:
        raise ForecastError(f"interval sample must be one of {INTERVAL_SAMPLES}, got {sample!r}")
    count, origins, test = errors.shape
    alpha = (1.0 - coverage) / 2.0
    if sample == "scaled":
        return _scaled_offsets(errors, horizon, alpha)
    if sample == "all":
        return _pooled_offsets(errors, horizon, alpha)
    if sample == "envelope":
        low, high = interval_offsets(errors, horizon, coverage, "errors", widen)
        if default_errors is None or trials is None or trials >= FEW_TRIALS:
            return low, high
        other_low, other_high = interval_offsets(default_errors, horizon, coverage, "errors", widen)
        return np.minimum(low, other_low), np.maximum(high, other_high)
    if sample == "few":
        sample = "origins" if trials is not None and trials < FEW_TRIALS else "errors"
    grid = _lead_bands(test)
    lows = np.empty((count, len(grid)))
    highs = np.empty((count, len(grid)))
    for slot, lead in enumerate(grid):
        first = max(1, int(np.floor(lead / 1.5))) if sample != "lead" else lead
        last = min(test, int(np.ceil(lead * 1.5))) if sample != "lead" else lead
        pooled = errors[:, :, first - 1 : last].reshape(count, -1)
        # Split-conformal finite-sample correction: from n errors the (1-a)(n+1)/n quantile
        # covers a new error with probability 1-a; the plain quantile covers less.
        n = max(1.0, trials or origins) if sample == "origins" else pooled.shape[1]
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
    if widen:
        low, high = np.minimum.accumulate(low, axis=1), np.maximum.accumulate(high, axis=1)
    growth = np.sqrt(np.maximum(leads / test, 1.0))
    # Quantiles can fall on the wrong side of zero for a biased method: keep the point inside.
    return np.minimum(low, 0.0) * growth, np.maximum(high, 0.0) * growth


def _pooled_offsets(
    errors: np.ndarray, horizon: int, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """One conformal quantile pair from every backtest error of every lead, the same at
    each tested lead and growing with ``sqrt(h / test)`` past them."""
    count, _, test = errors.shape
    pooled = errors.reshape(count, -1)
    n = pooled.shape[1]
    level = min(1.0, (1 - alpha) * (n + 1) / n)
    low, high = np.quantile(pooled, [1 - level, level], axis=1)
    growth = np.sqrt(np.maximum(np.arange(1, horizon + 1) / test, 1.0))
    return np.minimum(low, 0.0)[:, None] * growth, np.maximum(high, 0.0)[:, None] * growth


def _scaled_offsets(
    errors: np.ndarray, horizon: int, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """Offsets from every backtest error divided by the square root of its lead, pooled over
    leads and origins (one conformal quantile from all of them), times ``sqrt(h)`` at lead
    ``h``: a random walk's spread, so a few origins still give a quantile from many errors
    and the interval widens with the lead however few errors each lead has."""
    count, _, test = errors.shape
    roots = np.sqrt(np.arange(1, test + 1, dtype=float))
    pooled = (errors / roots).reshape(count, -1)
    n = pooled.shape[1]
    level = min(1.0, (1 - alpha) * (n + 1) / n)
    low, high = np.quantile(pooled, [1 - level, level], axis=1)
    growth = np.sqrt(np.arange(1, horizon + 1, dtype=float))
    return np.minimum(low, 0.0)[:, None] * growth, np.maximum(high, 0.0)[:, None] * growth


@dataclass(frozen=True)
class GroupBacktest:
    """Every candidate's backtest and final forecast for a group of alike series.

    ``members`` are the positions of the group's series in the caller's list; arrays are
    indexed (member, candidate, ...) in ``names`` order: ``errors`` (origins, test) are
    actual minus forecast at each origin, ``per_origin`` the MASE at each origin, ``mae``
    the mean absolute error over all of them, ``mase`` the selection score
    (``origin_scores``), ``point`` the forecast from the whole history; ``trials`` how many
    separate trials of the test window the origins are (``BacktestPlan.trials``).
    """

    members: tuple[int, ...]
    period: int | None
    names: tuple[str, ...]
    mae: np.ndarray
    mase: np.ndarray
    per_origin: np.ndarray
    errors: np.ndarray
    point: np.ndarray
    test_horizon: int
    notes: tuple[tuple[str, ...], ...]
    trials: float = 0.0


def backtest_many(
    series: Sequence[RegularSeries],
    horizon: int,
    *,
    methods: Sequence[Method] = DEFAULT_METHODS,
    max_origins: int = MAX_ORIGINS,
    shifts: bool = True,
    short_origins: int = SHORT_TEST_ORIGINS,
) -> list[GroupBacktest]:
    """Backtest every candidate on every series, in groups of equal length, step and period.

    Series too short to backtest are left out (``forecast_many`` gives them a fallback).
    A series with no detected season gets seasonal naive at the calendar period (yesterday
    for sub-daily steps, last week for daily ones) when two such cycles fit.
    """
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
        plan = plan_backtest(history.shape[1], horizon, period, max_origins, short_origins)
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
        if period is None and seasons:
            # A CPU series whose daily rhythm is too weak for the autocorrelation test
            # still repeats yesterday better than the last value repeats itself.
            pool = [_at_calendar_period(m, seasons[0]) for m in pool]
        results.append(_backtest_group(members, period, history, plan, horizon, pool, notes))
    return results


def _at_calendar_period(method: Method, period: int) -> Method:
    """The seasonal repeats (seasonal naive, seasonal median) at a calendar ``period``."""
    if method.name == SEASONAL_NAIVE.name:
        return calendar_naive(period)
    if method.name == SEASONAL_MEDIAN:
        return seasonal_median(period=period)
    return method


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
    members_at = [i for i, name in enumerate(names) if name in COMBINATION_MEMBERS]
    if len(members_at) >= 3:
        # The median of simple methods that fail differently: never much worse than the
        # best of them, whichever that turns out to be. Fixed members, not the backtest's
        # best ones, so no luck of the backtest goes into it.
        combined = np.median(predicted[:, members_at], axis=1)
        final = np.median(point[:, members_at], axis=1)
        predicted = np.concatenate([predicted, combined[:, None]], axis=1)
        point = np.concatenate([point, final[:, None]], axis=1)
        names.append(COMBINATION)
        members_text = ", ".join(names[i] for i in members_at)
        for row in range(count):
            notes[row].append(f"{COMBINATION}: median of {members_text}")
    if test < horizon:
        for row in range(count):
            notes[row].append(
                f"history allows a backtest of {test} of the {horizon} steps: "
                "intervals past that widen with the square root of the lead"
            )
    errors = actual[:, None] - predicted
    mae, per_origin = _scores(errors, scales)
    return GroupBacktest(
        members=members,
        period=period,
        names=tuple(names),
        mae=mae,
        mase=origin_scores(per_origin),
        per_origin=per_origin,
        errors=errors,
        point=point,
        test_horizon=test,
        trials=plan.trials,
        notes=tuple(tuple(n) for n in notes),
    )


def _scores(errors: np.ndarray, scales: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean absolute error (series, candidates) and MASE at each origin (series, candidates,
    origins); non-finite errors become infinitely bad so they are never chosen."""
    absolute = np.abs(errors).mean(axis=3)
    mae = absolute.mean(axis=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant history: handled below
        # Each origin is scaled by the series' own noise before it, so every origin counts alike.
        per_origin = absolute / scales[:, None, :]
    # An origin with no naive error before it (a constant history) has no MASE: its plain
    # absolute error still says which candidate was right.
    per_origin = np.where(np.isfinite(scales)[:, None, :], per_origin, absolute)
    return np.where(np.isfinite(mae), mae, np.inf), np.where(
        np.isfinite(per_origin), per_origin, np.inf
    )


def forecast_series(
    series: RegularSeries,
    horizon: int,
    *,
    coverage: float = DEFAULT_COVERAGE,
    methods: Sequence[Method] = DEFAULT_METHODS,
    margin: float = DEFAULT_MARGIN,
    win_share: float = DEFAULT_WIN_SHARE,
    statistic: str = DEFAULT_STATISTIC,
) -> SeriesForecast:
    """Forecast one series ``horizon`` steps ahead; see ``forecast_many``."""
    return forecast_many(
        [series],
        horizon,
        coverage=coverage,
        methods=methods,
        margin=margin,
        win_share=win_share,
        statistic=statistic,
    )[0]


def forecast_many(
    series: Sequence[RegularSeries],
    horizon: int,
    *,
    coverage: float = DEFAULT_COVERAGE,
    methods: Sequence[Method] = DEFAULT_METHODS,
    floor_at_zero: bool | None = None,
    margin: float = DEFAULT_MARGIN,
    win_share: float = DEFAULT_WIN_SHARE,
    max_origins: int = MAX_ORIGINS,
    statistic: str = DEFAULT_STATISTIC,
) -> list[SeriesForecast]:
    """Forecast every series ``horizon`` steps ahead, each with the candidate its backtest picks.

    ``methods[0]`` is the default; the straight line and the combination replace it only as
    ``choose_method`` says (``margin``, ``win_share``, ``statistic``).

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
    groups = backtest_many(series, horizon, methods=methods, max_origins=max_origins)
    for group in groups:
        finished = finish_group(
            group, series, coverage, margin, win_share, floor_at_zero, statistic
        )
        for member, result in zip(group.members, finished, strict=True):
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
    margin: float = DEFAULT_MARGIN,
    win_share: float = DEFAULT_WIN_SHARE,
    floor_at_zero: bool | None = None,
    statistic: str = DEFAULT_STATISTIC,
    baseline: str = DEFAULT_BASELINE,
    margin_origins: int = MARGIN_ORIGINS,
    interval_sample: str = INTERVAL_SAMPLE,
    interval_widens: bool = INTERVAL_WIDENS,
    blend: str = DEFAULT_BLEND,
    significance: float = DEFAULT_SIGNIFICANCE,
) -> list[SeriesForecast]:
    """Choose each member's candidate and build its forecast with conformal intervals; a
    chosen challenger is mixed with the default it beat as ``blend`` says (``blend_weight``),
    forecast and backtest errors alike, so the interval is the mixture's own."""
    count = len(group.members)
    eligible = np.array([name in SELECTABLE for name in group.names])
    eligible[0] = True
    baselines = baseline_positions(group.names, baseline)
    margins = [
        max(margin, INTERMITTENT_MARGIN) if is_intermittent(series[member].values) else margin
        for member in group.members
    ]
    chosen = np.array(
        [
            choose_method(
                group.per_origin[row],
                margins[row],
                win_share,
                eligible,
                statistic,
                baselines,
                margin_origins,
                group.trials or None,
                significance,
            )
            for row in range(count)
        ],
        dtype=int,
    )
    rows = np.arange(count)
    defaults = np.array(
        [default_position(group.mase[row], baselines) for row in range(count)], dtype=int
    )
    weights = np.array(
        [
            blend_weight(
                group.per_origin[row, chosen[row]], group.per_origin[row, defaults[row]], blend
            )
            if chosen[row] != defaults[row]
            else 0.0
            for row in range(count)
        ]
    )
    point = (1 - weights[:, None]) * group.point[rows, chosen] + weights[:, None] * group.point[
        rows, defaults
    ]
    errors = (1 - weights[:, None, None]) * group.errors[rows, chosen] + weights[
        :, None, None
    ] * group.errors[rows, defaults]
    low, high = interval_offsets(
        errors,
        point.shape[1],
        coverage,
        interval_sample,
        interval_widens,
        group.trials or None,
        group.errors[rows, defaults],
    )
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
        if weights[row] > 0:
            notes.append(
                f"averaged with {group.names[defaults[row]]} (weight {weights[row]:.2f}): "
                "the backtest did not favour it on every origin"
            )
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

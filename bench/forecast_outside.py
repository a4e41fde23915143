"""Forecast accuracy on series the selection rule was not tuned on: a real job trace.

The rule's thresholds were chosen on the four NAB CPU series (``bench.forecast``). Here it
meets workload series built from the NASA Ames iPSC/860 job trace (``bench.swf_series``):
busy processors, jobs and processor-hours started, and the busy processors of the top
users, per hour and per day. Rolling origin: each of the last ``--hours-origins`` days of the
hourly series is forecast (24 steps) from everything before it, and each of the last
``--day-origins`` weeks of the daily series (7 steps). The product's forecast
(``forecast_series`` as shipped) is compared with the two baselines every forecast must
not lose to: seasonal naive at the calendar period (yesterday for hourly steps, last week
for daily ones) and a straight line through the whole history. Prints MASE (scaled by the
in-sample one-step naive error) per series and origin, the losses to the better baseline and
the 80% interval coverage. The per-origin "better baseline" is the better of the two on that
origin (hindsight no rule has); per series it is the better of their means over origins.

With ``--variants`` it then tries variants of the rule (the challenger pool without the
seasonal median or the bare line, or with the mean of seasonal naive and a line added;
margin; win share; shrinking a challenger toward the default, by half when it did not win
every origin, weighted by the inverse of the two backtest scores, or by the share of
origins it lost; 20, 10 or 5 backtest origins; the share of zeros from which a series gets
the larger intermittent margin; seasonal naive or the mean of seasonal naive and the bare
line as the default a challenger must beat; a margin that grows like ``sqrt(10 / trials)`` below 10
trials, the overlapping origins of a short test counted as the trials they are; candidates
scored by the median MASE over origins or by the geometric mean of their per-origin ratio
to the default), each chosen on the other sources (NAB | the trace, and NAB | hourly |
daily) and reported on the held-out one, beside the shipped rule; then, for the chosen
variant and for the shipped selection, the conformal interval rule (the sample counted as
pooled errors, as trials, as each lead's own errors, as errors scaled by the square root of
their lead, as trials only below five of them, all leads pooled, or pooled errors widened
below five trials to the default's where that is wider, the "envelope"; offsets that may or
may not narrow with the lead), chosen by the other sources' coverage, each source's
nearest 80% on average (pooled over sources, the hourly series' over-coverage excused the
daily series' under-coverage), with every rule's coverage printed per fold. Then the same
choice for each series on all the other series (its own
source's included), reported per source with how often each value was chosen. On a tie
the humbler variant wins, and among origins the one needing less history, so no value wins
a tie for being the shipped one. Values chosen on no fold of the full grid are no longer
tried (the better backtested baseline as the default, the margin growing below 5 or 20
trials, 5 or 7 cycles of the seasonal median). ``--synthetic N`` adds N synthetic daily
series (``bench.forecast_scale``'s generator, another seed) as a fourth source. About 5
minutes on two cores. ``--more`` swaps the blends chosen on no fold, the ratio score and the
mean default for the options measured last: the median of seasonal naive, the line, damped
ETS and Theta as a candidate, as the default, or as the default below five trials; seasonal
naive with drift as a candidate; and a Diebold-Mariano gate (Harvey-Leybourne-Newbold
corrected, at 5% or 20%) on leaving the default. About 8 minutes. ``--fallback`` then
chooses ``bench.forecast_fallback``'s fallback to the better baseline on recent backtest
origins, or shrinkage toward it, on the other sources on top of each fold's variant: held
out NAB 1.085 (1 of 4 behind), hourly 1.963 (2 of 7), daily unchanged (none chosen, 3 of 7),
so none ships (that module says why the daily series lose). ``--tolerance`` chooses, on
each fold, the first variant in tie order within a tolerance of the best on the other
sources (0 to 0.05, the tolerance chosen on those sources alone, each held out of the
other's choice): the daily fold takes 0.005 and the shipped selection with the intermittent
margin from 30% zeros (daily 1.292, 2 of 7 behind, coverage 71%, against 1.272 and 3 of 7),
the NAB and hourly folds take 0 (unchanged: 0.785, 1 of 4; 1.966, 2 of 7): one series fewer
behind in all, at 0.020 MASE on the daily series; the rule shipped is the same.

Measured, held out (NAB | hourly | daily; MASE, series behind their better baseline, 80%
coverage), interval rules chosen by each source's coverage, the envelope interval shipped:
NAB 0.785, 1 of 4, 83%; hourly 1.966, 2 of 7, 82%; daily 1.272, 3 of 7, 71%; one series at
a time: NAB 0.809, 1 of 4, 82%; hourly 1.978, 3 of 7, 85%; daily 1.297, 3 of 7, 80% (the
variant objective's coverage term now sees the envelope's daily coverage, and the series
folds choose other selection variants: more blends and ratio scores); the shipped selection
with its interval rule chosen on the other series: NAB 81%, hourly 86%, daily 81% (the
envelope on 12 of 18 folds, few-trials on 5). The shipped rule: NAB 0.762, 0 of 4, 81%;
hourly 1.864, 0 of 7, 86%; daily 1.292, 2 of 7, 77% (69% with pooled errors).
With ``--more``: the significance gate is chosen on no fold (the shipped rule with it: NAB
0.946 at 5%, 20% or even 50%, since the test is of the mean loss difference and NAB's
challengers win by the median with the odd bad day; daily 4 of 7 behind at 5%); the median
of four as the default gives daily 1.161 but puts a NAB and two hourly series behind, below
five trials only daily 1.281 and 3 of 7 behind; chosen leave-one-source-out: NAB 0.785, 1 of
4; hourly 1.915, 2 of 7 (default the median of four); daily 1.272, 3 of 7 (NAB | trace: the
trace 1.717, 4 of 14, against 1.836, 6 of 14); one series at a time NAB 1.025, 1 of 4, hourly
1.948, 2 of 7, daily 1.284, 3 of 7: a NAB series worse by a quarter MASE, so none of them
ships. Seasonal naive with drift is chosen on one series fold.
Before the envelope and the per-source interval choice (pooled errors, the rule chosen by
the pooled coverage): NAB 0.785, 1 of 4, 85%; hourly 1.966, 2 of 7, 90%; daily 1.272, 3 of
7, 68% (before the blend by evidence, the ratio score and the scaled and few-trials intervals were
offered: NAB 0.762, 0 of 4, 81%, the rest alike). One series at a time: NAB 0.781, 0 of 4,
85%; hourly 1.936, 2 of 7, 82%; daily 1.272, 3 of 7, 68%. The shipped rule: NAB 0.762, 0 of
4, 81%; hourly 1.864, 0 of 7, 86%; daily 1.292, 2 of 7, 69%. Every new option was chosen
somewhere and none helped where it was: the blend by evidence only on the fold holding out
NAB, which it costs 0.023 MASE and a series behind; the ratio score on 2 of 18 series
folds, and with 150 synthetic series as a fourth source (which then outvote the real ones
in every fold) on every real fold, where NAB held out falls to 0.960; the scaled interval on
the NAB and daily folds (daily 66-68%). The few-trials interval gives the shipped selection
81%, 84% and 86% held out, all inside 70-90%, but no fold chose it by the pooled coverage,
its coverage on the other sources being 83-85% against 80-83% for the rules chosen. The mean
of the two baselines as the default is chosen on no fold, by source or by series.
What the daily series lose on: three held-out weeks per series, and a backtest of ten 7-day
windows two days apart (under four separate weeks) that points the wrong way between
comparable methods (the line chosen at 0.48 against seasonal naive's 0.74, then behind it
the next week; seasonal naive kept at 0.80 against the line's 0.79, then 1.56 against 0.55).
No generic remedy measured here helps held out: the better backtested baseline as the
default is chosen on no fold (with a margin growing below 10 trials, the rule as shipped
otherwise gives NAB 0.789, hourly 1.992, daily 1.348); the growing margin is chosen only
where it changes nothing held out (NAB); shrinking toward the default, by half or weighted
by backtest error, is never chosen. Nor did any interval rule chosen on the pooled coverage of
the others bring the daily coverage into 70-90%: the fold without the daily series kept
pooled errors (others 85%, daily 69%); counting trials covers the daily weeks (86%) but 98%
of NAB's days;
each lead's own errors give NAB 86%, hourly 75%, daily 71%, but is nearer 80% on no fold's
other sources. The 14 cycles of the seasonal median are chosen on every fold, although a tie
would go to fewer. 20 origins are chosen on every fold that holds the hourly series; the
fold without them cannot tell 20 from 10 (NAB has about 10 whole days to backtest, daily
tests are short and take 10 overlapping origins whatever the cap) and takes 5, which costs
the hourly series 1.966 against 1.864 for 20: the 20 remains a choice only the hourly series
support. The shipped zero share (0.2) is inside the range (0.1 to 0.3) that gives the hourly
series their best figures. The bare line in the pool is not a LOSO choice: it changes
nothing on NAB (a tie), and was added because it is the baseline itself. Why the hourly
series lost before the seasonal median and the intermittent margin (2.117, 5 of 7): five
daily origins of a spiky series let a challenger that happened to win three of them replace
seasonal naive, and neither baseline is what minimises absolute error for a series that is
zero most hours with bursts on top, the median of the same hour over many days is.

    .venv/bin/python -m bench.forecast_outside [--trace ../shared/data/swf/....swf.gz]
        [--variants [--nab ../shared/data/nab]]
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.forecast import TIE, mase, straight_line
from bench.forecast_scale import as_series, synthetic
from bench.swf_series import DEFAULT_TRACE, load
from resync_analytics.forecasting import (
    RegularSeries,
    SeriesForecast,
    forecast_many,
    read_series_csv,
    regularise,
)
from resync_analytics.forecasting.models import (
    DEFAULT_METHODS,
    DRIFT,
    MEDIAN_CYCLES,
    Method,
    seasonal_median_values,
    seasonal_naive,
)
from resync_analytics.forecasting.seasonality import candidate_periods
from resync_analytics.forecasting.select import (
    BLEND_RULES,
    DEFAULT_BASELINE,
    DEFAULT_BLEND,
    DEFAULT_MARGIN,
    DEFAULT_SIGNIFICANCE,
    DEFAULT_STATISTIC,
    DEFAULT_WIN_SHARE,
    FEW_TRIALS,
    INTERMITTENT_MARGIN,
    INTERMITTENT_ZEROS,
    INTERVAL_SAMPLE,
    INTERVAL_SAMPLES,
    INTERVAL_WIDENS,
    MARGIN_ORIGINS,
    MAX_ORIGINS,
    SELECTABLE,
    SHORT_TEST_ORIGINS,
    backtest_many,
    baseline_positions,
    blend_weight,
    choose_method,
    default_position,
    interval_offsets,
    origin_scores,
)

COVERAGE = 0.8
# The combination of ``--variants``' "+median4" pool and "median4" default.
MEDIAN4 = "median4"
MEDIAN4_MEMBERS = ("seasonal_naive", "straight_line", "ets_damped", "theta")
# The synthetic source of ``--synthetic``: days of history, days ahead, seed.
SYNTHETIC_LENGTH, SYNTHETIC_HORIZON, SYNTHETIC_SEED = 90, 14, 1
# (steps per forecast, calendar period of seasonal naive) per scale.
SCALES = {"hourly": (24, 24), "daily": (7, 7)}


@dataclass
class Trial:
    """One series forecast from one origin: the product's and the baselines' MASE."""

    source: str
    series: str
    origin: str
    method: str
    mase: float
    naive: float
    line: float
    cover: float

    @property
    def better(self) -> float:
        return min(self.naive, self.line)

    @property
    def lost(self) -> bool:
        return self.mase > self.better * (1 + TIE)

    @property
    def won(self) -> bool:
        return self.mase < self.better * (1 - TIE)


Forecaster = Callable[[Sequence[RegularSeries], int], list[SeriesForecast]]


def product(histories: Sequence[RegularSeries], horizon: int) -> list[SeriesForecast]:
    return forecast_many(histories, horizon, coverage=COVERAGE)


def trials(
    source: str,
    named: dict[str, pd.Series],
    horizon: int,
    period: int,
    origins: int,
    forecaster: Forecaster = product,
) -> list[Trial]:
    """Forecast every series from each of its last ``origins`` origins, ``horizon`` apart."""
    out = []
    for back in range(origins, 0, -1):
        cut = {name: len(values) - back * horizon for name, values in named.items()}
        histories = [
            regularise(pd.DatetimeIndex(values.index[: cut[name]]), values.to_numpy()[: cut[name]])
            for name, values in named.items()
        ]
        forecasts = forecaster(histories, horizon)
        for (name, values), history, forecast in zip(
            named.items(), histories, forecasts, strict=True
        ):
            past = history.values
            actual = values.to_numpy()[cut[name] : cut[name] + horizon]
            scale = float(np.mean(np.abs(np.diff(past))))
            naive = seasonal_naive(past[None, :], horizon, period)[0]
            inside = (actual >= forecast.lower) & (actual <= forecast.upper)
            out.append(
                Trial(
                    source=source,
                    series=name,
                    origin=str(values.index[cut[name]].date()),
                    method=forecast.method,
                    mase=mase(actual, forecast.value, scale),
                    naive=mase(actual, naive, scale),
                    line=mase(actual, straight_line(past, horizon), scale),
                    cover=float(inside.mean()),
                )
            )
    return out


def summary(title: str, found: list[Trial]) -> str:
    mase = np.mean([t.mase for t in found])
    naive = np.mean([t.naive for t in found])
    line = np.mean([t.line for t in found])
    losses = sum(t.lost for t in found)
    wins = sum(t.won for t in found)
    cover = np.mean([t.cover for t in found])
    # Per series (mean over origins): the goal is per series, not per origin.
    series_lost = 0
    names = sorted({(t.source, t.series) for t in found})
    for key in names:
        mine = [t for t in found if (t.source, t.series) == key]
        base = min(np.mean([t.naive for t in mine]), np.mean([t.line for t in mine]))
        series_lost += np.mean([t.mase for t in mine]) > base * (1 + TIE)
    return (
        f"{title}: mean MASE {mase:.3f} (seasonal naive {naive:.3f}, straight line {line:.3f});"
        f" losses to the better baseline {losses}/{len(found)} origins, wins {wins}/"
        f"{len(found)}; series worse on average than their better baseline "
        f"{series_lost}/{len(names)}; 80% coverage {cover:.0%}"
    )


def report(title: str, found: list[Trial], detail: bool = True) -> None:
    print(summary(title, found))
    if not detail:
        return
    print(
        f"  {'series':14} {'origin':10} {'selected':15} {'MASE':>6} {'s.naive':>7} "
        f"{'line':>6} {'':5} {'cover80':>7}"
    )
    for t in found:
        verdict = "LOSS" if t.lost else "win" if t.won else "tie"
        print(
            f"  {t.source + ' ' + t.series:14} {t.origin:10} {t.method:15} {t.mase:6.3f} "
            f"{t.naive:7.3f} {t.line:6.3f} {verdict:5} {t.cover:7.0%}"
        )
    for key in sorted({(t.source, t.series) for t in found}):
        mine = [t for t in found if (t.source, t.series) == key]
        base = min(np.mean([t.naive for t in mine]), np.mean([t.line for t in mine]))
        methods = sorted({t.method for t in mine})
        print(
            f"  series {key[0]} {key[1]}: MASE {np.mean([t.mase for t in mine]):.3f} vs "
            f"better baseline {base:.3f}, losses {sum(t.lost for t in mine)}/{len(mine)}, "
            f"coverage {np.mean([t.cover for t in mine]):.0%}  [{', '.join(methods)}]"
        )


def outside_trials(
    trace: Path, hour_origins: int, day_origins: int, forecaster: Forecaster = product
) -> list[Trial] | None:
    loaded = load(trace)
    if loaded is None:
        return None
    found = []
    for scale, origins in (("hourly", hour_origins), ("daily", day_origins)):
        horizon, period = SCALES[scale]
        found += trials(scale, loaded[scale], horizon, period, origins, forecaster)
    return found


# --- Rule variants, chosen leave-one-source-out -------------------------------------------

# Candidates a variant may choose besides the default; the means are of two forecasts.
POOLS = {
    "shipped": tuple(SELECTABLE[1:]),
    "without seasonal median": tuple(n for n in SELECTABLE[1:] if n != "seasonal_median"),
    "without bare line": ("straight_line", "combination", "seasonal_median"),
    "+mean(naive, bare line)": (*SELECTABLE[1:], "naive+straight_line_no_season"),
    "+mean(naive, line)": (*SELECTABLE[1:], "naive+straight_line"),
    # With --more only: the median of seasonal naive, the line, damped ETS and Theta (M4's
    # robust combination, the baseline line among its members); seasonal naive moved by its
    # mean change per cycle (snaive + drift, a strong benchmark for short weekly series).
    "+median4": (*SELECTABLE[1:], MEDIAN4),
    "+snaive drift": (*SELECTABLE[1:], DRIFT.name),
}
MORE_POOLS = ("+median4", "+snaive drift")
MARGINS = (0.0, 0.05, 0.1, 0.2)
WIN_SHARES = (0.5, 0.75)
# Blend: "half", a challenger that did not win every origin is averaged with the default;
# "weighted", a chosen challenger is shrunk toward the default, the two weighted by the
# inverse of their backtest scores (a combination weighted by backtest error).
BLENDS = BLEND_RULES
# How selection scores candidates: the median MASE over origins, or the geometric mean of
# each origin's ratio to the default's (the product: DEFAULT_STATISTIC).
SCORINGS = ("median", "ratio")
# The Diebold-Mariano gate's level (the product: DEFAULT_SIGNIFICANCE; 0, no test); more
# than none only with --more.
SIGNIFICANCES = (0.0, 0.05, 0.2)
# Backtest origins feeding selection and the interval, at most (the product: MAX_ORIGINS).
ORIGINS = (20, 10, 5)
# MASE floor in the relative score, so a series that is mostly zero (seasonal naive exactly
# right) does not divide by zero; its disasters still weigh heavily.
FLOOR = 0.05
# Share of zeros from which a series counts as intermittent and needs the larger margin
# (the product uses INTERMITTENT_ZEROS; above 1, never).
ZERO_SHARES = (0.1, 0.2, 0.3, 0.5, 1.01)
# The default a challenger must beat (the product: DEFAULT_BASELINE).
# "better" was chosen on no fold of the full grid (commit 5ce6c47), so it is no longer tried;
# "mean": the mean of seasonal naive and the bare line is the default (averaging the two
# baselines instead of choosing between them), seasonal naive one of the challengers;
# chosen on no fold. With --more instead: "median4", the median of seasonal naive, the
# line, damped ETS and Theta as the default, or "few median4", that median only below
# FEW_TRIALS separate backtest trials (where the evidence for choosing is weakest).
FEW_MEDIAN4 = "few median4"
BASELINE_CHOICES = ("naive", "mean", FEW_MEDIAN4, MEDIAN4)
MEAN_BASELINE = "naive+straight_line_no_season"
# Trials from which the margin stops growing (the product: MARGIN_ORIGINS; 0, never grows).
# (5 and 20 were chosen on no fold of the full grid.)
MARGIN_ORIGIN_CHOICES = (0, 10)
# Cycles of the seasonal median (the product: MEDIAN_CYCLES).
# (5 and 7 were chosen on no fold of the full grid.)
CYCLES = (14,)
# Objective tolerances of ``--tolerance``: the first variant in tie order within this much
# of the best is chosen (0: the best).
TOLERANCES = (0.0, 0.005, 0.01, 0.02, 0.05)
# The conformal interval: its sample (pooled errors or trials) and whether it may narrow.
INTERVALS = tuple(itertools.product(INTERVAL_SAMPLES, (False, True)))


@dataclass(frozen=True)
class Variant:
    pool: str
    margin: float
    win_share: float
    blend: str
    origins: int
    zeros: float
    baseline: str
    margin_origins: int
    cycles: int
    statistic: str
    significance: float

    def __str__(self) -> str:
        return (
            f"pool {self.pool}, margin {self.margin:.2f}, wins {self.win_share:.2f}, "
            f"blend {self.blend}, origins {self.origins}, "
            f"intermittent from {self.zeros:.0%} zeros, default {self.baseline}, "
            f"margin grows below {self.margin_origins} trials, median of {self.cycles} cycles, "
            f"score {self.statistic}, significance {self.significance:.2f}"
        )


SHIPPED = Variant(
    "shipped",
    DEFAULT_MARGIN,
    DEFAULT_WIN_SHARE,
    DEFAULT_BLEND,
    MAX_ORIGINS,
    INTERMITTENT_ZEROS,
    DEFAULT_BASELINE,
    MARGIN_ORIGINS,
    MEDIAN_CYCLES,
    DEFAULT_STATISTIC,
    DEFAULT_SIGNIFICANCE,
)
SHIPPED_INTERVAL = (INTERVAL_SAMPLE, INTERVAL_WIDENS)


@dataclass
class Backtested:
    """One series and origin: baselines, and every candidate's backtest and forecast."""

    source: str
    series: str
    actual: np.ndarray
    scale: float
    naive: float
    line: float
    names: list[str]
    per_origin: np.ndarray
    errors: np.ndarray
    point: np.ndarray
    zeros: float
    trials: float


def _median_method(cycles: int, calendar: int | None) -> Method:
    """The seasonal median over ``cycles`` cycles, named for them, at the calendar period
    when no season was detected (as the product does for its own)."""

    def predict(history: np.ndarray, horizon: int, period: int | None) -> np.ndarray:
        return seasonal_median_values(history, horizon, period or calendar, cycles)

    return Method(f"seasonal_median_{cycles}", predict, vectorised=True)


def _backtested(
    source: str,
    series: str,
    history: RegularSeries,
    actual: np.ndarray,
    period: int,
    origins: int,
    short_origins: int = SHORT_TEST_ORIGINS,
) -> Backtested:
    past = history.values
    scale = float(np.mean(np.abs(np.diff(past))))
    seasons = candidate_periods(history.step, len(past), 2)
    calendar = seasons[0] if seasons else None
    extra = [_median_method(c, calendar) for c in CYCLES if c != MEDIAN_CYCLES]
    (group,) = backtest_many(
        [history],
        len(actual),
        methods=(*DEFAULT_METHODS, DRIFT, *extra),
        max_origins=origins,
        short_origins=short_origins,
    )
    names = list(group.names)
    per_origin, errors, point = (
        list(group.per_origin[0]),
        list(group.errors[0]),
        list(group.point[0]),
    )
    # The origins' scales, back from the default's MASE (plain error where it had none).
    absolute = np.abs(group.errors[0, 0]).mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        origin_scale = absolute / group.per_origin[0, 0]
    usable = np.isfinite(origin_scale) & (origin_scale > 0)
    for other in ("straight_line_no_season", "straight_line"):
        first, second = names.index("seasonal_naive"), names.index(other)
        mean_errors = (errors[first] + errors[second]) / 2
        mean_absolute = np.abs(mean_errors).mean(axis=1)
        names.append(f"naive+{other}")
        per_origin.append(
            np.where(usable, mean_absolute / np.where(usable, origin_scale, 1), mean_absolute)
        )
        errors.append(mean_errors)
        point.append((point[first] + point[second]) / 2)
    members = [names.index(n) for n in MEDIAN4_MEMBERS]
    median_errors = np.median(np.array([errors[m] for m in members]), axis=0)
    median_absolute = np.abs(median_errors).mean(axis=1)
    names.append(MEDIAN4)
    per_origin.append(
        np.where(usable, median_absolute / np.where(usable, origin_scale, 1), median_absolute)
    )
    errors.append(median_errors)
    point.append(np.median(np.array([point[m] for m in members]), axis=0))
    return Backtested(
        source,
        series,
        actual,
        scale,
        mase(actual, seasonal_naive(past[None, :], len(actual), period)[0], scale),
        mase(actual, straight_line(past, len(actual)), scale),
        names,
        np.array(per_origin),
        np.array(errors),
        np.array(point),
        float(np.mean(past == 0)),
        group.trials,
    )


def _eligible(names: Sequence[str], pool: str, cycles: int) -> np.ndarray:
    """Which candidates a pool may choose, its seasonal median at ``cycles`` cycles."""
    allowed = POOLS[pool]
    median = "seasonal_median" if cycles == MEDIAN_CYCLES else f"seasonal_median_{cycles}"
    eligible = np.array(
        [
            n in allowed
            if not n.startswith("seasonal_median")
            else ("seasonal_median" in allowed and n == median)
            for n in names
        ]
    )
    eligible[0] = True
    return eligible


class Outcomes:
    """Every variant's held-out MASE and 80% coverage on every case, as (variant, case)
    matrices; choices and forecasts are cached, since many variants choose alike."""

    def __init__(self, cases: dict[int, list[Backtested]], variants: list[Variant]) -> None:
        self.cases = cases
        self.variants = variants
        first = cases[next(iter(cases))]
        self.sources = np.array([c.source for c in first])
        self.series = np.array([c.series for c in first])
        self.better = np.array([min(c.naive, c.line) for c in first])
        self.naive = np.array([c.naive for c in first])
        self.line = np.array([c.line for c in first])
        self._chosen: dict[tuple, tuple[int, int]] = {}
        self._forecast: dict[tuple, tuple[float, float]] = {}
        self._eligible: dict[tuple, np.ndarray] = {}
        self.mase = np.empty((len(variants), len(first)))
        self.cover = np.empty((len(variants), len(first)))
        for row, variant in enumerate(variants):
            for column in range(len(first)):
                self.mase[row, column], self.cover[row, column] = self.outcome(
                    variant, column, SHIPPED_INTERVAL
                )

    def choice(self, variant: Variant, column: int) -> tuple[int, int]:
        """(chosen, default) candidate positions of ``variant`` on one case."""
        case = self.cases[variant.origins][column]
        intermittent = case.zeros >= variant.zeros
        margin = max(variant.margin, INTERMITTENT_MARGIN) if intermittent else variant.margin
        key = (
            variant.origins,
            column,
            variant.pool,
            margin,
            variant.win_share,
            variant.baseline,
            variant.margin_origins,
            variant.cycles,
            variant.statistic,
            variant.significance,
        )
        if key not in self._chosen:
            names_key = (variant.origins, column, variant.pool, variant.cycles)
            if names_key not in self._eligible:
                self._eligible[names_key] = _eligible(case.names, variant.pool, variant.cycles)
            combined = variant.baseline == MEDIAN4 or (
                variant.baseline == FEW_MEDIAN4 and case.trials < FEW_TRIALS
            )
            baselines = (
                (case.names.index(MEDIAN4),)
                if combined
                else (case.names.index(MEAN_BASELINE),)
                if variant.baseline == "mean"
                else baseline_positions(case.names, "naive")
            )
            chosen = choose_method(
                case.per_origin,
                margin,
                variant.win_share,
                self._eligible[names_key],
                statistic=variant.statistic,
                baselines=baselines,
                margin_origins=variant.margin_origins,
                trials=case.trials,
                significance=variant.significance,
            )
            default = default_position(origin_scores(case.per_origin), baselines)
            self._chosen[key] = (chosen, default)
        return self._chosen[key]

    def outcome(
        self, variant: Variant, column: int, interval: tuple[str, bool]
    ) -> tuple[float, float]:
        """MASE and 80% coverage of the forecast ``variant`` makes for one case."""
        chosen, default = self.choice(variant, column)
        case = self.cases[variant.origins][column]
        weight = 0.0  # of the default
        if chosen != default:
            weight = blend_weight(case.per_origin[chosen], case.per_origin[default], variant.blend)
        key = (variant.origins, column, chosen, default, weight, interval)
        if key not in self._forecast:
            errors, point = case.errors[chosen], case.point[chosen]
            if weight:
                errors = (1 - weight) * errors + weight * case.errors[default]
                point = (1 - weight) * point + weight * case.point[default]
            low, high = interval_offsets(
                errors[None],
                len(point),
                COVERAGE,
                interval[0],
                interval[1],
                case.trials,
                case.errors[default][None],
            )
            # Both sources never go below zero, where the product floors its forecasts.
            point, lower, upper = (
                np.maximum(a, 0.0) for a in (point, point + low[0], point + high[0])
            )
            inside = (case.actual >= lower) & (case.actual <= upper)
            self._forecast[key] = (mase(case.actual, point, case.scale), float(inside.mean()))
        return self._forecast[key]

    def objective(self, mases: np.ndarray, covers: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean MASE relative to the better baseline plus the coverage's distance from 80%,
        over the cases in ``mask``, for every row of ``mases``/``covers``."""
        relative = ((mases[:, mask] + FLOOR) / (self.better[mask] + FLOOR)).mean(axis=1)
        return relative + np.abs(covers[:, mask].mean(axis=1) - COVERAGE)

    def trials(self, variant: Variant, interval: tuple[str, bool], mask: np.ndarray) -> list[Trial]:
        out = []
        for column in np.flatnonzero(mask):
            value, cover = self.outcome(variant, int(column), interval)
            out.append(
                Trial(
                    str(self.sources[column]),
                    str(self.series[column]),
                    "",
                    str(variant),
                    value,
                    float(self.naive[column]),
                    float(self.line[column]),
                    cover,
                )
            )
        return out


def backtested_cases(
    trace: Path, nab: Path, hour_origins: int, day_origins: int, origins: int, synthetic: int = 0
) -> list[Backtested]:
    cases = []
    for path in sorted((nab / "realAWSCloudwatch").glob("*.csv")):
        full = read_series_csv(path)
        per_day = int(pd.Timedelta(days=1) / full.step)
        for back in range(4, 0, -1):
            cut = len(full) - back * per_day
            history = regularise(full.index[:cut], full.values[:cut], step=full.step)
            name = path.stem.removeprefix("ec2_cpu_utilization_")
            actual = full.values[cut : cut + per_day]
            cases.append(_backtested("nab", name, history, actual, per_day, origins))
    loaded = load(trace)
    assert loaded is not None
    for scale, tested in (("hourly", hour_origins), ("daily", day_origins)):
        horizon, period = SCALES[scale]
        for name, values in loaded[scale].items():
            for back in range(tested, 0, -1):
                cut = len(values) - back * horizon
                history = regularise(pd.DatetimeIndex(values.index[:cut]), values.to_numpy()[:cut])
                actual = values.to_numpy()[cut : cut + horizon]
                cases.append(_backtested(f"swf {scale}", name, history, actual, period, origins))
    return cases + synthetic_cases(synthetic, origins)


def synthetic_cases(count: int, origins: int) -> list[Backtested]:
    """``count`` synthetic daily series of ``bench.forecast_scale`` (level, trend, weekly
    season, noise, level shifts; another seed than that bench's), 90 days of history and
    14 held out: a source of many series no rule was written for."""
    if count <= 0:
        return []
    data = synthetic(count, SYNTHETIC_LENGTH, SYNTHETIC_HORIZON, SYNTHETIC_SEED)
    start = pd.Timestamp("2026-01-01")
    return [
        _backtested(
            "synthetic",
            f"s{row}",
            as_series(values[:SYNTHETIC_LENGTH], start),
            values[SYNTHETIC_LENGTH:],
            7,
            origins,
        )
        for row, values in enumerate(data)
    ]


def _tie_order(variant: Variant) -> tuple:
    """On a tie the humbler variant: the shipped pool, a larger margin, more wins, no blend,
    the larger intermittent margin for more series, seasonal naive as the default, a margin
    that does not grow (the rule with fewer parts); and the variant that needs less history
    (fewer origins, fewer cycles), so no value wins a tie for being the shipped one."""
    return (
        list(POOLS).index(variant.pool),
        -variant.margin,
        -variant.win_share,
        BLENDS.index(variant.blend),
        variant.zeros,
        BASELINE_CHOICES.index(variant.baseline),
        variant.margin_origins,
        variant.origins,
        variant.cycles,
        SCORINGS.index(variant.statistic),
        variant.significance,
    )


def grid(more: bool = False) -> list[Variant]:
    """Every variant tried, in tie order. ``more``: the options measured last and chosen
    nowhere they helped (the median of four as a candidate or the default, seasonal naive
    with drift, the significance gate) instead of the blends chosen on no fold and the ratio
    score and mean default (the grid stays near 20,000 variants)."""
    pools = [p for p in POOLS if more or p not in MORE_POOLS]
    blends = ("off", "evidence") if more else BLENDS
    baselines = ("naive", FEW_MEDIAN4, MEDIAN4) if more else ("naive", "mean")
    scorings = ("median",) if more else SCORINGS
    significances = SIGNIFICANCES if more else (DEFAULT_SIGNIFICANCE,)
    fields: tuple[Sequence[Any], ...] = (
        pools,
        MARGINS,
        WIN_SHARES,
        blends,
        ORIGINS,
        ZERO_SHARES,
        baselines,
        MARGIN_ORIGIN_CHOICES,
        CYCLES,
        scorings,
        significances,
    )
    return sorted((Variant(*v) for v in itertools.product(*fields)), key=_tie_order)


def leave_one_source_out(
    cases: dict[int, list[Backtested]],
    more: bool = False,
    fallback: bool = False,
    tolerance: bool = False,
) -> None:
    """Choose the selection variant on the other sources, then the interval rule for it on
    the other sources, and report both on the held-out one; then the variant chosen on all
    (in-sample). With ``fallback``, also the fallback or shrinkage of
    ``bench.forecast_fallback`` chosen on the others on top of the chosen variant; with
    ``tolerance``, also the humblest variant within a tolerance of the best
    (``_tolerant_choice``)."""
    variants = grid(more)
    started = time.perf_counter()
    outcomes = Outcomes(cases, variants)
    print(
        f"{len(variants)} variants on {len(outcomes.sources)} cases in "
        f"{time.perf_counter() - started:.0f} s"
    )
    shipped_row = variants.index(SHIPPED)
    groupings: tuple[tuple[str, Callable[[str], str]], ...] = (
        ("NAB | SWF", lambda source: source.split()[0]),
        ("NAB | SWF hourly | SWF daily", lambda source: source),
    )
    for grouping, source_of in groupings:
        print(f"== rule variants chosen leave-one-source-out ({grouping})")
        of = np.array([source_of(s) for s in outcomes.sources])
        for held in sorted(set(of)):
            mask = of == held
            best = variants[
                int(np.argmin(outcomes.objective(outcomes.mase, outcomes.cover, ~mask)))
            ]
            interval = _choose_interval(outcomes, best, ~mask, of)
            print(f"  held out {held}: chosen on the others: {best}; interval {interval}")
            print(
                "    coverage by interval rule (others | held out): "
                + _coverages(outcomes, best, mask)
            )
            print("    " + summary("held out", outcomes.trials(best, interval, mask)))
            if fallback:
                # Imported here: bench.forecast_fallback builds on this module.
                from bench.forecast_fallback import nested

                option, line = nested(outcomes, best, mask)
                print(f"    fallback chosen on the others (shipped interval): {option}")
                print("    " + line)
            print("    " + summary("shipped ", outcomes.trials(SHIPPED, SHIPPED_INTERVAL, mask)))
            # The shipped selection with its interval rule chosen on the others alone.
            rule = _choose_interval(outcomes, SHIPPED, ~mask, of)
            print(
                f"    shipped selection, interval chosen on the others ({rule[0]}"
                f"{'+widen' if rule[1] else ''}): coverage by rule (others | held out): "
                + _coverages(outcomes, SHIPPED, mask)
            )
    if tolerance:
        _tolerant_choice(outcomes, variants)
    _leave_one_series_out(outcomes, variants)
    everywhere = np.ones(len(outcomes.sources), bool)
    best = variants[int(np.argmin(outcomes.objective(outcomes.mase, outcomes.cover, everywhere)))]
    interval = _choose_interval(outcomes, best, everywhere, outcomes.sources)
    print(f"== in-sample: chosen on all sources: {best}; interval {interval}")
    for held in sorted(set(outcomes.sources)):
        mask = outcomes.sources == held
        print("    " + summary(held, outcomes.trials(best, interval, mask)))
    print(f"  (shipped is variant {shipped_row} of {len(variants)} in tie order)")


def _leave_one_series_out(outcomes: Outcomes, variants: list[Variant]) -> None:
    """Choose the variant and interval rule for each series on all the other series (its own
    source's included) and report the held-out figures per source, with how often each
    choice was made."""
    print("== rule variants chosen leave-one-series-out (all other series, any source)")
    keys = np.array([f"{s}/{n}" for s, n in zip(outcomes.sources, outcomes.series, strict=True)])
    held_out: dict[str, list[Trial]] = {}
    shipped_by_rule: dict[str, list[Trial]] = {}
    counts: dict[str, dict[str, int]] = {}
    for key in sorted(set(keys)):
        mask = keys == key
        best = variants[int(np.argmin(outcomes.objective(outcomes.mase, outcomes.cover, ~mask)))]
        interval = _choose_interval(outcomes, best, ~mask, outcomes.sources)
        source = key.split("/")[0]
        held_out.setdefault(source, []).extend(outcomes.trials(best, interval, mask))
        # The shipped selection with the interval rule chosen on the other series.
        rule = _choose_interval(outcomes, SHIPPED, ~mask, outcomes.sources)
        shipped_by_rule.setdefault(source, []).extend(outcomes.trials(SHIPPED, rule, mask))
        counts.setdefault("shipped selection's interval", {})
        label = f"{rule[0]}{'+widen' if rule[1] else ''}"
        chosen_rules = counts["shipped selection's interval"]
        chosen_rules[label] = chosen_rules.get(label, 0) + 1
        fields = {**vars(best), "interval": f"{interval[0]}{'+widen' if interval[1] else ''}"}
        for field, value in fields.items():
            counts.setdefault(field, {})
            counts[field][str(value)] = counts[field].get(str(value), 0) + 1
    for source, found in sorted(held_out.items()):
        print("    " + summary(f"held out {source}", found))
    for source, found in sorted(shipped_by_rule.items()):
        print("    " + summary(f"shipped selection, interval held out, {source}", found))
    for source in sorted(held_out):
        mask = outcomes.sources == source
        print(
            "    " + summary(f"shipped  {source}", outcomes.trials(SHIPPED, SHIPPED_INTERVAL, mask))
        )
    for field, values in counts.items():
        print(f"  {field}: " + ", ".join(f"{v} x{c}" for v, c in sorted(values.items())))


def _first_within(objective: np.ndarray, tolerance: float) -> int:
    """The first variant in tie order whose objective is within ``tolerance`` of the best:
    among variants the other sources cannot tell apart, the humblest."""
    return int(np.flatnonzero(objective <= objective.min() + tolerance)[0])


def _tolerant_choice(outcomes: Outcomes, variants: list[Variant]) -> None:
    """Leave one source out, choosing the variant as the first in tie order within a
    tolerance of the best on the other sources, the tolerance itself chosen on those
    sources alone (each in turn held out of the other's choice): a grid of thousands of
    variants has near-ties, and the best on two sources is partly luck."""
    print("== rule variants chosen leave-one-source-out within a tolerance of the best")
    of = outcomes.sources
    for held in sorted(set(of)):
        mask = of == held
        others = sorted(set(of[~mask]))
        inner = []
        for tolerance in TOLERANCES:
            score = 0.0
            for inner_held in others:
                train = ~mask & (of != inner_held)
                row = _first_within(
                    outcomes.objective(outcomes.mase, outcomes.cover, train), tolerance
                )
                test = of == inner_held
                score += float(
                    outcomes.objective(
                        outcomes.mase[row : row + 1], outcomes.cover[row : row + 1], test
                    )[0]
                )
            inner.append(score)
        tolerance = TOLERANCES[int(np.argmin(inner))]
        row = _first_within(outcomes.objective(outcomes.mase, outcomes.cover, ~mask), tolerance)
        best = variants[row]
        interval = _choose_interval(outcomes, best, ~mask, of)
        print(
            f"  held out {held}: tolerance {tolerance} (inner scores "
            + ", ".join(f"{t}: {v:.3f}" for t, v in zip(TOLERANCES, inner, strict=True))
            + f"); chosen {best}; interval {interval}"
        )
        print("    " + summary("held out", outcomes.trials(best, interval, mask)))


def _coverages(outcomes: Outcomes, variant: Variant, mask: np.ndarray) -> str:
    """The 80% coverage of every interval rule for ``variant``'s choices, outside and inside
    ``mask``."""
    parts = []
    for rule in INTERVALS:
        covers = np.array(
            [outcomes.outcome(variant, int(column), rule)[1] for column in range(mask.size)]
        )
        name = f"{rule[0]}{'+widen' if rule[1] else ''}"
        parts.append(f"{name} {covers[~mask].mean():.0%}|{covers[mask].mean():.0%}")
    return ", ".join(parts)


def _choose_interval(
    outcomes: Outcomes, variant: Variant, mask: np.ndarray, by_source: np.ndarray | None = None
) -> tuple[str, bool]:
    """The interval rule whose coverage on ``mask`` is nearest 80% for ``variant``'s choices
    (the shipped rule on a tie); with ``by_source`` (a source label per case), the rule
    whose coverage on each source in ``mask`` is nearest 80% on average over the sources:
    the goal is 70-90% on every source, and a pooled figure lets one source's over-coverage
    excuse another's under-coverage (pooled, the daily series kept 66-69%)."""
    ordered = sorted(INTERVALS, key=lambda rule: rule != SHIPPED_INTERVAL)
    covers = np.array(
        [
            [outcomes.outcome(variant, int(column), rule)[1] for column in range(mask.size)]
            for rule in ordered
        ]
    )
    if by_source is None:
        distance = np.abs(covers[:, mask].mean(axis=1) - COVERAGE)
    else:
        distance = np.mean(
            [
                np.abs(covers[:, mask & (by_source == source)].mean(axis=1) - COVERAGE)
                for source in sorted(set(by_source[mask]))
            ],
            axis=0,
        )
    return ordered[int(np.argmin(distance))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trace", type=Path, default=DEFAULT_TRACE)
    parser.add_argument("--hour-origins", type=int, default=14)
    parser.add_argument("--day-origins", type=int, default=3)
    parser.add_argument("--nab", type=Path, default=DEFAULT_TRACE.parents[1] / "nab")
    parser.add_argument(
        "--variants",
        action="store_true",
        help="also choose rule variants leave-one-source-out (NAB and the trace)",
    )
    parser.add_argument(
        "--more",
        action="store_true",
        help="with --variants, the grid with the median of four, snaive + drift and the "
        "significance gate",
    )
    parser.add_argument(
        "--fallback",
        action="store_true",
        help="with --variants, also choose bench.forecast_fallback's fallback to the better "
        "baseline or shrinkage toward it on the other sources, on top of each fold's variant",
    )
    parser.add_argument(
        "--tolerance",
        action="store_true",
        help="with --variants, also choose the humblest variant within a tolerance of the "
        "best on the other sources, the tolerance chosen on those sources alone",
    )
    parser.add_argument(
        "--synthetic",
        type=int,
        default=0,
        help="with --variants, also this many synthetic daily series as a fourth source",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    found = outside_trials(args.trace, args.hour_origins, args.day_origins)
    if found is None:
        raise SystemExit(f"SWF trace not found at {args.trace}: skipping the outside bench")
    print("== series the rule was not tuned on: NASA iPSC/860 workload (held out, rule as shipped)")
    for scale in SCALES:
        report(f"{scale} series", [t for t in found if t.source == scale])
    print(summary("ALL outside series", found))
    if args.variants:
        if not (args.nab / "realAWSCloudwatch").is_dir():
            raise SystemExit(f"NAB data not found at {args.nab}: no leave-one-source-out")
        leave_one_source_out(
            {
                origins: backtested_cases(
                    args.trace,
                    args.nab,
                    args.hour_origins,
                    args.day_origins,
                    origins,
                    args.synthetic,
                )
                for origins in ORIGINS
            },
            args.more,
            args.fallback,
            args.tolerance,
        )
    print(f"bench time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

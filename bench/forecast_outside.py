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
margin; win share; averaging a challenger with seasonal naive when it did not win every
origin; 20, 10 or 5 backtest origins; the share of zeros from which a series gets the
larger intermittent margin), each chosen on the other sources (NAB | the trace, and NAB |
hourly | daily) and reported on the held-out one, beside the shipped rule. Measured, held
out (NAB | hourly | daily): NAB 0.762 (0 of 4 series behind their better baseline), hourly
1.966 (2 of 7; the rule before the seasonal median and the intermittent margin: 2.117, 5 of
7), daily 1.272 (3 of 7; before: 1.276, 2 of 7). The shipped rule, with 20 origins (which
only the hourly series have history for, so no fold without them can choose it): hourly
1.864 (0 of 7), daily 1.292 (2 of 7), NAB 0.762. Why the hourly series lost: five daily
origins of a spiky series let a challenger that happened to win three of them replace
seasonal naive, and the next day it was behind; and neither baseline is what minimises
absolute error for a series that is zero most hours with bursts on top, the median of the
same hour over many days is. The 14 cycles of the seasonal median (among 5, 7 and 14) were
compared over the three sources outside this bench, and were best on every fold; the
shipped zero share (0.2) is inside the range (0.1 to 0.3) that gives the hourly series
their best figures. The bare line in the pool is not a LOSO choice: it changes nothing on
NAB (a tie), and was added because it is the baseline itself.

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

import numpy as np
import pandas as pd

from bench.forecast import TIE, mase, straight_line
from bench.swf_series import DEFAULT_TRACE, load
from resync_analytics.forecasting import (
    RegularSeries,
    SeriesForecast,
    forecast_many,
    read_series_csv,
    regularise,
)
from resync_analytics.forecasting.models import seasonal_naive
from resync_analytics.forecasting.select import (
    DEFAULT_MARGIN,
    DEFAULT_WIN_SHARE,
    INTERMITTENT_MARGIN,
    INTERMITTENT_ZEROS,
    MAX_ORIGINS,
    SELECTABLE,
    backtest_many,
    choose_method,
    interval_offsets,
)

COVERAGE = 0.8
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
            regularise(values.index[: cut[name]], values.to_numpy()[: cut[name]])
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
}
MARGINS = (0.0, 0.05, 0.1, 0.2)
WIN_SHARES = (0.5, 0.75)
# Blend: a challenger that did not win every origin is averaged with seasonal naive.
BLENDS = (False, True)
# Backtest origins feeding selection and the interval (the product uses MAX_ORIGINS).
ORIGINS = (MAX_ORIGINS, 10, 5)
# MASE floor in the relative score, so a series that is mostly zero (seasonal naive exactly
# right) does not divide by zero; its disasters still weigh heavily.
FLOOR = 0.05
# Share of zeros from which a series counts as intermittent and needs the larger margin
# (the product uses INTERMITTENT_ZEROS; above 1, never).
ZERO_SHARES = (0.1, 0.2, 0.3, 0.5, 1.01)


@dataclass(frozen=True)
class Variant:
    pool: str
    margin: float
    win_share: float
    blend: bool
    origins: int
    zeros: float

    def __str__(self) -> str:
        return (
            f"pool {self.pool}, margin {self.margin:.2f}, wins {self.win_share:.2f}, "
            f"blend {'on' if self.blend else 'off'}, origins {self.origins}, "
            f"intermittent from {self.zeros:.0%} zeros"
        )


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


def _backtested(
    source: str,
    series: str,
    history: RegularSeries,
    actual: np.ndarray,
    period: int,
    origins: int,
) -> Backtested:
    past = history.values
    scale = float(np.mean(np.abs(np.diff(past))))
    (group,) = backtest_many([history], len(actual), max_origins=origins)
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
    )


def _apply(case: Backtested, variant: Variant) -> tuple[float, float]:
    """MASE and 80% coverage of the forecast ``variant`` makes for ``case``."""
    eligible = np.array([n in POOLS[variant.pool] for n in case.names])
    eligible[0] = True
    # As the product does: an intermittent series needs at least the intermittent margin.
    intermittent = case.zeros >= variant.zeros
    margin = max(variant.margin, INTERMITTENT_MARGIN) if intermittent else variant.margin
    chosen = choose_method(case.per_origin, margin, variant.win_share, eligible)
    errors, point = case.errors[chosen], case.point[chosen]
    if variant.blend and chosen != 0 and np.mean(case.per_origin[chosen] < case.per_origin[0]) < 1:
        errors, point = (errors + case.errors[0]) / 2, (point + case.point[0]) / 2
    low, high = interval_offsets(errors[None], len(point), COVERAGE)
    # Both sources never go below zero, where the product floors its forecasts.
    point, lower, upper = (np.maximum(a, 0.0) for a in (point, point + low[0], point + high[0]))
    inside = (case.actual >= lower) & (case.actual <= upper)
    return mase(case.actual, point, case.scale), float(inside.mean())


def _trial(case: Backtested, variant: Variant) -> Trial:
    mase, cover = _apply(case, variant)
    return Trial(case.source, case.series, "", str(variant), mase, case.naive, case.line, cover)


def _objective(found: list[Trial]) -> float:
    relative = np.mean([(t.mase + FLOOR) / (t.better + FLOOR) for t in found])
    return float(relative + abs(np.mean([t.cover for t in found]) - COVERAGE))


def backtested_cases(
    trace: Path, nab: Path, hour_origins: int, day_origins: int, origins: int
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
                history = regularise(values.index[:cut], values.to_numpy()[:cut])
                actual = values.to_numpy()[cut : cut + horizon]
                cases.append(_backtested(f"swf {scale}", name, history, actual, period, origins))
    return cases


def leave_one_source_out(cases: dict[int, list[Backtested]]) -> None:
    """Choose the variant on the other sources, report it on the held-out one; then the
    variant chosen on all (in-sample)."""
    variants = [
        Variant(*v)
        for v in itertools.product(POOLS, MARGINS, WIN_SHARES, BLENDS, ORIGINS, ZERO_SHARES)
    ]
    # On a tie the humbler variant: the shipped pool, a larger margin, more wins, no blend,
    # the shipped origins, the larger margin for more series.
    variants.sort(
        key=lambda v: (
            list(POOLS).index(v.pool),
            -v.margin,
            -v.win_share,
            v.blend,
            v.origins != MAX_ORIGINS,
            v.zeros,
        )
    )
    trials = {v: [_trial(c, v) for c in cases[v.origins]] for v in variants}
    shipped = Variant(
        "shipped", DEFAULT_MARGIN, DEFAULT_WIN_SHARE, False, MAX_ORIGINS, INTERMITTENT_ZEROS
    )
    for grouping, source_of in (
        ("NAB | SWF", lambda t: t.source.split()[0]),
        ("NAB | SWF hourly | SWF daily", lambda t: t.source),
    ):
        print(f"== rule variants chosen leave-one-source-out ({grouping})")
        sources = sorted({source_of(t) for t in trials[shipped]})
        for held in sources:
            best = min(
                variants,
                key=lambda v: _objective([t for t in trials[v] if source_of(t) != held]),
            )
            print(f"  held out {held}: chosen on the others: {best}")
            print("    " + summary("held out", [t for t in trials[best] if source_of(t) == held]))
            print(
                "    " + summary("shipped ", [t for t in trials[shipped] if source_of(t) == held])
            )
    best = min(variants, key=lambda v: _objective(trials[v]))
    print(f"== in-sample: chosen on all sources: {best}")
    for held in sorted({t.source.split()[0] for t in trials[best]}):
        print("    " + summary(held, [t for t in trials[best] if t.source.startswith(held)]))


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
                    args.trace, args.nab, args.hour_origins, args.day_origins, origins
                )
                for origins in ORIGINS
            }
        )
    print(f"bench time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

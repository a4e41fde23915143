"""A last check after selection, chosen leave-one-source-out: fall back to the better baseline
on recent backtest origins, or shrink toward it.

Selection (``resync_analytics.forecasting.select``) replaces seasonal naive by a challenger
when the median of its backtest MASE over all origins is lower by a margin. Three remedies
for the series still behind their better baseline (the better of seasonal naive and a
straight line) are measured here on top of a selection rule, on the cases of
``bench.forecast_outside`` (NAB, hourly and daily job-trace series, rolling origin):

- recency: the backtest origins count with weight ``decay ** j`` (``j`` = 0 the latest),
  only the latest ``recent`` of them (0: all);
- fallback: the baseline better on those weighted origins replaces the selected method
  unless the selected method's weighted mean MASE beats it by ``margin`` (negative: falls
  back only when the selected method is worse by that share);
- shrinkage: what is left is averaged with that baseline, the baseline weighted ``shrink``
  (forecast and backtest errors alike, so the interval is the mixture's own).

Each option (off included, first on a tie) is chosen on the other sources by the objective
of ``bench.forecast_outside`` (mean MASE relative to the better baseline plus the coverage's
distance from 80%) and reported on the held-out source: series behind their better baseline
first. ``--diagnose`` first prints, for every daily series and held-out week, each baseline's
and the selected method's per-origin backtest MASE beside its held-out MASE.

Why the two daily series are behind (``--diagnose``; 10 overlapping 7-day backtest windows
two days apart, 3.6 to 6.1 separate trials): user2's better baseline is the line (1.391
against seasonal naive's 1.699); its backtest cannot tell the two apart in the last week
(median 0.79 against 0.80, so seasonal naive stays, 1.56 where the line gets 0.55), and in
the first it picks the combination at 0.58 (1.72 held out, seasonal naive 1.51). user3 (zero
31% of days, so the 20% intermittent margin) keeps seasonal naive every week, 3.239 against
the line's 3.085: level shifts of +13 to +20 a week before the first held-out week put every
backtest origin across them (MASE up to 11), and on the origins after them the line is at
most 6% ahead of seasonal naive, short of that margin, so a backtest window kept after the
shifts would not have chosen it either. Both lose by one week of three where the backtest
was nearly a tie.

Measured on top of the shipped selection (about three minutes), leave-one-source-out: held
out NAB 1.085 and 1 of 4 behind (the others choose a fallback on the latest 5 origins when
the selected method is 10% worse there; 0.762 and 0 of 4 off); hourly 1.897, 2 of 7 (a
quarter's shrinkage, the latest 5 origins at decay 0.6; 1.864 and 0 of 7 off); daily: off is
chosen, 1.292, 2 of 7. Every fallback that brings the daily series level with their
baselines (all origins, margin 0: daily 1.142, 0 of 7 behind) sends NAB to 1.158 (2 of 4)
and the hourly series to 1.978 (1 of 7), since NAB's challengers win by the median with the
odd bad day; on the latest 3 or 5 origins a fallback helps the daily series less (1.187 to
1.337, 1 to 3 of 7 behind) and still costs NAB 0.937 to 1.129; shrinking by a quarter toward
the better baseline gives NAB 0.807 to 0.850 and puts 1 or 2 hourly series behind. The
sources disagree, and a rule gated on what only the daily series have (under five separate
trials) is a no-op elsewhere, so no fold without the daily series can choose it. More
origins for the daily 7-day backtest (``--short-origins``; the product takes 10): 5 give
1.271 (2 of 7 behind, coverage 73%), 15 give 1.253 (1 of 7, 70%), 20 give 1.257 (2 of 7,
74%), 30 give 1.271 (1 of 7, 74%), against 1.292 (2 of 7, 77%): which series is behind moves
with the count (user2 at 15, user3 at 30, user1 and user2 at 20), coverage falls, and only
the daily series have such short tests, so none can be chosen leave-one-source-out. On top
of each fold's variant of ``bench.forecast_outside --variants --fallback`` (the rule chosen
as a whole on the other sources): NAB 1.085, 1 of 4 behind (0.785 without); hourly 1.963, 2
of 7 (1.966); daily off, 1.272, 3 of 7: not one series fewer behind anywhere, NAB 0.3 MASE
worse, so nothing of this ships.

    .venv/bin/python -m bench.forecast_fallback [--diagnose] [--short-origins]
        [--nab ../shared/data/nab]
"""

from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bench.forecast import TIE, mase, straight_line
from bench.forecast_outside import (
    COVERAGE,
    SHIPPED,
    SHIPPED_INTERVAL,
    Backtested,
    Outcomes,
    Trial,
    Variant,
    _backtested,
    backtested_cases,
    summary,
)
from bench.swf_series import DEFAULT_TRACE, load
from resync_analytics.forecasting import regularise
from resync_analytics.forecasting.models import seasonal_naive
from resync_analytics.forecasting.select import (
    BASELINES,
    MAX_ORIGINS,
    backtest_many,
    finish_group,
    interval_offsets,
)

RECENT = (0, 3, 5, 10)
# Origins of a backtest shorter than 8 steps (the product: SHORT_TEST_ORIGINS), tried on
# the daily series, the only ones here with such short tests.
SHORT_ORIGINS = (5, 10, 15, 20, 30)
DECAYS = (1.0, 0.8, 0.6)
# None: no fallback.
MARGINS: tuple[float | None, ...] = (None, -0.1, 0.0, 0.05, 0.1, 0.2)
SHRINKS = (0.0, 0.25, 0.5)


@dataclass(frozen=True)
class Fallback:
    recent: int
    decay: float
    margin: float | None
    shrink: float

    @property
    def off(self) -> bool:
        return self.margin is None and self.shrink == 0

    def __str__(self) -> str:
        if self.off:
            return "off"
        fall = "no fallback" if self.margin is None else f"fallback margin {self.margin:+.2f}"
        return (
            f"latest {self.recent or 'all'} origins, decay {self.decay:.1f}, {fall}, "
            f"shrink {self.shrink:.2f}"
        )


OFF = Fallback(0, 1.0, None, 0.0)


def options() -> list[Fallback]:
    """Every option, off first, then the humbler ones (less shrinkage, a fallback that needs
    the selected method to be worse, all origins at equal weight) before the others; the
    combinations of recency with nothing to weigh are left out."""
    found = [
        Fallback(*v)
        for v in itertools.product(RECENT, DECAYS, MARGINS, SHRINKS)
        if not (Fallback(*v).off and v != (0, 1.0, None, 0.0))
    ]
    return sorted(
        found,
        key=lambda f: (
            not f.off,
            f.shrink,
            f.margin is not None,
            -(f.margin or 0.0),
            f.recent != 0,
            f.recent,
            -f.decay,
        ),
    )


def weighted_scores(per_origin: np.ndarray, recent: int, decay: float) -> np.ndarray:
    """Each candidate's mean MASE over its latest ``recent`` origins (0: all), origin ``j``
    (0 the latest) weighted ``decay ** j``; non-finite origins are left out, and a candidate
    with none finite scores infinity."""
    scores = per_origin[:, :recent] if recent else per_origin
    weights = decay ** np.arange(scores.shape[-1])
    usable = np.isfinite(scores)
    total = np.where(usable, scores, 0.0) @ weights
    counted = usable @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counted > 0, total / counted, np.inf)


def apply(case: Backtested, chosen: int, fallback: Fallback) -> tuple[int, int, float]:
    """(method used, baseline it is mixed with, the baseline's weight) for one case."""
    if fallback.off:
        return chosen, chosen, 0.0
    scores = weighted_scores(case.per_origin, fallback.recent, fallback.decay)
    baselines = [case.names.index(name) for name in BASELINES]
    better = baselines[int(np.argmin(scores[baselines]))]
    used = chosen
    # Falls back unless the selected method beats the baseline by the margin.
    beaten = scores[chosen] < (1 - (fallback.margin or 0.0)) * scores[better]
    if fallback.margin is not None and chosen != better and not beaten:
        used = better
    return used, better, fallback.shrink if used != better else 0.0


def scored(case: Backtested, used: int, other: int, weight: float) -> tuple[float, float]:
    """Held-out MASE and 80% coverage of ``used`` mixed with ``other`` (weight ``weight``),
    the interval from the mixture's backtest errors as the shipped rule builds it."""
    errors = (1 - weight) * case.errors[used] + weight * case.errors[other]
    point = (1 - weight) * case.point[used] + weight * case.point[other]
    low, high = interval_offsets(
        errors[None],
        len(point),
        COVERAGE,
        SHIPPED_INTERVAL[0],
        SHIPPED_INTERVAL[1],
        case.trials,
        case.errors[0][None],
    )
    point, lower, upper = (np.maximum(a, 0.0) for a in (point, point + low[0], point + high[0]))
    inside = (case.actual >= lower) & (case.actual <= upper)
    return mase(case.actual, point, case.scale), float(inside.mean())


def matrices(
    outcomes: Outcomes, variant: Variant, choices: list[Fallback]
) -> tuple[np.ndarray, np.ndarray]:
    """(option, case) MASE and coverage of ``variant``'s selection with each option."""
    cases = outcomes.cases[variant.origins]
    mases = np.empty((len(choices), len(cases)))
    covers = np.empty_like(mases)
    for column, case in enumerate(cases):
        chosen, _ = outcomes.choice(variant, column)
        # Many options end in the same forecast: score each once.
        done: dict[tuple[int, int, float], tuple[float, float]] = {}
        for row, fallback in enumerate(choices):
            key = apply(case, chosen, fallback)
            if key not in done:
                done[key] = scored(case, *key)
            mases[row, column], covers[row, column] = done[key]
    return mases, covers


def nested(outcomes: Outcomes, variant: Variant, mask: np.ndarray) -> tuple[Fallback, str]:
    """The option chosen outside ``mask`` on top of ``variant``'s selection, and the
    summary of its held-out figures inside ``mask``."""
    choices = options()
    mases, covers = matrices(outcomes, variant, choices)
    row = int(np.argmin(outcomes.objective(mases, covers, ~mask)))
    found = held_out_trials(outcomes, mases, covers, row, mask)
    return choices[row], summary("held out with the fallback chosen on the others", found)


def held_out_trials(
    outcomes: Outcomes, mases: np.ndarray, covers: np.ndarray, row: int, mask: np.ndarray
) -> list[Trial]:
    return [
        Trial(
            str(outcomes.sources[c]),
            str(outcomes.series[c]),
            "",
            "",
            float(mases[row, c]),
            float(outcomes.naive[c]),
            float(outcomes.line[c]),
            float(covers[row, c]),
        )
        for c in np.flatnonzero(mask)
    ]


def leave_one_source_out(outcomes: Outcomes, variant: Variant, title: str) -> None:
    """Choose the option on the other sources for ``variant``'s selection and report it on
    the held-out source, beside the option off."""
    choices = options()
    mases, covers = matrices(outcomes, variant, choices)
    print(f"== fallback and shrinkage chosen leave-one-source-out, on top of {title}")
    for held in sorted(set(outcomes.sources)):
        mask = outcomes.sources == held
        row = int(np.argmin(outcomes.objective(mases, covers, ~mask)))
        print(f"  held out {held}: chosen on the others: {choices[row]}")
        print("    " + summary("held out", held_out_trials(outcomes, mases, covers, row, mask)))
        print("    " + summary("off     ", held_out_trials(outcomes, mases, covers, 0, mask)))
    print("  every option on every source (MASE, series behind, coverage):")
    for row, fallback in enumerate(choices):
        parts = []
        for held in sorted(set(outcomes.sources)):
            mask = outcomes.sources == held
            behind, total = series_behind(outcomes, mases[row], mask)
            parts.append(
                f"{held} {mases[row, mask].mean():.3f} {behind}/{total} "
                f"{covers[row, mask].mean():.0%}"
            )
        print(f"    {fallback}: " + " | ".join(parts))


def series_behind(outcomes: Outcomes, values: np.ndarray, mask: np.ndarray) -> tuple[int, int]:
    """Series in ``mask`` whose mean MASE over origins is above their better baseline's."""
    names = sorted(set(outcomes.series[mask]))
    behind = 0
    for name in names:
        mine = mask & (outcomes.series == name)
        base = min(outcomes.naive[mine].mean(), outcomes.line[mine].mean())
        behind += bool(values[mine].mean() > base * (1 + TIE))
    return behind, len(names)


def diagnose(trace: Path, weeks: int) -> None:
    """Every daily series' backtest per origin (latest first) and held-out MASE for the two
    baselines and the selected method, for each of its last ``weeks`` held-out weeks."""
    loaded = load(trace)
    assert loaded is not None
    print("== daily series: backtest MASE per origin (latest first) | held-out MASE")
    for name, values in loaded["daily"].items():
        for back in range(weeks, 0, -1):
            cut = len(values) - back * 7
            history = regularise(pd.DatetimeIndex(values.index[:cut]), values.to_numpy()[:cut])
            (group,) = backtest_many([history], 7)
            (forecast,) = finish_group(group, [history], COVERAGE)
            actual, past = values.to_numpy()[cut : cut + 7], history.values
            scale = float(np.mean(np.abs(np.diff(past))))
            naive = mase(actual, seasonal_naive(past[None, :], 7, 7)[0], scale)
            line = mase(actual, straight_line(past, 7), scale)
            print(
                f"  {name} from {values.index[cut].date()} ({group.trials:.1f} trials): "
                f"selected {forecast.method}; held-out baselines: seasonal naive {naive:.2f}, "
                f"line {line:.2f}"
            )
            for method in dict.fromkeys((*BASELINES, forecast.method)):
                k = group.names.index(method)
                origins = " ".join(f"{v:.2f}" for v in group.per_origin[0, k])
                held = mase(actual, np.maximum(group.point[0, k], 0.0), scale)
                print(
                    f"    {method:24} median {np.median(group.per_origin[0, k]):.2f} | "
                    f"{origins} | held out {held:.2f}"
                )


def short_origin_counts(trace: Path, weeks: int) -> None:
    """The shipped selection on the daily series with each count of short-test origins
    (overlapping 7-day windows, as many as the history allows up to the count)."""
    loaded = load(trace)
    assert loaded is not None
    print("== daily series, shipped selection, by the origins of a short test")
    for count in SHORT_ORIGINS:
        cases = []
        for name, values in loaded["daily"].items():
            for back in range(weeks, 0, -1):
                cut = len(values) - back * 7
                history = regularise(pd.DatetimeIndex(values.index[:cut]), values.to_numpy()[:cut])
                actual = values.to_numpy()[cut : cut + 7]
                cases.append(_backtested("swf daily", name, history, actual, 7, MAX_ORIGINS, count))
        outcomes = Outcomes({MAX_ORIGINS: cases}, [SHIPPED])
        mask = np.ones(len(cases), bool)
        found = held_out_trials(outcomes, outcomes.mase, outcomes.cover, 0, mask)
        trials = sorted({round(c.trials, 1) for c in cases})
        title = f"{count} origins ({', '.join(map(str, trials))} trials)"
        print("  " + summary(title, found))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trace", type=Path, default=DEFAULT_TRACE)
    parser.add_argument("--nab", type=Path, default=DEFAULT_TRACE.parents[1] / "nab")
    parser.add_argument("--hour-origins", type=int, default=14)
    parser.add_argument("--day-origins", type=int, default=3)
    parser.add_argument(
        "--diagnose", action="store_true", help="print the daily series' backtests first"
    )
    parser.add_argument(
        "--short-origins",
        action="store_true",
        help="also the daily series with 5 to 30 origins for their 7-day backtest",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    if load(args.trace) is None or not (args.nab / "realAWSCloudwatch").is_dir():
        raise SystemExit(f"data not found at {args.trace} or {args.nab}")
    if args.diagnose:
        diagnose(args.trace, args.day_origins)
    if args.short_origins:
        short_origin_counts(args.trace, args.day_origins)
    cases = backtested_cases(args.trace, args.nab, args.hour_origins, args.day_origins, MAX_ORIGINS)
    outcomes = Outcomes({MAX_ORIGINS: cases}, [SHIPPED])
    leave_one_source_out(outcomes, SHIPPED, "the shipped selection")
    print(f"bench time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

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
the 80% interval coverage.

    .venv/bin/python -m bench.forecast_outside [--trace ../shared/data/swf/....swf.gz]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bench.swf_series import DEFAULT_TRACE, load
from resync_analytics.forecasting import RegularSeries, SeriesForecast, forecast_many, regularise
from resync_analytics.forecasting.models import seasonal_naive

COVERAGE = 0.8
TIE = 1e-6
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


def straight_line(history: np.ndarray, horizon: int) -> np.ndarray:
    times = np.arange(len(history))
    slope, intercept = np.polyfit(times, history, 1)
    return intercept + slope * np.arange(len(history), len(history) + horizon)


def _mase(actual: np.ndarray, predicted: np.ndarray, scale: float) -> float:
    return float(np.mean(np.abs(actual - predicted)) / scale)


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
                    mase=_mase(actual, forecast.value, scale),
                    naive=_mase(actual, naive, scale),
                    line=_mase(actual, straight_line(past, horizon), scale),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trace", type=Path, default=DEFAULT_TRACE)
    parser.add_argument("--hour-origins", type=int, default=14)
    parser.add_argument("--day-origins", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    found = outside_trials(args.trace, args.hour_origins, args.day_origins)
    if found is None:
        raise SystemExit(f"SWF trace not found at {args.trace}: skipping the outside bench")
    print("== series the rule was not tuned on: NASA iPSC/860 workload (held out, rule as shipped)")
    for scale in SCALES:
        report(f"{scale} series", [t for t in found if t.source == scale])
    print(summary("ALL outside series", found))
    print(f"bench time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

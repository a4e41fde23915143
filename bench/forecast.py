"""Forecast accuracy on the NAB AWS CloudWatch CPU series, against baselines in the same run.

For each series and each of the last ``--days`` days: forecast that day from everything
before it with the backtest-selected method, and with two baselines (seasonal naive with a
daily period, and a straight line fitted to the whole history). Prints MAE, MASE (scaled by
the in-sample one-step naive error) and the share of actual values inside the 80% interval.
Then times the batched path (numpy methods over many series at once) against a per-series
loop on synthetic series.

    .venv/bin/python -m bench.forecast [--data ../shared/data/nab] [--days 2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from resync_analytics.forecasting import forecast_many, forecast_series, read_series_csv, regularise
from resync_analytics.forecasting.models import LINEAR_TREND, SEASONAL_NAIVE, seasonal_naive

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"


def straight_line(history: np.ndarray, horizon: int) -> np.ndarray:
    times = np.arange(len(history))
    slope, intercept = np.polyfit(times, history, 1)
    return intercept + slope * np.arange(len(history), len(history) + horizon)


def accuracy(data: Path, days: int) -> None:
    files = sorted((data / "realAWSCloudwatch").glob("*.csv"))
    print(f"== forecast accuracy: {len(files)} series, last {days} day(s), horizon 1 day")
    print(f"{'series':34} {'method':15} {'MASE':>6} {'sn MASE':>8} {'line MASE':>9} {'cover80':>8}")
    totals = {"model": [], "seasonal_naive": [], "line": [], "coverage": [], "seconds": []}
    for path in files:
        full = read_series_csv(path)
        per_day = int(pd.Timedelta(days=1) / full.step)
        for back in range(days, 0, -1):
            cut = len(full) - back * per_day
            history = regularise(full.index[:cut], full.values[:cut], step=full.step)
            actual = full.values[cut : cut + per_day]
            scale = np.mean(np.abs(np.diff(history.values)))
            started = time.perf_counter()
            forecast = forecast_series(history, per_day)
            totals["seconds"].append(time.perf_counter() - started)
            naive = seasonal_naive(history.values[None, :], per_day, per_day)[0]
            line = straight_line(history.values, per_day)
            mase = {
                "model": np.mean(np.abs(actual - forecast.value)) / scale,
                "seasonal_naive": np.mean(np.abs(actual - naive)) / scale,
                "line": np.mean(np.abs(actual - line)) / scale,
            }
            inside = float(np.mean((actual >= forecast.lower) & (actual <= forecast.upper)))
            for key, value in mase.items():
                totals[key].append(value)
            totals["coverage"].append(inside)
            label = f"{path.stem.removeprefix('ec2_cpu_utilization_')} -{back}d"
            print(
                f"{label:34} {forecast.method:15} {mase['model']:6.2f} "
                f"{mase['seasonal_naive']:8.2f} {mase['line']:9.2f} {inside:8.0%}"
            )
    model = np.mean(totals["model"])
    print(
        f"mean MASE: selected {model:.2f}, seasonal naive {np.mean(totals['seasonal_naive']):.2f}"
        f" ({np.mean(totals['seasonal_naive']) / model:.2f}x the selected error), straight line "
        f"{np.mean(totals['line']):.2f} ({np.mean(totals['line']) / model:.2f}x)"
    )
    print(f"mean 80% interval coverage: {np.mean(totals['coverage']):.0%}")
    print(f"time per series (select + forecast, 1 day ahead): {np.mean(totals['seconds']):.2f} s")


def batching(count: int) -> None:
    rng = np.random.default_rng(0)
    hours = np.arange(24 * 28)
    group = [
        regularise(
            pd.date_range("2026-01-01", periods=hours.size, freq="h"),
            50 + 0.02 * s * hours / 24 + 10 * np.sin(2 * np.pi * hours / 24)
            + rng.normal(0, 2, hours.size),
        )
        for s in range(count)
    ]  # fmt: skip
    methods = (SEASONAL_NAIVE, LINEAR_TREND)
    started = time.perf_counter()
    batched = forecast_many(group, 24 * 7, methods=methods)
    batch_seconds = time.perf_counter() - started
    started = time.perf_counter()
    single = [forecast_series(s, 24 * 7, methods=methods) for s in group]
    loop_seconds = time.perf_counter() - started
    assert all(np.allclose(a.value, b.value) for a, b in zip(batched, single, strict=True))
    print(f"== batching: {count} hourly series x 28 days, numpy methods, 1 week ahead")
    print(
        f"batched {1000 * batch_seconds / count:.2f} ms/series, per-series loop "
        f"{1000 * loop_seconds / count:.2f} ms/series: {loop_seconds / batch_seconds:.1f}x faster"
    )
    started = time.perf_counter()
    forecast_many(group[:10], 24 * 7)
    per_series = (time.perf_counter() - started) / 10
    print(f"with exponential smoothing (per series): {per_series:.2f} s/series")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    if (args.data / "realAWSCloudwatch").is_dir():
        accuracy(args.data, args.days)
    else:
        print(f"skipping accuracy: NAB data not found at {args.data}")
    batching(args.batch)


if __name__ == "__main__":
    main()

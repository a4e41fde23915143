"""Runtime backtest benchmark: p50/p90 calibration and pinball loss on held-out jobs.

    python -m bench.runtime_backtest                 # simulator history + the SWF trace
    python -m bench.runtime_backtest --jobs 3000 --nights 60

Data: the simulated shop's run history (``resync_simulator``: seasonality, month-end, growth,
stuck runs), successful runs keyed ``WORKSTATION#STREAM.JOB``; and the real NASA Ames iPSC/860
trace under ``../shared/data/swf`` (a job is a user's executable, fields 12 + 14), skipped with
a message when absent.

Honesty: jobs are split in two groups by a hash of their name. The estimator's parameters
(half-lives, then the p50/p90 offsets) are chosen on the training jobs of both datasets
(each weighing the same), and the figures printed first are on the held-out jobs only.
Baselines on the same rows: the job's previous runtime (naive, used as p50 and p90), and the
scheduler statistic "mean of the last 50 runs" (p50) with mean + 1.28 standard deviations
(p90). Besides held-out jobs, every dataset is also scored on its last 30% of time (later runs
of the same jobs, predicted from everything before them), and the p90's window weight and
length are shown leave-one-source-out: chosen on one dataset's training jobs, scored on the
other's held-out jobs.
"""

from __future__ import annotations

import argparse
import gzip
import time
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from resync_analytics.runtime_backtest import (
    BacktestConfig,
    backtest_runtimes,
    fit_offsets,
    pinball_loss,
)

SWF_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "swf"
FIRST_DAY = int(datetime(2026, 9, 1, tzinfo=UTC).timestamp() // 86_400)


def simulator_history(jobs: int, nights: int, seed: int = 11) -> pd.DataFrame:
    """Successful runs of ``jobs`` simulated jobs over ``nights`` plan days."""
    from resync_simulator.enterprise import generate_enterprise
    from resync_simulator.history import plan_history_rows
    from resync_simulator.plan import Plan

    enterprise = generate_enterprise(seed, jobs)
    rows = [
        row
        for day in range(FIRST_DAY, FIRST_DAY + nights)
        for row in plan_history_rows(Plan(enterprise, day))
    ]
    frame = pd.DataFrame(rows)
    frame = frame[~frame["failed"] & (frame["duration_seconds"] > 0)]
    return pd.DataFrame(
        {
            "job": frame["job_key"].to_numpy(),
            "start": (frame["start_time"].to_numpy() * 1e9).astype(np.int64),
            "runtime_seconds": frame["duration_seconds"].to_numpy(dtype=float),
        }
    )


def swf_history() -> pd.DataFrame | None:
    """The SWF trace's runs, a job per user and executable; None when the data is absent."""
    files = sorted(SWF_DIR.glob("*.swf*"))
    if not files:
        return None
    frames = []
    for path in files:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt") as handle:
            lines = [line for line in handle if line.strip() and not line.startswith(";")]
        fields = np.array([line.split()[:18] for line in lines], dtype=np.int64)
        frames.append(
            pd.DataFrame(
                {
                    "job": [
                        f"{path.stem}:u{u}:x{x}"
                        for u, x in zip(fields[:, 11], fields[:, 13], strict=True)
                    ],
                    "start": fields[:, 1] * 1_000_000_000,
                    "runtime_seconds": fields[:, 3].astype(float),
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    return frame[frame["runtime_seconds"] >= 0].reset_index(drop=True)


def held_out(frame: pd.DataFrame) -> np.ndarray:
    """True for the rows of jobs in the held-out half (a stable hash of the job name)."""
    names = pd.unique(frame["job"])
    test = {name for name in names if zlib.crc32(str(name).encode()) % 2}
    return frame["job"].isin(test).to_numpy()


def naive(frame: pd.DataFrame) -> pd.DataFrame:
    """Baselines from strictly earlier runs (runs starting together do not see each other):
    previous runtime; mean of the last 50 runs, and that mean + 1.28 sd."""
    codes = pd.factorize(frame["job"])[0]
    start = frame["start"].to_numpy()
    order = np.lexsort((start, codes))
    c, t = codes[order], start[order]
    runtime = pd.Series(frame["runtime_seconds"].to_numpy(dtype=float)[order])
    n = len(order)
    new_job = np.r_[True, c[1:] != c[:-1]] if n else np.zeros(0, dtype=bool)
    new_block = new_job | np.r_[True, t[1:] != t[:-1]] if n else new_job
    block_first = np.maximum.accumulate(np.where(new_block, np.arange(n), 0))
    before = np.where(new_job[block_first], -1, block_first - 1)
    rolling = runtime.groupby(c, sort=False).rolling(50, min_periods=1)
    mean = rolling.mean().to_numpy()
    sd = np.nan_to_num(rolling.std().to_numpy())
    has = before >= 0
    columns = {}
    for name, values in (
        ("previous", runtime.to_numpy()),
        ("mean50", mean),
        ("mean50_p90", mean + 1.2816 * sd),
    ):
        sorted_out = np.full(n, np.nan)
        sorted_out[has] = values[before[has]]
        out = np.empty(n)
        out[order] = sorted_out
        columns[name] = out
    return pd.DataFrame(columns)


def score(actual: np.ndarray, p50: np.ndarray, p90: np.ndarray) -> dict[str, float]:
    known = np.isfinite(p50)
    return {
        "rows": int(known.sum()),
        "above_p50": float((actual[known] > p50[known]).mean()),
        "above_p90": float((actual[known] > p90[known]).mean()),
        "pinball50": pinball_loss(actual, p50, 0.5),
        "pinball90": pinball_loss(actual, p90, 0.9),
    }


def relative_loss(frames, config: BacktestConfig) -> float:
    """Mean over datasets of (p50 + p90 pinball) / the naive baseline's, on training rows."""
    ratios = []
    for frame, baseline in frames:
        pred = backtest_runtimes(frame["job"], frame["start"], frame["runtime_seconds"], config)
        known = np.isfinite(pred["p50"].to_numpy()) & np.isfinite(baseline["previous"].to_numpy())
        actual = frame["runtime_seconds"].to_numpy()[known]
        ours = pinball_loss(actual, pred["p50"].to_numpy()[known], 0.5) + pinball_loss(
            actual, pred["p90"].to_numpy()[known], 0.9
        )
        prev = baseline["previous"].to_numpy()[known]
        base = pinball_loss(actual, prev, 0.5) + pinball_loss(actual, prev, 0.9)
        ratios.append(ours / base)
    return float(np.mean(ratios))


def fit_pooled(train: list[pd.DataFrame], config: BacktestConfig) -> BacktestConfig:
    """Offsets fitted on each training set, averaged: each dataset counts the same however
    many rows it has."""
    fitted = [
        fit_offsets(frame["job"], frame["start"], frame["runtime_seconds"], config)
        for frame in train
    ]
    return replace(
        config,
        offsets50=tuple(np.mean([f.offsets50 for f in fitted], axis=0).round(3).tolist()),
        offsets90=tuple(np.mean([f.offsets90 for f in fitted], axis=0).round(3).tolist()),
    )


def choose_config(train: list[pd.DataFrame]) -> BacktestConfig:
    """Half-lives by grid search on the training jobs, offsets refitted for each."""
    pairs = [(frame, naive(frame)) for frame in train]
    best = None
    for halflife in (2.0, 3.0, 4.0, 8.0):
        for scale_halflife in (2.0, 4.0, 8.0):
            config = BacktestConfig(halflife_runs=halflife, scale_halflife_runs=scale_halflife)
            config = fit_pooled(train, config)
            loss = relative_loss(pairs, config)
            print(
                f"  train: halflife {halflife:>4g} scale {scale_halflife:>4g}"
                f"  loss/naive {loss:.3f}"
            )
            if best is None or loss < best[0]:
                best = (loss, config)
    assert best is not None
    return best[1]


def later_runs(frame: pd.DataFrame) -> np.ndarray:
    """True for the runs in the last 30% of the dataset's time span."""
    start = frame["start"].to_numpy()
    return start >= np.quantile(start, 0.7)


def p90_loss(frame: pd.DataFrame, mask: np.ndarray, config: BacktestConfig) -> float:
    pred = backtest_runtimes(frame["job"], frame["start"], frame["runtime_seconds"], config)
    p90 = pred["p90"].to_numpy()
    keep = mask & np.isfinite(p90)
    return pinball_loss(frame["runtime_seconds"].to_numpy()[keep], p90[keep], 0.9)


def window_loso(datasets: dict[str, pd.DataFrame], config: BacktestConfig) -> None:
    """The p90 window weight and length chosen on one dataset's training jobs, scored on
    the other datasets' held-out jobs, against the shipped choice."""
    grid = [(w, n) for w in (0.0, 0.25, 0.5, 0.75) for n in (10, 20, 50, 100)]
    print("\n== p90 window, leave one dataset out (pinball90 on held-out jobs) ==")
    for chosen_on, frame in datasets.items():
        train = ~held_out(frame)
        weight, runs = min(
            grid,
            key=lambda g: p90_loss(
                frame, train, replace(config, window_weight90=g[0], window_runs=g[1])
            ),
        )
        for name, other in datasets.items():
            if name == chosen_on:
                continue
            test = held_out(other)
            picked = p90_loss(
                other, test, replace(config, window_weight90=weight, window_runs=runs)
            )
            shipped = p90_loss(other, test, config)
            alone = p90_loss(other, test, replace(config, window_weight90=0.0))
            print(
                f"  chosen on {chosen_on}: weight {weight:g}, {runs} runs -> {name}: "
                f"{picked:.2f} (shipped {config.window_weight90:g}/{config.window_runs}: "
                f"{shipped:.2f}; model alone {alone:.2f})"
            )


def report(
    name: str,
    frame: pd.DataFrame,
    config: BacktestConfig,
    rows_mask: np.ndarray | None = None,
) -> None:
    """Scores of the model and the baselines; ``rows_mask`` limits the scored rows (every row
    is still predicted from all of its job's earlier rows)."""
    actual = frame["runtime_seconds"].to_numpy()
    started = time.perf_counter()
    pred = backtest_runtimes(frame["job"], frame["start"], frame["runtime_seconds"], config)
    seconds = time.perf_counter() - started
    base = naive(frame)
    known = np.isfinite(pred["p50"].to_numpy()) & np.isfinite(base["previous"].to_numpy())
    if rows_mask is not None:
        known &= rows_mask
    print(
        f"\n{name}: {len(frame):,} runs, {frame['job'].nunique():,} jobs, backtest {seconds:.2f} s"
    )
    rows = {
        "model": (pred["p50"].to_numpy(), pred["p90"].to_numpy()),
        "naive (previous run)": (base["previous"].to_numpy(), base["previous"].to_numpy()),
        "mean of last 50 (+1.28 sd)": (base["mean50"].to_numpy(), base["mean50_p90"].to_numpy()),
    }
    print(
        f"  {'method':28} {'rows':>8} {'>p50':>7} {'>p90':>7} {'pinball50':>11} {'pinball90':>11}"
    )
    for label, (p50, p90) in rows.items():
        s = score(actual[known], p50[known], p90[known])
        print(
            f"  {label:28} {s['rows']:>8,} {s['above_p50']:>7.1%} {s['above_p90']:>7.1%}"
            f" {s['pinball50']:>11.2f} {s['pinball90']:>11.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--nights", type=int, default=60)
    args = parser.parse_args(argv)
    datasets = {"simulator": simulator_history(args.jobs, args.nights)}
    swf = swf_history()
    if swf is None:
        print(f"note: {SWF_DIR} is absent; the SWF trace is skipped")
    else:
        datasets["swf (NASA iPSC/860)"] = swf
    masks = {name: held_out(frame) for name, frame in datasets.items()}
    train = [frame[~masks[name]].reset_index(drop=True) for name, frame in datasets.items()]
    config = choose_config(train)
    print(f"chosen on training jobs: {config}")
    print("\n== held-out jobs ==")
    for name, frame in datasets.items():
        report(f"{name}, held out", frame[masks[name]].reset_index(drop=True), config)
    print("\n== later runs (last 30% of time, every job) ==")
    for name, frame in datasets.items():
        late = later_runs(frame)
        report(f"{name}, later runs", frame, config, rows_mask=late)
    window_loso(datasets, config)
    print("\n== shipped defaults, all jobs ==")
    for name, frame in datasets.items():
        report(f"{name}, all", frame, BacktestConfig())
    big = datasets["simulator"]
    reps = max(1, 1_000_000 // len(big))
    scaled = pd.concat(
        [big.assign(job=big["job"] + f"/{r}") for r in range(reps)], ignore_index=True
    )
    started = time.perf_counter()
    backtest_runtimes(scaled["job"], scaled["start"], scaled["runtime_seconds"])
    print(f"\nscale: {len(scaled):,} runs backtested in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

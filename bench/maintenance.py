"""Predictive-maintenance benchmark: scoring a month of a 100k-job shop, and reading it back.

    python -m bench.maintenance                       # 100k jobs x 28 nights, embedded PostgreSQL
    python -m bench.maintenance --database-url URL    # a scratch schema on URL's server
    python -m bench.maintenance --no-database         # the models only

Baselines, measured in the same run on the same rows:
- scoring (failure, runtime and lateness models plus reasons for every job) against one
  pandas group-by median of log runtime per job: the cheapest per-job statistic there is;
- reading the history out of PostgreSQL into the model's frame against a raw
  ``COPY ... TO STDOUT`` of the same columns whose bytes are thrown away.
Also prints the process's peak resident memory. Goals: scoring under 60 s and peak memory
under 4 GB for 100k jobs x 28 nights (~2.8M runs).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from resync_analytics.maintenance import run_history_frame, score_tonight
from resync_clients.postgres.run_history import read_run_history
from resync_clients.store import open_store
from resync_core.settings import load_settings

TONIGHT = datetime(2026, 3, 2, tzinfo=UTC)
DAY = 86_400.0


def synthetic_history(jobs: int, nights: int, seed: int = 5) -> pd.DataFrame:
    """One first-attempt run a night per job: log-normal runtimes (8% of jobs growing),
    0.4% failures (5% of jobs flaky), deadlines with a job-specific slack."""
    rng = np.random.default_rng(seed)
    job = np.repeat(np.arange(jobs), nights)
    night = np.tile(np.arange(1, nights + 1), jobs)
    median = np.exp(rng.normal(np.log(120), 1.1, jobs))
    growth = np.where(rng.random(jobs) < 0.08, rng.uniform(0.01, 0.05, jobs), 0.0)
    rate = np.where(rng.random(jobs) < 0.05, rng.uniform(0.03, 0.15, jobs), 0.004)
    sched_of_day = rng.uniform(0, DAY, jobs)
    sched = TONIGHT.timestamp() - night * DAY + sched_of_day[job]
    duration = (
        median[job] * (1 + growth[job]) ** (-night / 7) * np.exp(rng.normal(0, 0.25, job.size))
    )
    start = sched + rng.uniform(5, 300, job.size)
    workstation = np.array([f"WS{n:03d}" for n in range(200)], dtype=object)[job % 200]
    keys = np.array([f"WS{n % 200:03d}#STREAM{n // 10:05d}.JOB{n:06d}" for n in range(jobs)])
    return run_history_frame(
        pd.DataFrame(
            {
                "job_key": pd.Categorical.from_codes(job, categories=keys),
                "workstation": workstation,
                "sched_time": sched,
                "start_time": start,
                "end_time": start + duration,
                "deadline_time": sched + 3 * median[job] + 600,
                "duration_seconds": duration,
                "failed": rng.random(job.size) < rate[job],
                "run_attempt": 1,
                "error_pattern": None,
            }
        )
    )


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def copy_into_job_runs(store, frame: pd.DataFrame) -> None:
    """Load the frame into job_runs with raw COPY (set-up, not measured)."""
    keys = frame["job_key"].astype(str).tolist()
    failed = frame["failed"].tolist()
    durations = frame["duration_seconds"].tolist()
    stamps = [
        pd.to_datetime(frame[name], unit="s", utc=True).dt.to_pydatetime().tolist()
        for name in ("sched_time", "start_time", "end_time", "deadline_time")
    ]
    with store.connection() as conn, conn.cursor() as cur:
        columns = (
            "run_id, job_key, workstation, job_stream, job_name, status, internal_status,"
            " sched_time, start_time, end_time, deadline_time, duration_seconds, run_attempt"
        )
        with cur.copy(f"COPY job_runs ({columns}) FROM STDIN") as copy:
            for i, key in enumerate(keys):
                workstation, rest = key.split("#", 1)
                stream, name = rest.rsplit(".", 1)
                copy.write_row(
                    (
                        f"r{i}",
                        key,
                        workstation,
                        stream,
                        name,
                        "ERROR" if failed[i] else "SUCCESSFUL",
                        "ABEND" if failed[i] else "SUCC",
                        *(column[i] for column in stamps),
                        durations[i],
                        1,
                    )
                )
        conn.commit()


def database_read(args: argparse.Namespace, frame: pd.DataFrame) -> None:
    with tempfile.TemporaryDirectory(prefix="resync-bench-") as data_dir:
        settings = load_settings(database_url=args.database_url or "", data_dir=Path(data_dir))
        with open_store(settings, max_size=2) as store:
            store.ensure_schema()
            with store.connection() as conn:
                conn.execute("TRUNCATE job_runs CASCADE")
                conn.commit()
            print(f"database: {store.location}; loading {len(frame):,} runs (set-up)...")
            copy_into_job_runs(store, frame)
            since = datetime.fromtimestamp(TONIGHT.timestamp() - 40 * DAY, UTC)
            with store.connection() as conn:
                started = time.perf_counter()
                with conn.cursor() as cur:
                    raw = (
                        "COPY (SELECT job_key, workstation, sched_time, start_time, end_time,"
                        " deadline_time, duration_seconds, internal_status, run_attempt,"
                        " error_pattern FROM job_runs) TO STDOUT (FORMAT csv)"
                    )
                    with cur.copy(raw) as copy:
                        for _ in copy:
                            pass
                raw_seconds = time.perf_counter() - started
                started = time.perf_counter()
                loaded = read_run_history(conn, since=since, until=TONIGHT)
                read_seconds = time.perf_counter() - started
    print(f"raw COPY TO STDOUT (bytes dropped) {raw_seconds:7.2f} s   (baseline)")
    print(f"read_run_history into the frame    {read_seconds:7.2f} s   {len(loaded):,} runs")
    print(f"ratio read / raw COPY: {read_seconds / raw_seconds:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--nights", type=int, default=28)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: embedded server)")
    parser.add_argument("--no-database", action="store_true", help="skip the read benchmark")
    args = parser.parse_args(argv)

    frame = synthetic_history(args.jobs, args.nights)
    print(f"history: {args.jobs:,} jobs x {args.nights} nights = {len(frame):,} runs")
    started = time.perf_counter()
    codes = frame["job_key"].cat.codes.to_numpy()
    baseline = pd.Series(np.log(frame["duration_seconds"].to_numpy())).groupby(codes).median()
    baseline_seconds = time.perf_counter() - started
    started = time.perf_counter()
    risks = score_tonight(frame, TONIGHT)
    score_seconds = time.perf_counter() - started
    print(f"group-by median per job            {baseline_seconds:7.2f} s   (baseline)")
    print(f"score_tonight (3 models, reasons)  {score_seconds:7.2f} s   {len(risks):,} jobs")
    print(f"ratio scoring / group-by median: {score_seconds / baseline_seconds:.1f}")
    print(f"jobs scored per second: {len(risks) / score_seconds:,.0f}")
    assert len(baseline) == len(risks) == args.jobs
    if not args.no_database:
        database_read(args, frame)
    print(f"peak resident memory: {peak_memory_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

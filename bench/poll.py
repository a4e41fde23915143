"""Poller benchmark: full and incremental poll cycles of a 100k-job plan, end to end.

The simulator runs in a child process (its own CPU and GIL); the poll cycles are real flow
runs (ephemeral Prefect API) writing to the embedded PostgreSQL, or ``--database-url``. The
baseline, measured in the same run, is a raw COPY of the same job-run rows into an unindexed
table. Prints each time, the ratios, and this process's peak memory.

    .venv/bin/python -m bench.poll [--jobs 100000] [--database-url URL]

Goals: incremental cycle (1% of jobs changed) under 5 s, full cycle under 60 s, peak memory
under 1 GB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import tempfile
import time

import httpx

from resync_core.settings import get_settings
from resync_simulator.server import SimulatorConfig, run_simulator_process


def raw_copy_seconds(rows: list[tuple]) -> float:
    """COPY ``rows`` (job_runs column order) into a fresh unindexed table; seconds taken."""
    from psycopg import sql

    from resync_clients.postgres.job_runs import JOB_RUN_COLUMNS
    from tasks.resources import get_store

    store = get_store()
    columns = sql.SQL(", ").join(map(sql.Identifier, JOB_RUN_COLUMNS))
    started = time.perf_counter()
    with store.connection() as conn, conn.transaction(), conn.cursor() as cur:
        cur.execute(
            sql.SQL(
                "CREATE TEMP TABLE bench_poll_copy AS SELECT {} FROM job_runs WITH NO DATA"
            ).format(columns)
        )
        cur.execute(sql.SQL("SELECT {} FROM bench_poll_copy LIMIT 0").format(columns))
        types = [column.type_code for column in cur.description or ()]
        with cur.copy(
            sql.SQL("COPY bench_poll_copy ({}) FROM STDIN (FORMAT BINARY)").format(columns)
        ) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
        cur.execute("DROP TABLE bench_poll_copy")
    return time.perf_counter() - started


def stored_rows() -> list[tuple]:
    from resync_clients.postgres.job_runs import JOB_RUN_COLUMNS
    from tasks.resources import get_store

    with get_store().connection() as conn, conn.cursor() as cur:
        cur.execute("SELECT " + ", ".join(JOB_RUN_COLUMNS) + " FROM job_runs")
        return [tuple(row.values()) for row in cur.fetchall()]


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--advance-minutes",
        type=float,
        default=24.0,
        help="simulated minutes between the two cycles (about 1%% of a day's jobs change)",
    )
    args = parser.parse_args()

    config = SimulatorConfig(seed=5, scenario="large", jobs=args.jobs, clock_rate=0)
    user = config.users[0]
    with tempfile.TemporaryDirectory(prefix="resync-bench-poll-") as data_dir:
        os.environ["RESYNC_DATA_DIR"] = data_dir
        if args.database_url:
            os.environ["RESYNC_DATABASE_URL"] = args.database_url
        print(f"starting the simulator with {args.jobs:,} jobs ...", flush=True)
        with run_simulator_process(config) as sim:
            os.environ["RESYNC_TWS_URL"] = sim.base_url
            os.environ["RESYNC_TWS_USERNAME"] = user.username
            os.environ["RESYNC_TWS_PASSWORD"] = user.password
            get_settings.cache_clear()

            from flows.poller import poll_tws
            from tasks.resources import get_store

            get_store()  # the embedded server and the schema, before timing
            # Start the ephemeral Prefect API before timing anything.
            from prefect import flow

            flow(lambda: None, name="warm-up")()

            started = time.perf_counter()
            full = asyncio.run(poll_tws(full=True))
            full_seconds = time.perf_counter() - started

            httpx.post(
                sim.base_url + "/sim/clock/advance",
                json={"seconds": args.advance_minutes * 60},
                auth=(user.username, user.password),
                timeout=60,
            ).raise_for_status()
            started = time.perf_counter()
            incremental = asyncio.run(poll_tws())
            incremental_seconds = time.perf_counter() - started

            rows = stored_rows()
            copy_seconds = min(raw_copy_seconds(rows) for _ in range(3))
            # Stop the embedded server while its data directory still exists.
            from tasks.resources import close_store

            close_store()

    print(f"plan: {full.jobs_read:,} jobs, {len(rows):,} runs stored")
    print(f"raw COPY of the same rows      {copy_seconds:7.2f} s   (baseline)")
    print(
        f"full poll cycle                {full_seconds:7.2f} s   "
        f"ratio {full_seconds / copy_seconds:6.1f}  goal < 60 s: "
        f"{'ok' if full_seconds < 60 else 'MISSED'}"
    )
    print(
        f"incremental cycle              {incremental_seconds:7.2f} s   "
        f"ratio {incremental_seconds / copy_seconds:6.1f}  goal < 5 s: "
        f"{'ok' if incremental_seconds < 5 else 'MISSED'}"
    )
    print(
        f"  read {incremental.jobs_read:,} jobs, {incremental.runs_changed:,} runs changed "
        f"({incremental.runs_changed / max(full.jobs_read, 1):.1%} of the plan), "
        f"{incremental.transitions:,} transitions, {incremental.failures} failures"
    )
    memory = peak_memory_mb()
    print(
        f"peak memory of the poller      {memory:7.0f} MB  goal < 1024 MB: "
        f"{'ok' if memory < 1024 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

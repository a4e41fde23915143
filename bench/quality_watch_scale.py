"""Quality-watch read cost at a 100k-jobs-a-day shop: the nightly watch's queries against
a scan of the same window, measured in the same run.

    python -m bench.quality_watch_scale                       # a throw-away embedded PostgreSQL
    python -m bench.quality_watch_scale --database-url URL    # a scratch schema, dropped after
    python -m bench.quality_watch_scale --jobs 20000          # a smaller shop

The store is filled with what the watch reads: every night ``--jobs`` runs (2% of them
failed, with an error template), a risk score per job and night, over the nights the watch
of the last night reads (its reported weeks, its baseline weeks and the template history).
Each of the watch's reads is then timed, best of ``--repeat``, and so is the baseline: one
``count(*)`` over job_runs' rows of the same window (a plain scan of what the watch must at
least look at). The ratio says what the watch's grouping and joins cost on top of reading
the rows once; the absolute figure is what the nightly flow waits for.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.ingest import scratch_store
from resync_analytics.quality import WatchConfig
from resync_clients.postgres.learning import load_feedback
from resync_clients.postgres.quality import (
    analysed_failures,
    coverage_points,
    night_runs,
    resolution_times,
    risk_outcomes,
    seen_templates,
)

NIGHT = date(2026, 3, 29)
HISTORY_DAYS = 28

# One night of a shop: jobs start over the night, 2% fail with one of 40 templates, each run
# of a job lands on the same workstation every night (60 of them).
_FILL_NIGHT = """
INSERT INTO job_runs (run_id, job_id, job_key, plan_id, workstation, job_stream, job_name,
    folder, status, internal_status, return_code, sched_time, start_time, end_time,
    duration_seconds, rerun_type, run_attempt, is_critical, deadline_time, error_pattern,
    error_line)
SELECT format('r%%s-%%s', %(day)s::text, i), format('j%%s-%%s', %(day)s::text, i),
    format('WS%%s#S%%s.J%%s', i %% 60, i %% 2000, i), 'current', format('WS%%s', i %% 60),
    format('S%%s', i %% 2000), format('J%%s', i), '/',
    CASE WHEN failed THEN 'ERROR' ELSE 'SUCCESSFUL' END,
    CASE WHEN failed THEN 'ABEND' ELSE 'SUCC' END, CASE WHEN failed THEN 12 ELSE 0 END,
    start_at, start_at, start_at + make_interval(secs => 30 + i %% 900),
    30 + i %% 900, NULL, 1, i %% 50 = 0, start_at + interval '3 hours',
    CASE WHEN failed THEN format('p%%s', i %% 40) END, CASE WHEN failed THEN 7 ELSE 0 END
FROM (SELECT i, %(night)s::timestamptz + make_interval(secs => (i * 37) %% 28800) AS start_at,
        hashint4(i + %(salt)s) %% 50 = 0 AS failed
      FROM generate_series(1, %(jobs)s) AS i) AS runs
"""

_FILL_RISKS = """
INSERT INTO risk_scores (job_key, scored_for, score)
SELECT format('WS%%s#S%%s.J%%s', i %% 60, i %% 2000, i), %(day)s::date,
    ((hashint4(i) & 1023) / 1023.0)
FROM generate_series(1, %(jobs)s) AS i
"""

_SCAN = "SELECT count(*) FROM job_runs WHERE start_time >= %s AND start_time < %s"


def _instant(night: date) -> datetime:
    return datetime(night.year, night.month, night.day, tzinfo=UTC)


def fill(conn: Any, *, jobs: int, first: date, last: date) -> int:
    """Write every night from ``first`` to ``last``; returns the job runs written."""
    nights = (last - first).days + 1
    for offset in range(nights):
        night = first + timedelta(days=offset)
        params = {"day": night, "night": _instant(night), "jobs": jobs, "salt": offset}
        conn.execute(_FILL_NIGHT, params)
        conn.execute(_FILL_RISKS, params)
        print(f"\rfilled {offset + 1}/{nights} nights", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    conn.execute("ANALYZE job_runs")
    conn.execute("ANALYZE risk_scores")
    return nights * jobs


def best_seconds(repeat: int, work: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: embedded server)")
    parser.add_argument("--jobs", type=int, default=100_000, help="job runs a night")
    parser.add_argument("--repeat", type=int, default=3, help="runs per read; the best counts")
    args = parser.parse_args(argv)

    config = WatchConfig()
    first = config.history_start(NIGHT)
    since, until = _instant(first), _instant(NIGHT + timedelta(days=1))
    history = since - timedelta(days=HISTORY_DAYS)
    reads: dict[str, Callable[[Any], object]] = {
        "failed runs and their diagnoses": lambda c: analysed_failures(c, since=since, until=until),
        "templates of the history": lambda c: seen_templates(c, since=history, until=since),
        "runs, new jobs and hosts a night": lambda c: night_runs(
            c, since=since, until=until, history_days=HISTORY_DAYS
        ),
        "operator feedback": lambda c: load_feedback(c, since=since),
        "risk scores against outcomes": lambda c: risk_outcomes(c, first=first, last=NIGHT),
        "forecast interval coverage": lambda c: coverage_points(c, since=since, until=until),
        "time to resolution": lambda c: resolution_times(c, since=since, until=until),
    }
    with scratch_store(args.database_url) as store, store.connection() as conn:
        started = time.perf_counter()
        written = fill(conn, jobs=args.jobs, first=first - timedelta(days=HISTORY_DAYS), last=NIGHT)
        conn.commit()
        print(f"wrote {written:,} job runs in {time.perf_counter() - started:.0f} s")
        scan, _ = best_seconds(args.repeat, lambda: conn.execute(_SCAN, (history, until)))
        timings = {
            name: best_seconds(args.repeat, lambda read=read: read(conn))
            for name, read in reads.items()
        }
    total = sum(seconds for seconds, _ in timings.values())
    print(f"watch of {NIGHT}: reads {first} to {NIGHT}, templates from {history.date()}")
    print(f"{'read':36} {'seconds':>8} {'rows':>8}")
    for name, (seconds, result) in timings.items():
        rows = len(result) if isinstance(result, Sequence | frozenset) else "-"
        print(f"{name:36} {seconds:8.3f} {rows:>8}")
    print(f"{'all reads':36} {total:8.3f}")
    print(f"{'baseline: count(*) over the window':36} {scan:8.3f}")
    print(f"ratio all reads / baseline scan: {total / scan:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

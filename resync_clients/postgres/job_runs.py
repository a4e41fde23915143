"""Writes and reads of ``job_runs``, ``job_status_transitions`` and ``error_patterns``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import psycopg
from psycopg.rows import scalar_row, tuple_row

from resync_clients.postgres.upsert import UpsertResult, bulk_upsert
from resync_core.job_runs import FINAL_STATUSES, JobRunRecord, StatusTransition

JOB_RUN_COLUMNS = (
    "run_id",
    "job_id",
    "job_key",
    "plan_id",
    "workstation",
    "job_stream",
    "job_name",
    "folder",
    "status",
    "internal_status",
    "return_code",
    "sched_time",
    "start_time",
    "end_time",
    "duration_seconds",
    "rerun_type",
    "run_attempt",
    "is_critical",
    "deadline_time",
)

_TRANSITION_COLUMNS = (
    "run_id",
    "job_key",
    "from_internal_status",
    "to_internal_status",
    "to_status",
    "return_code",
    "observed_at",
)


@dataclass(frozen=True)
class JoblogFinding:
    """What the poller learned from a failed run's joblog, stored with the run."""

    run_id: str
    joblog_text: str | None
    error_pattern: str | None
    pattern_template: str | None
    category: str | None
    error_line: int | None
    observed_at: datetime
    # False: the joblog lacks its trailer (cut short) and is fetched again; None: not checked.
    complete: bool | None = None


def upsert_job_runs(conn: psycopg.Connection[Any], runs: Iterable[JobRunRecord]) -> UpsertResult:
    """Insert new runs and update changed ones (joblog columns are left as they are)."""
    rows = (
        (
            r.run_id,
            r.job_id,
            r.job_key,
            r.plan_id,
            r.workstation,
            r.job_stream,
            r.job_name,
            r.folder,
            r.status,
            r.internal_status,
            r.return_code,
            r.sched_time,
            r.start_time,
            r.end_time,
            r.duration_seconds,
            r.rerun_type,
            r.run_attempt,
            r.is_critical,
            r.deadline_time,
        )
        for r in runs
    )
    return bulk_upsert(conn, table="job_runs", columns=JOB_RUN_COLUMNS, rows=rows, key=("run_id",))


def insert_transitions(
    conn: psycopg.Connection[Any], transitions: Iterable[StatusTransition]
) -> UpsertResult:
    """Record transitions; one already recorded (same run, same target status) is kept."""
    rows = (
        (
            t.run_id,
            t.job_key,
            t.from_internal_status,
            t.to_internal_status,
            t.to_status,
            t.return_code,
            t.observed_at,
        )
        for t in transitions
    )
    return bulk_upsert(
        conn,
        table="job_status_transitions",
        columns=_TRANSITION_COLUMNS,
        rows=rows,
        key=("run_id", "to_internal_status"),
        update=(),
    )


def load_runs_needing_joblogs(
    conn: psycopg.Connection[Any], max_attempts: int, limit: int
) -> list[JobRunRecord]:
    """Failed runs whose joblog is missing (a fetch failed) or was cut short and has been
    fetched fewer than ``max_attempts`` times; the most recently ended first."""
    rows = conn.execute(
        "SELECT * FROM job_runs WHERE internal_status IN ('ABEND', 'FAIL')"
        " AND (joblog_text IS NULL OR (joblog_complete = false AND joblog_attempts < %s))"
        " ORDER BY end_time DESC NULLS LAST LIMIT %s",
        (max_attempts, limit),
    ).fetchall()
    fields = JobRunRecord.__dataclass_fields__
    return [JobRunRecord(**{k: v for k, v in row.items() if k in fields}) for row in rows]


def load_run_statuses(conn: psycopg.Connection[Any], run_ids: Sequence[str]) -> dict[str, str]:
    """Stored internal status of each of ``run_ids`` that is already known."""
    if not run_ids:
        return {}
    with conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(
            "SELECT run_id, internal_status FROM job_runs WHERE run_id = ANY(%s)",
            (list(run_ids),),
        ).fetchall()
    return dict(rows)


def load_unfinished_job_ids(
    conn: psycopg.Connection[Any], started_before: datetime, started_after: datetime
) -> list[str]:
    """Jobs with a stored run still going that started between the two instants.

    The incremental poll asks for these by id: their start is older than its time window.
    ``started_after`` bounds the look-back, so a run that a lost plan never finished is not
    asked for forever.
    """
    with conn.cursor(row_factory=scalar_row) as cur:
        return cur.execute(
            "SELECT DISTINCT job_id FROM job_runs"
            " WHERE job_id IS NOT NULL AND start_time < %s AND start_time >= %s"
            " AND NOT (internal_status = ANY(%s))",
            (started_before, started_after, sorted(FINAL_STATUSES)),
        ).fetchall()


def store_joblog_findings(conn: psycopg.Connection[Any], findings: Sequence[JoblogFinding]) -> None:
    """Attach joblogs and error patterns to their runs; keep the pattern catalogue current.

    Each stored joblog counts one fetch attempt (``joblog_attempts``), which bounds how often
    an incomplete one is fetched again.
    """
    if not findings:
        return
    with conn.cursor() as cur:
        cur.executemany(
            "UPDATE job_runs SET joblog_text = %s, error_pattern = %s, error_line = %s,"
            " joblog_complete = %s, joblog_attempts = LEAST(joblog_attempts + 1, 32767)"
            " WHERE run_id = %s",
            [
                (f.joblog_text, f.error_pattern, f.error_line, f.complete, f.run_id)
                for f in findings
            ],
        )
    patterns = {f.error_pattern: f for f in findings if f.error_pattern and f.pattern_template}
    if not patterns:
        return
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO error_patterns (pattern_id, template, category, first_seen, last_seen)"
            " VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (pattern_id) DO UPDATE SET"
            " last_seen = GREATEST(error_patterns.last_seen, EXCLUDED.last_seen)",
            [
                (pid, f.pattern_template, f.category, f.observed_at, f.observed_at)
                for pid, f in patterns.items()
            ],
        )
        # Counted from the runs themselves, so replaying a cycle cannot inflate it.
        cur.execute(
            "UPDATE error_patterns p SET occurrences = c.n"
            " FROM (SELECT error_pattern, count(*) AS n FROM job_runs"
            "       WHERE error_pattern = ANY(%s) GROUP BY error_pattern) c"
            " WHERE p.pattern_id = c.error_pattern",
            (list(patterns),),
        )


def daily_job_counts(
    conn: psycopg.Connection[Any], since: datetime
) -> list[tuple[str, str, date, int, float]]:
    """(workstation, job key, UTC day, runs, busy seconds) per workstation, job and day of
    the runs started since ``since``."""
    with conn.cursor(row_factory=tuple_row) as cur:
        return cur.execute(
            "SELECT workstation, job_key, (start_time AT TIME ZONE 'UTC')::date AS day,"
            " count(*)::int AS runs, coalesce(sum(duration_seconds), 0)::float8 AS busy"
            " FROM job_runs WHERE start_time >= %s GROUP BY 1, 2, 3",
            (since,),
        ).fetchall()

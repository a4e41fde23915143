"""Writes and reads of ``plan_dependencies``: the plan's dependency graph per plan day.

Edges are written as one batch per plan day (an idempotent upsert: writing the same edges
again changes nothing but ``seen_at``); reads return ``resync_core.plan_graph`` types. Plan
nodes (earliest start, deadline) come from what ``job_runs`` holds for the day's jobs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import tuple_row

from resync_clients.postgres.upsert import UpsertResult, bulk_upsert
from resync_core.plan_graph import PlanEdge, PlanNode

_COLUMNS = (
    "plan_day",
    "predecessor_key",
    "successor_key",
    "kind",
    "internal",
    "status",
    "seen_at",
)
_KEY = ("plan_day", "predecessor_key", "successor_key", "kind")


def write_plan_edges(
    conn: psycopg.Connection[Any],
    plan_day: date,
    edges: Iterable[PlanEdge],
    seen_at: datetime,
) -> UpsertResult:
    """Upsert ``edges`` of ``plan_day`` in one batch; an edge of another day is refused
    (``ValueError``) rather than filed under the wrong day. Edges stored earlier and not in
    ``edges`` stay: the poller learns a plan's graph a part at a time."""
    rows = []
    for edge in edges:
        if edge.plan_day != plan_day:
            raise ValueError(f"edge {edge} does not belong to plan day {plan_day}")
        rows.append(
            (
                plan_day,
                edge.predecessor_key,
                edge.successor_key,
                edge.kind,
                edge.internal,
                edge.status,
                seen_at,
            )
        )
    return bulk_upsert(conn, table="plan_dependencies", columns=_COLUMNS, rows=rows, key=_KEY)


def load_plan_edges(conn: psycopg.Connection[Any], plan_day: date) -> list[PlanEdge]:
    """Every stored edge of ``plan_day``, ordered by successor, then predecessor and kind."""
    with conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(
            "SELECT plan_day, predecessor_key, successor_key, kind, internal, status"
            " FROM plan_dependencies WHERE plan_day = %s"
            " ORDER BY successor_key, predecessor_key, kind",
            (plan_day,),
        ).fetchall()
    return [PlanEdge(*row) for row in rows]


def load_wired_jobs(
    conn: psycopg.Connection[Any], jobs: Iterable[tuple[date, str]]
) -> set[tuple[date, str]]:
    """Those of ``jobs`` (``(plan_day, job_key)`` pairs) that already have edges stored into
    them (as successor) for that plan day."""
    days, keys = [], []
    for day, key in set(jobs):
        days.append(day)
        keys.append(key)
    if not keys:
        return set()
    with conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(
            "SELECT DISTINCT p.plan_day, p.successor_key"
            " FROM unnest(%s::date[], %s::text[]) AS j(plan_day, job_key)"
            " JOIN plan_dependencies p"
            "   ON p.plan_day = j.plan_day AND p.successor_key = j.job_key",
            (days, keys),
        ).fetchall()
    return {(day, key) for day, key in rows}


def mark_dependencies_resolved(
    conn: psycopg.Connection[Any], jobs: Iterable[tuple[date, str]], seen_at: datetime
) -> int:
    """Mark every stored edge into ``jobs`` (``(plan_day, job_key)`` pairs whose dependencies
    TWS counts as all resolved) satisfied, unless already satisfied or released; returns how
    many edges changed. Keeps statuses current from query results, without reading any job
    alone again."""
    days, keys = [], []
    for day, key in set(jobs):
        days.append(day)
        keys.append(key)
    if not keys:
        return 0
    cursor = conn.execute(
        "UPDATE plan_dependencies p SET status = 'satisfied', seen_at = %s"
        " FROM unnest(%s::date[], %s::text[]) AS j(plan_day, job_key)"
        " WHERE p.plan_day = j.plan_day AND p.successor_key = j.job_key"
        " AND p.status NOT IN ('satisfied', 'released')",
        (seen_at, days, keys),
    )
    return cursor.rowcount


def load_plan_nodes(conn: psycopg.Connection[Any], plan_day: date) -> list[PlanNode]:
    """The jobs of ``plan_day`` that ``job_runs`` knows (scheduled that UTC day), with the
    schedule time as earliest start and the deadline of their latest run; by job key."""
    start = _utc_midnight(plan_day)
    with conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(
            "SELECT DISTINCT ON (job_key) job_key, sched_time, deadline_time FROM job_runs"
            " WHERE sched_time >= %s AND sched_time < %s"
            " ORDER BY job_key, run_attempt DESC, updated_at DESC",
            (start, start + timedelta(days=1)),
        ).fetchall()
    return [PlanNode(key, sched, deadline) for key, sched, deadline in rows]


def _utc_midnight(day: date) -> datetime:
    # Plan days run midnight to midnight UTC, as everywhere in the project.
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# Edges along which a successor still waits for its predecessor's end; a ``job_stream``
# predecessor is the stream key, the job key without its last ``.JOB`` part.
_WAITING = "p.kind IN ('job', 'job_stream') AND p.status NOT IN ('satisfied', 'released')"
_STREAM_OF = r"regexp_replace(b.job_key, '\.[^.]*$', '')"


def load_downstream(
    conn: psycopg.Connection[Any], plan_day: date, roots: Iterable[str]
) -> tuple[list[PlanEdge], dict[str, datetime | None]]:
    """The part of ``plan_day``'s stored graph below ``roots``: every edge still waiting
    out of a job reachable from them (a ``job_stream`` edge out of each job of its stream),
    and the deadline of each job reached (that of its run of the day, else the one stored
    with its risk score for the day), in two queries; a stuck job's delays need only this
    part, not the whole plan."""
    keys = sorted(set(roots))
    if not keys:
        return [], {}
    with conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(
            "WITH RECURSIVE below(job_key) AS ("
            '   SELECT unnest(%(roots)s::text[]) COLLATE "C"'
            "   UNION"
            "   SELECT p.successor_key FROM below b JOIN plan_dependencies p"
            f"    ON p.plan_day = %(day)s AND {_WAITING}"
            f"    AND p.predecessor_key = ANY(ARRAY[b.job_key, {_STREAM_OF}])"
            ")"
            " SELECT DISTINCT p.plan_day, p.predecessor_key, p.successor_key, p.kind,"
            " p.internal, p.status FROM below b JOIN plan_dependencies p"
            f"  ON p.plan_day = %(day)s AND {_WAITING}"
            f"  AND p.predecessor_key = ANY(ARRAY[b.job_key, {_STREAM_OF}])"
            " ORDER BY 3, 2, 4",
            {"roots": keys, "day": plan_day},
        ).fetchall()
        edges = [PlanEdge(*row) for row in rows]
        reached = sorted({edge.successor_key for edge in edges})
        start = _utc_midnight(plan_day)
        # A job that has not started has no run yet: its deadline is then the one the
        # scoring before the batch read from the plan and stored with its risk score.
        deadlines = cur.execute(
            "SELECT k.job_key, coalesce("
            "  (SELECT r.deadline_time FROM job_runs r WHERE r.job_key = k.job_key"
            "   AND r.sched_time >= %(start)s AND r.sched_time < %(end)s"
            "   ORDER BY r.run_attempt DESC, r.updated_at DESC LIMIT 1),"
            "  (SELECT (s.reasons->'plan_graph'->>'deadline')::timestamptz FROM risk_scores s"
            "   WHERE s.scored_for = %(day)s AND s.job_key = k.job_key))"
            " FROM unnest(%(keys)s::text[]) AS k(job_key)",
            {"keys": reached, "start": start, "end": start + timedelta(days=1), "day": plan_day},
        ).fetchall()
    return edges, dict(deadlines)

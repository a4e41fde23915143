"""Writes and reads of ``risk_scores``: tonight's risk per job, with its reasons."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import psycopg
from psycopg.rows import class_row, scalar_row, tuple_row
from psycopg.types.json import Jsonb

from resync_clients.postgres.upsert import UpsertResult, bulk_upsert
from resync_core.risk import RiskScore

_COLUMNS = ("job_key", "scored_for", "score", "reasons", "critical_path", "latest_safe_end")
_SELECT = "SELECT job_key, score, reasons, critical_path, latest_safe_end FROM risk_scores"


def replace_risk_scores(
    conn: psycopg.Connection[Any], scored_for: date, scores: Sequence[RiskScore]
) -> UpsertResult:
    """Make ``scores`` the scores of ``scored_for``: upsert them and delete that day's scores
    of jobs no longer listed, in one transaction (a rerun leaves exactly one set)."""
    with conn.transaction():
        result = bulk_upsert(
            conn,
            table="risk_scores",
            columns=_COLUMNS,
            rows=(
                (
                    one.job_key,
                    scored_for,
                    one.score,
                    Jsonb(dict(one.reasons)),
                    list(one.critical_path),
                    one.latest_safe_end,
                )
                for one in scores
            ),
            key=("job_key", "scored_for"),
        )
        conn.execute(
            "DELETE FROM risk_scores WHERE scored_for = %s AND NOT job_key = ANY(%s)",
            (scored_for, [one.job_key for one in scores]),
        )
    return result


def top_risk_scores(
    conn: psycopg.Connection[Any], scored_for: date, limit: int = 20
) -> list[RiskScore]:
    """The ``limit`` highest scores of ``scored_for``, highest first."""
    with conn.cursor(row_factory=class_row(RiskScore)) as cur:
        return cur.execute(
            f"{_SELECT} WHERE scored_for = %s ORDER BY score DESC, job_key LIMIT %s",
            (scored_for, limit),
        ).fetchall()


def risk_score_of(
    conn: psycopg.Connection[Any], scored_for: date, job_key: str
) -> RiskScore | None:
    """The stored score of ``job_key`` for ``scored_for`` (None: not scored, or below the
    stored minimum)."""
    with conn.cursor(row_factory=class_row(RiskScore)) as cur:
        return cur.execute(
            f"{_SELECT} WHERE scored_for = %s AND job_key = %s", (scored_for, job_key)
        ).fetchone()


def latest_scored_day(conn: psycopg.Connection[Any]) -> date | None:
    """The most recent plan day with stored scores (None before the first scoring)."""
    with conn.cursor(row_factory=scalar_row) as cur:
        day: date | None = cur.execute("SELECT max(scored_for) FROM risk_scores").fetchone()
    return day


def runtime_quantiles(
    conn: psycopg.Connection[Any], jobs: Iterable[tuple[date, str]]
) -> dict[tuple[date, str], tuple[float, float]]:
    """The stored runtime median and p90 (seconds) of each of ``jobs`` (``(plan_day,
    job_key)`` pairs) that has a score for that day, in one query; jobs without a score, or
    whose score holds no positive quantiles, are left out."""
    days, keys = [], []
    for day, key in set(jobs):
        days.append(day)
        keys.append(key)
    if not keys:
        return {}
    with conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(
            "SELECT r.scored_for, r.job_key, (r.reasons->>'predicted_seconds')::float8,"
            " (r.reasons->>'p90_seconds')::float8"
            " FROM unnest(%s::date[], %s::text[]) AS j(plan_day, job_key)"
            " JOIN risk_scores r ON r.scored_for = j.plan_day AND r.job_key = j.job_key"
            " WHERE (r.reasons->>'predicted_seconds')::float8 > 0"
            " AND (r.reasons->>'p90_seconds')::float8 > 0",
            (days, keys),
        ).fetchall()
    return {(day, key): (p50, p90) for day, key, p50, p90 in rows}

"""Writes and reads of ``risk_scores``: tonight's risk per job, with its reasons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import psycopg
from psycopg.rows import class_row, scalar_row
from psycopg.types.json import Jsonb

from resync_clients.postgres.upsert import UpsertResult, bulk_upsert
from resync_core.risk import RiskScore

_COLUMNS = ("job_key", "scored_for", "score", "reasons")


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
            rows=((one.job_key, scored_for, one.score, Jsonb(dict(one.reasons))) for one in scores),
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
            "SELECT job_key, score, reasons FROM risk_scores WHERE scored_for = %s"
            " ORDER BY score DESC, job_key LIMIT %s",
            (scored_for, limit),
        ).fetchall()


def latest_scored_day(conn: psycopg.Connection[Any]) -> date | None:
    """The most recent plan day with stored scores (None before the first scoring)."""
    with conn.cursor(row_factory=scalar_row) as cur:
        day: date | None = cur.execute("SELECT max(scored_for) FROM risk_scores").fetchone()
    return day

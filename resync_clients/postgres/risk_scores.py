"""Writes and reads of ``risk_scores``: tonight's risk per job, with its reasons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from resync_analytics.maintenance import JobRisk
from resync_analytics.maintenance.actions import suggest_actions
from resync_clients.postgres.upsert import UpsertResult, bulk_upsert

_COLUMNS = ("job_key", "scored_for", "score", "reasons")


def reasons_document(risk: JobRisk) -> dict[str, Any]:
    """What ``risk_scores.reasons`` holds: the reasons and the model's numbers."""
    return {
        "reasons": [asdict(reason) for reason in risk.reasons],
        "actions": list(suggest_actions(risk)),
        "failure_probability": risk.failure_probability,
        "late_probability": risk.late_probability,
        "predicted_seconds": risk.predicted_seconds,
        "p90_seconds": risk.p90_seconds,
        "weekly_growth": risk.weekly_growth,
        "workstation": risk.workstation,
        "chronically_late": risk.chronically_late,
        "stands_out": risk.stands_out,
        "news": risk.news,
    }


def replace_risk_scores(
    conn: psycopg.Connection[Any], scored_for: date, risks: Sequence[JobRisk]
) -> UpsertResult:
    """Make ``risks`` the scores of ``scored_for``: upsert them and delete that day's scores
    of jobs no longer listed, in one transaction (a rerun leaves exactly one set)."""
    with conn.transaction():
        result = bulk_upsert(
            conn,
            table="risk_scores",
            columns=_COLUMNS,
            rows=(
                (risk.job_key, scored_for, risk.score, Jsonb(reasons_document(risk)))
                for risk in risks
            ),
            key=("job_key", "scored_for"),
        )
        conn.execute(
            "DELETE FROM risk_scores WHERE scored_for = %s AND NOT job_key = ANY(%s)",
            (scored_for, [risk.job_key for risk in risks]),
        )
    return result


def top_risk_scores(
    conn: psycopg.Connection[Any], scored_for: date, limit: int = 20
) -> list[dict[str, Any]]:
    """The ``limit`` highest scores of ``scored_for``, highest first."""
    return conn.execute(
        "SELECT job_key, score, reasons FROM risk_scores WHERE scored_for = %s"
        " ORDER BY score DESC, job_key LIMIT %s",
        (scored_for, limit),
    ).fetchall()


def latest_scored_day(conn: psycopg.Connection[Any]) -> date | None:
    """The most recent plan day with stored scores (None before the first scoring)."""
    row = conn.execute("SELECT max(scored_for) AS day FROM risk_scores").fetchone()
    return row["day"] if row else None

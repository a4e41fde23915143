"""Read-only summaries of what the flows stored, as the demo shows them: row counts, incidents
with their latest rerun command, first steps, tonight's risk scores, capacity forecasts that
reach a threshold and the most frequent error templates. Rows are returned as dicts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import psycopg
from psycopg import sql


def table_count(conn: psycopg.Connection[Any], table: str) -> int:
    """How many rows ``table`` holds (the name is quoted as an identifier)."""
    query = sql.SQL("SELECT count(*) AS n FROM {}").format(sql.Identifier(table))
    row = conn.execute(query).fetchone()
    return int(row["n"]) if row else 0


def incident_summary(conn: psycopg.Connection[Any], incident_id: int) -> dict[str, Any] | None:
    """An incident's diagnosis, job and latest rerun command (None when there is none):
    keys category, root_cause, error_line, error_text, confidence, job_key, rerun_command."""
    return conn.execute(
        "SELECT i.category, i.root_cause, i.error_line, i.error_text, i.confidence,"
        " i.job_key, r.rerun_command FROM incidents i"
        " LEFT JOIN LATERAL (SELECT rerun_command FROM recommendations"
        "  WHERE incident_id = i.id ORDER BY id DESC LIMIT 1) r ON true"
        " WHERE i.id = %s",
        (incident_id,),
    ).fetchone()


def first_steps(conn: psycopg.Connection[Any], incident_ids: Sequence[int]) -> list[str]:
    """The first step of each incident's latest recommendation (incidents without steps are
    left out), by incident id."""
    rows = conn.execute(
        "SELECT DISTINCT ON (incident_id) steps FROM recommendations"
        " WHERE incident_id = ANY(%s) ORDER BY incident_id, id DESC",
        (list(incident_ids),),
    )
    return [row["steps"][0] for row in rows if row["steps"]]


def risk_scores_for(conn: psycopg.Connection[Any], plan_day: date | str) -> list[dict[str, Any]]:
    """The risk scores of one plan day, riskiest first: keys job_key, score, reasons."""
    return conn.execute(
        "SELECT job_key, score, reasons FROM risk_scores WHERE scored_for = %s"
        " ORDER BY score DESC, job_key",
        (plan_day,),
    ).fetchall()


def threshold_forecasts(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    """The latest forecast of each series that reaches its threshold: keys series_key,
    threshold, threshold_eta, threshold_eta_lower, threshold_eta_upper, details."""
    return conn.execute(
        "SELECT DISTINCT ON (series_key) series_key, threshold, threshold_eta,"
        " threshold_eta_lower, threshold_eta_upper, details FROM forecasts"
        " WHERE threshold_eta IS NOT NULL ORDER BY series_key, generated_at DESC"
    ).fetchall()


def top_error_templates(conn: psycopg.Connection[Any], limit: int = 8) -> list[dict[str, Any]]:
    """The error templates the miner keeps, counted by the failed runs assigned to them, most
    frequent first: keys template, occurrences."""
    return conn.execute(
        "SELECT p.template, count(*) AS occurrences FROM error_pattern_runs r"
        " JOIN error_patterns p USING (pattern_id)"
        " GROUP BY p.template ORDER BY occurrences DESC, p.template LIMIT %s",
        (limit,),
    ).fetchall()

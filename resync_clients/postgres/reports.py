"""Read-only summaries of what the flows stored, as the demo shows them: row counts, incidents
with their latest rerun command, first steps, tonight's risk scores, capacity forecasts that
reach a threshold and the most frequent error templates. Rows come back as frozen
dataclasses (read by attribute)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import class_row, scalar_row

from resync_core.risk import RiskScore


@dataclass(frozen=True)
class IncidentSummary:
    """An incident's diagnosis and job, with its latest rerun command (None without one)."""

    category: str
    root_cause: str
    error_line: int | None
    error_text: str | None
    confidence: float
    job_key: str | None
    rerun_command: str | None


@dataclass(frozen=True)
class ThresholdForecast:
    """The latest forecast of a series that reaches its threshold; ``details`` is the JSON
    document of ``forecasts.details`` (host, metric, last_value, drivers)."""

    series_key: str
    threshold: float
    threshold_eta: datetime
    threshold_eta_lower: datetime | None
    threshold_eta_upper: datetime | None
    details: Mapping[str, Any]


@dataclass(frozen=True)
class ErrorTemplateCount:
    """An error template and how many failed runs were assigned to it."""

    template: str
    occurrences: int


def table_count(conn: psycopg.Connection[Any], table: str) -> int:
    """How many rows ``table`` holds (the name is quoted as an identifier)."""
    query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
    with conn.cursor(row_factory=scalar_row) as cur:
        return int(cur.execute(query).fetchone() or 0)


def incident_summary(conn: psycopg.Connection[Any], incident_id: int) -> IncidentSummary | None:
    """An incident's diagnosis, job and latest rerun command (None when there is none)."""
    with conn.cursor(row_factory=class_row(IncidentSummary)) as cur:
        return cur.execute(
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
    with conn.cursor(row_factory=scalar_row) as cur:
        all_steps = cur.execute(
            "SELECT DISTINCT ON (incident_id) steps FROM recommendations"
            " WHERE incident_id = ANY(%s) ORDER BY incident_id, id DESC",
            (list(incident_ids),),
        ).fetchall()
    return [steps[0] for steps in all_steps if steps]


def risk_scores_for(conn: psycopg.Connection[Any], plan_day: date | str) -> list[RiskScore]:
    """The risk scores of one plan day, riskiest first."""
    with conn.cursor(row_factory=class_row(RiskScore)) as cur:
        return cur.execute(
            "SELECT job_key, score, reasons FROM risk_scores WHERE scored_for = %s"
            " ORDER BY score DESC, job_key",
            (plan_day,),
        ).fetchall()


def threshold_forecasts(conn: psycopg.Connection[Any]) -> list[ThresholdForecast]:
    """The latest forecast of each series that reaches its threshold, by series key."""
    with conn.cursor(row_factory=class_row(ThresholdForecast)) as cur:
        return cur.execute(
            "SELECT DISTINCT ON (series_key) series_key, threshold, threshold_eta,"
            " threshold_eta_lower, threshold_eta_upper, details FROM forecasts"
            " WHERE threshold_eta IS NOT NULL ORDER BY series_key, generated_at DESC"
        ).fetchall()


def top_error_templates(conn: psycopg.Connection[Any], limit: int = 8) -> list[ErrorTemplateCount]:
    """The error templates the miner keeps, counted by the failed runs assigned to them, most
    frequent first."""
    with conn.cursor(row_factory=class_row(ErrorTemplateCount)) as cur:
        return cur.execute(
            "SELECT p.template, count(*) AS occurrences FROM error_pattern_runs r"
            " JOIN error_patterns p USING (pattern_id)"
            " GROUP BY p.template ORDER BY occurrences DESC, p.template LIMIT %s",
            (limit,),
        ).fetchall()

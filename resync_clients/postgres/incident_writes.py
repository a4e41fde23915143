"""Multi-statement incident work on one connection: claiming a batch's incidents, storing
recommendations, reading back what the report shows. The caller owns the connection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg

from resync_clients.postgres.incidents import (
    add_recommendation,
    affected_runs,
    claim_incident,
    count_affected_runs,
    lacks_recommendation,
    latest_recommendation,
    load_incident,
    update_incident_diagnosis,
)
from resync_core.incidents import (
    AffectedRun,
    IncidentClaim,
    IncidentDraft,
    RecommendationDraft,
    StoredIncident,
    StoredRecommendation,
)


def claim_incidents(
    conn: psycopg.Connection[Any],
    claims: Sequence[tuple[IncidentDraft, Sequence[tuple[str, datetime]], timedelta]],
) -> list[IncidentClaim]:
    """``claim_incident`` for each (draft, runs, quiet period), committing after each one so
    a concurrent flow run sees the incident at once (and a failure keeps earlier claims)."""
    results = []
    for draft, runs, quiet_after in claims:
        results.append(claim_incident(conn, draft, runs, quiet_after))
        conn.commit()
    return results


def store_recommendations(
    conn: psycopg.Connection[Any],
    incident: StoredIncident,
    *,
    opened_here: bool,
    grace: timedelta,
    deterministic: RecommendationDraft,
    llm: RecommendationDraft | None = None,
    diagnosis: tuple[str, float, Sequence[str]] | None = None,
) -> None:
    """Add the ``deterministic`` recommendation when this run opened the incident or its
    opener left none for longer than ``grace``; then the ``llm`` one and its (masked)
    ``diagnosis`` (root cause, confidence, entities). Does not commit."""
    if opened_here or lacks_recommendation(conn, incident.id, incident.created_at, grace):
        add_recommendation(conn, incident.id, deterministic)
    if llm is not None:
        add_recommendation(conn, incident.id, llm)
    if diagnosis is not None:
        root_cause, confidence, entities = diagnosis
        update_incident_diagnosis(
            conn, incident.id, root_cause=root_cause, confidence=confidence, entities=entities
        )


@dataclass(frozen=True)
class IncidentReportRows:
    """An incident as stored now, with its best recommendation and affected runs."""

    incident: StoredIncident
    recommendation: StoredRecommendation | None
    runs: list[AffectedRun]
    affected_count: int


def load_incident_report(
    conn: psycopg.Connection[Any], incident: StoredIncident, run_limit: int = 500
) -> IncidentReportRows:
    """What the report shows of ``incident`` (as given when it is no longer stored)."""
    return IncidentReportRows(
        load_incident(conn, incident.id) or incident,
        latest_recommendation(conn, incident.id),
        affected_runs(conn, incident.id, limit=run_limit),
        count_affected_runs(conn, incident.id),
    )

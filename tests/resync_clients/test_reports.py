"""The demo's read-only summaries of stored incidents and recommendations (real PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resync_clients.postgres.incidents import (
    IncidentDraft,
    RecommendationDraft,
    add_recommendation,
    claim_incident,
)
from resync_clients.postgres.reports import (
    first_steps,
    incident_summary,
    risk_scores_for,
    table_count,
    threshold_forecasts,
    top_error_templates,
)

T0 = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)


def opened(conn, fingerprint: str) -> int:
    draft = IncidentDraft(
        fingerprint=fingerprint,
        pattern_id=None,
        job_key="WS1#S.J",
        category="network",
        root_cause="Oracle listener unreachable",
        error_line=3,
        error_text="ORA-12541: TNS:no listener",
        entities=(),
        confidence=0.8,
    )
    return claim_incident(
        conn, draft, [(f"{fingerprint}-run", T0)], timedelta(hours=24)
    ).incident.id


def recommend(conn, incident_id: int, steps: tuple[str, ...], source: str, rerun: str) -> None:
    add_recommendation(conn, incident_id, RecommendationDraft(steps, rerun, source, None, 0.5))


def test_an_incident_summary_shows_its_latest_rerun_command_and_first_steps(store) -> None:
    with store.connection() as conn:
        listener = opened(conn, "cause:network:a")
        silent = opened(conn, "cause:network:b")
        recommend(conn, listener, ("Start the listener", "Rerun"), "deterministic", "old cmd")
        recommend(conn, listener, ("Ask the DBA", "Rerun"), "llm", "new cmd")
        recommend(conn, silent, (), "deterministic", "cmd")
        summary = incident_summary(conn, listener)
        missing = incident_summary(conn, 10_000)
        steps = first_steps(conn, [listener, silent])
        incidents = table_count(conn, "incidents")
    assert summary is not None
    assert (summary.category, summary.job_key, summary.rerun_command) == (
        "network",
        "WS1#S.J",
        "new cmd",
    )
    assert missing is None
    assert steps == ["Ask the DBA"]  # the latest recommendation; one without steps is left out
    assert incidents == 2


def test_summaries_of_an_empty_database_are_empty(store) -> None:
    with store.connection() as conn:
        assert table_count(conn, "risk_scores") == 0
        assert risk_scores_for(conn, T0.date()) == []
        assert threshold_forecasts(conn) == []
        assert top_error_templates(conn) == []

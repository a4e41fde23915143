"""Incident, recommendation and feedback reads and writes on a real PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from resync_clients.postgres.incidents import (
    IncidentDraft,
    IncidentNotFoundError,
    RecommendationDraft,
    add_recommendation,
    affected_runs,
    claim_incident,
    latest_recommendation,
    list_open_incidents,
    past_incidents,
    record_feedback,
)

T0 = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
# An open incident without a new failure for this long is over (the default cause quiet period).
QUIET = timedelta(hours=24)


def draft(fingerprint: str = "cause:network:abc", **changes: object) -> IncidentDraft:
    values = {
        "fingerprint": fingerprint,
        "pattern_id": "p-1",
        "job_key": "WS1#STREAM.JOB",
        "category": "network",
        "root_cause": "Oracle listener unreachable: ORA-12541",
        "error_line": 12,
        "error_text": "ORA-12541: TNS:no listener",
        "entities": ("ORA-12541",),
        "confidence": 0.8,
    }
    values.update(changes)
    return IncidentDraft(**values)  # type: ignore[arg-type]


def count(store, table: str) -> int:
    with store.connection() as conn:
        return conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]


def test_claiming_the_same_run_twice_changes_nothing(store):
    with store.connection() as conn:
        first = claim_incident(conn, draft(), [("run-1", T0)], QUIET)
        again = claim_incident(conn, draft(), [("run-1", T0)], QUIET)
    assert first.created and first.linked_run_ids == ("run-1",)
    assert not again.created and again.linked_run_ids == ()
    assert again.incident.id == first.incident.id
    assert (count(store, "incidents"), count(store, "incident_runs")) == (1, 1)


def test_runs_with_the_same_fingerprint_join_the_open_incident(store):
    with store.connection() as conn:
        first = claim_incident(conn, draft(), [("run-1", T0)], QUIET)
        second = claim_incident(
            conn, draft(root_cause="other words"), [("run-2", T0 + timedelta(hours=1))], QUIET
        )
        runs = affected_runs(conn, first.incident.id)
    assert second.incident.id == first.incident.id and not second.created
    assert second.incident.root_cause == "Oracle listener unreachable: ORA-12541"
    assert [run.run_id for run in runs] == ["run-1", "run-2"]


def test_concurrent_claims_of_one_fingerprint_open_one_incident(store):
    def claim(n: int) -> int:
        with store.connection() as conn:
            return claim_incident(conn, draft(), [(f"run-{n}", T0)], QUIET).incident.id

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(claim, range(24)))
    assert len(ids) == 1
    assert (count(store, "incidents"), count(store, "incident_runs")) == (1, 24)


def test_a_quiet_incident_is_closed_and_the_next_failure_opens_a_new_one(store):
    with store.connection() as conn:
        conn.execute(
            "INSERT INTO job_runs (run_id, job_key, workstation, job_stream, job_name, status,"
            " internal_status, end_time) VALUES ('run-1', 'WS1#S.J', 'WS1', 'S', 'J', 'ERROR',"
            " 'ABEND', %s)",
            (T0,),
        )
        old = claim_incident(conn, draft(), [("run-1", T0)], QUIET)
        new = claim_incident(conn, draft(), [("run-2", T0 + timedelta(days=3))], QUIET)
        statuses = conn.execute("SELECT id, status FROM incidents ORDER BY id").fetchall()
    assert new.created and new.incident.id != old.incident.id
    assert [row["status"] for row in statuses] == ["resolved", "open"]


def test_an_incident_is_joined_within_its_quiet_period_and_replaced_after_it(store):
    storm = timedelta(minutes=15)
    with store.connection() as conn:
        conn.execute(
            "INSERT INTO job_runs (run_id, job_key, workstation, job_stream, job_name, status,"
            " internal_status, end_time) VALUES (%s, 'WS1#S.J', 'WS1', 'S', 'J', 'ERROR',"
            " 'ABEND', %s), (%s, 'WS1#S.J', 'WS1', 'S', 'J', 'ERROR', 'ABEND', %s)",
            ("run-1", T0, "run-2", T0 + timedelta(minutes=10)),
        )
        first = claim_incident(conn, draft("storm:network"), [("run-1", T0)], storm)
        joined = claim_incident(
            conn, draft("storm:network"), [("run-2", T0 + timedelta(minutes=10))], storm
        )
        # 16 minutes after the last failure (run-2): the storm is over.
        later = claim_incident(
            conn, draft("storm:network"), [("run-3", T0 + timedelta(minutes=26))], storm
        )
    assert first.created and not joined.created
    assert joined.incident.id == first.incident.id
    assert later.created and later.incident.id != first.incident.id


def test_recommendation_is_stored_once_per_source_and_llm_wins(store):
    with store.connection() as conn:
        incident = claim_incident(conn, draft(), [("run-1", T0)], QUIET).incident
        rule = RecommendationDraft(
            ("check the listener",), 'conman "rr X;noask"', "deterministic", None, 0.8
        )
        first = add_recommendation(conn, incident.id, rule)
        again = add_recommendation(conn, incident.id, rule)
        assert again.id == first.id
        assert latest_recommendation(conn, incident.id) == first
        llm = RecommendationDraft(("restart the listener",), None, "llm", "openai/x", 0.9)
        stored = add_recommendation(conn, incident.id, llm)
        assert latest_recommendation(conn, incident.id) == stored
    assert count(store, "recommendations") == 2


def test_feedback_with_resolution_closes_and_feeds_the_history(store):
    with store.connection() as conn:
        incident = claim_incident(conn, draft(), [("run-1", T0)], QUIET).incident
        record_feedback(conn, incident.id, verdict="wrong", operator="bo")
        record_feedback(
            conn,
            incident.id,
            verdict="helpful",
            resolution="Restarted the listener on db01",
            operator="ana",
            resolve=True,
        )
        assert list_open_incidents(conn) == []
        later = claim_incident(
            conn, draft(fingerprint="cause:network:other"), [("run-2", T0)], QUIET
        ).incident
        history = past_incidents(
            conn, fingerprint=later.fingerprint, pattern_id="p-1", exclude_incident_id=later.id
        )
        (opened,) = list_open_incidents(conn)
    (past,) = history
    assert past.incident_id == incident.id and past.status == "resolved"
    assert [note.verdict for note in past.feedback] == ["wrong", "helpful"]
    assert past.resolutions == ("Restarted the listener on db01",)
    assert opened.incident.id == later.id and opened.run_count == 1


def test_feedback_on_an_unknown_incident_is_a_clear_error(store):
    with store.connection() as conn, pytest.raises(IncidentNotFoundError):
        record_feedback(conn, 999, verdict="helpful")
    with store.connection() as conn, pytest.raises(ValueError):
        record_feedback(conn, 1, verdict="  ")

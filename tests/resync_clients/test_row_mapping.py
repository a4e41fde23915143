"""Adapter reads return typed values mapped by psycopg row factories (real PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from psycopg.types.json import Jsonb

from resync_clients.postgres.incidents import (
    IncidentDraft,
    RecommendationDraft,
    add_recommendation,
    claim_incident,
    count_affected_runs,
    has_recommendation,
    incidents_of_runs,
    joblog_text,
    lacks_recommendation,
    latest_failed_run,
    load_runs,
    record_feedback,
)
from resync_clients.postgres.job_runs import upsert_job_runs
from resync_clients.postgres.learning import (
    calibration_fitted_at,
    learned_recommendation,
    record_learned_from,
)
from resync_clients.postgres.patterns import (
    lock_miner_state,
    save_miner_state,
    upsert_error_patterns,
)
from resync_clients.postgres.reports import (
    ErrorTemplateCount,
    threshold_forecasts,
    top_error_templates,
)
from resync_clients.postgres.risk_scores import latest_scored_day, replace_risk_scores
from resync_core.job_runs import JobRunRecord
from resync_core.patterns import PatternSighting
from resync_core.risk import RiskScore

T0 = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
QUIET = timedelta(hours=24)


def run(run_id: str, end: datetime) -> JobRunRecord:
    return JobRunRecord(
        run_id=run_id,
        job_id=f"job-{run_id}",
        job_key="WS1#S.J",
        plan_id="PLAN_20250314",
        workstation="WS1",
        job_stream="S",
        job_name="J",
        folder="/",
        status="ERROR",
        internal_status="ABEND",
        return_code=12,
        sched_time=None,
        start_time=end - timedelta(minutes=5),
        end_time=end,
        duration_seconds=300.0,
        rerun_type=None,
        run_attempt=1,
        is_critical=False,
    )


def draft(fingerprint: str) -> IncidentDraft:
    return IncidentDraft(fingerprint, None, "WS1#S.J", "network", "no listener", 3, "ORA", (), 0.8)


def test_stored_runs_come_back_with_their_joblog_and_error_line(store) -> None:
    with store.connection() as conn:
        upsert_job_runs(conn, [run("r1", T0), run("r2", T0 + timedelta(hours=1))])
        conn.execute(
            "UPDATE job_runs SET joblog_text = 'a\nORA-12541', error_line = 2 WHERE run_id = 'r2'"
        )
        runs = load_runs(conn, ["r1", "r2", "missing"])
        latest = latest_failed_run(conn, workstation="WS1", job_stream="S", job_name="J")
        text = joblog_text(conn, "r2")
        absent = joblog_text(conn, "missing")
    assert sorted(runs) == ["r1", "r2"]
    assert runs["r1"].run == run("r1", T0) and runs["r1"].joblog_text is None
    assert latest is not None and latest.run.run_id == "r2" and latest.error_line == 2
    assert (text, absent) == ("a\nORA-12541", None)


def test_incident_scalars_read_counts_and_flags(store) -> None:
    with store.connection() as conn:
        claim = claim_incident(conn, draft("cause:a"), [("r1", T0), ("r2", T0)], QUIET)
        incident = claim.incident
        long_ago = incident.created_at - timedelta(days=1)
        lacking_before = lacks_recommendation(conn, incident.id, long_ago, timedelta(hours=1))
        add_recommendation(conn, incident.id, RecommendationDraft(("x",), None, "llm", None, 0.5))
        lacking_after = lacks_recommendation(conn, incident.id, long_ago, timedelta(hours=1))
        found = (
            has_recommendation(conn, incident.id, "llm"),
            has_recommendation(conn, incident.id, "learned"),
        )
        linked = incidents_of_runs(conn, ["r1", "r3"])
        feedback_id = record_feedback(conn, incident.id, verdict="fixed")
        runs = count_affected_runs(conn, incident.id)
    assert (lacking_before, lacking_after) == (True, False)
    assert found == (True, False)
    assert linked == {"r1": incident}
    assert isinstance(feedback_id, int) and feedback_id > 0
    assert runs == 2


def test_a_learned_recommendation_reads_without_its_learned_from_column(store) -> None:
    with store.connection() as conn:
        incident = claim_incident(conn, draft("cause:b"), [("r1", T0)], QUIET).incident
        stored = add_recommendation(
            conn,
            incident.id,
            RecommendationDraft(("Re-send the file",), None, "learned", None, 0.7),
        )
        record_learned_from(conn, stored.id, ["Re-sent the file"])
        again = add_recommendation(
            conn, incident.id, RecommendationDraft(("other",), None, "learned", None, 0.1)
        )
        learned = learned_recommendation(conn, incident.id)
        fitted = calibration_fitted_at(conn)
    assert again == stored == learned
    assert learned is not None and learned.steps == ("Re-send the file",)
    assert fitted is None  # nothing fitted yet


def test_miner_state_and_new_pattern_ids_are_read_as_values(store) -> None:
    sighting = PatternSighting("p-1", "ORA-<*>", "network", T0, T0)
    with store.connection() as conn:
        with conn.transaction():
            first = lock_miner_state(conn, "drain")
            save_miner_state(conn, "drain", {"clusters": [1]})
        with conn.transaction():
            saved = lock_miner_state(conn, "drain")
        new = upsert_error_patterns(conn, [sighting])
        again = upsert_error_patterns(conn, [sighting])
    assert (first, saved) == (None, {"clusters": [1]})
    assert (new, again) == (["p-1"], [])


def test_populated_reports_come_back_typed(store) -> None:
    day = date(2025, 3, 14)
    with store.connection() as conn:
        empty_day = latest_scored_day(conn)
        replace_risk_scores(conn, day, [RiskScore("WS1#S.J", 0.4, {"reasons": []})])
        scored_day = latest_scored_day(conn)
        conn.execute(
            "INSERT INTO error_patterns (pattern_id, template, first_seen, last_seen)"
            " VALUES ('p-1', 'ORA-<*>', %s, %s)",
            (T0, T0),
        )
        upsert_job_runs(conn, [run("r1", T0), run("r2", T0)])
        conn.execute(
            "INSERT INTO error_pattern_runs (run_id, pattern_id)"
            " VALUES ('r1', 'p-1'), ('r2', 'p-1')"
        )
        conn.execute(
            "INSERT INTO forecasts (series_key, generated_at, method, step_seconds, horizon,"
            " points, threshold, threshold_eta, details)"
            " VALUES ('h1/disk', %s, 'ets', 3600, 24, '[]', 90, %s, %s)",
            (T0, T0 + timedelta(days=3), Jsonb({"host": "h1"})),
        )
        templates = top_error_templates(conn)
        forecasts = threshold_forecasts(conn)
    assert (empty_day, scored_day) == (None, day)
    assert templates == [ErrorTemplateCount("ORA-<*>", 2)]
    assert [(f.series_key, f.threshold, f.details) for f in forecasts] == [
        ("h1/disk", 90.0, {"host": "h1"})
    ]


def test_the_server_version_is_its_number_without_the_build_suffix(store) -> None:
    with store.connection() as conn:
        number = conn.execute("SHOW server_version_num").fetchone()["server_version_num"]
    major = int(number) // 10000
    assert store.server_version().split(".")[0] == str(major)


def test_a_verdict_entered_later_keeps_the_time_it_was_given(store) -> None:
    given = T0 + timedelta(minutes=7)
    with store.connection() as conn:
        incident = claim_incident(conn, draft("cause:late"), [("r1", T0)], QUIET).incident
        feedback_id = record_feedback(
            conn, incident.id, verdict="fixed", resolve=True, recorded_at=given
        )
        stamped = conn.execute(
            "SELECT f.created_at, i.resolved_at FROM feedback f"
            " JOIN incidents i ON i.id = f.incident_id WHERE f.id = %s",
            (feedback_id,),
        ).fetchone()
    assert stamped is not None
    assert (stamped["created_at"], stamped["resolved_at"]) == (given, given)

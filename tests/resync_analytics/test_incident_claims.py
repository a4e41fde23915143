from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from resync_analytics.enrichment import EnrichedAnalysis
from resync_analytics.incident_claims import (
    claim_note,
    claim_requests,
    failure_context,
    incident_group,
    llm_recommendation,
    storm_search_window,
)
from resync_analytics.incident_diagnosis import diagnose
from resync_analytics.incident_grouping import GroupingPolicy
from resync_analytics.incident_view import FailureDiagnosis
from resync_core.incidents import IncidentClaim, RecentFailureRow, StoredRun
from resync_core.job_runs import JobRunRecord

T0 = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
LOG = "connecting to ORCL\nORA-12541: TNS:no listener\n= Exit Status : 1\n=====\n"


def _diagnosis(run_id: str, minutes: int) -> FailureDiagnosis:
    ended = T0 + timedelta(minutes=minutes)
    run = JobRunRecord(
        run_id=run_id, job_id=run_id, job_key=f"WS#S.{run_id}", plan_id="P", workstation="WS",
        job_stream="S", job_name=run_id, folder="/", status="ERROR", internal_status="ABEND",
        return_code=1, sched_time=None, start_time=ended, end_time=ended,
        duration_seconds=1.0, rerun_type=None, run_attempt=1, is_critical=False,
    )  # fmt: skip
    return diagnose(StoredRun(run, LOG, None, None), ended)


def test_storm_search_window_spans_the_batch_widened_by_the_storm_window() -> None:
    policy = GroupingPolicy(storm_window=timedelta(minutes=15))
    start, end = storm_search_window([_diagnosis("b", 30), _diagnosis("a", 0)], policy)
    assert (start, end) == (T0 - timedelta(minutes=15), T0 + timedelta(minutes=45))


def test_stored_failures_become_storm_context_field_for_field() -> None:
    row = RecentFailureRow("r1", "WS#S.J", "database", "p1", T0)
    [failure] = failure_context([row])
    assert (failure.run_id, failure.job_key, failure.category) == ("r1", "WS#S.J", "database")
    assert (failure.pattern_id, failure.failed_at) == ("p1", T0)


def test_each_fingerprint_is_claimed_once_led_by_its_first_member() -> None:
    policy = GroupingPolicy(cause_quiet_period=timedelta(hours=3))
    a, b = _diagnosis("a", 0), _diagnosis("b", 1)
    [request] = claim_requests({a.fingerprint: [a, b]}, policy)
    assert request.members == (a, b)
    assert request.draft.fingerprint == a.fingerprint
    assert request.quiet_after == timedelta(hours=3)
    assert request.runs == [("a", a.failed_at), ("b", b.failed_at)]


def test_claim_note_says_whether_the_batch_opened_or_joined_the_incident() -> None:
    a = _diagnosis("a", 0)
    [request] = claim_requests({a.fingerprint: [a]}, GroupingPolicy())
    incident = type("Incident", (), {"id": 42})()
    group = incident_group(request, IncidentClaim(incident, False, ()), {})
    assert group.lead is a and group.storm is None and not group.needs_analysis
    assert claim_note(request, group) == f"joined incident 42 ({a.fingerprint}) for 1 run(s)"


def test_only_a_model_answer_adds_a_recommendation_and_its_diagnosis_is_masked() -> None:
    lead = _diagnosis("a", 0)
    fallback = EnrichedAnalysis.fallback(lead.analysis, "LLM off")
    assert llm_recommendation(lead, None, "m") is None
    assert llm_recommendation(lead, fallback, "m") is None
    final = replace(lead.analysis, root_cause="login failed password=hunter2", confidence=0.9)
    enriched = replace(fallback, analysis=final, source="llm")
    added = llm_recommendation(lead, enriched, "openai/x")
    assert added is not None
    assert added.draft.source == "llm" and added.draft.model == "openai/x"
    root_cause, confidence, _ = added.diagnosis
    assert "hunter2" not in root_cause and confidence == 0.9

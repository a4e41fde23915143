from __future__ import annotations

from datetime import UTC, datetime

from resync_analytics.incident_events import incident_event
from resync_analytics.incident_view import IncidentView
from resync_core.events import INCIDENT_ANALYZED
from resync_core.incidents import StoredIncident
from resync_core.job_runs import JobRunRecord

NOW = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)


def test_analysed_incident_event_is_stable_per_incident_and_run_and_masks_the_cause() -> None:
    run = JobRunRecord(
        run_id="R1", job_id="J1", job_key="WS#S.J", plan_id="P", workstation="WS",
        job_stream="S", job_name="J", folder="/", status="ERROR", internal_status="ABEND",
        return_code=8, sched_time=None, start_time=NOW, end_time=NOW, duration_seconds=1.0,
        rerun_type=None, run_attempt=1, is_critical=False,
    )  # fmt: skip
    incident = StoredIncident(
        7, "fp", None, "WS#S.J", "authentication", "login failed: password=hunter2", 12,
        None, (), 0.8123, "open", NOW, None,
    )  # fmt: skip
    view = IncidentView(incident, (), None, "deterministic", None, "R1", (), (), 3, None)
    event = incident_event(view, run, "incident-7")
    assert event.name == INCIDENT_ANALYZED
    assert event.idempotency_key == f"{INCIDENT_ANALYZED}:7:R1"
    assert event.event_id == incident_event(view, run, "incident-7").event_id
    assert "hunter2" not in event.payload["root_cause"]
    assert event.payload["confidence"] == 0.812
    assert event.payload["affected_runs"] == 3
    assert event.resource_labels["resync.incident.id"] == "7"

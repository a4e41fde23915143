"""The incident report says why the error line was chosen and names a close runner-up."""

from __future__ import annotations

from datetime import UTC, datetime

from resync_analytics.incident_diagnosis import diagnose
from resync_analytics.incident_report import render_incident_report
from resync_analytics.incident_view import IncidentGroup, build_incident_view
from resync_core.incidents import IncidentClaim, StoredIncident, StoredRun
from resync_core.job_runs import JobRunRecord

NOW = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
LOG = (
    "connecting to db01 as etl\n"
    'psql: error: FATAL:  password authentication failed for user "etl"\n'
    "cleanup: rm: cannot remove '/var/run/etl/load.lock': Permission denied\n"
    "= Exit Status : 2\n=====\n"
)


def _report(log: str) -> tuple[str, int]:
    run = JobRunRecord(
        run_id="R1", job_id="J1", job_key="WS#S.J", plan_id="P", workstation="WS",
        job_stream="S", job_name="J", folder="/", status="ERROR", internal_status="ABEND",
        return_code=2, sched_time=None, start_time=NOW, end_time=NOW, duration_seconds=1.0,
        rerun_type=None, run_attempt=1, is_critical=False,
    )  # fmt: skip
    lead = diagnose(StoredRun(run, log, None, None), NOW)
    analysis = lead.analysis
    incident = StoredIncident(
        7, lead.fingerprint, None, "WS#S.J", analysis.category, analysis.root_cause,
        lead.error_line, analysis.error_text, analysis.entities, analysis.confidence, "open",
        NOW, None,
    )  # fmt: skip
    group = IncidentGroup(IncidentClaim(incident, True, ("R1",)), (lead,), lead, None)
    view = build_incident_view(group, incident, None, [], 1)
    return render_incident_report(view, ()), lead.error_line


def test_the_report_names_the_features_and_the_close_runner_up() -> None:
    markdown, error_line = _report(LOG)
    assert error_line == 2
    assert "Chosen for: specific +" in markdown
    runner = next(line for line in markdown.splitlines() if line.startswith("Runner-up"))
    assert "line 3 " in runner and "load.lock" in runner and "permission_denied" in runner


def test_no_runner_up_is_named_when_nothing_came_close() -> None:
    markdown, _ = _report(
        "connecting to db01 as etl\n"
        'psql: error: FATAL:  password authentication failed for user "etl"\n'
        "= Exit Status : 2\n=====\n"
    )
    assert "Chosen for:" in markdown
    assert "Runner-up" not in markdown

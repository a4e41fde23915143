"""The incident report lists first the error lines no good run of the job printed."""

from __future__ import annotations

from datetime import UTC, datetime

from resync_analytics.incident_diagnosis import diagnose
from resync_analytics.incident_report import render_incident_report
from resync_analytics.incident_view import IncidentGroup, build_incident_view
from resync_analytics.joblog.baseline import Baseline, template_counts
from resync_core.incidents import IncidentClaim, StoredIncident, StoredRun
from resync_core.job_runs import JobRunRecord

NOW = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
HARMLESS = "cat: /etc/etl/optional_overrides.conf: No such file or directory"
CAUSE = "ORA-01017: invalid username/password; logon denied"
FAILING = f"starting load 4711\n{HARMLESS}\nconnecting to ORCL\n{CAUSE}\n= Exit Status : 1\n=====\n"
GOOD = f"starting load 4712\n{HARMLESS}\nconnecting to ORCL\nloaded 10 rows\n= Exit Status : 0\n"


def _report(baseline: Baseline | None) -> str:
    run = JobRunRecord(
        run_id="R1", job_id="J1", job_key="WS#S.J", plan_id="P", workstation="WS",
        job_stream="S", job_name="J", folder="/", status="ERROR", internal_status="ABEND",
        return_code=1, sched_time=None, start_time=NOW, end_time=NOW, duration_seconds=1.0,
        rerun_type=None, run_attempt=1, is_critical=False,
    )  # fmt: skip
    lead = diagnose(StoredRun(run, FAILING, None, None), NOW, baseline)
    analysis = lead.analysis
    incident = StoredIncident(
        7, lead.fingerprint, None, "WS#S.J", analysis.category, analysis.root_cause,
        lead.error_line, analysis.error_text, analysis.entities, analysis.confidence, "open",
        NOW, None,
    )  # fmt: skip
    group = IncidentGroup(IncidentClaim(incident, True, ("R1",)), (lead,), lead, None)
    return render_incident_report(build_incident_view(group, incident, None, [], 1), ())


def _section(markdown: str) -> list[str]:
    lines = markdown.splitlines()
    start = lines.index("## New in this run")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
    return lines[start:end]


def test_new_lines_come_first_with_their_numbers_and_known_ones_are_left_out() -> None:
    markdown = _report(Baseline(runs=1, hashes=frozenset(template_counts(GOOD))))
    assert markdown.index("## New in this run") < markdown.index("## Error line")
    section = "\n".join(_section(markdown))
    assert f"4 | {CAUSE}" in section
    assert "optional_overrides" not in section
    # The known harmless line is not the root cause either.
    assert "Line 4 of the joblog" in markdown


def test_without_a_profile_the_report_is_unchanged() -> None:
    plain = _report(None)
    assert "## New in this run" not in plain
    assert _report(Baseline()) == plain

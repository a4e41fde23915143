"""The poller and the incident analysis name an error pattern with the same id, so an incident
finds the runs and history the poller stored under it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resync_analytics.incident_diagnosis import diagnose
from resync_core.incidents import StoredRun
from resync_core.job_runs import JobRunRecord
from tasks.poll import joblog_finding
from tests.resync_analytics.joblog_samples import joblog

BODIES = [
    "cp: cannot stat '/data/in/employees.csv': No such file or directory\n",
    "ORA-01017: invalid username/password; logon denied\n",
    "java.lang.OutOfMemoryError: Java heap space\n",
    "/opt/app/bin/run.sh: line 12: sqlldr: command not found\n",
]


def _run() -> JobRunRecord:
    ended = datetime(2025, 3, 14, 2, 0, 6, tzinfo=UTC)
    return JobRunRecord(
        run_id="R1", job_id="J1", job_key="FTA01#PAYROLL.LOAD_EMP", plan_id="P",
        workstation="FTA01", job_stream="PAYROLL", job_name="LOAD_EMP", folder="/",
        status="ERROR", internal_status="ABEND", return_code=1, sched_time=None,
        start_time=ended, end_time=ended, duration_seconds=1.0, rerun_type=None,
        run_attempt=1, is_critical=False,
    )  # fmt: skip


@pytest.mark.parametrize("body", BODIES)
def test_poller_and_incident_analysis_compute_the_same_pattern_id(body: str) -> None:
    log = joblog(body)
    stored = joblog_finding("R1", log.encode(), 1, mask=True, observed_at=datetime.now(UTC))
    diagnosis = diagnose(StoredRun(_run(), stored.joblog_text, stored.error_pattern, None))
    assert diagnosis.pattern_id is not None
    assert diagnosis.pattern_id == stored.error_pattern

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from resync_analytics.plan_events import job_events, workstation_events
from resync_core.events import JOB_ABEND, JOB_LATE, WORKSTATION_UNLINKED
from resync_core.job_runs import JobRunRecord, StatusTransition

NOW = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)


def _run(status: str = "ABEND") -> JobRunRecord:
    return JobRunRecord(
        run_id="R1", job_id="J1", job_key="/PROD/WS#S.J", plan_id="P1", workstation="/PROD/WS",
        job_stream="S", job_name="J", folder="/PROD", status="ERROR", internal_status=status,
        return_code=8, sched_time=None, start_time=NOW, end_time=NOW, duration_seconds=1.0,
        rerun_type=None, run_attempt=1, is_critical=True,
    )  # fmt: skip


def test_an_abend_is_announced_once_per_run_with_its_error_pattern() -> None:
    transition = StatusTransition("R1", "/PROD/WS#S.J", "EXEC", "ABEND", "ERROR", 8, NOW)
    events = job_events([_run()], [transition, transition], {"R1": "p1"}, NOW)
    assert {e.idempotency_key for e in events} == {f"{JOB_ABEND}:R1"}
    assert events[0].resource_id == "tws.job.WS.S.J"
    assert events[0].payload["error_pattern"] == "p1"


def test_a_late_unfinished_job_is_late_once_per_plan() -> None:
    late = replace(_run("EXEC"), is_late=True)
    (event,) = job_events([late], [], {}, NOW)
    assert (event.name, event.idempotency_key) == (JOB_LATE, f"{JOB_LATE}:P1:J1")


def test_each_new_unlink_of_a_workstation_is_its_own_event() -> None:
    events, counts = workstation_events({"WS": False, "OK": True}, {"WS": True}, {"WS": 2}, NOW)
    assert [e.idempotency_key for e in events] == [f"{WORKSTATION_UNLINKED}:WS:3"]
    assert counts == {"WS": 3}
    # Still unlinked on the next cycle: nothing new to announce.
    assert workstation_events({"WS": False}, {"WS": False}, counts, NOW) == ([], counts)

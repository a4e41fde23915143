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


def test_a_run_past_its_own_p99_is_stuck_once_with_how_far_and_whom_it_delays() -> None:
    from datetime import date

    from resync_analytics.plan_graph.stuck import DelayedDeadline, OverdueRun
    from resync_core.events import JOB_STUCK

    due = datetime(2025, 3, 14, 6, 0, tzinfo=UTC)
    overdue = OverdueRun(
        "R1", "/PROD/WS#S.J", date(2025, 3, 14), 3000.0, 1000.0,
        delays=(DelayedDeadline("/PROD/WS#T.K", due, 1),),
    )  # fmt: skip
    running = replace(_run("EXEC"), end_time=None, return_code=None)
    (event,) = job_events([running], [], {}, NOW, [overdue])
    assert (event.name, event.idempotency_key) == (JOB_STUCK, f"{JOB_STUCK}:R1")
    payload = event.payload
    assert payload["stuck_by"] == ["runtime_p99"]
    assert (payload["elapsed_seconds"], payload["p99_seconds"]) == (3000.0, 1000.0)
    assert (payload["ratio"], payload["beyond_seconds"]) == (3.0, 2000.0)
    assert payload["delays"] == [
        {"job_key": "/PROD/WS#T.K", "deadline": due.isoformat(), "hops": 1}
    ]
    # Flagged by TWS too: still one event, saying both.
    flagged = replace(running, internal_status="STUCK")
    (both,) = job_events([flagged], [], {}, NOW, [overdue])
    assert both.idempotency_key == event.idempotency_key
    assert both.payload["stuck_by"] == ["tws_status", "runtime_p99"]
    # TWS alone: no model fields; ended meanwhile: nothing.
    (alone,) = job_events([flagged], [], {}, NOW)
    assert alone.payload["stuck_by"] == ["tws_status"] and "ratio" not in alone.payload
    assert job_events([replace(running, internal_status="SUCC")], [], {}, NOW, [overdue]) == []

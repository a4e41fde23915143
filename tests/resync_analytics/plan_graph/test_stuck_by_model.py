"""Stuck by our own model in the poller: past the p99 of the job's stored runtime quantiles,
and the deadline jobs downstream that it delays."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from statistics import NormalDist

import pytest

from resync_analytics.plan_graph.stuck import (
    downstream_deadlines,
    lognormal_p99,
    overdue_runs,
    running_keys,
)
from resync_core.job_runs import JobRunRecord
from resync_core.plan_graph import PlanEdge

DAY = date(2025, 3, 14)
NOW = datetime(2025, 3, 14, 3, 0, tzinfo=UTC)


def run(run_id: str, job_key: str, minutes_ago: float, status: str = "EXEC") -> JobRunRecord:
    workstation, rest = job_key.split("#")
    stream, job = rest.rsplit(".", 1)
    return JobRunRecord(
        run_id=run_id, job_id=run_id, job_key=job_key, plan_id="P1", workstation=workstation,
        job_stream=stream, job_name=job, folder="/", status="EXEC", internal_status=status,
        return_code=None, sched_time=datetime(2025, 3, 14, 1, 0, tzinfo=UTC),
        start_time=NOW - timedelta(minutes=minutes_ago), end_time=None, duration_seconds=None,
        rerun_type=None, run_attempt=1, is_critical=False,
    )  # fmt: skip


def test_the_p99_is_that_of_the_log_normal_through_the_stored_median_and_p90() -> None:
    p50, p90 = 600.0, 1200.0
    sigma = math.log(p90 / p50) / NormalDist().inv_cdf(0.90)
    expected = math.exp(math.log(p50) + sigma * NormalDist().inv_cdf(0.99))
    assert lognormal_p99(p50, p90) == pytest.approx(expected, rel=1e-5)
    # No spread: the median itself.
    assert lognormal_p99(600.0, 600.0) == pytest.approx(600.0)
    assert lognormal_p99(600.0, 500.0) == pytest.approx(600.0)
    for bad in ((0.0, 10.0), (10.0, -1.0), (math.nan, 10.0)):
        with pytest.raises(ValueError, match="positive seconds"):
            lognormal_p99(*bad)


def test_only_running_jobs_past_their_own_p99_are_overdue_furthest_beyond_first() -> None:
    p99 = lognormal_p99(600.0, 900.0) / 60  # about 17.8 minutes
    runs = [
        run("R1", "WS#S.SLOW", p99 * 1.5),
        run("R2", "WS#S.FINE", p99 * 0.9),
        run("R3", "WS#S.UNSCORED", 600),
        replace(run("R4", "WS#S.DONE", p99 * 3, status="SUCC"), end_time=NOW),
        run("R5", "WS#S.WORSE", p99 * 4),
    ]
    assert running_keys(runs) == {
        (DAY, key) for key in ("WS#S.SLOW", "WS#S.FINE", "WS#S.UNSCORED", "WS#S.WORSE")
    }
    quantiles = {
        (DAY, key): (600.0, 900.0) for key in ("WS#S.SLOW", "WS#S.FINE", "WS#S.DONE", "WS#S.WORSE")
    }
    found = overdue_runs(runs, quantiles, NOW)
    assert [one.run_id for one in found] == ["R5", "R1"]
    assert found[1].ratio == pytest.approx(1.5, rel=1e-6)
    assert found[1].elapsed_seconds == pytest.approx(p99 * 1.5 * 60)
    assert found[1].beyond_seconds == pytest.approx(p99 * 0.5 * 60)
    assert found[1].plan_day == DAY
    # A score filed under another plan day says nothing about tonight's run.
    assert overdue_runs(runs, {(DAY + timedelta(days=1), "WS#S.WORSE"): (1.0, 2.0)}, NOW) == []


def test_the_delayed_deadlines_are_those_downstream_nearest_first_and_capped() -> None:
    def edge(pred: str, succ: str, kind: str = "job", status: str = "unsatisfied") -> PlanEdge:
        return PlanEdge(DAY, pred, succ, kind, False, status)  # type: ignore[arg-type]

    edges = [
        edge("WS#A.STUCK", "WS#A.NEXT"),
        edge("WS#A.NEXT", "WS#B.FAR"),
        edge("WS#A", "WS#C.STREAMWAIT", kind="job_stream"),  # waits for all of stream A
        edge("WS#A.STUCK", "WS#D.DONE", status="satisfied"),  # no longer waits
        edge("WS#A.STUCK", "WS#E.RES", kind="resource"),
        edge("WS#C.STREAMWAIT", "WS#B.FAR"),
        edge("WS#OTHER.X", "WS#OTHER.Y"),
    ]
    due = datetime(2025, 3, 14, 6, tzinfo=UTC)
    deadlines = {
        "WS#A.NEXT": None,
        "WS#B.FAR": due,
        "WS#C.STREAMWAIT": due + timedelta(hours=1),
        "WS#D.DONE": due,
        "WS#E.RES": due,
        "WS#OTHER.Y": due,
    }
    delays = downstream_deadlines("WS#A.STUCK", edges, deadlines)
    assert [(d.job_key, d.hops) for d in delays] == [("WS#C.STREAMWAIT", 1), ("WS#B.FAR", 2)]
    assert downstream_deadlines("WS#A.STUCK", edges, deadlines, limit=1)[0].job_key == (
        "WS#C.STREAMWAIT"
    )
    # Among equally near ones, the soonest deadline first.
    fan = [edge("WS#A.STUCK", f"WS#F.J{n}") for n in range(15)]
    fan_due = {f"WS#F.J{n}": due + timedelta(minutes=15 - n) for n in range(15)}
    ordered = downstream_deadlines("WS#A.STUCK", fan, fan_due)
    assert [d.job_key for d in ordered] == [f"WS#F.J{n}" for n in range(14, 4, -1)]

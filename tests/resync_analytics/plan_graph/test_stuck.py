"""Stuck by our own model: a running job past the p99 of its own runtime."""

from __future__ import annotations

import math

import numpy as np
import pytest

from resync_analytics.plan_graph import Tonight, simulate, stuck_jobs
from tests.resync_analytics.plan_graph.builders import key, lognormal_runtimes, plan


def test_a_job_past_its_p99_is_stuck_and_names_the_deadlines_it_delays() -> None:
    dag = plan(
        ["SLOW", "NEXT", "FINE", "AFTER"],
        [("SLOW", "NEXT"), ("FINE", "AFTER")],
        deadlines={"NEXT": 120, "AFTER": 300},
    )
    runtimes = lognormal_runtimes(dag, {"SLOW": 30, "NEXT": 10, "FINE": 30, "AFTER": 10}, 0.2)
    p99 = 30 * math.exp(2.3263 * 0.2)  # about 47.8 minutes
    now = 80 * 60.0
    tonight = Tonight(
        started_at=np.array([0.0, np.nan, 40 * 60, np.nan]),  # SLOW: 80 min, FINE: 40 min
        ended_at=np.full(4, np.nan),
        now=now,
    )
    sim = simulate(dag, runtimes, sims=300, tonight=tonight)
    found = stuck_jobs(sim, runtimes)
    assert [job.job_key for job in found] == [key("SLOW")]
    stuck = found[0]
    assert stuck.p99_seconds / 60 == pytest.approx(p99, rel=1e-3)
    assert stuck.beyond_seconds / 60 == pytest.approx(80 - p99, rel=1e-3)
    assert stuck.times_p99 == pytest.approx(80 / p99, rel=1e-3)
    assert [d.job_key for d in stuck.delays] == [key("NEXT")]
    assert stuck.delays[0].probability_after == 1.0  # if it never ends


def test_deciding_needs_the_current_time() -> None:
    dag = plan(["A"], [])
    runtimes = lognormal_runtimes(dag, {"A": 1}, 0.1)
    with pytest.raises(ValueError, match="current time"):
        stuck_jobs(simulate(dag, runtimes, sims=2), runtimes)

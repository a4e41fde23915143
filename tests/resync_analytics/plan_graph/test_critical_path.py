"""Latest safe ends computed backwards from deadlines, critical paths and hot lists."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest

from resync_analytics.plan_graph import deadline_risks, latest_safe_end, simulate
from tests.resync_analytics.plan_graph.builders import (
    ORIGIN,
    fixed_runtimes,
    key,
    lognormal_runtimes,
    plan,
)


def test_latest_safe_end_is_the_deadline_minus_the_runtimes_after_it() -> None:
    # A -> B -> C (deadline 100) and A -> D (deadline 50): A must end by min(100-20-10, 50-15).
    dag = plan(
        ["A", "B", "C", "D"],
        [("A", "B"), ("B", "C"), ("A", "D")],
        deadlines={"C": 100, "D": 50},
    )
    safe = latest_safe_end(dag, fixed_runtimes(dag, {"A": 5, "B": 10, "C": 20, "D": 15})) / 60
    got = dict(zip(dag.keys, safe.tolist(), strict=True))
    assert got[key("C")] == pytest.approx(100)
    assert got[key("B")] == pytest.approx(80)
    assert got[key("D")] == pytest.approx(50)
    assert got[key("A")] == pytest.approx(min(70, 35))


def test_latest_safe_end_uses_the_p90_runtime_and_is_infinite_without_deadlines() -> None:
    dag = plan(["A", "B", "X"], [("A", "B")], deadlines={"B": 120})
    runtimes = lognormal_runtimes(dag, {"A": 10, "B": 30, "X": 5}, sigma=0.5)
    safe = latest_safe_end(dag, runtimes) / 60
    p90 = 30 * math.exp(1.2815516 * 0.5)
    assert safe[dag.node(key("A"))] == pytest.approx(120 - p90, rel=1e-4)
    assert safe[dag.node(key("X"))] == np.inf


def test_the_critical_path_follows_the_branch_that_sets_the_start() -> None:
    dag = plan(
        ["A", "LONG", "SHORT", "D"],
        [("A", "LONG"), ("A", "SHORT"), ("LONG", "D"), ("SHORT", "D")],
        deadlines={"D": 70},
    )
    runtimes = lognormal_runtimes(dag, {"A": 10, "LONG": 50, "SHORT": 20, "D": 5}, sigma=0.1)
    sim = simulate(dag, runtimes, sims=500, seed=4)
    risk = deadline_risks(sim, runtimes)[key("D")]
    assert risk.critical_path == (key("A"), key("LONG"), key("D"))
    shares = {hot.job_key: hot.path_share for hot in risk.hot}
    assert shares[key("LONG")] == pytest.approx(1.0) and shares[key("A")] == pytest.approx(1.0)
    assert key("SHORT") not in shares
    # D ends around 65 minutes; its own latest safe end is its deadline.
    assert risk.latest_safe_end == ORIGIN + timedelta(minutes=70)
    assert (
        risk.median_end is not None
        and abs((risk.median_end - ORIGIN).total_seconds() / 60 - 65) < 3
    )
    assert 0.0 < risk.late_probability < 0.5
    # LONG's slack: latest safe end (70 - p90 of D) minus its median end (60).
    hot_long = next(h for h in risk.hot if h.job_key == key("LONG"))
    assert hot_long.slack_seconds / 60 == pytest.approx(70 - 5 * math.exp(1.2816 * 0.1) - 60, abs=1)


def test_two_branches_that_take_turns_share_the_path() -> None:
    dag = plan(["L", "R", "J"], [("L", "J"), ("R", "J")], deadlines={"J": 100})
    runtimes = lognormal_runtimes(dag, {"L": 30, "R": 30, "J": 1}, sigma=0.3)
    sim = simulate(dag, runtimes, sims=2000, seed=5)
    shares = {h.job_key: h.path_share for h in deadline_risks(sim, runtimes)[key("J")].hot}
    assert shares[key("L")] == pytest.approx(0.5, abs=0.07)
    assert shares[key("L")] + shares[key("R")] == pytest.approx(1.0)


def test_the_hot_list_names_troubled_ancestors_even_off_the_likely_path() -> None:
    dag = plan(
        ["A", "B", "HELD", "D", "OTHER"],
        [("A", "B"), ("B", "D"), ("HELD", "D")],
        deadlines={"D": 200},
    )
    runtimes = fixed_runtimes(dag, {"A": 30, "B": 30, "HELD": 1, "D": 5, "OTHER": 1})
    sim = simulate(dag, runtimes, sims=50)
    risk = deadline_risks(
        sim, runtimes, states={key("HELD"): "held", key("OTHER"): "error", key("A"): "succ"}
    )[key("D")]
    states = {hot.job_key: hot.state for hot in risk.hot}
    assert states[key("HELD")] == "held"  # upstream of D, in trouble
    assert key("OTHER") not in states  # in error, but D does not wait for it
    assert states[key("A")] is None


def test_only_jobs_with_a_deadline_get_a_risk() -> None:
    dag = plan(["A", "B"], [("A", "B")], deadlines={"B": 10})
    runtimes = fixed_runtimes(dag, {"A": 1, "B": 1})
    sim = simulate(dag, runtimes, sims=3)
    assert set(deadline_risks(sim, runtimes)) == {key("B")}
    assert deadline_risks(sim, runtimes, targets=[key("A"), "FTA01#X.UNKNOWN"]) == {}

"""Monte Carlo over the DAG: parallel branches take the max, chains the sum."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from resync_analytics.plan_graph import RuntimeDistribution, Tonight, simulate
from tests.resync_analytics.plan_graph.builders import fixed_runtimes, key, lognormal_runtimes, plan


def test_parallel_branches_join_at_the_later_end_not_the_sum() -> None:
    dag = plan(["A", "B", "C", "D"], [("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")])
    sim = simulate(dag, fixed_runtimes(dag, {"A": 10, "B": 30, "C": 20, "D": 5}), sims=4)
    start = dict(zip(dag.keys, sim.start[:, 0] / 60, strict=True))
    assert start[key("D")] == pytest.approx(10 + 30, abs=1e-3)  # max(30, 20), not 50
    assert sim.end[dag.node(key("D")), 0] / 60 == pytest.approx(45, abs=1e-3)
    assert np.all(sim.driver[dag.node(key("D"))] == dag.node(key("B")))
    assert np.all(sim.driver[dag.node(key("A"))] == -1)


def test_a_chain_adds_its_runtimes_and_an_earliest_start_can_dominate() -> None:
    dag = plan(["A", "B", "C"], [("A", "B"), ("B", "C")], earliest={"C": 100})
    sim = simulate(dag, fixed_runtimes(dag, {"A": 10, "B": 20, "C": 30}), sims=2)
    assert sim.end[dag.node(key("B")), 0] / 60 == pytest.approx(30, abs=1e-3)
    # C could start at 30 but may not before 100: its own earliest start sets it.
    assert sim.start[dag.node(key("C")), 0] / 60 == pytest.approx(100, abs=1e-3)
    assert sim.driver[dag.node(key("C")), 0] == -1


def test_late_probability_of_a_join_matches_the_max_of_two_lognormals() -> None:
    # Two independent branches with log-normal runtimes join in J (deadline t); J itself
    # takes no time to speak of. P(late) = 1 - F(t)^2, not the tail of a sum.
    dag = plan(["A", "B", "J"], [("A", "J"), ("B", "J")], deadlines={"J": 66})
    runtimes = lognormal_runtimes(dag, {"A": 60, "B": 60, "J": 1e-4}, sigma=0.2)
    sim = simulate(dag, runtimes, sims=40_000, seed=1)
    single = norm.cdf(np.log(66 / 60) / 0.2)
    expected = 1 - single**2
    assert sim.late_probability()[dag.node(key("J"))] == pytest.approx(expected, abs=0.01)
    assert sim.late_probability()[dag.node(key("A"))] == 0.0  # no deadline, no lateness


def test_the_hang_tail_stretches_runtimes_by_the_shops_ratios() -> None:
    dag = plan(["A"], [])
    runtimes = RuntimeDistribution(
        np.log([600.0]), np.array([1e-9]), tail_share=0.5, tail_ratios=np.array([10.0])
    )
    sim = simulate(dag, runtimes, sims=4000, seed=2)
    hung = np.isclose(sim.runtime[0], 6000.0, rtol=1e-3)
    assert 0.45 < hung.mean() < 0.55
    assert np.allclose(sim.runtime[0][~hung], 600.0, rtol=1e-3)


def test_what_already_happened_tonight_is_kept() -> None:
    dag = plan(["A", "B", "C"], [("A", "B"), ("B", "C")])
    runtimes = lognormal_runtimes(dag, {"A": 10, "B": 20, "C": 5}, sigma=0.3)
    now = 50 * 60.0
    tonight = Tonight(
        started_at=np.array([0.0, 15 * 60, np.nan]),
        ended_at=np.array([15 * 60, np.nan, np.nan]),
        now=now,
    )
    sim = simulate(dag, runtimes, sims=2000, tonight=tonight, seed=3)
    a, b, c = (dag.node(key(name)) for name in "ABC")
    assert np.all(sim.end[a] == 15 * 60)
    assert np.all(sim.start[b] == 15 * 60)
    # B has run 35 minutes already: it ends after now in every simulation.
    assert np.all(sim.end[b] > now)
    assert np.all(sim.start[c] >= sim.end[b])


def test_bad_input_is_refused() -> None:
    dag = plan(["A", "B"], [("A", "B")])
    with pytest.raises(ValueError, match="2 jobs"):
        simulate(dag, RuntimeDistribution(np.zeros(3), np.ones(3)))
    with pytest.raises(ValueError, match="at least one"):
        simulate(dag, fixed_runtimes(dag, {"A": 1, "B": 1}), sims=0)


def test_a_job_running_far_beyond_its_model_is_not_expected_to_end_now() -> None:
    dag = plan(["A"], [])
    runtimes = fixed_runtimes(dag, {"A": 10})  # ten minutes, no spread, no tail
    now = 120 * 60.0  # it has run two hours
    tonight = Tonight(np.array([0.0]), np.array([np.nan]), now)
    sim = simulate(dag, runtimes, sims=4000, tonight=tonight, seed=6)
    remaining = (sim.end[0] - now) / 60
    assert remaining.min() > 0
    # About another two hours on average (an exponential share of the two it has run).
    assert 100 < remaining.mean() < 140

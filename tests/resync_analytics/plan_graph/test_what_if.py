"""What-if: hang, fail or delay a job and see which deadlines are missed by how much."""

from __future__ import annotations

import pytest

from resync_analytics.plan_graph import (
    Scenario,
    latest_safe_end,
    simulate,
    single_points_of_failure,
    what_if,
)
from tests.resync_analytics.plan_graph.builders import fixed_runtimes, key, plan


def chain():
    # A -> B -> C, deadline of C at 70 minutes; C ends at 60: ten minutes of slack.
    dag = plan(["A", "B", "C", "X"], [("A", "B"), ("B", "C")], deadlines={"C": 70, "X": 5})
    runtimes = fixed_runtimes(dag, {"A": 20, "B": 20, "C": 20, "X": 1})
    return dag, runtimes, simulate(dag, runtimes, sims=20)


def test_a_delay_beyond_the_slack_misses_the_deadline_by_the_difference() -> None:
    _, _, sim = chain()
    outcome = what_if(sim, Scenario("delay", key("A"), minutes=30))
    assert [m.job_key for m in outcome.missed] == [key("C")]
    missed = outcome.missed[0]
    assert missed.minutes_late == pytest.approx(20, abs=0.01)
    assert missed.added_minutes == pytest.approx(20, abs=0.01)
    assert missed.probability_before == 0.0 and missed.probability_after == 1.0
    assert outcome.expected_minutes_lost == pytest.approx(20, abs=0.01)
    # Within the slack nothing is missed.
    assert what_if(sim, Scenario("delay", key("A"), minutes=5)).missed == ()


def test_a_failure_costs_the_recovery_and_a_second_run() -> None:
    _, _, sim = chain()
    outcome = what_if(sim, Scenario("fail", key("B"), recovery_minutes=15))
    # C ends at 60 + 15 + 20 = 95, 25 minutes after its deadline.
    assert outcome.missed[0].minutes_late == pytest.approx(25, abs=0.01)


def test_a_hang_misses_every_deadline_behind_it_without_bound() -> None:
    _, _, sim = chain()
    outcome = what_if(sim, Scenario("hang", key("A")))
    assert [m.job_key for m in outcome.missed] == [key("C")]
    assert outcome.missed[0].minutes_late is None and outcome.unbounded
    # A job nothing depends on hangs alone.
    assert what_if(sim, Scenario("hang", key("X"))).missed[0].job_key == key("X")


def test_the_base_simulation_is_left_untouched() -> None:
    _, _, sim = chain()
    before = sim.end.copy()
    what_if(sim, Scenario("hang", key("A")))
    assert (sim.end == before).all()


def test_bad_scenarios_are_refused() -> None:
    _, _, sim = chain()
    with pytest.raises(KeyError, match="not in the plan"):
        what_if(sim, Scenario("hang", key("NOPE")))
    with pytest.raises(ValueError, match="positive"):
        Scenario("delay", key("A"))
    with pytest.raises(ValueError, match="unknown scenario"):
        Scenario("explode", key("A"))  # type: ignore[arg-type]


def test_the_shared_upstream_job_is_tonights_worst_single_point_of_failure() -> None:
    # HUB feeds three deadline jobs; LONE feeds one with the same slack.
    names = ["HUB", "D1", "D2", "D3", "LONE", "D4"]
    edges = [("HUB", "D1"), ("HUB", "D2"), ("HUB", "D3"), ("LONE", "D4")]
    deadlines = {"D1": 45, "D2": 45, "D3": 45, "D4": 45}
    dag = plan(names, edges, deadlines=deadlines)
    runtimes = fixed_runtimes(dag, dict.fromkeys(names, 20.0))
    sim = simulate(dag, runtimes, sims=10)
    worst = single_points_of_failure(sim, latest_safe_end(dag, runtimes), recovery_minutes=10)
    assert [w.job_key for w in worst[:2]] == [key("HUB"), key("LONE")]
    assert len(worst[0].outcome.missed) == 3 and len(worst[1].outcome.missed) == 1
    # Each deadline job is missed by 10 + 20 - 5 minutes.
    assert worst[0].outcome.expected_minutes_lost == pytest.approx(3 * 25, abs=0.1)


def test_a_job_nothing_waits_for_is_no_single_point_of_failure() -> None:
    # D1..D4 would miss their own deadlines if they failed, but no other job waits for them.
    names = ["HUB", "D1", "D2", "D3", "LONE", "D4"]
    edges = [("HUB", "D1"), ("HUB", "D2"), ("HUB", "D3"), ("LONE", "D4")]
    dag = plan(names, edges, deadlines={"D1": 45, "D2": 45, "D3": 45, "D4": 45})
    runtimes = fixed_runtimes(dag, dict.fromkeys(names, 20.0))
    sim = simulate(dag, runtimes, sims=10)
    worst = single_points_of_failure(sim, latest_safe_end(dag, runtimes), recovery_minutes=10)
    assert [w.job_key for w in worst] == [key("HUB"), key("LONE")]

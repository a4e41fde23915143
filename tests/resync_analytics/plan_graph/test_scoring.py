"""Per-job risks re-scored along the plan's graph: the predecessor the per-job model cannot
see makes the job late."""

from __future__ import annotations

from datetime import timedelta

import pytest

from resync_analytics.maintenance import score_tonight
from resync_analytics.maintenance.scores import risk_scores
from resync_analytics.plan_graph import PlanGraphCycleError
from resync_analytics.plan_graph.scoring import (
    apply_plan_graph,
    plan_model,
    plan_nodes,
    tonight_state,
)
from resync_core.plan_graph import PlanEdge, PlanNode
from resync_core.risk import PlannedJob
from tests.resync_analytics.maintenance.builders import TONIGHT, history, nightly_runs, noisy

DAY = TONIGHT.date()
UPSTREAM, LOAD, ALONE = "FTA01#NIGHTLY.EXTRACT", "FTA01#NIGHTLY.LOAD", "FTA01#OTHER.ALONE"


def shop():
    # EXTRACT runs two hours from midnight; LOAD (scheduled 01:00, 10 minutes, deadline 01:30)
    # has always started at 01:01 in this history, so on its own it looks safe.
    return history(
        nightly_runs("EXTRACT", seconds=noisy(7200.0, 0.05, 1), sched_hour=0.0),
        nightly_runs("LOAD", seconds=noisy(600.0, 0.05, 2), deadline_after=1800.0),
        nightly_runs("ALONE", stream="OTHER", seconds=noisy(600.0, 0.05, 3), deadline_after=1800.0),
    )


def planned() -> list[PlannedJob]:
    def at(hours: float):
        return TONIGHT + timedelta(hours=hours)

    return [
        PlannedJob(UPSTREAM, at(0), None),
        PlannedJob(LOAD, at(1), at(1.5)),
        PlannedJob(ALONE, at(1), at(1.5)),
    ]


def test_a_hidden_predecessor_makes_the_job_late_with_its_path_and_safe_end() -> None:
    runs = shop()
    plan = planned()
    risks = score_tonight(runs, TONIGHT, planned=plan)
    per_job = {risk.job_key: risk for risk in risks}
    assert per_job[LOAD].late_probability < 0.05  # blind to EXTRACT

    edges = [PlanEdge(DAY, UPSTREAM, LOAD, "job", True)]
    model = plan_model(runs, TONIGHT, plan_nodes([], plan), edges)
    rescored = {risk.job_key: risk for risk in apply_plan_graph(risks, model)}
    load = rescored[LOAD]
    assert load.late_probability > 0.95
    assert load.score >= load.late_probability
    assert load.critical_path == (UPSTREAM, LOAD)
    assert load.latest_safe_end == TONIGHT + timedelta(hours=1.5)
    assert load.plan_graph is not None and load.plan_graph["hot"][0]["job_key"] == UPSTREAM
    late = [reason for reason in load.reasons if reason.kind == "late_risk"]
    assert len(late) == 1 and UPSTREAM in late[0].text and "01:30 UTC deadline" in late[0].text
    # The upstream job must end 10 minutes (LOAD's p90) before LOAD's deadline.
    assert model.dag.at(float(model.safe_end[model.dag.node(UPSTREAM)])) < TONIGHT + timedelta(
        hours=1, minutes=21
    )
    # ALONE waits for nothing: the graph agrees with the per-job model; EXTRACT has no deadline.
    assert rescored[ALONE].late_probability == pytest.approx(0.0, abs=0.02)
    assert rescored[ALONE].critical_path == (ALONE,)
    assert rescored[UPSTREAM] == per_job[UPSTREAM]
    # What is stored carries the graph's view.
    stored = {row.job_key: row for row in risk_scores(rescored.values())}
    assert tuple(stored[LOAD].critical_path) == (UPSTREAM, LOAD)
    assert stored[LOAD].reasons["plan_graph"]["late_probability"] == load.late_probability


def test_stored_nodes_fill_in_what_the_plan_does_not_say() -> None:
    stored = [PlanNode(UPSTREAM, TONIGHT, None), PlanNode("FTA01#X.Y", TONIGHT, None)]
    nodes = {node.job_key: node for node in plan_nodes(stored, planned())}
    assert set(nodes) == {UPSTREAM, LOAD, ALONE, "FTA01#X.Y"}
    assert nodes[LOAD].deadline == TONIGHT + timedelta(hours=1.5)


def test_a_cyclic_plan_is_refused() -> None:
    edges = [PlanEdge(DAY, UPSTREAM, LOAD, "job", True), PlanEdge(DAY, LOAD, UPSTREAM, "job", True)]
    with pytest.raises(PlanGraphCycleError):
        plan_model(shop(), TONIGHT, plan_nodes([], planned()), edges)


def test_tonight_state_reads_what_already_happened_on_the_plan_day() -> None:
    import numpy as np

    from resync_analytics.maintenance.history import run_history_frame
    from resync_analytics.plan_graph import build_dag

    def run(job: str, start_h: float, end_h: float | None, failed: bool = False) -> dict:
        start = TONIGHT.timestamp() + start_h * 3600
        return {
            "job_key": f"FTA01#NIGHTLY.{job}",
            "workstation": "FTA01",
            "sched_time": TONIGHT.timestamp(),
            "start_time": start,
            "end_time": None if end_h is None else TONIGHT.timestamp() + end_h * 3600,
            "deadline_time": None,
            "duration_seconds": None,
            "failed": failed,
            "run_attempt": 1,
            "error_pattern": None,
        }

    runs = run_history_frame(
        [run("EXTRACT", 0, 1), run("LOAD", 1, 3), run("BROKEN", 0.5, 0.6, failed=True)]
    )
    keys = ["FTA01#NIGHTLY." + name for name in ("EXTRACT", "LOAD", "BROKEN", "LATER")]
    dag = build_dag([PlanNode(key, TONIGHT, None) for key in keys], [], origin=TONIGHT)
    state = tonight_state(runs, dag, TONIGHT + timedelta(hours=2))
    assert state.now == 7200
    assert np.allclose(state.started_at, [0, 3600, np.nan, np.nan], equal_nan=True)
    # LOAD's end (03:00) lies after now: it is still running; BROKEN waits for a rerun.
    assert np.allclose(state.ended_at, [3600, np.nan, np.nan, np.nan], equal_nan=True)
    nothing = tonight_state(runs, dag, None)
    assert np.isnan(nothing.started_at).all() and nothing.now == float("-inf")


def test_scored_during_the_night_the_hot_list_names_a_stuck_predecessor() -> None:
    from resync_analytics.maintenance import MaintenanceConfig
    from resync_analytics.maintenance.history import run_history_frame
    from resync_analytics.plan_graph.scoring import job_states, score_tonight_along_graph

    # Tonight EXTRACT started at midnight and is still running at 03:00 (its usual: 2h).
    running = {
        "job_key": UPSTREAM,
        "workstation": "FTA01",
        "sched_time": TONIGHT.timestamp(),
        "start_time": TONIGHT.timestamp(),
        "end_time": None,
        "deadline_time": None,
        "duration_seconds": None,
        "failed": False,
        "run_attempt": 1,
        "error_pattern": None,
    }
    failed = {**running, "job_key": ALONE, "end_time": TONIGHT.timestamp() + 60, "failed": True}
    past = shop()
    runs = run_history_frame(
        [*past.to_dict("records"), running, failed]  # type: ignore[list-item]
    )
    edges = [PlanEdge(DAY, UPSTREAM, LOAD, "job", True)]
    now = TONIGHT + timedelta(hours=3)
    risks = score_tonight_along_graph(
        runs, TONIGHT, MaintenanceConfig(), None, planned(), [], edges, now=now
    )
    load = next(risk for risk in risks if risk.job_key == LOAD)
    assert load.plan_graph is not None
    hot = {job["job_key"]: job["state"] for job in load.plan_graph["hot"]}
    assert hot[UPSTREAM] == "running_long"
    assert load.late_probability == 1.0  # its deadline passed and it has not run yet
    assert any(
        f"{UPSTREAM} is running far beyond its usual runtime" in reason.text
        for reason in load.reasons
    )

    model = plan_model(runs, TONIGHT, plan_nodes([], planned()), edges, now=now)
    states = job_states(runs, model.dag, now)
    assert states == {ALONE: "error", LOAD: "late"}  # UPSTREAM has no deadline of its own
    # Before the plan's day nothing has happened yet: no states, the plain forecast.
    before = score_tonight_along_graph(
        runs,
        TONIGHT,
        MaintenanceConfig(),
        None,
        planned(),
        [],
        edges,
        now=TONIGHT - timedelta(hours=1),
    )
    load_before = next(risk for risk in before if risk.job_key == LOAD)
    assert all(job["state"] is None for job in load_before.plan_graph["hot"])

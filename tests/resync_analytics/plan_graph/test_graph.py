"""Building the plan's DAG: levels, stream edges, dropped edges, cycles, bad input."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import numpy as np
import pytest

from resync_analytics.plan_graph import PlanGraphCycleError, build_dag
from resync_analytics.plan_graph.graph import dag_from_arrays
from resync_core.plan_graph import PlanEdge, PlanNode
from tests.resync_analytics.plan_graph.builders import DAY, ORIGIN, key, plan


def test_levels_follow_the_longest_chain_of_predecessors() -> None:
    dag = plan(["A", "B", "C", "D"], [("A", "B"), ("B", "D"), ("A", "C"), ("C", "D"), ("A", "D")])
    level = dict(zip(dag.keys, dag.level.tolist(), strict=True))
    assert level == {key("A"): 0, key("B"): 1, key("C"): 1, key("D"): 2}
    # Every edge goes from a lower level to a higher one, grouped by its successor's level.
    assert np.all(dag.level[dag.pred] < dag.level[dag.succ])
    assert np.all(np.diff(dag.level[dag.succ]) >= 0)
    assert dag.edge_bounds[-1] == dag.pred.size == 5


def test_a_stream_predecessor_stands_for_every_job_of_the_stream() -> None:
    nodes = [
        PlanNode(key("A", "LOAD"), ORIGIN, None),
        PlanNode(key("B", "LOAD"), ORIGIN, None),
        PlanNode(key("REPORT", "CLOSE"), ORIGIN, None),
    ]
    edges = [
        PlanEdge(DAY, "FTA01#LOAD", key("REPORT", "CLOSE"), "job_stream", False),
        PlanEdge(DAY, "SHARED_DISK", key("REPORT", "CLOSE"), "resource", False),
        PlanEdge(DAY, key("GONE", "YESTERDAY"), key("A", "LOAD"), "job", False),
    ]
    dag = build_dag(nodes, edges)
    pairs = {(dag.keys[p], dag.keys[s]) for p, s in zip(dag.pred, dag.succ, strict=True)}
    assert pairs == {
        (key("A", "LOAD"), key("REPORT", "CLOSE")),
        (key("B", "LOAD"), key("REPORT", "CLOSE")),
    }
    assert dag.dropped_edges == 1  # the predecessor outside the plan; the resource is no job


def test_a_cycle_is_refused_with_its_jobs_named_in_order() -> None:
    with pytest.raises(PlanGraphCycleError) as caught:
        plan(["A", "B", "C", "D"], [("A", "B"), ("B", "C"), ("C", "D"), ("D", "B")])
    cycle = caught.value.cycle
    assert cycle[0] == cycle[-1] and set(cycle) == {key("B"), key("C"), key("D")}
    assert "B -> " in str(caught.value) or "C -> " in str(caught.value)
    # Every consecutive pair in the message is a real edge.
    edges = {(key("B"), key("C")), (key("C"), key("D")), (key("D"), key("B"))}
    assert all(pair in edges for pair in itertools.pairwise(cycle))


def test_a_job_waiting_for_itself_is_a_cycle() -> None:
    with pytest.raises(PlanGraphCycleError):
        plan(["A"], [("A", "A")])


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        build_dag([PlanNode(key("A"), ORIGIN, None)] * 2, [])
    with pytest.raises(ValueError, match="timezone-aware"):
        build_dag([PlanNode(key("A"), datetime(2026, 3, 2), None)], [])
    with pytest.raises(ValueError, match="node numbers"):
        dag_from_arrays(["a", "b"], np.array([0]), np.array([2]), origin=ORIGIN)


def test_descendants_and_instants() -> None:
    dag = plan(["A", "B", "C", "D"], [("A", "B"), ("B", "C")], deadlines={"C": 90})
    below = dag.descendants(dag.node(key("A")))
    assert [dag.keys[i] for i in np.flatnonzero(below)] == [key("B"), key("C")]
    assert dag.at(float(dag.deadline[dag.node(key("C"))])) == datetime(
        2026, 3, 2, 1, 30, tzinfo=UTC
    )
    with pytest.raises(KeyError, match="not in the plan"):
        dag.node(key("Z"))


def test_a_satisfied_or_released_dependency_no_longer_holds_the_successor() -> None:
    nodes = [PlanNode(key(name), ORIGIN, None) for name in ("A", "B", "C", "D")]
    edges = [
        PlanEdge(DAY, key("A"), key("D"), "job", True, "released"),
        PlanEdge(DAY, key("B"), key("D"), "job", True, "satisfied"),
        PlanEdge(DAY, key("C"), key("D"), "job", True, "unsatisfied"),
    ]
    dag = build_dag(nodes, edges)
    assert [(dag.keys[p], dag.keys[s]) for p, s in zip(dag.pred, dag.succ, strict=True)] == [
        (key("C"), key("D"))
    ]
    assert dag.dropped_edges == 2

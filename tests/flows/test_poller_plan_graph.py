"""The poller learns the plan's dependency graph: real simulator, PostgreSQL and Prefect."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

import tasks.poll
from flows.poller import poll_tws
from resync_core.plan_graph import PlanEdge


def job_key(sim, index: int) -> str:
    """The project's key of a simulated job: WORKSTATION#STREAM.JOB."""
    enterprise = sim.engine.enterprise
    job = enterprise.jobs[index]
    stream = enterprise.streams[job.stream]
    return f"{enterprise.workstations[stream.workstation].name}#{stream.name}.{job.name}"


def expected_edges(sim) -> set[tuple[str, str, str, bool]]:
    """The simulated plan's graph as (predecessor, successor, kind, internal)."""
    enterprise = sim.engine.enterprise
    ws = enterprise.workstations
    streams = enterprise.streams

    def key(index: int) -> str:
        return job_key(sim, index)

    edges = set()
    for job in enterprise.jobs:
        successor = key(job.index)
        for pred in job.job_predecessors:
            internal = enterprise.jobs[pred].stream == job.stream
            edges.add((key(pred), successor, "job", internal))
        for stream in job.stream_predecessors:
            edges.add(
                (f"{ws[streams[stream].workstation].name}#{streams[stream].name}", successor,
                 "job_stream", False)
            )  # fmt: skip
        for name in job.resources:
            edges.add((f"{ws[job.workstation].name}#{name}", successor, "resource", False))
        for path in job.files:
            edges.add((f"{ws[job.workstation].name}#{path}", successor, "file", False))
    return edges


def stored(store, day) -> list[PlanEdge]:
    return store.plan_edges(day)


def plan_day(sim):
    return datetime.fromtimestamp(sim.engine.current.day_start, UTC).date()


def test_one_cycle_stores_the_whole_graph_of_a_small_plan_and_the_next_reads_none(
    poller_settings, poller_simulator, store
):
    expected = expected_edges(poller_simulator)
    kinds = {kind for _p, _s, kind, _i in expected}
    assert kinds == {"job", "job_stream", "resource", "file"}, kinds

    first = asyncio.run(poll_tws(full=True))
    edges = stored(store, plan_day(poller_simulator))
    assert {(e.predecessor_key, e.successor_key, e.kind, e.internal) for e in edges} == expected
    assert first.plan_edges == len(expected)
    assert {e.status for e in edges} <= {"satisfied", "unsatisfied"}
    assert "satisfied" in {e.status for e in edges}

    again = asyncio.run(poll_tws(full=True))
    assert again.plan_edges == 0
    assert stored(store, plan_day(poller_simulator)) == edges


def test_a_large_plan_is_wired_a_bounded_part_per_cycle_unstarted_jobs_first(
    poller_settings, poller_simulator, store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(tasks.poll, "PLAN_GRAPH_READS_PER_CYCLE", 40)
    day = plan_day(poller_simulator)
    engine = poller_simulator.engine
    now = engine.now
    waiting = {
        job.index
        for job in engine.enterprise.jobs
        if not engine.current.instances[job.index].started_runs(now)
        and (job.job_predecessors or job.stream_predecessors or job.resources or job.files)
    }
    assert len(waiting) > 40, "the plan should hold more unstarted jobs than one cycle reads"

    asyncio.run(poll_tws(full=True))
    first = {e.successor_key for e in stored(store, day)}
    assert len(first) == 40
    assert first <= {job_key(poller_simulator, index) for index in waiting}
    asyncio.run(poll_tws(full=True))
    second = {e.successor_key for e in stored(store, day)}
    assert first < second and len(second) == 80
    expected_successors = {s for _p, s, _k, _i in expected_edges(poller_simulator)}
    assert second <= expected_successors


def test_edge_statuses_follow_the_plan_without_reading_jobs_again(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    day = plan_day(poller_simulator)
    before = {(e.predecessor_key, e.successor_key, e.kind): e.status for e in stored(store, day)}
    waiting = {succ for (_p, succ, _k), status in before.items() if status == "unsatisfied"}
    assert waiting, "some jobs should still wait for their predecessors"

    engine = poller_simulator.engine
    engine.advance(4 * 3600)
    summary = asyncio.run(poll_tws(full=True))
    now, plan = engine.now, engine.current
    resolved = {
        job_key(poller_simulator, job.index)
        for job in engine.enterprise.jobs
        if plan.unresolved_dependencies(job.index, now) == 0
    }
    after = stored(store, day)
    newly = {e.successor_key for e in after if e.status == "satisfied"} & waiting
    assert newly and summary.plan_edges >= len(newly)
    for edge in after:
        if edge.successor_key in resolved:  # every edge into a resolved job is satisfied
            assert edge.status == "satisfied", edge
        else:  # the others keep the status they were read with
            assert edge.status == before[(edge.predecessor_key, edge.successor_key, edge.kind)]

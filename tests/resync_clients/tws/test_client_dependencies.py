"""Reading the plan's dependency graph: parsing a job's dependencies into edges, and the
client's predecessors/successors walk against the simulator over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import orjson
import pytest
from pydantic import SecretStr

from resync_clients.tws.client import TWSClient, TWSClientConfig
from resync_clients.tws.dependencies import (
    graph_dependency_count,
    jobs_to_read,
    plan_day_of,
    plan_edges,
    unread_dependencies,
)
from resync_clients.tws.errors import TWSNotFoundError
from resync_clients.tws.models import JobInPlan, parse_json
from resync_clients.tws.records import job_key
from resync_core.plan_graph import PlanEdge
from resync_simulator import RunningSimulator

DAY = date(2025, 3, 14)
PRED_ID = "0a0b0c0d-0001-4000-a000-000000000001"


def _job(dependencies: list[dict[str, Any]], **extra: Any) -> JobInPlan:
    data = {
        "id": "0a0b0c0d-0001-4000-a000-000000000009",
        "name": "LOAD_GL",
        "jobStreamName": "GLEDGER_NIGHT00",
        "jobStreamWorkstation": "/FOLDER/FTA001",
        "workstation": "/AGT002",
        "schedTime": "2025-03-14T23:30:00.000Z",
        "dependencies": dependencies,
        **extra,
    }
    return parse_json(JobInPlan, orjson.dumps(data))


def test_every_graph_kind_becomes_an_edge_into_the_job() -> None:
    job = _job(
        [
            # Internal: TWS may leave the (same) stream out.
            {"dependencyType": "INTERNAL", "jobId": PRED_ID, "jobName": "EXTRACT_GL",
             "dependencyStatus": "SATISFIED", "satisfied": True},
            {"dependencyType": "EXTERNAL_JOB", "jobName": "CLOSE_DAY", "jobStreamName": "EOD",
             "jobStreamWorkstation": "/MDM", "dependencyStatus": "UNSATISFIED"},
            {"dependencyType": "EXTERNAL_JOBSTREAM", "jobStreamName": "/APP/FEEDS",
             "jobStreamWorkstation": "/FTA002", "satisfied": False},
            {"dependencyType": "RESOURCE", "name": "GL_DBLOCK", "workstation": "/FTA001",
             "quantity": 1, "dependencyStatus": "UNDECIDED"},
            {"dependencyType": "FILE", "file": {"name": "/data/in/gl.dat",
                                                "workstation": "/FTA001"}},
            {"dependencyType": "PROMPT", "promptName": "GO", "text": "Start?"},
        ]
    )  # fmt: skip
    successor = "FTA001#GLEDGER_NIGHT00.LOAD_GL"
    assert successor == job_key(job)
    assert plan_edges(job) == [
        PlanEdge(DAY, "FTA001#GLEDGER_NIGHT00.EXTRACT_GL", successor, "job", True, "satisfied"),
        PlanEdge(DAY, "MDM#EOD.CLOSE_DAY", successor, "job", False, "unsatisfied"),
        PlanEdge(DAY, "FTA002#FEEDS", successor, "job_stream", False, "unsatisfied"),
        PlanEdge(DAY, "FTA001#GL_DBLOCK", successor, "resource", False, "unknown"),
        PlanEdge(DAY, "FTA001#/data/in/gl.dat", successor, "file", False, "unknown"),
    ]


def test_join_members_are_predecessors_and_repeats_are_one_edge() -> None:
    member = {"dependencyType": "EXTERNAL_JOB", "jobName": "A", "jobStreamName": "S",
              "jobStreamWorkstation": "/W"}  # fmt: skip
    job = _job([{"dependencyType": "JOIN", "joinName": "ANY2", "members": [member, member]}])
    assert [(e.predecessor_key, e.kind) for e in plan_edges(job)] == [("W#S.A", "job")]


def test_incomplete_dependencies_are_skipped_and_a_job_without_a_day_has_no_edge() -> None:
    job = _job([
        {"dependencyType": "EXTERNAL_JOB", "jobName": "A"},  # which stream?
        {"dependencyType": "RESOURCE"},
        {"dependencyType": "FILE", "file": {}},
        {"dependencyType": "INTERNETWORK", "dependency": "NET#X.Y"},
    ])  # fmt: skip
    assert plan_edges(job) == []
    undated = _job([{"dependencyType": "INTERNAL", "jobName": "A"}], schedTime=None)
    assert plan_day_of(undated) is None and plan_edges(undated) == []
    assert len(plan_edges(undated, DAY)) == 1


def test_plan_day_is_the_utc_date_of_the_schedule_and_stats_count_graph_kinds() -> None:
    job = _job([], schedTime="2025-03-14T23:30:00.000-02:00", dependenciesStats={
        "numberOfDependencies": 7, "numberOfJobDependencies": 2,
        "numberOfJobStreamDependencies": 1, "numberOfPromptDependencies": 3,
        "numberOfFileDependencies": 1, "numberOfResourceDependencies": None,
    })  # fmt: skip
    assert plan_day_of(job) == date(2025, 3, 15)
    assert graph_dependency_count(job) == 4
    assert graph_dependency_count(_job([])) == 0


def _counted(name: str, sched: str, *, started: bool = False, jobs: int = 1) -> JobInPlan:
    runs = [{"id": f"run-{name}"}] if started else []
    return _job([], id=f"id-{name}", name=name, schedTime=sched, jobruns=runs,
                dependenciesStats={"numberOfJobDependencies": jobs})  # fmt: skip


def test_only_jobs_whose_dependencies_were_counted_but_not_listed_are_to_read() -> None:
    counted = unread_dependencies(_counted("A", "2025-03-14T22:00:00Z"))
    assert counted is not None and counted.plan_day == DAY and not counted.started
    assert counted.job_key == "FTA001#GLEDGER_NIGHT00.A"
    assert not counted.resolved  # TWS did not say how many are unresolved
    done = _job([], dependenciesStats={"numberOfJobDependencies": 2,
                                       "numberOfUnresolvedDependencies": 0})  # fmt: skip
    assert (ref := unread_dependencies(done)) is not None and ref.resolved
    assert unread_dependencies(_counted("B", "2025-03-14T22:00:00Z", jobs=0)) is None
    listed = _job([{"dependencyType": "INTERNAL", "jobName": "X"}],
                  dependenciesStats={"numberOfJobDependencies": 1})  # fmt: skip
    assert unread_dependencies(listed) is None
    assert unread_dependencies(_job([], schedTime=None)) is None


def test_jobs_to_read_skips_wired_ones_and_puts_unstarted_soonest_first() -> None:
    refs = [
        unread_dependencies(job)
        for job in (
            _counted("LATE", "2025-03-14T23:00:00Z"),
            _counted("RUNNING", "2025-03-14T01:00:00Z", started=True),
            _counted("SOON", "2025-03-14T21:00:00+02:00"),  # 19:00 UTC
            _counted("WIRED", "2025-03-14T18:00:00Z"),
            _counted("SOON", "2025-03-14T21:00:00+02:00"),  # listed twice
        )
    ]
    candidates = [ref for ref in refs if ref is not None]
    wired = {(DAY, "FTA001#GLEDGER_NIGHT00.WIRED")}
    chosen = jobs_to_read(candidates, wired, limit=10)
    assert [ref.job_key.rsplit(".", 1)[1] for ref in chosen] == ["SOON", "LATE", "RUNNING"]
    assert [ref.job_key for ref in jobs_to_read(candidates, wired, limit=1)] == [chosen[0].job_key]
    assert jobs_to_read(candidates, wired, limit=0) == []
    # Wired on another day only: still to read for this one.
    assert len(jobs_to_read(candidates, {(date(2025, 3, 13), chosen[0].job_key)}, 10)) == 4


# --------------------------------------------------------------------- against the simulator


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def tws(tws_simulator: RunningSimulator) -> AsyncIterator[TWSClient]:
    config = TWSClientConfig(
        base_url=tws_simulator.base_url, username="resync", password=SecretStr("resync-sim")
    )
    async with TWSClient(config) as client:
        yield client


@pytest.mark.anyio
async def test_predecessors_and_successors_agree_with_the_jobs_own_dependencies(
    tws: TWSClient, tws_simulator: RunningSimulator
) -> None:
    engine = tws_simulator.engine
    assert engine is not None
    enterprise = engine.enterprise
    index = next(job.index for job in enterprise.jobs if job.external_predecessors)
    plan = engine.current
    job_id = f"{enterprise.seed_tag:08x}-{plan.day:04x}-4000-a000-{index:012x}"
    job = await tws.get_job(job_id)
    job_edges = {e.predecessor_key for e in plan_edges(job) if e.kind == "job"}
    before = await tws.predecessors(job_id)
    assert job_edges and job_edges <= {job_key(node) for node in before}
    for node in before:
        assert job_id in {n.id for n in await tws.successors(node.id)}
    deeper = await tws.predecessors(job_id, depth=3)
    assert {n.id for n in before} < {n.id for n in deeper}
    assert await tws.predecessors(job_id, depth=0) == ()


@pytest.mark.anyio
async def test_walking_from_an_unknown_job_is_not_found_and_a_bad_depth_is_refused(
    tws: TWSClient,
) -> None:
    with pytest.raises(TWSNotFoundError):
        await tws.successors("00000000-0000-4000-a000-000000000000")
    with pytest.raises(ValueError):
        await tws.predecessors("x", depth=-1)

"""The simulated plan's dependency graph: wiring, run order, and how the API serves it."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from resync_simulator import RunningSimulator
from resync_simulator.config import SimulatorConfig
from resync_simulator.conformance import pin_dependency_kinds
from resync_simulator.engine import SimulationEngine
from resync_simulator.enterprise import Enterprise, generate_enterprise
from resync_simulator.plan import Plan

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "tws-api" / "WA_API3_v2.json"
API = "/twsd/api/v2"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        pytest.skip("product spec not available")
    text = re.sub(r",(\s*[}\]])", r"\1", SPEC_PATH.read_text(encoding="utf-8"))
    return pin_dependency_kinds(json.loads(text))


def _errors(spec: dict[str, Any], path: str, body: Any) -> list[str]:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    content = spec["paths"][path]["get"]["responses"]["200"]["content"]
    schema = json.loads(
        json.dumps(content["application/json"]["schema"]).replace(
            '"#/components', '"urn:spec#/components'
        )
    )
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    validator = Draft202012Validator(
        schema, registry=Registry().with_resource("urn:spec", resource)
    )
    return [f"{list(e.path)}: {e.message[:200]}" for e in validator.iter_errors(body)]


def _job_id(sim: RunningSimulator, index: int) -> str:
    plan = sim.engine.current
    return f"{plan.enterprise.seed_tag:08x}-{plan.day:04x}-4000-a000-{index:012x}"


def _first(enterprise: Enterprise, attribute: str) -> int:
    return next(job.index for job in enterprise.jobs if getattr(job, attribute))


def test_the_enterprise_wires_streams_to_earlier_streams_deterministically() -> None:
    first, again = generate_enterprise(11, 3000), generate_enterprise(11, 3000)
    assert first.jobs == again.jobs
    assert generate_enterprise(12, 3000).jobs != first.jobs
    streams = first.streams
    external = [job for job in first.jobs if job.external_predecessors]
    whole = [job for job in first.jobs if job.stream_predecessors]
    assert external and whole
    assert any(job.resources for job in first.jobs) and any(job.files for job in first.jobs)
    for job in external:
        for pred in job.external_predecessors:
            other = first.jobs[pred]
            assert other.stream != job.stream
            assert streams[other.stream].start_offset < streams[job.stream].start_offset
    for job in whole:
        for stream in job.stream_predecessors:
            assert streams[stream].start_offset < streams[job.stream].start_offset
    # Some cross-stream links join different workstations.
    assert any(
        streams[first.jobs[p].stream].workstation != streams[job.stream].workstation
        for job in external
        for p in job.external_predecessors
    )


@pytest.mark.parametrize("day_offset", [-1, 0])
def test_every_job_starts_after_every_job_it_waits_for_ended(day_offset: int) -> None:
    engine = SimulationEngine(SimulatorConfig(seed=3, scenario="default", clock_rate=0))
    enterprise = engine.enterprise
    plan = Plan(enterprise, engine.current.day + day_offset)
    checked = 0
    for job in enterprise.jobs:
        runs = plan.instances[job.index].runs
        if not runs:
            continue
        for pred in enterprise.graph_predecessors[job.index]:
            status, ended = plan.completion(pred)
            assert status in ("SUCC", "CANCL"), (job.name, status)
            assert ended <= runs[0].start
            checked += 1
    cross = sum(
        1
        for job in enterprise.jobs
        if (job.external_predecessors or job.stream_predecessors) and plan.instances[job.index].runs
    )
    assert checked > 1000 and cross > 20


def test_a_failed_predecessor_in_another_stream_holds_its_successor_until_confirmed() -> None:
    # The clock starts at the plan day's midnight: most of the night is still ahead.
    config = SimulatorConfig(
        seed=5, scenario="default", clock_rate=0, start=datetime(2025, 3, 14, tzinfo=UTC)
    )
    engine = SimulationEngine(config)
    plan, now, enterprise = engine.current, engine.now, engine.enterprise
    names = Counter(job.name for job in enterprise.jobs)  # inject() picks a job by name
    successor, pred = next(
        (job.index, job.external_predecessors[0])
        for job in enterprise.jobs
        if job.external_predecessors
        and names[enterprise.jobs[job.external_predecessors[0]].name] == 1
        and not plan.instances[job.external_predecessors[0]].started_runs(now)
        and plan.instances[job.index].runs
    )
    engine.inject(job_name=enterprise.jobs[pred].name)
    assert not plan.instances[successor].runs, "the successor must not be scheduled"
    engine.advance(plan.stream_start(enterprise.jobs[successor].stream) - now + 60)
    state = plan.state_of(successor, engine.now)
    assert (state.status, state.substatus) == ("HOLD", "HOLD_WAITING_FOR_PREDECESSOR")
    job_id = f"{enterprise.seed_tag:08x}-{plan.day:04x}-4000-a000-{pred:012x}"
    engine.act(job_id, "confirm-succ")
    confirmed_at = engine.now
    runs = plan.instances[successor].runs
    assert runs and runs[0].start >= confirmed_at


def test_a_job_read_alone_carries_its_dependencies_and_a_query_only_counts_them(
    spec: dict[str, Any], tws_sim: RunningSimulator
) -> None:
    client = httpx.Client(base_url=tws_sim.base_url, auth=tws_sim.basic_auth, timeout=10)
    enterprise = tws_sim.engine.enterprise
    expected = {
        "external_predecessors": "EXTERNAL_JOB",
        "stream_predecessors": "EXTERNAL_JOBSTREAM",
        "resources": "RESOURCE",
        "files": "FILE",
        "predecessors": "INTERNAL",
    }
    for attribute, kind in expected.items():
        index = _first(enterprise, attribute)
        job_id = _job_id(tws_sim, index)
        alone = client.get(f"{API}/plan/job/{job_id}")
        assert alone.status_code == 200
        body = alone.json()
        assert not _errors(spec, "/twsd/api/v2/plan/job/{job_id}", body)
        kinds = [d["dependencyType"] for d in body["dependencies"]]
        assert kind in kinds
        assert body["dependenciesStats"]["numberOfDependencies"] == len(kinds)
        queried = client.get(f"{API}/plan/job", params={"oql": f"id = '{job_id}'"}).json()
        (row,) = queried["results"]
        assert row["dependencies"] == []
        assert row["dependenciesStats"] == body["dependenciesStats"]
    # An external predecessor names the other stream's job by id, stream and workstation.
    index = _first(enterprise, "external_predecessors")
    pred = enterprise.jobs[enterprise.jobs[index].external_predecessors[0]]
    deps = client.get(f"{API}/plan/job/{_job_id(tws_sim, index)}").json()["dependencies"]
    (external,) = [d for d in deps if d["dependencyType"] == "EXTERNAL_JOB"]
    assert external["jobId"] == _job_id(tws_sim, pred.index)
    assert external["jobName"] == pred.name
    assert external["jobStreamName"] == enterprise.streams[pred.stream].name


def test_predecessors_and_successors_walk_across_streams_as_the_spec_says(
    spec: dict[str, Any], tws_sim: RunningSimulator
) -> None:
    client = httpx.Client(base_url=tws_sim.base_url, auth=tws_sim.basic_auth, timeout=10)
    enterprise = tws_sim.engine.enterprise
    index = _first(enterprise, "external_predecessors")
    job = enterprise.jobs[index]
    pred_id = _job_id(tws_sim, job.external_predecessors[0])

    def related(job_id: str, relation: str, depth: int | None = None) -> list[str]:
        params = {} if depth is None else {"depth": depth}
        answer = client.get(f"{API}/plan/job/{job_id}/{relation}", params=params)
        assert answer.status_code == 200
        body = answer.json()
        assert not _errors(spec, f"/twsd/api/v2/plan/job/{{job_id}}/{relation}", body)
        assert body["count"] == len(body["results"])
        return [node["id"] for node in body["results"]]

    assert pred_id in related(_job_id(tws_sim, index), "predecessors")
    assert _job_id(tws_sim, index) in related(pred_id, "successors")
    direct = related(pred_id, "successors", 1)
    deeper = related(pred_id, "successors", 3)
    assert set(direct) < set(deeper)  # the successor's own stream follows it
    # A whole-stream predecessor is walked to as that stream's final jobs.
    index = _first(enterprise, "stream_predecessors")
    stream = enterprise.jobs[index].stream_predecessors[0]
    finals = {_job_id(tws_sim, j) for j in enterprise.stream_final_jobs[stream]}
    assert finals and finals <= set(related(_job_id(tws_sim, index), "predecessors"))
    missing = client.get(f"{API}/plan/job/00000000-0000-4000-a000-000000000000/predecessors")
    assert missing.status_code == 404

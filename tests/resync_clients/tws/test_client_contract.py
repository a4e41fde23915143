"""Contract tests: TWSClient against recorded TWS answers (vcrpy cassettes), no server needed.

The cassettes in ``cassettes/`` were recorded from the simulator (seed 7, scenario ``small``,
clock stopped). Normal runs replay them with ``record_mode="none"`` against an address where
nothing listens, so any request the cassette does not hold fails the test. A second test
records the same conversations again from a live simulator and checks the stored cassettes
still describe it: same requests, same status codes, same response shapes (keys and types,
not volatile values). Authorization headers are filtered out of every cassette.

Re-record the stored cassettes after a deliberate API change with::

    .venv/bin/python -m tests.resync_clients.tws.test_client_contract
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr
import yaml

from resync_clients.tws.client import TWSClient, TWSClientConfig
from resync_clients.tws.dependencies import graph_dependency_count, plan_edges
from resync_clients.tws.errors import TWSAuthError, TWSNotFoundError, TWSRequestError
from resync_clients.tws.records import job_key
from resync_clients.tws.resilience import RetryPolicy
from resync_core.oql import Field, Query
from resync_simulator.server import (
    RunningSimulator,
    SimulatorConfig,
    run_simulator,
)

CASSETTES = Path(__file__).parent / "cassettes"
# Nothing listens here: replayed tests prove they need no server.
REPLAY_URL = "http://tws.invalid:31116"
RECORDING_SIMULATOR = SimulatorConfig(seed=7, scenario="small")
PASSWORD = "resync-sim"
NO_RETRIES = RetryPolicy(max_attempts=1)


def _cassette_vcr(directory: Path, record_mode: str) -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(directory),
        record_mode=record_mode,
        # Host and port differ between the recording simulator and the replay address.
        match_on=["method", "path", "query"],
        filter_headers=["authorization"],
        decode_compressed_response=True,
    )


def _config(base_url: str, **overrides: Any) -> TWSClientConfig:
    settings: dict[str, Any] = {
        "username": "resync",
        "password": PASSWORD,
        "retry": NO_RETRIES,
        # Deterministic request order: no speculative next-page downloads.
        "prefetch_pages": False,
    }
    settings.update(overrides)
    return TWSClientConfig(base_url=base_url, **settings)


# --------------------------------------------------------------------- the conversations
# Each one talks to TWS through the client and asserts what the answers must mean; the same
# code runs when recording and when replaying.

Conversation = Callable[[str], Awaitable[None]]


async def _stream_jobs_paged(base_url: str) -> None:
    query = Query(Field("jobStreamName") == "TREASURY_NIGHT00", order_by=[("name", "ASC")])
    async with TWSClient(_config(base_url, page_size=4)) as tws:
        pages = [page async for page in tws.query_job_pages(query)]
    jobs = [job for page in pages for job in page.results]
    assert len(pages) >= 3, "several pages expected"
    assert len(jobs) == pages[0].count
    assert all(job.job_stream_name == "TREASURY_NIGHT00" for job in jobs)
    assert [job.name for job in jobs] == sorted(job.name for job in jobs)
    finished = [job for job in jobs if job.status == "SUCCESSFUL"]
    assert finished, "some jobs of the stream ran"
    for job in finished:
        run = job.current_run
        assert run is not None and run.return_code == 0
        assert run.time_info is not None and run.time_info.actual_end_time is not None


async def _job_and_count(base_url: str) -> None:
    async with TWSClient(_config(base_url, page_size=3)) as tws:
        first = await anext(aiter(tws.query_jobs(Query(order_by=[("name", "ASC")]))))
        again = await tws.get_job(first.id)
        counted = await tws.count_jobs(grouping=["status"])
    assert again.id == first.id and again.name == first.name
    assert again.job_stream_name and again.workstation
    assert counted.count > 0 and counted.grouped_count


async def _workstations(base_url: str) -> None:
    async with TWSClient(_config(base_url, page_size=4)) as tws:
        workstations = [ws async for ws in tws.query_workstations()]
    assert workstations and all(ws.name and ws.type for ws in workstations)
    assert any(ws.linked for ws in workstations)


async def _joblog_window_and_tail(base_url: str) -> None:
    query = Query(Field("jobruns.commonStatus").in_(["ERROR"]), order_by=[("name", "ASC")])
    async with TWSClient(_config(base_url)) as tws:
        job = await anext(aiter(tws.query_jobs(query, page_size=1)))
        assert job.internal_status in ("ABEND", "FAIL")
        assert job.current_run is not None and job.current_run.return_code != 0
        run_id = job.current_run.id
        head = await tws.get_joblog(run_id, from_line=1, to_line=5)
        tail = await tws.get_joblog_tail(run_id, lines=5)
    assert head.data.count(b"\n") == 5
    assert tail.data.count(b"\n") == 5 and tail.to_line is not None and tail.to_line > 5


async def _rejections(base_url: str) -> None:
    async with TWSClient(_config(base_url)) as tws:
        with pytest.raises(TWSNotFoundError):
            await tws.get_job("00000000-0000-0000-0000-000000000000")
        with pytest.raises(TWSRequestError) as bad_filter:
            await anext(aiter(tws.query_jobs("name = = 'X'")))
        assert bad_filter.value.status == 400
        finished = Query(Field("jobruns.commonStatus") == "SUCCESSFUL", order_by=[("name", "ASC")])
        job = await anext(aiter(tws.query_jobs(finished, page_size=1)))
        with pytest.raises(TWSRequestError) as refused:
            await tws.confirm(job.id, "succ")
        assert refused.value.message_ids == ("AWSBIN076E",)
    async with TWSClient(_config(base_url, password="wrong-password")) as tws:
        with pytest.raises(TWSAuthError):
            await tws.count_jobs()


async def _plan_graph(base_url: str) -> None:
    # A job waiting for a whole other stream: its edges come from a single-job read (a query
    # leaves ``dependencies`` empty), and the walk reaches that stream's jobs and back.
    waits = Query(Field("dependenciesStats.numberOfJobStreamDependencies") > 0,
                  order_by=[("name", "ASC")])  # fmt: skip
    async with TWSClient(_config(base_url)) as tws:
        listed = await anext(aiter(tws.query_jobs(waits, page_size=1)))
        job = await tws.get_job(listed.id)
        before = await tws.predecessors(job.id)
        after = await tws.successors(before[0].id, depth=2)
    assert listed.dependencies == () and graph_dependency_count(listed) >= 1
    edges = plan_edges(job)
    (stream_edge,) = [edge for edge in edges if edge.kind == "job_stream"]
    assert stream_edge.successor_key == job_key(job) and not stream_edge.internal
    assert before and all(
        job_key(node).startswith(stream_edge.predecessor_key + ".") for node in before
    )
    assert job.id in {node.id for node in after}


CONVERSATIONS: dict[str, Conversation] = {
    "plan_graph": _plan_graph,
    "stream_jobs_paged": _stream_jobs_paged,
    "job_and_count": _job_and_count,
    "workstations": _workstations,
    "joblog_window_and_tail": _joblog_window_and_tail,
    "rejections": _rejections,
}


def record(directory: Path, sim: RunningSimulator) -> None:
    """Record every conversation from ``sim`` into ``directory`` (overwriting)."""
    recorder = _cassette_vcr(directory, "all")
    for name, conversation in CONVERSATIONS.items():
        (directory / f"{name}.yaml").unlink(missing_ok=True)  # "all" would append to it
        with recorder.use_cassette(f"{name}.yaml"):
            asyncio.run(conversation(sim.base_url))


# --------------------------------------------------------------------- comparing cassettes

_ID_SEGMENT = re.compile(r"^(?!v2$).*\d")  # any path segment with a digit, except "v2"


def _route(uri: str) -> str:
    path = uri.split("://", 1)[-1].split("?", 1)[0]
    segments = path.split("/")[1:]
    return "/" + "/".join("{id}" if _ID_SEGMENT.match(seg) else seg for seg in segments)


def _query_keys(uri: str) -> list[str]:
    query = uri.split("?", 1)[1] if "?" in uri else ""
    return sorted({part.split("=", 1)[0] for part in query.split("&") if part})


def _shape(value: Any) -> Any:
    """Keys and value types of a JSON document; lists become the union of their items."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        merged: dict[str, Any] = {}
        kinds: set[str] = set()
        for item in value:
            shape = _shape(item)
            if isinstance(shape, dict):
                merged.update(shape)
            else:
                kinds.add(json.dumps(shape))
        return [merged] if merged else sorted(kinds)
    if value is None:
        return "null"
    return type(value).__name__


def _summary(cassette_file: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(cassette_file.read_text())
    summary = []
    for interaction in data["interactions"]:
        request, response = interaction["request"], interaction["response"]
        headers = {key.lower(): value for key, value in response["headers"].items()}
        content_type = headers.get("content-type", [""])[0].split(";")[0]
        body = response["body"]["string"]
        shape = _shape(json.loads(body)) if content_type == "application/json" else content_type
        summary.append(
            {
                "request": f"{request['method']} {_route(request['uri'])}",
                "query": _query_keys(request["uri"]),
                "status": response["status"]["code"],
                "shape": shape,
            }
        )
    return summary


# Objects whose keys are data (the values grouped by), not fields.
_DATA_KEYED = frozenset({"groupedCount"})
# Paging links, present only when there is another page.
_PAGING_LINKS = frozenset({"next", "previous"})


def _shape_differences(stored: Any, live: Any, where: str = "") -> list[str]:
    """Where two shapes disagree; a null on either side matches any type."""
    if stored == live or "null" in (stored, live):
        return []
    if isinstance(stored, dict) and isinstance(live, dict):
        if where.rsplit(".", 1)[-1] in _DATA_KEYED:
            return []  # which groups exist depends on the plan of the moment
        problems = [f"{where}.{key}: gone" for key in stored.keys() - live.keys() - _PAGING_LINKS]
        problems += [f"{where}.{key}: new" for key in live.keys() - stored.keys() - _PAGING_LINKS]
        for key in stored.keys() & live.keys():
            problems += _shape_differences(stored[key], live[key], f"{where}.{key}")
        return problems
    if isinstance(stored, list) and isinstance(live, list):
        if not stored or not live:
            return []  # an empty list says nothing about its items
        return _shape_differences(stored[0], live[0], f"{where}[]")
    return [f"{where}: {stored} != {live}"]


# --------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def stored_cassettes() -> Path:
    missing = [name for name in CONVERSATIONS if not (CASSETTES / f"{name}.yaml").is_file()]
    if missing:
        pytest.fail(
            f"missing cassettes {missing}; record them with "
            "'.venv/bin/python -m tests.resync_clients.tws.test_client_contract'"
        )
    return CASSETTES


@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
def test_client_works_against_recorded_answers_without_a_server(
    name: str, stored_cassettes: Path
) -> None:
    replayer = _cassette_vcr(stored_cassettes, "none")
    with replayer.use_cassette(f"{name}.yaml") as cassette:
        asyncio.run(CONVERSATIONS[name](REPLAY_URL))
    assert cassette.play_count == len(cassette), "every recorded answer is used"


def test_cassettes_hold_no_credentials(stored_cassettes: Path) -> None:
    for file in stored_cassettes.glob("*.yaml"):
        text = file.read_text()
        assert PASSWORD not in text and "wrong-password" not in text, file.name
        assert "authorization" not in text.lower(), file.name


@pytest.fixture(scope="module")
def live_recordings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    directory = tmp_path_factory.mktemp("cassettes")
    with run_simulator(RECORDING_SIMULATOR) as sim:
        record(directory, sim)
    yield directory


@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
def test_stored_cassettes_still_match_the_simulator(
    name: str, stored_cassettes: Path, live_recordings: Path
) -> None:
    stored = _summary(stored_cassettes / f"{name}.yaml")
    live = _summary(live_recordings / f"{name}.yaml")
    assert [(s["request"], s["query"], s["status"]) for s in stored] == [
        (s["request"], s["query"], s["status"]) for s in live
    ]
    for before, now in zip(stored, live, strict=True):
        problems = _shape_differences(before["shape"], now["shape"], before["request"])
        assert not problems, problems


if __name__ == "__main__":
    CASSETTES.mkdir(exist_ok=True)
    with run_simulator(RECORDING_SIMULATOR) as simulator:
        record(CASSETTES, simulator)
    print(f"recorded {len(CONVERSATIONS)} cassettes into {CASSETTES}")

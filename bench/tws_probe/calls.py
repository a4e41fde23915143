"""Drive ``TWSClient`` through its main calls against one mock and judge each call.

Ids for the calls that need one (a job, a run) come from the first page the mock serves;
when it serves none, fixed made-up ids are used (Prism answers any id).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

from resync_clients.tws.client import TWSClient, TWSClientConfig
from resync_core.oql import Field

from .mock import Exchange, RecordingProxy
from .verdict import Outcome, PagingCapReached, judge

# A paged query against a mock that still wants pages after this many never ends.
MAX_PAGES = 25
FALLBACK_JOB_ID = "probe-job-id"
FALLBACK_RUN_ID = "probe-run-id"
# Public client methods this module calls (anything else public is listed as not probed).
PROBED = {
    "query_job_pages",
    "query_jobs",
    "get_job",
    "count_jobs",
    "query_workstations",
    "get_joblog",
    "get_joblog_by_oql",
    "get_joblog_tail",
    "follow_joblog",
    "rerun",
    "hold",
    "release",
    "cancel",
    "confirm",
    "aclose",
}


@dataclass
class Ids:
    """The ids calls use, and how many requests the current call has made so far."""

    job_id: str = FALLBACK_JOB_ID
    run_id: str = FALLBACK_RUN_ID
    requests_made: Callable[[], int] = lambda: 0
    delivered: int = 0  # items the current call handed to its caller before any error


@dataclass
class Result:
    """What a call returned, a one-line summary, and a silent-wrong-result finding if any."""

    summary: str
    silent: str | None = None


Check = Callable[[Any, list[Exchange]], Result]
Call = tuple[str, Callable[[TWSClient, Ids], Awaitable[Any]], Check]


async def _pages(iterator: Any, ids: Ids) -> list[Any]:
    pages = []
    async with aclosing(iterator):
        async for page in iterator:
            pages.append(page)
            ids.delivered += len(page.results)
            found = _ids_from([page])
            if found is not None and ids.job_id == FALLBACK_JOB_ID:
                ids.job_id, ids.run_id = found
            if len(pages) >= MAX_PAGES:
                raise PagingCapReached(
                    f"still paging after {MAX_PAGES} pages; last page: count={page.count}, "
                    f"{len(page.results)} result(s), next={page.next!r}"
                )
    return pages


async def _items(iterator: Any, ids: Ids) -> list[Any]:
    items = []
    async with aclosing(iterator):
        async for item in iterator:
            items.append(item)
            ids.delivered += 1
            if ids.requests_made() > MAX_PAGES:
                raise PagingCapReached(
                    f"still paging after {ids.requests_made()} requests ({len(items)} items)"
                )
    return items


def _page_results(exchanges: list[Exchange], path_end: str) -> list[int]:
    """How many results each 2xx page body on ``path_end`` held."""
    counts = []
    for exchange in exchanges:
        if exchange.path.endswith(path_end) and 200 <= exchange.status < 300:
            try:
                counts.append(len(json.loads(exchange.body).get("results") or []))
            except (ValueError, AttributeError):
                counts.append(-1)
    return counts


def _check_pages(path_end: str, *, items: bool = False) -> Check:
    def check(value: Any, exchanges: list[Exchange]) -> Result:
        got = len(value) if items else sum(len(page.results) for page in value)
        served = _page_results(exchanges, path_end)
        summary = f"{got} item(s) from {len(served)} page request(s)"
        if served and served[0] > 0 and got == 0:
            return Result(summary, f"mock served {served[0]} item(s) on page 1, client gave none")
        return Result(summary)

    return check


def _joblog_body(exchanges: list[Exchange]) -> bytes | None:
    bodies = [e.body for e in exchanges if "joblog" in e.path and 200 <= e.status < 300]
    return bodies[-1] if bodies else None


def _check_joblog(value: Any, exchanges: list[Exchange]) -> Result:
    data = value.data if value is not None else None
    served = _joblog_body(exchanges)
    summary = f"{len(data or b'')} byte(s), truncated={getattr(value, 'truncated', None)}"
    if served is None:
        return Result(summary)
    if not data and served:
        return Result(summary, f"mock served a {len(served)}-byte joblog, client gave none")
    if data and data not in served:
        return Result(summary, f"client's joblog {data[:40]!r} is not what the mock sent")
    return Result(summary)


def _check_stream(value: Any, exchanges: list[Exchange]) -> Result:
    served = _joblog_body(exchanges)
    summary = f"{len(value)} byte(s) streamed"
    if served and value != served:
        return Result(summary, f"streamed {value[:40]!r}, mock sent {served[:40]!r}")
    return Result(summary)


def _check_count(value: Any, exchanges: list[Exchange]) -> Result:
    return Result(f"count={value.count}, groups={len(value.grouped_count)}")


def _check_any(value: Any, exchanges: list[Exchange]) -> Result:
    text = repr(value)
    return Result(text if len(text) < 80 else text[:77] + "...")


async def _follow(tws: TWSClient, ids: Ids) -> bytes:
    data = b""
    async for chunk in tws.follow_joblog(ids.run_id):
        data += chunk
        if len(data) > 1024 * 1024:
            break
    return data


def client_calls() -> list[Call]:
    """The calls made in every mode, in order, each with its result check."""
    failed = Field("jobruns.commonStatus").in_(["ERROR"])
    return [
        ("query_job_pages", lambda t, i: _pages(t.query_job_pages(), i), _check_pages("/plan/job")),
        (
            "query_job_pages oql size=2",
            lambda t, i: _pages(t.query_job_pages(failed, page_size=2), i),
            _check_pages("/plan/job"),
        ),
        (
            "query_jobs text oql",
            lambda t, i: _items(t.query_jobs("name LIKE 'A@' ORDER BY name ASC"), i),
            _check_pages("/plan/job", items=True),
        ),
        ("get_job", lambda t, i: t.get_job(i.job_id), _check_any),
        ("count_jobs", lambda t, i: t.count_jobs(), _check_count),
        (
            "count_jobs grouped",
            lambda t, i: t.count_jobs(grouping=("workstation", "status")),
            _check_count,
        ),
        (
            "query_workstations",
            lambda t, i: _items(t.query_workstations(), i),
            _check_pages("/plan/workstation", items=True),
        ),
        ("get_joblog", lambda t, i: t.get_joblog(i.run_id), _check_joblog),
        (
            "get_joblog lines",
            lambda t, i: t.get_joblog(i.run_id, content_only=True, from_line=1, to_line=50),
            _check_joblog,
        ),
        ("get_joblog_tail", lambda t, i: t.get_joblog_tail(i.run_id, lines=200), _check_joblog),
        (
            "get_joblog_by_oql",
            lambda t, i: t.get_joblog_by_oql(Field("id") == i.job_id),
            _check_joblog,
        ),
        ("follow_joblog", _follow, _check_stream),
        ("rerun", lambda t, i: t.rerun(i.run_id), _check_any),
        (
            "rerun step",
            lambda t, i: t.rerun(i.run_id, step_name="STEP1", priority=5),
            _check_any,
        ),
        ("hold", lambda t, i: t.hold(i.job_id), _check_any),
        ("release", lambda t, i: t.release(i.job_id), _check_any),
        ("cancel", lambda t, i: t.cancel(i.job_id), _check_any),
        ("confirm succ", lambda t, i: t.confirm(i.job_id, "succ"), _check_any),
        ("confirm abend", lambda t, i: t.confirm(i.job_id, "abend"), _check_any),
    ]


def dependency_calls() -> list[Call]:
    """Calls of the client's predecessor/successor methods, when it has any."""
    calls: list[Call] = []
    for name in sorted(dir(TWSClient)):
        if name.startswith("_") or not ("predecessor" in name or "successor" in name):
            continue

        async def call(t: TWSClient, i: Ids, name: str = name) -> Any:
            result = getattr(t, name)(i.job_id)
            if inspect.isasyncgen(result):
                return await _items(result, i)
            return await result

        calls.append((name, call, _check_any))
    return calls


def unprobed_methods() -> list[str]:
    """Public client methods this probe does not call (new API to add to the probe)."""
    names = []
    for name, member in inspect.getmembers(TWSClient):
        if name.startswith("_") or name in PROBED or not callable(member):
            continue
        if "predecessor" in name or "successor" in name:
            continue
        names.append(name)
    return names


def _ids_from(value: Any) -> tuple[str, str] | None:
    for page in value or ():
        for job in page.results:
            run = job.current_run
            if run is not None:
                return job.id, run.id
    return None


async def probe_client(
    mode: str,
    proxy: RecordingProxy,
    *,
    call_timeout: float,
    only: set[str] | None = None,
    on_call: Callable[[str, float | None], None] = lambda name, started: None,
) -> list[Outcome]:
    """Run every client call against the proxy's current mock; one ``Outcome`` per call.

    ``on_call(name, started)`` is told when each call starts (and ``None`` when all are
    done), so a watchdog can notice a call that blocks the event loop itself.
    """
    # No credentials: every operation of the spec names an undefined security scheme
    # ("SecurityScheme"), so Prism refuses any Authorization header as "Invalid security
    # scheme used" and accepts requests without one.
    config = TWSClientConfig(base_url=proxy.url)
    outcomes: list[Outcome] = []
    ids = Ids()
    for name, function, check in client_calls() + dependency_calls():
        if only is not None and name not in only:
            continue
        mark = proxy.mark()
        ids.requests_made = lambda mark=mark: len(proxy.since(mark))
        ids.delivered = 0
        on_call(name, time.monotonic())
        value: Any = None
        error: BaseException | None = None
        try:
            # A client per call: one call's failures must not open the circuit breaker on
            # the next call and decide its verdict.
            async with TWSClient(config) as tws:
                value = await asyncio.wait_for(function(tws, ids), call_timeout)
        except Exception as exc:  # judged below: any exception is a finding
            error = exc
        exchanges = proxy.since(mark)
        result = check(value, exchanges) if error is None else Result("")
        outcomes.append(
            judge(
                mode,
                name,
                exchanges,
                error=error,
                silent=result.silent,
                summary=result.summary,
                timeout=call_timeout,
                delivered=ids.delivered,
            )
        )
    on_call("", None)
    return outcomes

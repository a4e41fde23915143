"""TWSClient against a spec-strict and a misbehaving TWS: the real simulator behind a gate.

The gate (``strict_gate``) forwards to the session's simulator over HTTP and negotiates media
types like a strict server (406 when ``Accept`` does not cover what the operation produces);
each test switches on one misbehaviour and counts the requests that reached it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import orjson
import pytest

from resync_clients.tws.client import TWSClient, TWSClientConfig
from resync_clients.tws.errors import (
    TWSAuthError,
    TWSDeadlineError,
    TWSError,
    TWSMediaTypeError,
    TWSNotFoundError,
    TWSProtocolError,
    TWSRequestError,
    TWSUnavailableError,
)
from resync_clients.tws.records import job_run_records
from resync_clients.tws.resilience import RetryPolicy
from resync_core.oql import Field, Query
from tests.resync_clients.tws.strict_gate import Gate, accepts, serve_asgi

pytestmark = pytest.mark.anyio

FAST_RETRIES = RetryPolicy(
    max_attempts=4, base_delay_seconds=0.01, max_delay_seconds=0.05, max_total_seconds=10.0
)
CLIENT_LOGGER = "resync_clients.tws.client"
# 18 jobs in the session simulator's plan: several pages of 4 or 5.
STREAM = Query(Field("jobStreamName") == "GLEDGER_EOD00", order_by=[("name", "ASC")])


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def gate(tws_sim) -> Iterator[tuple[Gate, str]]:  # type: ignore[no-untyped-def]
    """A fresh gate in front of the simulator: (gate, base URL to give the client)."""
    behaviour = Gate(upstream=tws_sim.base_url)
    with serve_asgi(behaviour) as url:
        yield behaviour, url


def config(base_url: str, **overrides: Any) -> TWSClientConfig:
    settings: dict[str, Any] = {
        "username": "resync",
        "password": "resync-sim",
        "retry": FAST_RETRIES,
        "breaker_failure_threshold": 50,
        "prefetch_pages": False,  # requests reach the gate in a countable order
    }
    settings.update(overrides)
    return TWSClientConfig(base_url=base_url, **settings)


@pytest.fixture
async def tws(gate: tuple[Gate, str]) -> AsyncIterator[TWSClient]:
    async with TWSClient(config(gate[1])) as client:
        yield client


async def failed_job(tws: TWSClient) -> tuple[str, str]:
    """A failed job's (job id, current run id)."""
    failed = Query(Field("jobruns.commonStatus").in_(["ERROR"]), order_by=[("name", "ASC")])
    job = await anext(aiter(tws.query_jobs(failed, page_size=1)))
    assert job.current_run is not None
    return job.id, job.current_run.id


def test_the_gate_negotiates_like_a_strict_server() -> None:
    assert accepts("text/plain", "text/plain; charset=utf-8")
    assert accepts("text/*, application/json;q=0.5", "text/plain")
    assert accepts(None, "text/plain")
    assert not accepts("application/json", "text/plain; charset=utf-8")
    assert not accepts("text/plain;q=0", "text/plain")


# ----------------------------------------------------------------- 1. media types


async def test_joblogs_are_read_from_a_tws_that_serves_them_only_as_text(tws, gate) -> None:  # type: ignore[no-untyped-def]
    job_id, run_id = await failed_job(tws)
    joblog = await tws.get_joblog(run_id)
    tail = await tws.get_joblog_tail(run_id, lines=5)
    by_oql = await tws.get_joblog_by_oql(Field("id") == job_id)
    assert b"Exit Status" in joblog.data
    assert tail.data.count(b"\n") == 5
    assert by_oql.data
    followed = b"".join([chunk async for chunk in tws.follow_joblog(run_id)])
    assert followed == joblog.data
    assert (await tws.count_jobs()).count > 0  # JSON operations still ask for JSON


async def test_a_refused_media_type_names_the_operation_and_is_not_retried(
    tws, gate, caplog
) -> None:  # type: ignore[no-untyped-def]
    behaviour, _ = gate
    _, run_id = await failed_job(tws)
    behaviour.joblog_media_type = "application/octet-stream"  # a TWS that serves no text
    caplog.set_level(logging.WARNING, logger=CLIENT_LOGGER)
    sent = len(behaviour.requests)
    with pytest.raises(TWSMediaTypeError) as caught:
        await tws.get_joblog(run_id)
    assert len(behaviour.requests) == sent + 1
    assert caught.value.status == 406 and caught.value.media_type == "text/plain"
    assert not caught.value.retryable
    message = str(caught.value)
    assert f"/plan/job/run/{run_id}/joblog" in message and "Accept text/plain" in message
    assert "AWSGTE406E" in message


async def test_an_action_refused_as_unsupported_media_type_is_a_media_type_error(tws, gate) -> None:  # type: ignore[no-untyped-def]
    behaviour, _ = gate
    behaviour.scripted_statuses = [415]
    with pytest.raises(TWSMediaTypeError) as caught:
        await tws.hold("00000000-0000-0000-0000-000000000000")
    assert caught.value.status == 415 and caught.value.media_type == "application/json"
    assert "Content-Type application/json" in str(caught.value)
    assert len(behaviour.requests) == 1


# ----------------------------------------------------------------- 2. paging


async def test_a_tws_that_ignores_offset_ends_the_query_normally_after_the_first_page(
    tws, gate, caplog
) -> None:  # type: ignore[no-untyped-def]
    behaviour, _ = gate
    behaviour.ignore_offset = True
    caplog.set_level(logging.WARNING, logger=CLIENT_LOGGER)
    pages = [page async for page in tws.query_job_pages(STREAM, page_size=4)]
    assert len(pages) == 1 and len(pages[0].results) == 4
    assert len(behaviour.requests_to("/plan/job")) == 2
    assert len(tws.incomplete_reads) == 1
    assert "ignores the offset or repeats a page" in tws.incomplete_reads[0]
    assert "paging of /plan/job stopped" in caplog.text
    assert "4 distinct item(s) read" in caplog.text and "may be incomplete" in caplog.text


async def test_a_tws_that_ignores_offset_with_prefetch_still_stops(gate) -> None:  # type: ignore[no-untyped-def]
    behaviour, url = gate
    behaviour.ignore_offset = True
    async with TWSClient(config(url, prefetch_pages=True)) as client:
        started = time.monotonic()
        jobs = [job async for job in client.query_jobs(page_size=4)]
        assert len(jobs) == 4 and len(client.incomplete_reads) == 1
    assert time.monotonic() - started < 5
    assert len(behaviour.requests_to("/plan/job")) <= 3


async def test_a_repeated_page_ends_the_query_with_the_pages_read_and_flags_it(tws, gate) -> None:  # type: ignore[no-untyped-def]
    behaviour, _ = gate
    behaviour.serve_offset_instead = {8: 4}  # the third page is the second one again
    pages = [page async for page in tws.query_job_pages(STREAM, page_size=4)]
    assert len(pages) == 2 and len({job.id for page in pages for job in page.results}) == 8
    assert len(behaviour.requests_to("/plan/job")) == 3
    assert len(tws.incomplete_reads) == 1 and "page 3 (offset 8)" in tws.incomplete_reads[0]


async def test_a_complete_query_is_not_flagged_incomplete(tws, gate) -> None:  # type: ignore[no-untyped-def]
    jobs = [job async for job in tws.query_jobs(STREAM, page_size=4)]
    assert len(jobs) > 8 and tws.incomplete_reads == []


async def test_overlapping_pages_give_each_job_once(tws, gate) -> None:  # type: ignore[no-untyped-def]
    behaviour, _ = gate
    expected = [job.id async for job in tws.query_jobs(STREAM, page_size=4)]
    assert len(expected) > 8
    behaviour.serve_offset_instead = {4: 2}  # the plan "shifted" by two jobs between pages
    got = [job.id async for job in tws.query_jobs(STREAM, page_size=4)]
    assert got == expected
    assert tws.incomplete_reads == []


@pytest.mark.parametrize("count", [-9007199254740991, -1, 9007199254740991, 2**31])
async def test_a_count_no_offset_can_reach_is_unknown_and_every_page_is_read(
    tws, gate, caplog, count
) -> None:  # type: ignore[no-untyped-def]
    behaviour, _ = gate
    expected = [job.id async for job in tws.query_jobs(STREAM, page_size=4)]

    def odd_count(page: dict[str, Any]) -> None:
        page["count"] = count

    behaviour.rewrite_page = odd_count
    caplog.set_level(logging.WARNING, logger=CLIENT_LOGGER)
    pages = [page async for page in tws.query_job_pages(STREAM, page_size=4)]
    assert [job.id for page in pages for job in page.results] == expected
    assert tws.incomplete_reads == []
    warnings = [r for r in caplog.records if "no paging can reach" in r.getMessage()]
    assert len(warnings) == 1 and str(count) in warnings[0].getMessage()


async def test_a_negative_count_with_a_tws_that_ignores_offset_keeps_the_first_page(
    tws, gate
) -> None:  # type: ignore[no-untyped-def]
    behaviour, _ = gate
    behaviour.ignore_offset = True

    def negative(page: dict[str, Any]) -> None:
        page["count"] = -9007199254740991

    behaviour.rewrite_page = negative
    jobs = [job async for job in tws.query_jobs(STREAM, page_size=4)]
    assert len(jobs) == 4 and len(tws.incomplete_reads) == 1


def _endless(count: int | None) -> tuple[Any, list[int]]:
    """An ASGI app serving fresh jobs on every page, ``count`` as the total, a next link."""
    served = [0]

    async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        served[0] += 1
        jobs = [{"id": f"job-{served[0]}-{n}", "name": f"J{n}"} for n in range(4)]
        page = {"count": count, "results": jobs, "next": f"/x?offset={served[0] * 4}"}
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": orjson.dumps(page)})

    return app, served


async def test_endless_fresh_pages_stop_at_what_count_allows(caplog) -> None:  # type: ignore[no-untyped-def]
    # Every page is new jobs, always "4 of 8" with a next link: a counter gone wrong.
    app, served = _endless(8)
    caplog.set_level(logging.WARNING, logger=CLIENT_LOGGER)
    with serve_asgi(app) as url:
        async with TWSClient(config(url, page_size=4)) as client:
            jobs = [job async for job in client.query_jobs()]
            assert len(client.incomplete_reads) == 1
            assert "count 8 allows" in client.incomplete_reads[0]
    assert served[0] == 4  # 8/4 pages + 2 spare for a plan growing while it is read, then stop
    assert len(jobs) == 16
    assert "paging of /plan/job stopped" in caplog.text


@pytest.mark.parametrize("count", [None, -9007199254740991])
async def test_endless_fresh_pages_without_a_usable_count_stop_at_the_page_cap(
    monkeypatch, caplog, count
) -> None:  # type: ignore[no-untyped-def]
    import resync_clients.tws.client as client_module

    monkeypatch.setattr(client_module, "_UNKNOWN_COUNT_MAX_ITEMS", 40)  # 10 pages of 4, + 2
    app, served = _endless(count)
    caplog.set_level(logging.WARNING, logger=CLIENT_LOGGER)
    with serve_asgi(app) as url:
        async with TWSClient(config(url, page_size=4)) as client:
            jobs = [job async for job in client.query_jobs()]
            assert len(client.incomplete_reads) == 1
            assert "an unknown count allows" in client.incomplete_reads[0]
    assert served[0] == 12 and len(jobs) == 48


# ----------------------------------------------------------------- 3./4. odd values


def _java_durations(page: dict[str, Any]) -> None:
    """Put Java's negative and broken durations and spec-valid odd runAttempts on a page."""
    jobs = page["results"]
    odd = [("PT-0.5S", 0), ("-PT5M", -2), ("P1DT-1H", 1), ("garbage", 3), ("PT-1H-30M", 1)]
    for job, (duration, attempt) in zip(jobs, odd, strict=False):
        run = {"id": f"{job['id']}-run", "runAttempt": attempt, "lastInRerunChain": True}
        run["timeInfo"] = {"elapsedTime": duration, "estimatedDuration": "PT5M"}
        job["jobruns"] = [run]
    jobs[0]["timeRestrictions"] = {"maxDuration": "P1Y"}


async def test_java_durations_are_read_and_bad_ones_become_none_without_losing_the_page(
    tws, gate, caplog
) -> None:  # type: ignore[no-untyped-def]
    behaviour, _ = gate
    behaviour.rewrite_page = _java_durations
    caplog.set_level(logging.WARNING, logger=CLIENT_LOGGER)
    pages = [page async for page in tws.query_job_pages(STREAM, page_size=5)]
    jobs = [job for page in pages for job in page.results]
    assert len(pages) > 1 and len(jobs) == pages[0].count
    elapsed = [job.jobruns[0].time_info.elapsed_time for job in jobs[:5]]  # type: ignore[union-attr]
    assert elapsed == [
        timedelta(seconds=-0.5),
        timedelta(minutes=-5),
        timedelta(hours=23),
        None,
        timedelta(hours=-1, minutes=-30),
    ]
    assert jobs[0].time_restrictions is not None
    assert jobs[0].time_restrictions.max_duration is None
    # Per page, "P1Y" on the 1st job and "garbage" on the 4th are unreadable; nothing else.
    assert tws.invalid_values == sum((len(p.results) >= 1) + (len(p.results) >= 4) for p in pages)
    assert "unreadable duration(s)" in caplog.text and "'garbage'" in caplog.text


async def test_run_attempts_below_one_are_decoded_and_records_number_them_by_position(
    tws, gate
) -> None:  # type: ignore[no-untyped-def]
    behaviour, _ = gate
    behaviour.rewrite_page = _java_durations
    page = await anext(aiter(tws.query_job_pages(STREAM, page_size=5)))
    attempts = [job.jobruns[0].run_attempt for job in page.results]
    assert attempts == [0, -2, 1, 3, 1]
    records = [record for job in page.results for record in job_run_records(job, plan_id="p")]
    assert [record.run_attempt for record in records] == [1, 1, 1, 3, 1]


# ----------------------------------------------------------------- 5. retries and deadline


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_transient_statuses_are_retried(tws, gate, status) -> None:  # type: ignore[no-untyped-def]
    behaviour, _ = gate
    behaviour.scripted_statuses = [status, status]
    assert (await tws.count_jobs()).count > 0
    assert len(behaviour.requests) == 3


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, TWSRequestError),
        (401, TWSAuthError),
        (403, TWSAuthError),
        (404, TWSNotFoundError),
        (406, TWSMediaTypeError),
        (409, TWSRequestError),
        (415, TWSMediaTypeError),
        (422, TWSRequestError),
    ],
)
async def test_deterministic_rejections_are_not_retried(tws, gate, status, error) -> None:  # type: ignore[no-untyped-def]
    behaviour, _ = gate
    behaviour.scripted_statuses = [status]
    with pytest.raises(error) as caught:
        await tws.count_jobs()
    assert caught.value.status == status and not caught.value.retryable
    assert len(behaviour.requests) == 1


async def test_a_malformed_page_is_not_retried(tws, gate) -> None:  # type: ignore[no-untyped-def]
    behaviour, _ = gate

    def break_it(page: dict[str, Any]) -> None:
        page["results"][0]["jobruns"] = "not a list"

    behaviour.rewrite_page = break_it
    with pytest.raises(TWSProtocolError, match=r"results\[0\]\.jobruns") as caught:
        async for _ in tws.query_jobs(page_size=5):
            pass
    assert not caught.value.retryable
    assert len(behaviour.requests) == 1


def test_only_unavailability_is_retryable() -> None:
    assert TWSUnavailableError("x").retryable and TWSDeadlineError("x").retryable
    assert not TWSError("x").retryable
    assert not TWSProtocolError("x").retryable
    assert not TWSRequestError("x", status=400).retryable
    assert not TWSAuthError("x", status=401).retryable


async def test_a_hanging_tws_cannot_outlive_the_callers_deadline(gate, tws_sim) -> None:  # type: ignore[no-untyped-def]
    _, url = gate
    tws_sim.set_faults(timeout_rate=1.0, hang_seconds=3)
    patient = RetryPolicy(max_attempts=10, base_delay_seconds=0.01, max_total_seconds=120.0)
    started = time.monotonic()
    async with TWSClient(config(url, retry=patient), deadline=started + 0.8) as client:
        with pytest.raises(TWSDeadlineError, match="deadline"):
            await client.count_jobs()
        assert time.monotonic() - started < 1.5
        with pytest.raises(TWSDeadlineError, match="not attempted"):
            await client.count_jobs()  # nothing is sent once the deadline has passed
    assert time.monotonic() - started < 1.6


async def test_no_retry_is_scheduled_past_the_deadline(gate, tws_sim) -> None:  # type: ignore[no-untyped-def]
    behaviour, url = gate
    tws_sim.set_faults(rate_limit_next=1, retry_after_seconds=30)
    async with TWSClient(config(url, retry=RetryPolicy(max_retry_after_seconds=60))) as client:
        client.deadline = time.monotonic() + 5
        started = time.monotonic()
        with pytest.raises(TWSDeadlineError) as caught:
            await client.count_jobs()
        assert caught.value.status == 429 and caught.value.retryable
        assert time.monotonic() - started < 1.0
        client.deadline = None
        assert (await client.count_jobs()).count > 0  # without a deadline the client works on
    assert len(behaviour.requests) == 2

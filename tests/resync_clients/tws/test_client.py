"""TWSClient against the simulator over real HTTP: queries, paging, OQL, joblogs.

These tests only read, so they share the session's simulator (``tws_simulator``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from resync_clients.tws.client import TWSClient, TWSClientConfig
from resync_clients.tws.errors import TWSAuthError, TWSNotFoundError, TWSRequestError
from resync_clients.tws.models import JobInPlan
from resync_core.oql import Field, Query

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def config_for(base_url: str, **overrides: object) -> TWSClientConfig:
    settings: dict[str, object] = {"username": "resync", "password": "resync-sim"}
    settings.update(overrides)
    return TWSClientConfig(base_url=base_url, **settings)  # type: ignore[arg-type]


@pytest.fixture
async def tws(tws_simulator) -> AsyncIterator[TWSClient]:  # type: ignore[no-untyped-def]
    async with TWSClient(config_for(tws_simulator.base_url)) as client:
        yield client


async def _any_finished_job(tws: TWSClient) -> JobInPlan:
    query = Query(Field("jobruns.commonStatus").in_(["SUCCESSFUL", "ERROR"]))
    async for job in tws.query_jobs(query, page_size=50):
        if job.current_run is not None:
            return job
    raise AssertionError("the simulator plan has no finished job")


async def test_paging_through_all_jobs_yields_each_job_once_and_matches_the_count(
    tws: TWSClient,
) -> None:
    counted = await tws.count_jobs()
    page_sizes = []
    ids = []
    first_count = None
    async for page in tws.query_job_pages(page_size=97):
        if first_count is None:
            first_count = page.count
        page_sizes.append(len(page.results))
        ids.extend(job.id for job in page.results)
    assert counted.count > 97 * 2, "the plan should need several pages"
    assert len(ids) == counted.count == first_count
    assert len(set(ids)) == len(ids)
    assert all(size <= 97 for size in page_sizes)
    assert len(page_sizes) == -(-counted.count // 97)


async def test_paging_without_prefetch_returns_the_same_jobs_in_the_same_order(
    tws_simulator,  # type: ignore[no-untyped-def]
) -> None:
    query = Query(order_by=[("name", "ASC")])
    results = []
    for prefetch in (True, False):
        config = config_for(tws_simulator.base_url, prefetch_pages=prefetch, page_size=128)
        async with TWSClient(config) as client:
            results.append([job.id async for job in client.query_jobs(query)])
    assert results[0] == results[1]
    assert len(results[0]) > 128


async def test_oql_filter_selects_only_matching_jobs(tws: TWSClient) -> None:
    sample = await _any_finished_job(tws)
    matches = [job async for job in tws.query_jobs(Field("name") == sample.name)]
    assert sample.id in {job.id for job in matches}
    assert all(job.name == sample.name for job in matches)


async def test_a_quote_in_a_job_name_is_sent_safely_quoted(tws: TWSClient) -> None:
    built = Query((Field("name") == "PAY'ROLL") & Field("jobruns.commonStatus").in_(["ERROR"]))
    assert [job async for job in tws.query_jobs(built)] == []
    # The same text without OQL quoting is a syntax error that TWS rejects with HTTP 400.
    with pytest.raises(TWSRequestError) as caught:
        async for _ in tws.query_jobs("name = 'PAY'ROLL'"):
            pass
    assert caught.value.status == 400
    assert caught.value.messages


async def test_get_job_returns_the_queried_job_and_404_is_not_found(tws: TWSClient) -> None:
    sample = await _any_finished_job(tws)
    again = await tws.get_job(sample.id)
    assert again.id == sample.id and again.name == sample.name
    with pytest.raises(TWSNotFoundError) as caught:
        await tws.get_job("00000000-0000-0000-0000-000000000000")
    assert caught.value.status == 404
    assert caught.value.message_ids, caught.value.messages


async def test_count_can_be_grouped_by_status(tws: TWSClient) -> None:
    counted = await tws.count_jobs(grouping=["status"])
    assert counted.grouped_count
    assert counted.count > 0


async def test_workstations_report_linked_from_their_active_states(tws: TWSClient) -> None:
    workstations = [ws async for ws in tws.query_workstations(page_size=2)]
    assert len(workstations) > 2
    assert len({ws.id for ws in workstations}) == len(workstations)
    for ws in workstations:
        assert ws.linked == ("LINKED" in ws.active_states or "FULLY_LINKED" in ws.active_states)
    linked = [ws async for ws in tws.query_workstations(Field("activeStates").in_(["LINKED"]))]
    assert {ws.id for ws in linked} == {ws.id for ws in workstations if ws.linked}


async def test_wrong_password_is_an_auth_error_without_the_password_in_it(
    tws_simulator,  # type: ignore[no-untyped-def]
) -> None:
    config = config_for(tws_simulator.base_url, password="wrong-secret-value")
    async with TWSClient(config) as client:
        with pytest.raises(TWSAuthError) as caught:
            await client.count_jobs()
    assert caught.value.status == 401
    assert "wrong-secret-value" not in str(caught.value)
    assert "wrong-secret-value" not in repr(config)


async def test_bearer_api_key_is_accepted(tws_simulator) -> None:  # type: ignore[no-untyped-def]
    config = TWSClientConfig(base_url=tws_simulator.base_url, api_key="resync-sim-api-key")
    async with TWSClient(config) as client:
        assert (await client.count_jobs()).count > 0


async def test_expired_api_key_is_an_auth_error(tws_simulator) -> None:  # type: ignore[no-untyped-def]
    config = TWSClientConfig(base_url=tws_simulator.base_url, api_key="resync-sim-expired-key")
    async with TWSClient(config) as client:
        with pytest.raises(TWSAuthError) as caught:
            await client.count_jobs()
    assert caught.value.status == 401


# ----------------------------------------------------------------------- joblogs


async def test_joblog_byte_cap_stops_reading_and_says_truncated(tws: TWSClient) -> None:
    run_id = (await _any_finished_job(tws)).current_run.id  # type: ignore[union-attr]
    whole = await tws.get_joblog(run_id)
    assert not whole.truncated and len(whole.data) > 200
    capped = await tws.get_joblog(run_id, max_bytes=100)
    assert capped.truncated
    assert capped.data == whole.data[:100]
    exact = await tws.get_joblog(run_id, max_bytes=len(whole.data))
    assert not exact.truncated and exact.data == whole.data


async def test_joblog_line_window_is_one_based_and_inclusive(tws: TWSClient) -> None:
    run_id = (await _any_finished_job(tws)).current_run.id  # type: ignore[union-attr]
    lines = (await tws.get_joblog(run_id)).data.splitlines(keepends=True)
    assert len(lines) >= 6
    window = await tws.get_joblog(run_id, from_line=2, to_line=5)
    assert window.data == b"".join(lines[1:5])
    content = await tws.get_joblog(run_id, content_only=True)
    assert len(content.data) < len(b"".join(lines))
    assert not content.data.startswith(lines[0])


async def test_joblog_tail_returns_the_last_lines(tws: TWSClient) -> None:
    run_id = (await _any_finished_job(tws)).current_run.id  # type: ignore[union-attr]
    lines = (await tws.get_joblog(run_id)).data.splitlines(keepends=True)
    tail = await tws.get_joblog_tail(run_id, lines=3)
    assert tail.data == b"".join(lines[-3:])
    assert tail.to_line == len(lines) and tail.from_line == len(lines) - 2
    assert tail.truncated


async def test_joblog_tail_of_a_log_longer_than_the_first_window_probes_for_the_end(
    tws: TWSClient,
) -> None:
    run_id = (await _any_finished_job(tws)).current_run.id  # type: ignore[union-attr]
    lines = (await tws.get_joblog(run_id)).data.splitlines(keepends=True)
    tail = await tws.get_joblog_tail(run_id, lines=2, first_window_lines=2)
    assert tail.data == b"".join(lines[-2:])
    assert tail.to_line == len(lines)
    capped = await tws.get_joblog_tail(run_id, lines=len(lines), first_window_lines=2, max_bytes=10)
    assert capped.data == b"".join(lines)[-10:] and capped.truncated


async def test_joblog_tail_still_finds_the_end_when_the_byte_cap_cuts_the_first_window(
    tws: TWSClient,
) -> None:
    run_id = (await _any_finished_job(tws)).current_run.id  # type: ignore[union-attr]
    lines = (await tws.get_joblog(run_id)).data.splitlines(keepends=True)
    tail = await tws.get_joblog_tail(run_id, lines=2, max_bytes=30)
    assert tail.to_line == len(lines)
    assert tail.data == b"".join(lines[-2:])[-30:]


async def test_joblog_tail_of_a_short_log_is_the_whole_log(tws: TWSClient) -> None:
    run_id = (await _any_finished_job(tws)).current_run.id  # type: ignore[union-attr]
    whole = await tws.get_joblog(run_id)
    tail = await tws.get_joblog_tail(run_id, lines=100_000)
    assert tail.data == whole.data and not tail.truncated and tail.from_line == 1


async def test_joblog_of_an_unknown_run_is_not_found(tws: TWSClient) -> None:
    with pytest.raises(TWSNotFoundError):
        await tws.get_joblog("no-such-run")


async def test_joblog_by_oql_selects_the_job(tws: TWSClient) -> None:
    job = await _any_finished_job(tws)
    by_id = await tws.get_joblog(job.current_run.id)  # type: ignore[union-attr]
    by_oql = await tws.get_joblog_by_oql(Field("id") == job.id)
    assert by_oql.data == by_id.data

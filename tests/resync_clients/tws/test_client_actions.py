"""TWSClient actions and followed joblogs: these change the plan and move the clock, so they
run against a simulator of their own rather than the session's shared one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from resync_clients.tws.client import Justification, TWSClient, TWSClientConfig
from resync_clients.tws.errors import (
    TWSAuthError,
    TWSNotFoundError,
    TWSRequestError,
    TWSUnavailableError,
)
from resync_clients.tws.models import JobInPlan
from resync_clients.tws.resilience import RetryPolicy
from resync_simulator.server import (
    RunningSimulator,
    SimulatorConfig,
    run_simulator,
)

pytestmark = pytest.mark.anyio

FAST_RETRIES = RetryPolicy(max_attempts=3, base_delay_seconds=0.01, max_delay_seconds=0.02)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def own_simulator() -> Iterator[RunningSimulator]:
    with run_simulator(SimulatorConfig(seed=4242, scenario="small")) as sim:
        yield sim


@pytest.fixture
def sim(own_simulator: RunningSimulator) -> Iterator[RunningSimulator]:
    own_simulator.clear_faults()
    yield own_simulator
    own_simulator.clear_faults()


def config_for(sim: RunningSimulator, **overrides: object) -> TWSClientConfig:
    settings: dict[str, object] = {
        "username": "resync",
        "password": "resync-sim",
        "retry": FAST_RETRIES,
    }
    settings.update(overrides)
    return TWSClientConfig(base_url=sim.base_url, **settings)  # type: ignore[arg-type]


@pytest.fixture
async def tws(sim: RunningSimulator) -> AsyncIterator[TWSClient]:
    async with TWSClient(config_for(sim)) as client:
        yield client


async def jobs_in(tws: TWSClient, *internal_statuses: str) -> list[JobInPlan]:
    return [job async for job in tws.query_jobs() if job.internal_status in internal_statuses]


async def test_hold_then_release_a_waiting_job(tws: TWSClient) -> None:
    job = (await jobs_in(tws, "HOLD", "READY"))[0]
    audit = Justification(category="test", description="hold for maintenance", ticket_number="1")
    result = await tws.hold(job.id, justification=audit)
    assert result.id == job.id
    assert (await tws.get_job(job.id)).status == "HELD"
    with pytest.raises(TWSRequestError) as caught:
        await tws.hold(job.id)  # already held
    assert caught.value.message_ids == ("AWSBIN076E",)
    await tws.release(job.id)
    assert (await tws.get_job(job.id)).status != "HELD"


async def test_confirm_on_a_finished_job_is_rejected_with_its_message_id(tws: TWSClient) -> None:
    job = (await jobs_in(tws, "SUCC"))[0]
    with pytest.raises(TWSRequestError) as caught:
        await tws.confirm(job.id, "succ")
    assert caught.value.status == 400
    assert caught.value.message_ids == ("AWSBIN076E",)
    assert "AWSBIN076E" in str(caught.value)


async def test_rerun_of_a_failed_run_creates_the_new_current_run(tws: TWSClient) -> None:
    job = (await jobs_in(tws, "ABEND", "FAIL"))[0]
    assert job.current_run is not None
    result = await tws.rerun(job.current_run.id)
    assert result.id and result.id != job.current_run.id
    after = await tws.get_job(job.id)
    assert after.current_run is not None and after.current_run.id == result.id


async def test_actions_on_unknown_ids_are_not_found(tws: TWSClient) -> None:
    with pytest.raises(TWSNotFoundError):
        await tws.hold("00000000-0000-0000-0000-000000000000")
    with pytest.raises(TWSNotFoundError):
        await tws.rerun("no-such-run")


async def test_an_action_is_not_repeated_after_a_500(tws: TWSClient, sim: RunningSimulator) -> None:
    job = (await jobs_in(tws, "HOLD", "READY"))[0]
    sim.set_faults(fail_next=1, error_status=500)
    with pytest.raises(TWSUnavailableError) as caught:
        await tws.hold(job.id)
    assert "not repeated" in str(caught.value)
    # TWS refused it outright (503): safe to repeat, and the hold goes through.
    sim.set_faults(fail_next=1, error_status=503)
    await tws.hold(job.id)
    await tws.release(job.id)


async def test_a_read_only_user_may_not_act(sim: RunningSimulator) -> None:
    async with TWSClient(config_for(sim, username="viewer", password="viewer-sim")) as client:
        job = (await jobs_in(client, "HOLD", "READY"))[0]
        with pytest.raises(TWSAuthError) as caught:
            await client.hold(job.id)
    assert caught.value.status == 403


async def test_follow_streams_a_running_joblog_until_the_job_ends(
    tws: TWSClient, sim: RunningSimulator
) -> None:
    running = await jobs_in(tws, "EXEC")
    if running:
        job = running[0]
    else:  # the morning after the batch: a rerun of a failed job is the run to follow
        failed = (await jobs_in(tws, "ABEND", "FAIL"))[0]
        assert failed.current_run is not None
        await tws.rerun(failed.current_run.id)
        job = await tws.get_job(failed.id)
    run = job.current_run
    assert run is not None
    chunks: list[bytes] = []
    first_chunk = asyncio.Event()

    async def follow() -> None:
        async for chunk in tws.follow_joblog(run.id):
            chunks.append(chunk)
            first_chunk.set()

    follower = asyncio.create_task(follow())
    await asyncio.wait_for(first_chunk.wait(), timeout=10)
    assert not follower.done(), "the stream must stay open while the job runs"
    partial = b"".join(chunks)
    await asyncio.to_thread(sim.advance, 6 * 3600)  # far past the run's end
    await asyncio.wait_for(follower, timeout=10)
    whole = await tws.get_joblog(run.id)
    followed = b"".join(chunks)
    assert followed == whole.data
    assert len(followed) > len(partial)

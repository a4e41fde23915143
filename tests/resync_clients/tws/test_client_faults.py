"""TWSClient resilience against a misbehaving TWS: the simulator injects the faults over HTTP.

Every test uses ``tws_sim`` (faults cleared before and after) and a client with short
backoffs, so retries are counted from the client's WARNING log lines, not waited for.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

import pytest

from resync_clients.tws.client import TWSClient, TWSClientConfig
from resync_clients.tws.errors import (
    CircuitOpenError,
    TWSAuthError,
    TWSNotFoundError,
    TWSProtocolError,
    TWSRequestError,
    TWSUnavailableError,
)
from resync_clients.tws.resilience import CircuitState, RetryPolicy

pytestmark = pytest.mark.anyio

FAST_RETRIES = RetryPolicy(
    max_attempts=4, base_delay_seconds=0.01, max_delay_seconds=0.05, max_total_seconds=10.0
)
CLIENT_LOGGER = "resync_clients.tws.client"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def fast_config(base_url: str, **overrides: object) -> TWSClientConfig:
    settings: dict[str, object] = {
        "username": "resync",
        "password": "resync-sim",
        "retry": FAST_RETRIES,
        "breaker_failure_threshold": 50,
    }
    settings.update(overrides)
    return TWSClientConfig(base_url=base_url, **settings)  # type: ignore[arg-type]


@pytest.fixture
async def tws(tws_sim) -> AsyncIterator[TWSClient]:  # type: ignore[no-untyped-def]
    async with TWSClient(fast_config(tws_sim.base_url)) as client:
        yield client


def retries_logged(caplog: pytest.LogCaptureFixture) -> int:
    return sum(
        1
        for record in caplog.records
        if record.name == CLIENT_LOGGER and record.levelno == logging.WARNING
    )


async def test_5xx_is_retried_until_tws_answers(tws, tws_sim, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger=CLIENT_LOGGER)
    tws_sim.set_faults(fail_next=2, error_status=503)
    assert (await tws.count_jobs()).count > 0
    assert retries_logged(caplog) == 2
    assert "resync-sim" not in caplog.text  # no secret in the log lines


async def test_persistent_5xx_gives_unavailable_after_the_last_attempt(
    tws, tws_sim, caplog
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger=CLIENT_LOGGER)
    tws_sim.set_faults(error_rate=1.0, error_status=500)
    with pytest.raises(TWSUnavailableError) as caught:
        await tws.count_jobs()
    assert caught.value.status == 500
    assert "4 attempt(s)" in str(caught.value)
    assert "AWSBIO500E" in str(caught.value)
    assert retries_logged(caplog) == FAST_RETRIES.max_attempts - 1


async def test_429_waits_for_retry_after(tws, tws_sim, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger=CLIENT_LOGGER)
    tws_sim.set_faults(rate_limit_next=1, retry_after_seconds=1)
    started = time.monotonic()
    assert (await tws.count_jobs()).count > 0
    assert time.monotonic() - started >= 0.95  # the backoff alone would be <= 0.01 s
    assert retries_logged(caplog) == 1


async def test_retry_after_is_capped(tws_sim) -> None:  # type: ignore[no-untyped-def]
    policy = RetryPolicy(base_delay_seconds=0.01, max_retry_after_seconds=0.2)
    tws_sim.set_faults(rate_limit_next=2, retry_after_seconds=30)
    async with TWSClient(fast_config(tws_sim.base_url, retry=policy)) as client:
        started = time.monotonic()
        assert (await client.count_jobs()).count > 0
    assert time.monotonic() - started < 2.0


async def test_retry_after_beyond_the_retry_budget_gives_up_at_once(tws_sim) -> None:  # type: ignore[no-untyped-def]
    policy = RetryPolicy(max_total_seconds=2.0, max_retry_after_seconds=60.0)
    tws_sim.set_faults(rate_limit_next=1, retry_after_seconds=30)
    async with TWSClient(fast_config(tws_sim.base_url, retry=policy)) as client:
        started = time.monotonic()
        with pytest.raises(TWSUnavailableError) as caught:
            await client.count_jobs()
    assert caught.value.status == 429
    assert time.monotonic() - started < 1.0


async def test_bad_request_and_not_found_are_not_retried(tws, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger=CLIENT_LOGGER)
    with pytest.raises(TWSRequestError) as bad:
        async for _ in tws.query_jobs("name = = 'X'"):
            pass
    assert bad.value.status == 400
    with pytest.raises(TWSNotFoundError):
        await tws.get_job("00000000-0000-0000-0000-000000000000")
    assert retries_logged(caplog) == 0


async def test_wrong_credentials_are_an_auth_error_at_once(tws_sim, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger=CLIENT_LOGGER)
    async with TWSClient(fast_config(tws_sim.base_url, password="not-it")) as client:
        with pytest.raises(TWSAuthError) as caught:
            await client.count_jobs()
    assert caught.value.status == 401
    assert retries_logged(caplog) == 0


async def test_expiring_token_turns_into_an_auth_error(tws_sim) -> None:  # type: ignore[no-untyped-def]
    tws_sim.set_faults(token_ttl_seconds=0.3)
    config = fast_config(tws_sim.base_url, username=None, password=None, api_key=tws_sim.api_key)
    async with TWSClient(config) as client:
        assert (await client.count_jobs()).count > 0
        time.sleep(0.4)
        with pytest.raises(TWSAuthError) as caught:
            await client.count_jobs()
    assert caught.value.status == 401
    assert tws_sim.api_key not in str(caught.value)


async def test_malformed_json_is_a_protocol_error(tws, tws_sim) -> None:  # type: ignore[no-untyped-def]
    tws_sim.set_faults(malformed_json_rate=1.0)
    with pytest.raises(TWSProtocolError):
        await tws.count_jobs()
    with pytest.raises(TWSProtocolError):
        async for _ in tws.query_jobs(page_size=10):
            pass


async def test_connection_reset_mid_body_is_retried_then_unavailable(tws, tws_sim, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger=CLIENT_LOGGER)
    tws_sim.set_faults(reset_rate=1.0)
    with pytest.raises(TWSUnavailableError) as caught:
        await tws.count_jobs()
    assert caught.value.status is None
    assert retries_logged(caplog) == FAST_RETRIES.max_attempts - 1


async def test_a_hanging_tws_fails_within_the_retry_budget(tws_sim) -> None:  # type: ignore[no-untyped-def]
    tws_sim.set_faults(timeout_rate=1.0, hang_seconds=5)
    policy = RetryPolicy(max_attempts=10, base_delay_seconds=0.01, max_total_seconds=1.0)
    config = fast_config(tws_sim.base_url, retry=policy, timeout_seconds=0.3)
    async with TWSClient(config) as client:
        started = time.monotonic()
        with pytest.raises(TWSUnavailableError):
            await client.count_jobs()
    assert time.monotonic() - started < 1.6


async def test_circuit_opens_after_repeated_failures_and_recovers_half_open(tws_sim) -> None:  # type: ignore[no-untyped-def]
    config = fast_config(
        tws_sim.base_url, breaker_failure_threshold=3, breaker_reset_timeout_seconds=0.5
    )
    async with TWSClient(config) as client:
        tws_sim.set_faults(error_rate=1.0)
        with pytest.raises(CircuitOpenError):
            await client.count_jobs()  # three failed attempts open it mid-retry
        assert client.circuit_state is CircuitState.OPEN

        tws_sim.clear_faults()
        started = time.monotonic()
        with pytest.raises(CircuitOpenError) as caught:
            await client.count_jobs()  # fails fast: nothing sent while open
        assert time.monotonic() - started < 0.1
        assert 0 < caught.value.retry_after_seconds <= 0.5

        time.sleep(0.5)
        assert client.circuit_state is CircuitState.HALF_OPEN
        tws_sim.set_faults(fail_next=1)
        with pytest.raises(CircuitOpenError):
            await client.count_jobs()  # the trial fails: open again
        assert client.circuit_state is CircuitState.OPEN

        time.sleep(0.5)
        assert (await client.count_jobs()).count > 0  # this trial succeeds
        assert client.circuit_state is CircuitState.CLOSED


async def test_a_4xx_does_not_open_the_circuit(tws_sim) -> None:  # type: ignore[no-untyped-def]
    config = fast_config(tws_sim.base_url, breaker_failure_threshold=2)
    async with TWSClient(config) as client:
        for _ in range(4):
            with pytest.raises(TWSNotFoundError):
                await client.get_job("missing")
        assert client.circuit_state is CircuitState.CLOSED

"""The ``tws-api`` global concurrency limit bounds TWS sessions across flow runs."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from resync_clients.tws.errors import TWSUnavailableError
from tasks.tws_slots import TWS_API_LIMIT, tws_api_slot

pytestmark = pytest.mark.usefixtures("prefect_api")


async def _set_limit(limit: int | None) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectNotFound

    async with get_client() as client:
        with contextlib.suppress(ObjectNotFound):
            await client.delete_global_concurrency_limit_by_name(TWS_API_LIMIT)
        if limit is not None:
            await client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=TWS_API_LIMIT, limit=limit)
            )


def test_a_session_goes_ahead_when_no_limit_is_declared() -> None:
    async def run() -> bool:
        await _set_limit(None)
        async with tws_api_slot(wait_seconds=5):
            return True

    assert asyncio.run(run())


def test_a_second_session_waits_for_the_only_slot_and_then_gives_up_clearly() -> None:
    async def run() -> None:
        await _set_limit(1)
        try:
            async with tws_api_slot(wait_seconds=30):
                with pytest.raises(TWSUnavailableError, match="tws-api"):
                    async with tws_api_slot(wait_seconds=1):
                        pass
            # The slot is released at the end of the first session: a new one gets it.
            async with tws_api_slot(wait_seconds=10):
                pass
        finally:
            await _set_limit(None)

    asyncio.run(run())


def test_an_error_inside_the_session_is_not_mistaken_for_a_busy_limit() -> None:
    async def run() -> None:
        await _set_limit(2)
        try:
            with pytest.raises(TimeoutError):
                async with tws_api_slot(wait_seconds=5):
                    raise TimeoutError("TWS read timed out")
        finally:
            await _set_limit(None)

    asyncio.run(run())

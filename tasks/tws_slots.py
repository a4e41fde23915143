"""The ``tws-api`` global concurrency limit: how many task runs, across every flow run and
worker, may talk to TWS at once.

The TWS engine's REST server serves operators too; a burst of incident flows, a poll cycle
and a backfill must not open more sessions than the limit the administrator set
(``prefect gcl update tws-api --limit N``). A task takes one slot for the length of its TWS
session. When no such limit exists (a new install, the demo, tests) the session goes ahead
unlimited, which is Prefect's own behaviour for a missing limit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from prefect.concurrency.asyncio import concurrency

from resync_clients.tws.errors import TWSUnavailableError

TWS_API_LIMIT = "tws-api"

# How long a task waits for a free slot when its caller set no budget: long enough for a
# busy slot to be released, short enough that a leaked lease cannot hang a flow.
DEFAULT_SLOT_WAIT_SECONDS = 300.0


@asynccontextmanager
async def tws_api_slot(wait_seconds: float | None = None) -> AsyncIterator[None]:
    """Hold one slot of the ``tws-api`` limit; raises ``TWSUnavailableError`` (retryable)
    when none frees up within ``wait_seconds`` (default ``DEFAULT_SLOT_WAIT_SECONDS``)."""
    wait = DEFAULT_SLOT_WAIT_SECONDS if wait_seconds is None else wait_seconds
    acquired = False
    try:
        async with concurrency(TWS_API_LIMIT, occupy=1, timeout_seconds=wait, strict=False):
            acquired = True
            yield
    except TimeoutError:
        if acquired:  # the TWS session's own timeout, not the wait for a slot
            raise
        raise TWSUnavailableError(
            f"every slot of the {TWS_API_LIMIT!r} concurrency limit stayed busy for "
            f"{wait:.0f}s; the TWS call was not sent and can be tried again"
        ) from None

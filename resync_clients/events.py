"""Prefect events: delivery of what resync-flows announces (the events: ``resync_core.events``).

Delivery is at-least-once with stable event ids: each event's id is derived from its
idempotency key, and the Prefect server stores an event id once and lets its triggers react
to an id once. A poll cycle replayed after a crash therefore re-sends the same ids and nothing
downstream happens twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

# The events themselves are domain types; re-exported for the callers of this adapter.
from resync_core.events import CAPACITY_RISK as CAPACITY_RISK
from resync_core.events import INCIDENT_ANALYZED as INCIDENT_ANALYZED
from resync_core.events import JOB_ABEND as JOB_ABEND
from resync_core.events import JOB_AT_RISK as JOB_AT_RISK
from resync_core.events import JOB_FAIL as JOB_FAIL
from resync_core.events import JOB_LATE as JOB_LATE
from resync_core.events import JOB_STUCK as JOB_STUCK
from resync_core.events import PATTERN_NEW as PATTERN_NEW
from resync_core.events import PATTERN_SURGE as PATTERN_SURGE
from resync_core.events import WORKSTATION_UNLINKED as WORKSTATION_UNLINKED
from resync_core.events import DomainEvent as DomainEvent
from resync_core.events import event_id_for as event_id_for
from resync_core.events import job_resource_id as job_resource_id
from resync_core.events import workstation_resource_id as workstation_resource_id

logger = logging.getLogger(__name__)


class EventDeliveryError(RuntimeError):
    """The events could not be handed to Prefect within the time allowed."""


async def publish_events(events: Sequence[DomainEvent], *, timeout_seconds: float = 30.0) -> int:
    """Send ``events`` to the Prefect API (the configured server, or the ephemeral one).

    Returns how many were sent. Raises ``EventDeliveryError`` when they could not be handed
    over within ``timeout_seconds``; the caller keeps them pending and sends them again later
    (with the same ids, so a partial first attempt causes no duplicates).
    """
    if not events:
        return 0
    import asyncio

    from prefect.events import Event
    from prefect.events.clients import get_events_client

    async def send_all() -> None:
        async with get_events_client() as client:
            for event in events:
                await client.emit(
                    Event(
                        id=event.event_id,
                        event=event.name,
                        occurred=event.occurred_at,
                        resource={
                            "prefect.resource.id": event.resource_id,
                            **event.resource_labels,
                        },
                        payload=dict(event.payload),
                    )
                )

    try:
        await asyncio.wait_for(send_all(), timeout=timeout_seconds)
    except (TimeoutError, OSError) as exc:
        raise EventDeliveryError(
            f"{len(events)} event(s) not delivered to Prefect within {timeout_seconds:.0f}s: {exc}"
        ) from exc
    logger.debug("published %d event(s)", len(events))
    return len(events)

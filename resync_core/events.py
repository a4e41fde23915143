"""Domain events: the names, resource ids and identity of what resync-flows announces.

Delivery (to Prefect) is an adapter's job (``resync_clients.events``); building an event is
plain logic, so the event itself and its naming rules live here.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Event names (architecture contract; keep stable: deployments trigger on them).
JOB_ABEND = "tws.job.abend"
JOB_FAIL = "tws.job.fail"
JOB_LATE = "tws.job.late"
JOB_STUCK = "tws.job.stuck"
WORKSTATION_UNLINKED = "tws.workstation.unlinked"
INCIDENT_ANALYZED = "resync.incident.analyzed"
PATTERN_NEW = "resync.pattern.new"
PATTERN_SURGE = "resync.pattern.surge"
JOB_AT_RISK = "resync.job.at_risk"
CAPACITY_RISK = "resync.capacity.risk"
QUALITY_DEGRADED = "resync.quality.degraded"

# uuid5 namespace for event ids; changing it would make replays look like new events.
_EVENT_NAMESPACE = uuid.UUID("7d0f5b8e-3c1a-4e55-9a57-4b8f2f8a1c11")


def _strip_folder(name: str) -> str:
    # TWS names may carry folders ("/PROD/FTA01"); resource ids use the bare names.
    return name.rstrip("/").rsplit("/", 1)[-1] or name


def job_resource_id(workstation: str, job_stream: str, job: str) -> str:
    """``tws.job.<workstation>.<jobstream>.<job>`` with folder prefixes removed."""
    return f"tws.job.{_strip_folder(workstation)}.{_strip_folder(job_stream)}.{_strip_folder(job)}"


def workstation_resource_id(workstation: str) -> str:
    return f"tws.workstation.{_strip_folder(workstation)}"


def event_id_for(idempotency_key: str) -> uuid.UUID:
    """The stable event id for an idempotency key (same key, same id, in every process)."""
    return uuid.uuid5(_EVENT_NAMESPACE, idempotency_key)


@dataclass(frozen=True)
class DomainEvent:
    """An event to announce, with the key that makes re-sending it harmless."""

    name: str
    resource_id: str
    idempotency_key: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    resource_labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def event_id(self) -> uuid.UUID:
        return event_id_for(self.idempotency_key)

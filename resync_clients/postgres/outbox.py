"""The event outbox: events are written with the data they announce, sent after commit.

A row per idempotency key; a key already present is left alone, so a replayed poll cycle
enqueues nothing new. ``emitted_at`` stays NULL until the event has left for Prefect.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from resync_clients.events import DomainEvent


def enqueue_events(conn: psycopg.Connection[Any], events: Iterable[DomainEvent]) -> int:
    """Add ``events`` to the outbox; returns how many were new."""
    new = 0
    with conn.cursor() as cur:
        for event in events:
            cur.execute(
                "INSERT INTO event_outbox"
                " (idempotency_key, event, resource_id, payload, created_at)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (idempotency_key) DO NOTHING",
                (
                    event.idempotency_key,
                    event.name,
                    event.resource_id,
                    Jsonb(dict(event.payload)),
                    event.occurred_at,
                ),
            )
            new += cur.rowcount
    return new


def pending_events(conn: psycopg.Connection[Any], limit: int = 500) -> list[DomainEvent]:
    """Events not yet sent, oldest first."""
    with conn.cursor(row_factory=class_row(DomainEvent)) as cur:
        return cur.execute(
            "SELECT idempotency_key, event AS name, resource_id, payload,"
            " created_at AS occurred_at FROM event_outbox"
            " WHERE emitted_at IS NULL ORDER BY created_at, idempotency_key LIMIT %s",
            (limit,),
        ).fetchall()


def mark_events_emitted(
    conn: psycopg.Connection[Any], keys: Sequence[str], emitted_at: datetime
) -> None:
    conn.execute(
        "UPDATE event_outbox SET emitted_at = %s WHERE idempotency_key = ANY(%s)",
        (emitted_at, list(keys)),
    )

"""The poller's cursor: where the last committed cycle left off (``poller_state`` table)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import scalar_row
from psycopg.types.json import Jsonb


@dataclass(frozen=True)
class PollCursor:
    """State carried from one committed poll cycle to the next.

    ``since`` is the TWS-side time up to which starts have been seen; ``links`` the last known
    link state per workstation; ``unlink_counts`` how many unlinks each has had (part of the
    unlink event's key, so each new unlink is announced once).
    """

    since: datetime | None = None
    cycles_since_full: int = 0
    links: dict[str, bool] = field(default_factory=dict)
    unlink_counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "cycles_since_full": self.cycles_since_full,
            "links": self.links,
            "unlink_counts": self.unlink_counts,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PollCursor:
        since = data.get("since")
        return cls(
            since=datetime.fromisoformat(since) if since else None,
            cycles_since_full=int(data.get("cycles_since_full", 0)),
            links={str(k): bool(v) for k, v in (data.get("links") or {}).items()},
            unlink_counts={str(k): int(v) for k, v in (data.get("unlink_counts") or {}).items()},
        )


def load_poll_cursor(conn: psycopg.Connection[Any], name: str) -> PollCursor:
    """The cursor saved under ``name``; an empty cursor (full poll next) when there is none."""
    with conn.cursor(row_factory=scalar_row) as cur:
        saved = cur.execute("SELECT cursor FROM poller_state WHERE name = %s", (name,)).fetchone()
    return PollCursor() if saved is None else PollCursor.from_json(saved)


def save_poll_cursor(conn: psycopg.Connection[Any], name: str, cursor: PollCursor) -> None:
    """Save the cursor; call in the transaction that writes the rows it covers."""
    conn.execute(
        "INSERT INTO poller_state (name, cursor) VALUES (%s, %s)"
        " ON CONFLICT (name) DO UPDATE SET cursor = EXCLUDED.cursor",
        (name, Jsonb(cursor.to_json())),
    )


class CursorFencedError(RuntimeError):
    """Another poller claimed the cursor since this one did: its cycle must not commit."""


def claim_poller_epoch(conn: psycopg.Connection[Any], name: str) -> int:
    """Start a new epoch for ``name`` (call right after taking the poller lock); returns it.

    Commits at once, so a poller that lost its lock sees the new epoch at its next write.
    """
    with conn.cursor(row_factory=scalar_row) as cur:
        epoch = cur.execute(
            "INSERT INTO poller_state (name, cursor, epoch) VALUES (%s, '{}', 1)"
            " ON CONFLICT (name) DO UPDATE SET epoch = poller_state.epoch + 1 RETURNING epoch",
            (name,),
        ).fetchone()
    conn.commit()
    assert epoch is not None
    return int(epoch)


def check_poller_epoch(conn: psycopg.Connection[Any], name: str, epoch: int) -> None:
    """Lock the cursor row for this transaction; raise ``CursorFencedError`` if ``epoch`` is
    no longer the current one. Call first in the transaction that saves the cursor: a newer
    poller's claim then waits for this commit, or this check sees it."""
    with conn.cursor(row_factory=scalar_row) as cur:
        current = cur.execute(
            "SELECT epoch FROM poller_state WHERE name = %s FOR UPDATE", (name,)
        ).fetchone()
    if current != epoch:
        raise CursorFencedError(
            f"poller {name!r} epoch is {current}, this cycle started in epoch {epoch}: another "
            "poller took over; this cycle's writes are rolled back"
        )

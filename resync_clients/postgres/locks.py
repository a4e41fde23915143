"""Session-level advisory locks: one holder at a time across every process and host.

A session lock lasts as long as its database session. When that session dies (the server
restarted, a network cut, ``pg_terminate_backend``) the lock is gone, and another process may
take it while the first one still runs: ``HeldLock.verify`` tells the holder so. Writes that
must never come from two holders are additionally fenced on an epoch (see
``resync_clients.postgres.poller_state.claim_poller_epoch``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import tuple_row

logger = logging.getLogger(__name__)

# pg_locks shows a bigint advisory key as classid (high 32 bits) and objid (low 32 bits).
_HOLDS_LOCK = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = %s AND objsubid = 1"
    " AND ((classid::bigint << 32) | objid::bigint) = hashtext(%s)::bigint) AS held"
)


class LockLostError(RuntimeError):
    """The session that held a lock ended (or no longer holds it): another process may hold
    it now, so the work done under it must not be committed."""


def _holds(conn: psycopg.Connection[Any], name: str, pid: int) -> bool:
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(_HOLDS_LOCK, (pid, name)).fetchone()
    return bool(row and row[0])


def check_lock_held(conn: psycopg.Connection[Any], name: str, pid: int) -> None:
    """Raise ``LockLostError`` unless backend ``pid`` holds the lock ``name``, asked on
    ``conn`` (another session, e.g. inside the transaction whose writes need the lock)."""
    if not _holds(conn, name, pid):
        raise LockLostError(f"lost the lock {name!r}: session {pid} no longer holds it")


@dataclass(frozen=True)
class HeldLock:
    """A lock this process holds on ``conn``'s session (backend ``pid``)."""

    conn: psycopg.Connection[Any]
    name: str
    pid: int

    def verify(self) -> None:
        """Raise ``LockLostError`` unless the lock session is alive and still holds the lock."""
        try:
            held = _holds(self.conn, self.name, self.pid)
            self.conn.commit()
        except psycopg.Error as exc:
            raise LockLostError(
                f"lost the lock {self.name!r}: its database session (pid {self.pid}) ended "
                f"({' '.join(str(exc).split())[:200]})"
            ) from None
        if not held:
            raise LockLostError(
                f"lost the lock {self.name!r}: session {self.pid} no longer holds it"
            )


@contextmanager
def exclusive_lock(conn: psycopg.Connection[Any], name: str) -> Iterator[HeldLock | None]:
    """Try to take the lock ``name`` on ``conn``; yields a ``HeldLock``, or None if taken.

    Keep ``conn`` for the whole block (borrow it for that long). The lock is released when the
    block ends or when the process dies (the server drops the session), so a crashed holder
    never blocks the next one. A session that died meanwhile is not an error at release.
    """
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(
            "SELECT pg_try_advisory_lock(hashtext(%s)) AS held, pg_backend_pid() AS pid", (name,)
        ).fetchone()
    conn.commit()
    acquired = bool(row and row[0])
    pid = int(row[1]) if row else 0
    try:
        yield HeldLock(conn, name, pid) if acquired else None
    finally:
        if acquired and not conn.closed:
            _release(conn, name)


def _release(conn: psycopg.Connection[Any], name: str) -> None:
    try:
        # A transaction left aborted by the block would refuse the unlock, and a session lock
        # outlives any rollback: the pooled session would keep the lock while idle.
        conn.rollback()
        conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (name,))
        conn.commit()
    except psycopg.Error as exc:
        logger.warning("lock %r was not released (%s); ending its session", name, exc)
        # Closing ends the session and with it the lock; a pool discards a closed connection
        # instead of lending it out still holding the lock.
        conn.close()

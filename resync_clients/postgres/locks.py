"""Session-level advisory locks: one holder at a time across every process and host."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg


@contextmanager
def exclusive_lock(conn: psycopg.Connection[Any], name: str) -> Iterator[bool]:
    """Try to take the lock ``name`` on ``conn``; yields True when this session holds it.

    Keep ``conn`` for the whole block (borrow it for that long). The lock is released when the
    block ends or when the process dies (the server drops the session), so a crashed holder
    never blocks the next one.
    """
    row = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s)) AS held", (name,)).fetchone()
    conn.commit()
    acquired = bool(row and (row["held"] if isinstance(row, dict) else row[0]))
    try:
        yield acquired
    finally:
        if acquired:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (name,))
            conn.commit()

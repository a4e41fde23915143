"""Session advisory locks are released whatever state the block leaves their session in."""

from __future__ import annotations

import psycopg
import pytest

from resync_clients.postgres.locks import exclusive_lock


def _free_elsewhere(database_url: str, name: str) -> bool:
    with psycopg.connect(database_url, autocommit=True) as other:
        row = other.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (name,)).fetchone()
        taken = bool(row and row[0])
        if taken:
            other.execute("SELECT pg_advisory_unlock(hashtext(%s))", (name,))
        return taken


def test_lock_is_released_when_the_block_leaves_its_transaction_aborted(
    store, database_url
) -> None:
    with store.connection() as conn, exclusive_lock(conn, "test.aborted") as held:
        assert held is not None
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute("SELECT 1 / 0")
        # The block ends normally with the session's transaction aborted.

    assert _free_elsewhere(database_url, "test.aborted")


def test_a_second_holder_is_refused_while_the_first_holds_the_lock(store, database_url) -> None:
    with store.connection() as conn, exclusive_lock(conn, "test.held") as held:
        assert held is not None
        assert not _free_elsewhere(database_url, "test.held")
    assert _free_elsewhere(database_url, "test.held")

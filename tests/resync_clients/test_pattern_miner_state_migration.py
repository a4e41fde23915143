"""Migration 0008 moves the pattern miner's saved state out of the poller's cursor table."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from resync_clients.postgres.migrations import MIGRATIONS_DIR, apply_migrations, load_migrations

MINER_STATE = {"format": 1, "templates": [{"id": "p-1", "template": "cp: <*> missing"}]}


def upgrade(url: str, directory: Path, up_to: int | None = None) -> list[int]:
    migrations = [m for m in load_migrations(directory) if up_to is None or m.version <= up_to]
    with psycopg.connect(url, autocommit=True) as conn:
        return [item.version for item in apply_migrations(conn, tuple(migrations))]


def test_an_upgrade_keeps_the_saved_miner_state_and_leaves_the_poller_cursor(
    fresh_database_url: str,
) -> None:
    upgrade(fresh_database_url, MIGRATIONS_DIR, up_to=7)
    with psycopg.connect(fresh_database_url) as conn:
        conn.execute(
            "INSERT INTO poller_state (name, cursor) VALUES ('pattern-miner', %s), ('tws', %s)",
            (Jsonb({"miner": MINER_STATE}), Jsonb({"since": "2026-03-01T00:00:00Z"})),
        )

    assert 8 in upgrade(fresh_database_url, MIGRATIONS_DIR)

    with psycopg.connect(fresh_database_url, row_factory=dict_row) as conn:
        moved = conn.execute("SELECT name, state FROM pattern_miner_state").fetchall()
        left = conn.execute("SELECT name, cursor FROM poller_state").fetchall()
    assert moved == [{"name": "pattern-miner", "state": MINER_STATE}]
    assert left == [{"name": "tws", "cursor": {"since": "2026-03-01T00:00:00Z"}}]


def test_an_upgrade_without_a_saved_miner_creates_an_empty_state_table(
    fresh_database_url: str,
) -> None:
    upgrade(fresh_database_url, MIGRATIONS_DIR)
    with psycopg.connect(fresh_database_url) as conn:
        assert conn.execute("SELECT count(*) FROM pattern_miner_state").fetchone() == (0,)

"""Versioned migrations: applied once, in order, safely from several processes at once."""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from resync_clients.postgres.migrations import (
    MIGRATIONS_DIR,
    apply_migrations,
    load_migrations,
    read_status,
)
from resync_clients.store import MigrationError, open_store
from resync_core.settings import load_settings

CORE_TABLES = {
    "job_runs",
    "job_status_transitions",
    "metric_samples",
    "incidents",
    "incident_runs",
    "recommendations",
    "feedback",
    "error_patterns",
    "forecasts",
    "risk_scores",
    "poller_state",
    "event_outbox",
    "llm_cache",
}


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
    return {row[0] for row in rows}


def recorded_versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    return [row[0] for row in rows]


def copy_of_migrations(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    return directory


def upgrade_with(url: str, directory: Path) -> list[int]:
    with psycopg.connect(url, autocommit=True) as conn:
        return [item.version for item in apply_migrations(conn, load_migrations(directory))]


def test_files_are_numbered_and_read_in_order() -> None:
    migrations = load_migrations()

    assert migrations[0].file_name == "0001_core.sql"
    assert [item.version for item in migrations] == sorted({item.version for item in migrations})


def test_a_misnamed_migration_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "1_core.sql").write_text("SELECT 1;")

    with pytest.raises(MigrationError, match=r"NNNN_name\.sql"):
        load_migrations(tmp_path)


def test_an_empty_database_is_at_version_zero_with_everything_pending(
    fresh_database_url: str,
) -> None:
    with open_store(load_settings(database_url=fresh_database_url)) as store:
        status = store.migration_status()
        version = store.schema_version()

    assert version == 0
    assert [item.version for item in status.pending] == [m.version for m in load_migrations()]
    assert not status.up_to_date


def test_upgrade_creates_the_core_tables_and_records_each_migration(
    fresh_database_url: str,
) -> None:
    with open_store(load_settings(database_url=fresh_database_url)) as store:
        applied = store.upgrade()
        version = store.schema_version()

    expected = load_migrations()
    assert [(a.version, a.checksum) for a in applied] == [(m.version, m.checksum) for m in expected]
    assert version == expected[-1].version
    assert CORE_TABLES | {"schema_migrations"} <= tables(fresh_database_url)


def test_upgrade_is_idempotent(fresh_database_url: str) -> None:
    with open_store(load_settings(database_url=fresh_database_url)) as store:
        store.upgrade()
        again = store.upgrade()
        status = store.migration_status()

    assert again == []
    assert status.up_to_date
    assert recorded_versions(fresh_database_url) == [m.version for m in load_migrations()]


def test_ensure_schema_upgrades_once_then_only_checks(fresh_database_url: str) -> None:
    with open_store(load_settings(database_url=fresh_database_url)) as store:
        first = store.ensure_schema()
        second = store.ensure_schema()

    assert [item.version for item in first] == [m.version for m in load_migrations()]
    assert second == []


def _upgrade_in_process(url: str, directory: str, barrier, results) -> None:  # type: ignore[no-untyped-def]
    barrier.wait(timeout=60)
    results.put(upgrade_with(url, Path(directory)))


def test_two_processes_upgrading_at_once_apply_each_migration_once(
    fresh_database_url: str, tmp_path: Path
) -> None:
    directory = copy_of_migrations(tmp_path)
    # A slow migration keeps the first process inside the lock while the second arrives;
    # without the lock the second would fail creating the same table.
    (directory / "0900_slow.sql").write_text(
        "SELECT pg_sleep(0.5);\nCREATE TABLE slow_marker (id integer);\n"
    )
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(
            target=_upgrade_in_process, args=(fresh_database_url, str(directory), barrier, results)
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)

    assert [worker.exitcode for worker in workers] == [0, 0]
    expected = [m.version for m in load_migrations(directory)]
    assert sorted(outcomes, key=len) == [[], expected]
    assert recorded_versions(fresh_database_url) == expected


def test_two_stores_starting_at_once_on_an_empty_database_apply_each_migration_once(
    fresh_database_url: str,
) -> None:
    # Two services starting together: both see every migration pending, both upgrade.
    barrier = threading.Barrier(2)

    def start() -> list[int]:
        with open_store(load_settings(database_url=fresh_database_url)) as store:
            barrier.wait(timeout=60)
            return [item.version for item in store.ensure_schema()]

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = [future.result(timeout=120) for future in [pool.submit(start) for _ in "ab"]]

    expected = [m.version for m in load_migrations()]
    assert sorted(outcomes, key=len) == [[], expected]
    with psycopg.connect(fresh_database_url) as conn:
        counts = conn.execute(
            "SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version"
        ).fetchall()
    assert counts == [(version, 1) for version in expected]


def test_an_edited_applied_migration_is_refused(fresh_database_url: str, tmp_path: Path) -> None:
    directory = copy_of_migrations(tmp_path)
    upgrade_with(fresh_database_url, directory)
    core = directory / "0001_core.sql"
    core.write_text(core.read_text() + "\n-- edited later\n")

    with pytest.raises(MigrationError, match=r"0001_core\.sql was edited"):
        upgrade_with(fresh_database_url, directory)


def test_a_failing_migration_is_rolled_back_and_named(
    fresh_database_url: str, tmp_path: Path
) -> None:
    directory = copy_of_migrations(tmp_path)
    (directory / "0901_broken.sql").write_text(
        "CREATE TABLE half_done (id integer);\nSELECT * FROM no_such_table;\n"
    )

    with pytest.raises(MigrationError, match=r"0901_broken\.sql failed.*no_such_table"):
        upgrade_with(fresh_database_url, directory)

    assert "half_done" not in tables(fresh_database_url)
    assert 901 not in recorded_versions(fresh_database_url)
    assert 1 in recorded_versions(fresh_database_url)  # earlier migrations stay applied


def test_a_database_newer_than_the_code_is_refused_by_upgrade(fresh_database_url: str) -> None:
    with open_store(load_settings(database_url=fresh_database_url)) as store:
        store.upgrade()
        with store.connection() as conn:
            conn.execute(
                "INSERT INTO schema_migrations (version, name, checksum) "
                "VALUES (9999, 'from_the_future', 'x')"
            )
        with pytest.raises(MigrationError, match="9999"):
            store.upgrade()
        with psycopg.connect(fresh_database_url) as conn:
            status = read_status(conn, load_migrations())

    assert status.current_version == 9999

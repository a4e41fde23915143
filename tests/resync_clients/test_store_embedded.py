"""The embedded PostgreSQL: starts on demand, keeps data, stops with its last user, and says
clearly when its directory cannot be used."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg
import pytest

from resync_clients.postgres.embedded import EmbeddedPostgres, server_major_version
from resync_clients.store import EmbeddedDatabaseError, open_store
from resync_core.settings import load_settings


def test_data_survives_a_stop_and_a_restart(tmp_path: Path) -> None:
    server = EmbeddedPostgres(tmp_path / "postgres")
    with server, psycopg.connect(server.url) as conn:
        conn.execute("CREATE TABLE kept (value text)")
        conn.execute("INSERT INTO kept VALUES ('still here')")
    assert not server.is_running()

    with EmbeddedPostgres(tmp_path / "postgres") as again, psycopg.connect(again.url) as conn:
        assert conn.execute("SELECT value FROM kept").fetchall() == [("still here",)]
        assert (
            conn.execute("SHOW server_version_num")
            .fetchone()[0]
            .startswith(str(server_major_version()))
        )
    assert not again.is_running()


def test_the_server_stops_only_when_its_last_user_stops(tmp_path: Path) -> None:
    first, second = EmbeddedPostgres(tmp_path / "pg"), EmbeddedPostgres(tmp_path / "pg")
    first.start()
    url = second.start()

    first.stop()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    second.stop()

    assert not second.is_running()
    first.stop()  # stopping twice is harmless


def test_a_killed_user_does_not_keep_the_server_running(tmp_path: Path) -> None:
    pgdata = tmp_path / "postgres"
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from resync_clients.postgres.embedded import EmbeddedPostgres
        EmbeddedPostgres(Path({str(pgdata)!r})).start()
        print("started", flush=True)
        time.sleep(120)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "started"
        os.kill(child.pid, signal.SIGKILL)  # no atexit, no chance to leave cleanly
        child.wait(timeout=30)
        survivor = EmbeddedPostgres(pgdata)
        assert survivor.is_running()  # the dead user's server, now orphaned

        survivor.start()
        survivor.stop()
    finally:
        child.kill()
        child.wait(timeout=30)

    assert not survivor.is_running()


def test_open_store_without_a_database_url_uses_the_embedded_server(tmp_path: Path) -> None:
    settings = load_settings(database_url="", data_dir=tmp_path / "data")

    with open_store(settings) as store:
        store.ensure_schema()
        version = store.schema_version()
        assert str(tmp_path / "data" / "postgres") in store.location

    assert version >= 1
    assert not EmbeddedPostgres(tmp_path / "data" / "postgres").is_running()


def test_a_directory_from_another_postgresql_version_is_refused(tmp_path: Path) -> None:
    pgdata = tmp_path / "postgres"
    pgdata.mkdir()
    (pgdata / "PG_VERSION").write_text("16\n")

    with pytest.raises(EmbeddedDatabaseError) as caught:
        EmbeddedPostgres(pgdata).start()

    message = str(caught.value)
    assert str(pgdata) in message
    assert "PostgreSQL 16" in message
    assert "RESYNC_DATABASE_URL" in message


def test_a_directory_holding_other_files_is_refused(tmp_path: Path) -> None:
    pgdata = tmp_path / "postgres"
    pgdata.mkdir()
    (pgdata / "notes.txt").write_text("not a database")

    with pytest.raises(EmbeddedDatabaseError, match="not a PostgreSQL data directory"):
        EmbeddedPostgres(pgdata).start()


def test_a_directory_that_cannot_be_created_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings = load_settings(database_url="", data_dir=blocker / "data")

    with pytest.raises(EmbeddedDatabaseError) as caught:
        open_store(settings)

    assert str(blocker / "data" / "postgres") in str(caught.value)
    assert "RESYNC_DATA_DIR" in str(caught.value)


def test_a_directory_locked_by_another_program_is_refused(tmp_path: Path) -> None:
    pgdata = tmp_path / "postgres"
    with EmbeddedPostgres(pgdata):
        pass
    # A live process that is not PostgreSQL (this test) claims the directory.
    (pgdata / "postmaster.pid").write_text(f"{os.getpid()}\n{pgdata}\n")

    with pytest.raises(EmbeddedDatabaseError, match=rf"locked by process {os.getpid()}"):
        EmbeddedPostgres(pgdata).start()

"""``resync-flows db upgrade`` and ``db status`` against a real PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
from typer.testing import CliRunner

from resync_clients.postgres.migrations import load_migrations
from resync_flows.cli import app

runner = CliRunner()
LATEST = load_migrations()[-1].version


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["db", *args], env=env)


def run_script(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The installed entry point, as an operator runs it (exercises main()'s error handling).
    script = Path(sys.executable).with_name("resync-flows")
    return subprocess.run(
        [str(script), "db", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_status_then_upgrade_then_status(fresh_database_url: str) -> None:
    before = run("status", "--json", "--database-url", fresh_database_url)
    upgraded = run("upgrade", "--database-url", fresh_database_url)
    after = run("status", "--json", "--database-url", fresh_database_url)

    assert before.exit_code == 0, before.output
    pending = json.loads(before.stdout)
    assert pending["current_version"] == 0
    assert [item["version"] for item in pending["pending"]] == [
        m.version for m in load_migrations()
    ]
    assert upgraded.exit_code == 0, upgraded.output
    assert "applied 0001_core" in upgraded.stdout
    assert f"upgraded to version {LATEST}" in upgraded.stdout
    document = json.loads(after.stdout)
    assert (document["current_version"], document["up_to_date"], document["pending"]) == (
        LATEST,
        True,
        [],
    )


def test_upgrade_twice_says_it_is_already_up_to_date(fresh_database_url: str) -> None:
    run("upgrade", "--database-url", fresh_database_url)

    again = run("upgrade", "--database-url", fresh_database_url)

    assert again.exit_code == 0
    assert "applied" not in again.stdout
    assert f"already at version {LATEST}" in again.stdout


def test_status_table_lists_each_migration_and_its_state(fresh_database_url: str) -> None:
    result = run("status", "--database-url", fresh_database_url)

    assert result.exit_code == 0, result.output
    assert "core" in result.stdout
    assert "pending" in result.stdout
    assert "resync-flows db upgrade" in result.stdout


def test_two_upgrade_commands_at_once_both_succeed(fresh_database_url: str) -> None:
    script = Path(sys.executable).with_name("resync-flows")
    commands = [
        subprocess.Popen(
            [str(script), "db", "upgrade", "--database-url", fresh_database_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [command.communicate(timeout=120) for command in commands]

    assert [command.returncode for command in commands] == [0, 0], outputs
    assert sum("applied 0001_core" in out for out, _ in outputs) == 1
    with psycopg.connect(fresh_database_url) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]
    assert sorted(versions) == [m.version for m in load_migrations()]


def test_an_unreachable_server_gives_one_line_without_the_password() -> None:
    result = run_script(
        "status", "--database-url", "postgresql://resync:s3cret-pw@127.0.0.1:1/resync", env={}
    )

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: cannot connect to PostgreSQL")
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_a_bad_database_url_setting_is_named() -> None:
    result = run_script("upgrade", env={"RESYNC_DATABASE_URL": "mysql://root:pw@db/x"})

    assert result.returncode == 2
    assert "RESYNC_DATABASE_URL" in result.stderr
    assert "pw@" not in result.stderr
    assert "Traceback" not in result.stderr


def test_upgrade_uses_the_embedded_server_when_no_url_is_set(tmp_path: Path) -> None:
    env = {"RESYNC_DATABASE_URL": "", "RESYNC_DATA_DIR": str(tmp_path / "data")}

    result = run("upgrade", env=env)

    assert result.exit_code == 0, result.output
    assert f"embedded PostgreSQL in {tmp_path / 'data' / 'postgres'}" in result.stdout

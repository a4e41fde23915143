"""Every database command, with PostgreSQL unreachable, fails in one clear line (no traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# A closed loopback port: the connection is refused at once, as with a server that is down.
DOWN_URL = "postgresql://resync:s3cret-pw@127.0.0.1:1/resync"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    # The installed entry point, as an operator runs it (exercises main()'s error handling).
    script = Path(sys.executable).with_name("resync-flows")
    env = {
        **os.environ,
        "RESYNC_DATABASE_URL": DOWN_URL,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    return subprocess.run(
        [str(script), *args], env=env, capture_output=True, text=True, timeout=180
    )


@pytest.mark.parametrize(
    "command",
    [
        ["incident", "list"],
        ["incident", "feedback", "1", "--verdict", "correct"],
        ["incident", "analyze", "--run-id", "RUN-1"],
        ["risks", "show"],
        ["risks", "score"],
    ],
    ids=" ".join,
)
def test_an_unreachable_database_gives_one_clear_line_and_a_nonzero_exit(command) -> None:
    result = run_cli(*command)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("error: cannot connect to PostgreSQL at ")
    assert "127.0.0.1:1" in lines[0]
    assert "RESYNC_DATABASE_URL" in lines[0]
    assert "s3cret-pw" not in output

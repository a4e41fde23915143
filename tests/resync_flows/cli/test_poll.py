"""``resync-flows poll`` as operators run it: a subprocess against real PostgreSQL, a hanging
TWS on loopback, signals from a service manager."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import psutil
import pytest
from typer.testing import CliRunner

from resync_flows.cli import app

ROOT = Path(__file__).parents[3]
runner = CliRunner()


@pytest.fixture
def hanging_tws() -> Iterator[str]:
    """A loopback HTTP endpoint that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def poll_env(database_url: str, tws_url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RESYNC_", "PREFECT_"))}
    env.update(
        RESYNC_DATABASE_URL=database_url,
        RESYNC_TWS_URL=tws_url,
        RESYNC_DATA_DIR=str(tmp_path / "data"),
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    return env


def resync_flows(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "resync_flows.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_once_against_a_hanging_tws_ends_within_its_interval_with_one_clear_line(
    store, database_url: str, hanging_tws: str, tmp_path: Path
) -> None:
    process = resync_flows(
        "poll", "--once", "--interval", "3", env=poll_env(database_url, hanging_tws, tmp_path)
    )
    started = time.monotonic()
    _, stderr = process.communicate(timeout=180)
    assert process.returncode == 1, stderr[-3000:]
    cycle_seconds = time.monotonic() - started
    failed = [line for line in stderr.splitlines() if line.startswith("cycle failed:")]
    assert len(failed) == 1, stderr[-3000:]
    assert "budget" in stderr
    assert "Traceback" not in stderr, stderr[-3000:]
    # Start-up (Prefect import, its temporary server) costs most of this; the cycle itself
    # waits about the 3 s interval, never 2 tries x 120 s.
    assert cycle_seconds < 90


def children_of(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def lines_read_aside(stream: IO[str]) -> list[str]:
    """Collect a pipe's lines in a thread, so that waiting on one line does not block it."""
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(stream), daemon=True).start()
    return lines


def stop_with_sigterm(process: subprocess.Popen[str], stderr: list[str]) -> str:
    """Send SIGTERM as a service manager does; the process must end as a stop within 20 s."""
    process.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    process.wait(timeout=30)
    assert time.monotonic() - sent < 20
    time.sleep(0.5)  # the reader thread takes the last lines
    output = "".join(stderr)
    assert process.returncode == 143, output[-3000:]
    assert "stopped" in output
    return output


@pytest.mark.slow
@pytest.mark.parametrize(
    "stopped_when",
    # Right after start (the temporary Prefect server is starting), and in the middle of a
    # cycle, where Prefect's engine holds SIGTERM: both end as a stop, not a crash.
    ["Starting", "Beginning flow run"],
)
def test_sigterm_stops_the_loop_promptly_and_leaves_no_child_process(
    stopped_when: str, store, database_url: str, hanging_tws: str, tmp_path: Path
) -> None:
    process = resync_flows(
        "poll", "--interval", "30", env=poll_env(database_url, hanging_tws, tmp_path)
    )
    assert process.stderr is not None
    stderr = lines_read_aside(process.stderr)
    deadline = time.monotonic() + 120
    children: list[psutil.Process] = []
    while not (children and (stopped_when == "Starting" or stopped_when in "".join(stderr))):
        assert time.monotonic() < deadline and process.poll() is None, "".join(stderr)[-3000:]
        children = children or children_of(process.pid)
        time.sleep(0.1)
    time.sleep(1)  # the server is starting, or the cycle waits on the hanging TWS

    output = stop_with_sigterm(process, stderr)
    assert "Traceback" not in output, output[-3000:]
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"left behind: {[p.cmdline() for p in alive]}"


@pytest.mark.slow
def test_sigkill_leaves_no_temporary_prefect_server_behind(
    store, database_url: str, hanging_tws: str, tmp_path: Path
) -> None:
    process = resync_flows(
        "poll", "--interval", "30", env=poll_env(database_url, hanging_tws, tmp_path)
    )
    deadline = time.monotonic() + 120
    children: list[psutil.Process] = []
    while not children and time.monotonic() < deadline and process.poll() is None:
        children = children_of(process.pid)
        time.sleep(0.2)
    assert children
    process.kill()
    process.wait(timeout=10)
    _, alive = psutil.wait_procs(children, timeout=15)
    assert not alive, f"left behind: {[p.cmdline() for p in alive]}"


@pytest.mark.parametrize("value", ["inf", "1e308", "nan", "0", "-5", "86401"])
def test_interval_that_is_not_a_usable_number_of_seconds_is_refused(value: str) -> None:
    result = runner.invoke(app, ["poll", "--once", "--interval", value], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "poll interval must be a number of seconds" in result.output


def test_interval_from_the_environment_is_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESYNC_POLL_INTERVAL_SECONDS", "inf")
    result = runner.invoke(app, ["poll", "--once"], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "poll interval must be a number of seconds" in result.output

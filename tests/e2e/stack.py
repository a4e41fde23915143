"""A real, local Prefect stack for end-to-end tests and benchmarks.

``prefect server start`` (SQLite in a temporary ``PREFECT_HOME``), ``prefect deploy --all`` on
the repository's ``prefect.yaml``, and process workers, each a subprocess of its own, exactly
as an operator runs them. Every process is stopped with its children on exit; their output
goes to log files under the home directory (printed by the tests when something fails).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_STARTUP_SECONDS = 180.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prefect_environment(home: Path, api_url: str | None = None) -> dict[str, str]:
    """The environment of every Prefect process of the stack: private home, no telemetry."""
    env = {
        name: value
        for name, value in os.environ.items()
        # The outer session's Prefect and resync settings must not leak into the stack.
        if not name.startswith(("PREFECT_", "RESYNC_"))
    }
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_UI_ENABLED="false",
        PREFECT_CLI_PROMPT="false",
        PREFECT_LOGGING_LEVEL="INFO",
        LITELLM_LOCAL_MODEL_COST_MAP="True",
        PYTHONUNBUFFERED="1",
    )
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def stop_process_tree(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """Terminate ``process`` and every process it started (flow runs of a worker...)."""
    if process.poll() is not None:
        return
    try:
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(True)]
    except psutil.NoSuchProcess:
        tree = []
    for member in reversed(tree):
        with contextlib.suppress(psutil.NoSuchProcess):
            member.terminate()
    _gone, alive = psutil.wait_procs(tree, timeout=timeout)
    for member in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.kill()
    psutil.wait_procs(alive, timeout=5)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


@contextlib.contextmanager
def started_process(
    command: list[str], env: Mapping[str, str], log_path: Path, cwd: Path = REPO_ROOT
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` for the ``with`` block, output to ``log_path``; stop its tree after."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            stop_process_tree(process)


@dataclass(frozen=True)
class PrefectStack:
    """A running Prefect server: its API URL, home directory and process environment."""

    api_url: str
    home: Path

    @property
    def env(self) -> dict[str, str]:
        return prefect_environment(self.home, self.api_url)

    def logs(self) -> str:
        """The tail of every log file of the stack (for failure messages)."""
        parts = []
        for path in sorted(self.home.glob("*.log")):
            text = path.read_text(errors="replace")
            parts.append(f"----- {path.name} -----\n{text[-6000:]}")
        return "\n".join(parts)


@contextlib.contextmanager
def prefect_server(home: Path, *, scheduler: bool = True) -> Iterator[PrefectStack]:
    """``prefect server start`` on a free loopback port until its ``/api/health`` answers.

    ``scheduler=False`` keeps schedules from creating runs (tests that start runs themselves).
    """
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    command = [
        sys.executable, "-m", "prefect", "server", "start",
        "--host", "127.0.0.1", "--port", str(port), "--no-ui", "--analytics-off",
        "--scheduler" if scheduler else "--no-scheduler",
    ]  # fmt: skip
    stack = PrefectStack(api_url, home)
    with started_process(command, prefect_environment(home), home / "server.log") as server:
        deadline = time.monotonic() + SERVER_STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"prefect server exited early:\n{stack.logs()}")
            try:
                if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"prefect server did not answer in time:\n{stack.logs()}")
            time.sleep(0.25)
        yield stack


def run_prefect_cli(stack: PrefectStack, *args: str, timeout: float = 300) -> str:
    """Run ``prefect <args>`` from the repository root against the stack; its output."""
    result = subprocess.run(
        [sys.executable, "-m", "prefect", *args],
        cwd=REPO_ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"prefect {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result.stdout


def prepare_and_deploy(stack: PrefectStack) -> str:
    """``python -m deployments.setup`` then ``prefect deploy --all``, as the docs say."""
    setup = subprocess.run(
        [sys.executable, "-m", "deployments.setup"],
        cwd=REPO_ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if setup.returncode != 0:
        raise RuntimeError(f"deployments.setup failed:\n{setup.stdout}\n{setup.stderr}")
    return run_prefect_cli(stack, "--no-prompt", "deploy", "--all")


@contextlib.contextmanager
def process_worker(
    stack: PrefectStack,
    pool: str,
    resync_env: Mapping[str, str],
    *,
    name: str = "worker",
    query_seconds: float = 1.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """``prefect worker start --pool <pool>``; its flow runs inherit ``resync_env``."""
    env = {
        **stack.env,
        **resync_env,
        # Pick up triggered runs within a second (the default polls every 10 s).
        "PREFECT_WORKER_QUERY_SECONDS": str(query_seconds),
        "PREFECT_WORKER_PREFETCH_SECONDS": "5",
    }
    command = [
        sys.executable, "-m", "prefect", "worker", "start",
        "--pool", pool, "--type", "process", "--name", name,
    ]  # fmt: skip
    with started_process(command, env, stack.home / f"{name}.log") as worker:
        yield worker


@contextlib.contextmanager
def using_api(api_url: str) -> Iterator[None]:
    """Point this process's Prefect client at ``api_url`` for the block.

    Prefect keeps one events worker and one log worker per process; one created inside the
    block keeps sending to ``api_url`` after it, so both are drained (with a bound) before the
    block ends and are created afresh, for the session's own API, on next use.
    """
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}):
        try:
            yield
        finally:
            # drain_all only waits when no event loop runs in the calling thread (with one,
            # it returns a coroutine): drain from a thread of its own.
            def drain() -> None:
                EventsWorker.drain_all(timeout=30)
                APILogWorker.drain_all(timeout=30)

            drainer = threading.Thread(target=drain, name="drain-prefect-workers")
            drainer.start()
            drainer.join(timeout=70)

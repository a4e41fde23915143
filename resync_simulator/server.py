"""Run the simulator as a real HTTP server on loopback: in a background thread or a subprocess.

::

    with run_simulator(SimulatorConfig(seed=7, scenario="small")) as sim:
        httpx.get(sim.base_url + "/twsd/api/v2/plan/job", auth=sim.basic_auth)
        sim.engine.advance(600)          # direct access to the simulated enterprise

    with run_simulator_process(SimulatorConfig(scenario="large")) as sim:
        ...                              # same handle without ``engine``: its own process
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import uvicorn

from resync_simulator.config import SCENARIOS, FaultConfig, SimulatorConfig
from resync_simulator.engine import SimulationEngine

__all__ = [
    "SCENARIOS",
    "RunningSimulator",
    "SimulatorConfig",
    "build_app",
    "run_simulator",
    "run_simulator_process",
    "serve_forever",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunningSimulator:
    """A running simulator. ``engine`` is None when it runs in another process."""

    base_url: str
    config: SimulatorConfig
    engine: SimulationEngine | None

    @property
    def api_url(self) -> str:
        """``base_url + "/twsd/api/v2"``."""
        return self.base_url + "/twsd/api/v2"

    @property
    def basic_auth(self) -> tuple[str, str]:
        """(username, password) of the first configured user (full rights by default)."""
        user = self.config.users[0]
        return user.username, user.password

    @property
    def api_key(self) -> str:
        return self.config.api_keys[0].token

    def auth_headers(self) -> dict[str, str]:
        """``Authorization: Bearer <api key>``, for clients that take headers."""
        return {"Authorization": f"Bearer {self.api_key}"}

    def set_faults(self, faults: FaultConfig | None = None, **changes: object) -> None:
        """Replace the active faults over HTTP (``set_faults(error_rate=1.0)``); no argument
        clears them."""
        body = (faults or FaultConfig(**changes)).model_dump()
        response = httpx.put(self.base_url + "/sim/faults", json=body, auth=self.basic_auth)
        response.raise_for_status()

    def clear_faults(self) -> None:
        httpx.delete(self.base_url + "/sim/faults", auth=self.basic_auth).raise_for_status()

    def advance(self, seconds: float) -> None:
        """Move the simulated clock forward (over HTTP, so it works for subprocesses too)."""
        httpx.post(
            self.base_url + "/sim/clock/advance", json={"seconds": seconds}, auth=self.basic_auth
        ).raise_for_status()


def _free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def build_app(config: SimulatorConfig) -> tuple[SimulationEngine, object]:
    """The engine and the ASGI app for ``config`` (for embedding in another server)."""
    from resync_simulator.app import create_app

    engine = SimulationEngine(config)
    return engine, create_app(engine)


def _uvicorn_config(app: object, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_keep_alive=30,
        timeout_graceful_shutdown=1,
    )


@contextlib.contextmanager
def run_simulator(
    config: SimulatorConfig | None = None, host: str = "127.0.0.1", port: int | None = None
) -> Iterator[RunningSimulator]:
    """Serve the simulator in a background thread for the duration of the ``with`` block."""
    config = config or SimulatorConfig()
    engine, app = build_app(config)
    port = port or _free_port(host)
    server = uvicorn.Server(_uvicorn_config(app, host, port))
    thread = threading.Thread(target=server.run, name=f"tws-simulator:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the TWS simulator did not start on {host}:{port}")
        time.sleep(0.01)
    try:
        yield RunningSimulator(f"http://{host}:{port}", config, engine)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def serve_forever(config: SimulatorConfig, host: str = "127.0.0.1", port: int = 31116) -> None:
    """Serve in the foreground until interrupted (what ``resync-flows simulator`` runs)."""
    _engine, app = build_app(config)
    uvicorn.Server(_uvicorn_config(app, host, port)).run()


@contextlib.contextmanager
def run_simulator_process(
    config: SimulatorConfig | None = None, host: str = "127.0.0.1", startup_timeout: float = 120
) -> Iterator[RunningSimulator]:
    """Serve the simulator in a child process (own CPU, own GIL: for benchmarks)."""
    config = config or SimulatorConfig()
    port = _free_port(host)
    child = "from resync_simulator.server import _main; _main()"
    command = [sys.executable, "-c", child, host, str(port)]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdin is not None
    process.stdin.write(config.model_dump_json().encode())
    process.stdin.close()
    base_url = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the simulator process exited with {process.returncode}")
            try:
                user = config.users[0]
                httpx.get(base_url + "/sim/status", auth=(user.username, user.password),
                          timeout=2).raise_for_status()  # fmt: skip
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the simulator process did not start in time") from None
                time.sleep(0.1)
        yield RunningSimulator(base_url, config, None)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _main() -> None:
    # Child side of run_simulator_process: config as JSON on stdin, host and port as arguments.
    host, port = sys.argv[-2], int(sys.argv[-1])
    config = SimulatorConfig.model_validate(json.loads(sys.stdin.read()))
    serve_forever(config, host, port)


if __name__ == "__main__":
    _main()

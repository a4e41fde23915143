"""A temporary Prefect API server for a long-running command, tied to this process's life.

Prefect starts such a server itself when no ``PREFECT_API_URL`` is set, but only stops it at a
normal interpreter exit: a SIGKILL (or an unhandled SIGTERM) leaves it running, orphaned. This
one is started the same way (uvicorn running Prefect's app on a free loopback port) with the
kernel told to end it when its parent dies (Linux ``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

_PR_SET_PDEATHSIG = 1
_APP = "prefect.server.api.server:create_app"


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrefectServer:
    """``with PrefectServer() as server:`` runs a private Prefect API at ``server.api_url``."""

    def __init__(self, startup_timeout_seconds: float = 90.0) -> None:
        self.startup_timeout_seconds = startup_timeout_seconds
        self.process: subprocess.Popen[bytes] | None = None
        self.api_url = ""
        self.ready = False

    def __enter__(self) -> PrefectServer:
        import prefect

        port = _free_port()
        self.api_url = f"http://127.0.0.1:{port}/api"
        env = {
            **os.environ,
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
        }
        command = [sys.executable, "-m", "uvicorn", "--factory", _APP, "--port", str(port)]
        command += ["--app-dir", str(Path(prefect.__file__).parent.parent)]
        command += ["--host", "127.0.0.1", "--log-level", "error", "--lifespan", "on"]
        self.process = subprocess.Popen(
            command,
            env=env,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        try:
            self._wait_ready()
            self.ready = True
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout_seconds
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"the temporary Prefect server exited with code {self.process.returncode}"
                    )
                try:
                    if client.get(f"{self.api_url}/health").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        raise RuntimeError(
            f"the temporary Prefect server did not start in {self.startup_timeout_seconds:g} s"
        )

    def stop(self) -> None:
        """Terminate the server and wait for it (idempotent). One still starting (a stop
        signal during start-up) holds nothing yet and would not stop before it is up: killed."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        if not self.ready:
            process.kill()
            process.wait()
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

"""Prism mock servers of the TWS spec, and a recording proxy in front of them.

The proxy sees every request the client (or the poller's process) sends and every answer
Prism gives, with Prism's own verdicts: the ``sl-violations`` header lists where a request
broke the spec (``location[0] == "request"``) and where Prism's generated answer did
(``"response"``). It can also add a ``Prefer: code=N`` header to every request, which is how
Prism is asked for an error answer without touching the client.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO

import httpx

# Bodies are kept this far: enough to compare a joblog or count a page's runs.
BODY_KEEP_BYTES = 4 * 1024 * 1024
# Hop-by-hop headers are the proxy's own business, not forwarded.
_HOP_HEADERS = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "date"}
)


def free_port() -> int:
    """A TCP port on loopback that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrismMock:
    """One ``prism mock`` process on a free loopback port; ``start`` then ``wait_ready``."""

    def __init__(self, prism: Path, spec: Path, args: tuple[str, ...], log_dir: Path) -> None:
        self.prism = prism
        self.spec = spec
        self.args = args
        self.port = free_port()
        self.log_path = log_dir / f"prism-{self.port}.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._log = self.log_path.open("wb")
        command = [str(self.prism), "mock", str(self.spec), "-h", "127.0.0.1"]
        command += ["-p", str(self.port), *self.args]
        self._process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 180.0) -> None:
        """Wait until Prism says it listens; raises ``RuntimeError`` with its log tail if not."""
        assert self._process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            if b"Prism is listening" in self.log_path.read_bytes():
                return
            time.sleep(0.3)
        tail = self.log_path.read_bytes()[-2000:].decode("utf-8", "replace")
        self.stop()
        raise RuntimeError(f"prism mock {' '.join(self.args)} did not start:\n{tail}")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            # Prism forks nothing by default, but kill its session to be sure (our own child).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, 15)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, 9)
                self._process.wait(timeout=10)
        self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None


@dataclass
class Exchange:
    """One request through the proxy and Prism's answer."""

    seq: int
    method: str
    path: str
    query: str
    accept: str | None
    content_type: str | None
    request_body: bytes
    status: int
    response_type: str | None
    body: bytes
    request_violations: list[str] = field(default_factory=list)
    response_violations: list[str] = field(default_factory=list)
    # Body paths Prism says break the spec, e.g. results.0.jobruns.0.timeInfo.elapsedTime.
    violated_fields: list[str] = field(default_factory=list)
    prism_error: str | None = None  # Prism's problem+json "type" suffix, e.g. NOT_ACCEPTABLE

    def describe(self) -> str:
        target = f"{self.method} {self.path}" + (f"?{self.query}" if self.query else "")
        return f"{target} -> {self.status}"


_VIOLATION = re.compile(r'\{"location":\[([^\]]*)\].*?"message":"((?:[^"\\]|\\.)*)"')


def _violations(header: str | None) -> tuple[list[str], list[str], list[str]]:
    """Request violations, response violations, and the body paths they name.

    Read item by item with a pattern, not as JSON: past a few dozen items Prism sends
    ``Too many violations! [...]`` with the list cut short.
    """
    if not header:
        return [], [], []
    request, response, fields = [], [], []
    for location_text, message in _VIOLATION.findall(header):
        location = [part.strip('"') for part in location_text.split(",")]
        if location[0] == "request":
            request.append(message)
        else:
            response.append(message)
            fields.append(".".join(location[2:]))  # e.g. results.0.jobruns.0.timeInfo.elapsedTime
    return request, response, list(dict.fromkeys(fields))


_PAGED = ("/plan/job", "/plan/workstation")


def _single_page(content: bytes) -> bytes:
    try:
        page = json.loads(content)
    except ValueError:
        return content
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        return content
    page["count"] = len(page["results"])
    page.pop("next", None)
    page.pop("previous", None)
    return json.dumps(page).encode()


class RecordingProxy:
    """An HTTP proxy on a free loopback port that forwards to one Prism and records traffic.

    ``prefer`` (e.g. ``"code=404"``) is added as a ``Prefer`` header to every request.
    ``fix_paging`` rewrites each 2xx page of ``/plan/job`` and ``/plan/workstation`` to say
    it is the only one (``count`` = its results, no ``next``): Prism ignores ``offset`` and
    invents counts, which stops any client at the first page, so without it the poller's
    later steps (joblogs, storage) are never reached. The rewritten body is what is recorded.
    Change these between modes; read traffic with ``mark``/``since``.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.target: str | None = None
        self.prefer: str | None = None
        self.fix_paging = False
        self._lock = threading.Lock()
        self._exchanges: list[Exchange] = []
        self._http = httpx.Client(timeout=httpx.Timeout(60.0), follow_redirects=False)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

            def _forward(self) -> None:
                proxy._forward(self)

            do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()

    def mark(self) -> int:
        with self._lock:
            return len(self._exchanges)

    def since(self, mark: int) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges[mark:])

    def _forward(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        path, _, query = handler.path.partition("?")
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_HEADERS}
        if self.prefer:
            headers["Prefer"] = self.prefer
        status, response_headers, content = 502, {}, b"probe proxy: no mock target"
        if self.target is not None:
            try:
                response = self._http.request(
                    handler.command, self.target + handler.path, headers=headers, content=body
                )
                status, response_headers, content = (
                    response.status_code,
                    dict(response.headers),
                    response.content,
                )
            except httpx.HTTPError as exc:
                content = f"probe proxy: mock unreachable: {exc}".encode()
        if self.fix_paging and 200 <= status < 300 and path.endswith(_PAGED):
            content = _single_page(content)
        lowered = {k.lower(): v for k, v in response_headers.items()}
        request_violations, response_violations, violated = _violations(
            lowered.get("sl-violations")
        )
        prism_error = None
        if lowered.get("content-type", "").startswith("application/problem+json"):
            try:
                prism_error = str(json.loads(content).get("type", "")).rpartition("#")[2] or None
            except ValueError:
                prism_error = None
        with self._lock:
            self._exchanges.append(
                Exchange(
                    seq=len(self._exchanges),
                    method=handler.command,
                    path=path,
                    query=query,
                    accept=handler.headers.get("Accept"),
                    content_type=handler.headers.get("Content-Type"),
                    request_body=body[:2000],
                    status=status,
                    response_type=lowered.get("content-type"),
                    body=content[:BODY_KEEP_BYTES],
                    request_violations=request_violations,
                    response_violations=response_violations,
                    violated_fields=violated,
                    prism_error=prism_error,
                )
            )
        handler.send_response(status)
        for name, value in response_headers.items():
            if name.lower() not in _HOP_HEADERS and name.lower() != "content-encoding":
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(content)

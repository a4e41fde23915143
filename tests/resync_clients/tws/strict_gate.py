"""A spec-strict, optionally misbehaving HTTP gate in front of the real TWS simulator.

``Gate`` is a small ASGI app served by uvicorn on loopback (``serve_gate``). By default it
forwards every request to the simulator unchanged, except that it negotiates media types the
way a strict JAX-RS server does: a request whose ``Accept`` does not cover what the operation
produces in the API spec (joblogs ``text/plain``, everything else ``application/json``) gets
HTTP 406. Tests then switch on one misbehaviour at a time (ignore ``offset``, repeat a page,
rewrite page JSON, answer scripted statuses) and read ``requests`` to count what was sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import orjson
import uvicorn

Scope = MutableMapping[str, Any]
_FORWARDED = ("authorization", "accept", "content-type", "include-count", "user-agent")


def accepts(accept: str | None, produced: str) -> bool:
    """True when the ``Accept`` header covers the ``produced`` media type (q > 0)."""
    if not accept:
        return True
    kind, _, sub = produced.partition(";")[0].strip().lower().partition("/")
    for item in accept.split(","):
        media, *params = (part.strip().lower() for part in item.split(";"))
        if any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params):
            continue
        want_kind, _, want_sub = media.partition("/")
        if want_kind in ("*", kind) and want_sub in ("*", sub):
            return True
    return False


@dataclass
class Gate:
    """The gate's behaviour; change its fields between requests (one test at a time)."""

    upstream: str
    joblog_media_type: str = "text/plain; charset=utf-8"
    json_media_type: str = "application/json"
    ignore_offset: bool = False
    # Requested offset -> offset actually served (a page served twice, or shifted).
    serve_offset_instead: dict[int, int] = field(default_factory=dict)
    rewrite_page: Callable[[dict[str, Any]], None] | None = None
    # Statuses answered (with a TWS-like messages body) before anything is forwarded.
    scripted_statuses: list[int] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    _http: httpx.AsyncClient | None = None

    def requests_to(self, suffix: str) -> list[dict[str, str]]:
        return [query for _, path, query in self.requests if path.endswith(suffix)]

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        path: str = scope["path"]
        query = dict(parse_qsl(scope["query_string"].decode(), keep_blank_values=True))
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.requests.append((scope["method"], path, dict(query)))

        if self.scripted_statuses:
            status = self.scripted_statuses.pop(0)
            await _answer(send, status, _messages(f"AWSGTE{status}E scripted answer"))
            return
        produced = self.joblog_media_type if path.endswith("/joblog") else self.json_media_type
        if not accepts(headers.get("accept"), produced):
            text = f"AWSGTE406E Not acceptable: this operation produces {produced}"
            await _answer(send, 406, _messages(text))
            return

        if path.endswith("/plan/job") and scope["method"] == "GET":
            offset = int(query.get("offset", 0))
            if self.ignore_offset:
                query.pop("offset", None)
            elif offset in self.serve_offset_instead:
                query["offset"] = str(self.serve_offset_instead.pop(offset))

        if self._http is None:
            self._http = httpx.AsyncClient(base_url=self.upstream, timeout=30.0)
        upstream = await self._http.request(
            scope["method"],
            path + ("?" + urlencode(query) if query else ""),
            content=body,
            headers={k: v for k, v in headers.items() if k in _FORWARDED},
        )
        content = upstream.content
        if self.rewrite_page is not None and path.endswith("/plan/job") and upstream.is_success:
            page = orjson.loads(content)
            self.rewrite_page(page)
            content = orjson.dumps(page)
        kept = [
            (name.encode(), value.encode())
            for name, value in upstream.headers.items()
            if name.lower() in ("content-type", "retry-after")
        ]
        await _answer(send, upstream.status_code, content, kept)


_JSON_HEADERS = [(b"content-type", b"application/json")]


def _messages(text: str) -> bytes:
    return orjson.dumps({"messages": [text]})


async def _answer(
    send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]] = _JSON_HEADERS
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", b"%d" % len(body))],
        }
    )
    await send({"type": "http.response.body", "body": body})


@contextmanager
def serve_asgi(
    app: Any, *, ssl_certfile: str | None = None, ssl_keyfile: str | None = None
) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread (HTTPS when given a certificate and
    key); yields its base URL."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,  # a request left hanging on purpose must not hold it
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "loopback server did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"{'https' if ssl_certfile else 'http'}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)

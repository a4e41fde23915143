"""Fault injection for ``/twsd`` requests: errors, latency, hangs, 429, broken bodies, resets.

:class:`FaultInjector` is a plain ASGI middleware so it can do what a well-behaved framework
response cannot: drop the connection halfway through a body.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from resync_simulator.config import FaultConfig

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class FaultState:
    """The active :class:`FaultConfig` plus the seeded random source deciding each request."""

    def __init__(self, faults: FaultConfig, seed: int) -> None:
        self._lock = threading.Lock()
        self._faults = faults
        self._fail_next = faults.fail_next
        self._rate_limit_next = faults.rate_limit_next
        self._rng = random.Random(seed * 104_729 + 17)

    @property
    def faults(self) -> FaultConfig:
        return self._faults

    def set(self, faults: FaultConfig) -> None:
        with self._lock:
            self._faults = faults
            self._fail_next = faults.fail_next
            self._rate_limit_next = faults.rate_limit_next

    def decide(self, path: str) -> str | None:
        """The fault for this request: error, rate_limit, timeout, reset, malformed,
        truncate, or None."""
        with self._lock:
            f = self._faults
            if self._fail_next > 0:
                self._fail_next -= 1
                return "error"
            if self._rate_limit_next > 0:
                self._rate_limit_next -= 1
                return "rate_limit"
            draw = self._rng.random
            if f.timeout_rate and draw() < f.timeout_rate:
                return "timeout"
            if f.reset_rate and draw() < f.reset_rate:
                return "reset"
            if f.error_rate and draw() < f.error_rate:
                return "error"
            if f.rate_limit_rate and draw() < f.rate_limit_rate:
                return "rate_limit"
            if path.endswith("/joblog"):
                if f.truncate_joblog_rate and draw() < f.truncate_joblog_rate:
                    return "truncate"
            elif f.malformed_json_rate and draw() < f.malformed_json_rate:
                return "malformed"
            return None


async def _send_json(send: Send, status: int, body: dict[str, Any], headers: list) -> None:
    data = orjson.dumps(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


class FaultInjector:
    """ASGI middleware applying :class:`FaultState` to requests under ``/twsd``."""

    def __init__(self, app: ASGIApp, state: FaultState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/twsd"):
            await self.app(scope, receive, send)
            return
        faults = self.state.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        fault = self.state.decide(scope["path"])
        if fault == "timeout":
            await asyncio.sleep(faults.hang_seconds)
            await _send_json(send, 504, {"messages": ["AWSBIO504E Gateway timeout."]}, [])
            return
        if fault == "error":
            status = faults.error_status
            message = f"AWSBIO{status}E The server could not process the request (simulated)."
            await _send_json(send, status, {"messages": [message]}, [])
            return
        if fault == "rate_limit":
            retry = str(faults.retry_after_seconds).encode()
            await _send_json(send, 429, {"messages": ["AWSBIO429W Too many requests."]},
                             [(b"retry-after", retry)])  # fmt: skip
            return
        if fault in ("reset", "malformed", "truncate"):
            await self._mangle(scope, receive, send, fault)
            return
        await self.app(scope, receive, send)

    async def _mangle(self, scope: Scope, receive: Receive, send: Send, fault: str) -> None:
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if fault == "reset":
            # Promise the full length, deliver half, then give up: the peer sees the
            # connection close mid-body.
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body[: len(body) // 2],
                        "more_body": True})  # fmt: skip
            raise ConnectionResetError("simulated connection reset")
        cut = body[: max(1, len(body) // 2)] if fault == "truncate" else body[: len(body) // 3]
        headers.append((b"content-length", str(len(cut)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": cut})

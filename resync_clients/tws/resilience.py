"""Retry timing and a circuit breaker for calls to TWS.

Pure mechanics with no I/O, so they are easy to test with a fake clock:

- ``RetryPolicy`` (the adapters' one retry policy type, from ``resync_clients.retries``) says
  how many attempts, how long to back off and how long a call may spend retrying in total.
- ``parse_retry_after`` reads an HTTP ``Retry-After`` header (seconds or an HTTP date).
- ``CircuitBreaker`` stops sending calls after repeated failures and lets one trial call
  through after a cool-down (closed → open → half-open → closed).

One breaker serves every task run of a process (``tasks.resources``), whatever thread or
event loop the run uses, so its methods take a lock (held for a few attribute updates only).
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from resync_clients.retries import RetryPolicy as RetryPolicy
from resync_clients.tws.errors import CircuitOpenError


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: ``"120"`` or an HTTP date; else ``None``.

    A date in the past gives 0. Unparseable values give ``None`` (fall back to backoff).
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class CircuitState(enum.StrEnum):
    """Where the breaker stands; ``str`` values so a health report can print them."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Stops calls to a failing service and probes it again after a cool-down.

    - closed: calls go through; ``failure_threshold`` consecutive failures open the circuit.
    - open: calls fail fast with ``CircuitOpenError`` until ``reset_timeout_seconds`` passed.
    - half-open: one trial call goes through (others still fail fast); its success closes the
      circuit, its failure opens it again for another ``reset_timeout_seconds``.

    Callers wrap each attempt: ``before_call()`` then ``record_success()`` or
    ``record_failure()``. Only "the service is unwell" outcomes (transport errors, 5xx, 429)
    should count as failures; a 404 is a healthy answer.
    """

    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        reset_timeout_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.failure_threshold = failure_threshold
        self.reset_timeout_seconds = reset_timeout_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._state = CircuitState.CLOSED
        self._consecutive_failures = 0
        self._opened_at = 0.0
        self._trial_in_flight = False

    @property
    def state(self) -> CircuitState:
        """The current state; an open circuit whose cool-down has passed reads as half-open."""
        with self._lock:
            return self._current()

    def _current(self) -> CircuitState:
        if (
            self._state is CircuitState.OPEN
            and self._clock() - self._opened_at >= self.reset_timeout_seconds
        ):
            return CircuitState.HALF_OPEN
        return self._state

    @property
    def consecutive_failures(self) -> int:
        return self._consecutive_failures

    def before_call(self) -> None:
        """Let a call through or raise ``CircuitOpenError`` (fail fast, nothing sent)."""
        with self._lock:
            state = self._current()
            if state is CircuitState.CLOSED:
                return
            if state is CircuitState.HALF_OPEN and not self._trial_in_flight:
                self._state = CircuitState.HALF_OPEN
                self._trial_in_flight = True
                return
            failures = self._consecutive_failures
            remaining = max(0.0, self._opened_at + self.reset_timeout_seconds - self._clock())
        raise CircuitOpenError(
            f"TWS circuit is {state.value} after {failures} consecutive "
            f"failures; next trial call in {remaining:.1f}s",
            retry_after_seconds=remaining,
        )

    def record_success(self) -> None:
        with self._lock:
            self._state = CircuitState.CLOSED
            self._consecutive_failures = 0
            self._trial_in_flight = False

    def record_failure(self) -> None:
        with self._lock:
            self._consecutive_failures += 1
            if (
                self._state is CircuitState.HALF_OPEN
                or self._consecutive_failures >= self.failure_threshold
            ):
                self._state = CircuitState.OPEN
                self._opened_at = self._clock()
            self._trial_in_flight = False

    def release_trial(self) -> None:
        """Give back a half-open trial slot when the call ended without a verdict (cancelled)."""
        with self._lock:
            self._trial_in_flight = False

"""Retry timing and a circuit breaker for calls to TWS.

Pure mechanics with no I/O, so they are easy to test with a fake clock:

- ``RetryPolicy`` says how many attempts, how long to back off (exponential with full jitter,
  as in the AWS architecture blog's "Exponential Backoff And Jitter") and how long a call may
  spend retrying in total, so a flow never hangs on a sick TWS.
- ``parse_retry_after`` reads an HTTP ``Retry-After`` header (seconds or an HTTP date).
- ``CircuitBreaker`` stops sending calls after repeated failures and lets one trial call
  through after a cool-down (closed → open → half-open → closed).

All of it runs on one event loop: the breaker has no awaits inside its methods, so it needs
no lock.
"""

from __future__ import annotations

import enum
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from resync_clients.tws.errors import CircuitOpenError


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a failing call is retried.

    ``max_attempts`` counts the first try. ``base_delay_seconds`` doubles per attempt up to
    ``max_delay_seconds``; the actual sleep is uniform in [0, that] (full jitter) so many
    clients do not retry in lockstep. A server's ``Retry-After`` wins over the computed delay
    but is capped at ``max_retry_after_seconds``. No sleep is started that would end after
    ``max_total_seconds`` from the first attempt: the call gives up instead.
    """

    max_attempts: int = 4
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 10.0
    max_retry_after_seconds: float = 60.0
    max_total_seconds: float = 120.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if min(self.base_delay_seconds, self.max_delay_seconds, self.max_total_seconds) < 0:
            raise ValueError("retry delays must not be negative")

    def backoff_seconds(self, retry_number: int, rng: random.Random | None = None) -> float:
        """Sleep before retry ``retry_number`` (1 for the first retry), with full jitter."""
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2 ** (retry_number - 1))
        return (rng or random).uniform(0.0, ceiling)

    def delay_seconds(
        self, retry_number: int, retry_after: float | None, rng: random.Random | None = None
    ) -> float:
        """The sleep before the next attempt, honouring a server's ``Retry-After`` (capped)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after_seconds)
        return self.backoff_seconds(retry_number, rng)


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
        self._state = CircuitState.CLOSED
        self._consecutive_failures = 0
        self._opened_at = 0.0
        self._trial_in_flight = False

    @property
    def state(self) -> CircuitState:
        """The current state; an open circuit whose cool-down has passed reads as half-open."""
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
        state = self.state
        if state is CircuitState.CLOSED:
            return
        if state is CircuitState.HALF_OPEN and not self._trial_in_flight:
            self._state = CircuitState.HALF_OPEN
            self._trial_in_flight = True
            return
        remaining = max(0.0, self._opened_at + self.reset_timeout_seconds - self._clock())
        raise CircuitOpenError(
            f"TWS circuit is {state.value} after {self._consecutive_failures} consecutive "
            f"failures; next trial call in {remaining:.1f}s",
            retry_after_seconds=remaining,
        )

    def record_success(self) -> None:
        self._state = CircuitState.CLOSED
        self._consecutive_failures = 0
        self._trial_in_flight = False

    def record_failure(self) -> None:
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
        self._trial_in_flight = False

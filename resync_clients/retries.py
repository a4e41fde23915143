"""The one retry mechanism of the adapters: every call to an outside system retries through here.

Built on tenacity (a well-kept library) with the project's rules on top:

- ``RetryPolicy`` says how many attempts, how long to back off (exponential with full jitter,
  as in the AWS architecture blog's "Exponential Backoff And Jitter") and how long one call may
  spend in all, so a flow never hangs on a sick service.
- ``retrying`` builds the tenacity controller for one call: only errors the adapter calls
  retryable are retried; a server's ``Retry-After`` (when the adapter reads one) wins over the
  backoff, capped; no sleep starts that would end after the call's budget or after the
  caller's deadline. When it gives up it calls the adapter's ``give_up`` with the reason, so
  each adapter raises its own typed error.

Each outside system has one policy (the TWS client's ``TWSClientConfig.retry``, the LLM's
``LLMConfig.retry_policy``) and nothing stacks another retry loop on top of it.
"""

from __future__ import annotations

import asyncio
import enum
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import tenacity

__all__ = ["GiveUp", "RetryPolicy", "retrying"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a failing call is retried.

    ``max_attempts`` counts the first try. ``base_delay_seconds`` doubles per attempt up to
    ``max_delay_seconds``; the actual sleep is uniform in [0, that] (full jitter) so many
    clients do not retry in lockstep. A server's ``Retry-After`` wins over the computed delay
    but is capped at ``max_retry_after_seconds``. No sleep is started that would leave less than
    ``min_attempt_seconds`` of ``max_total_seconds`` (counted from the first attempt): the call
    gives up instead.
    """

    max_attempts: int = 4
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 10.0
    max_retry_after_seconds: float = 60.0
    max_total_seconds: float = 120.0
    min_attempt_seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if (
            min(
                self.base_delay_seconds,
                self.max_delay_seconds,
                self.max_total_seconds,
                self.min_attempt_seconds,
            )
            < 0
        ):
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


class GiveUp(enum.StrEnum):
    """Why a call stopped retrying a retryable failure."""

    ATTEMPTS = "attempts"  # the policy's attempts are spent
    BUDGET = "budget"  # the next sleep would overrun the policy's total time
    DEADLINE = "deadline"  # the next sleep would end after the caller's deadline


def retrying(
    policy: RetryPolicy,
    *,
    retryable: Callable[[BaseException], bool],
    give_up: Callable[[BaseException, GiveUp, int, float], NoReturn],
    retry_after: Callable[[BaseException], float | None] = lambda exc: None,
    deadline: Callable[[], float | None] = lambda: None,
    on_retry: Callable[[BaseException, int, float], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Any] | None = None,
    rng: random.Random | None = None,
    asynchronous: bool = False,
) -> tenacity.BaseRetrying:
    """The tenacity controller of one call under ``policy``; build one per call.

    - ``retryable(exc)``: whether the failure may be retried (anything else propagates as is).
    - ``retry_after(exc)``: seconds the server asked to wait, or None for the backoff.
    - ``deadline()``: the caller's ``clock()`` instant no retry may outlive, or None.
    - ``on_retry(exc, attempt, delay)``: called before each sleep (log it there).
    - ``give_up(exc, reason, attempts, elapsed)``: must raise the adapter's final error.

    ``clock`` and ``sleep`` default to ``time.monotonic`` and ``time.sleep`` /
    ``asyncio.sleep`` (``asynchronous=True`` gives a ``tenacity.AsyncRetrying``). Use as
    ``controller(fn, *args)`` (awaited when asynchronous).
    """
    started = clock()
    reason: GiveUp | None = None

    def wait(state: tenacity.RetryCallState) -> float:
        return policy.delay_seconds(state.attempt_number, retry_after(_failure(state)), rng)

    def stop(state: tenacity.RetryCallState) -> bool:
        nonlocal reason
        now = clock()
        delay = state.upcoming_sleep
        if state.attempt_number >= policy.max_attempts:
            reason = GiveUp.ATTEMPTS
        elif now - started + delay + policy.min_attempt_seconds > policy.max_total_seconds:
            reason = GiveUp.BUDGET
        elif (until := deadline()) is not None and now + delay >= until:
            reason = GiveUp.DEADLINE
        else:
            reason = None
        return reason is not None

    def stopped(state: tenacity.RetryCallState) -> NoReturn:
        assert reason is not None
        give_up(_failure(state), reason, state.attempt_number, clock() - started)

    def before_sleep(state: tenacity.RetryCallState) -> None:
        if on_retry is not None:
            on_retry(_failure(state), state.attempt_number, state.upcoming_sleep)

    options: dict[str, Any] = {
        "retry": tenacity.retry_if_exception(retryable),
        "wait": wait,
        "stop": stop,
        "retry_error_callback": stopped,
        "before_sleep": before_sleep,
    }
    if asynchronous:
        return tenacity.AsyncRetrying(sleep=sleep or asyncio.sleep, **options)
    return tenacity.Retrying(sleep=sleep or time.sleep, **options)


def _failure(state: tenacity.RetryCallState) -> BaseException:
    assert state.outcome is not None
    exc = state.outcome.exception()
    assert exc is not None
    return exc

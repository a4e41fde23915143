"""The one retry mechanism: attempts, budget, deadline, Retry-After and jitter, on a fake clock."""

from __future__ import annotations

import asyncio
import random
from typing import NoReturn

import pytest

from resync_clients.retries import GiveUp, RetryPolicy, retrying


class Transient(Exception):
    """A failure the adapter calls retryable."""


class Permanent(Exception):
    """A failure the adapter does not retry."""


class GaveUp(Exception):
    def __init__(self, cause: BaseException, reason: GiveUp, attempts: int, elapsed: float):
        super().__init__(f"{reason}: {attempts} attempts in {elapsed:.1f} s")
        self.cause, self.reason, self.attempts, self.elapsed = cause, reason, attempts, elapsed


class FakeClock:
    """A monotonic clock that only moves when the controller sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def give_up(exc: BaseException, reason: GiveUp, attempts: int, elapsed: float) -> NoReturn:
    raise GaveUp(exc, reason, attempts, elapsed)


def failing(times: int, exc: type[Exception] = Transient):
    """A call that fails ``times`` times, then answers ``"ok"``; counts its calls."""
    calls = {"n": 0}

    def call() -> str:
        calls["n"] += 1
        if calls["n"] <= times:
            raise exc(f"failure {calls['n']}")
        return "ok"

    return call, calls


def controller(policy: RetryPolicy, clock: FakeClock, **options):
    return retrying(
        policy,
        retryable=lambda exc: isinstance(exc, Transient),
        give_up=give_up,
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(3),
        **options,
    )


def test_a_transient_failure_is_retried_until_the_call_succeeds() -> None:
    clock = FakeClock()
    call, calls = failing(2)
    assert controller(RetryPolicy(max_attempts=4), clock)(call) == "ok"
    assert calls["n"] == 3
    assert len(clock.sleeps) == 2


def test_attempts_are_counted_with_the_first_try_and_the_reason_is_given() -> None:
    clock = FakeClock()
    call, calls = failing(10)
    with pytest.raises(GaveUp) as raised:
        controller(RetryPolicy(max_attempts=3), clock)(call)
    assert raised.value.reason is GiveUp.ATTEMPTS
    assert raised.value.attempts == 3 == calls["n"]
    assert isinstance(raised.value.cause, Transient)


def test_a_failure_that_is_not_retryable_propagates_at_once() -> None:
    clock = FakeClock()
    call, calls = failing(1, Permanent)
    with pytest.raises(Permanent):
        controller(RetryPolicy(max_attempts=5), clock)(call)
    assert calls["n"] == 1
    assert clock.sleeps == []


def test_backoff_doubles_up_to_the_cap_with_full_jitter() -> None:
    policy = RetryPolicy(base_delay_seconds=1.0, max_delay_seconds=5.0)
    rng = random.Random(11)
    for retry_number, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (9, 5.0)]:
        delays = [policy.backoff_seconds(retry_number, rng) for _ in range(200)]
        assert min(delays) >= 0.0 and max(delays) <= ceiling
        # Full jitter spreads the sleeps over the whole range, not around one value.
        assert max(delays) - min(delays) > 0.5 * ceiling


def test_retry_after_wins_over_the_backoff_but_is_capped() -> None:
    clock = FakeClock()
    policy = RetryPolicy(max_attempts=3, max_retry_after_seconds=30.0, max_total_seconds=500.0)
    asked = iter([7.0, 90.0])
    call, _ = failing(2)
    assert controller(policy, clock, retry_after=lambda exc: next(asked))(call) == "ok"
    assert clock.sleeps == [7.0, 30.0]


def test_no_sleep_starts_that_would_overrun_the_total_budget() -> None:
    clock = FakeClock()
    policy = RetryPolicy(max_attempts=10, max_total_seconds=20.0, min_attempt_seconds=5.0)
    call, calls = failing(10)
    with pytest.raises(GaveUp) as raised:
        controller(policy, clock, retry_after=lambda exc: 8.0)(call)
    assert raised.value.reason is GiveUp.BUDGET
    # 8 s sleeps + 5 s left for an attempt must fit in 20 s: one retry, not a second.
    assert clock.sleeps == [8.0]
    assert calls["n"] == 2
    assert raised.value.elapsed == pytest.approx(8.0)


def test_no_sleep_outlives_the_callers_deadline() -> None:
    clock = FakeClock()
    deadline = clock.now + 10.0
    call, calls = failing(10)
    with pytest.raises(GaveUp) as raised:
        controller(
            RetryPolicy(max_attempts=10, max_total_seconds=1000.0),
            clock,
            retry_after=lambda exc: 4.0,
            deadline=lambda: deadline,
        )(call)
    assert raised.value.reason is GiveUp.DEADLINE
    assert clock.sleeps == [4.0, 4.0]
    assert calls["n"] == 3


def test_each_retry_is_reported_before_its_sleep() -> None:
    clock = FakeClock()
    seen: list[tuple[str, int, float]] = []
    call, _ = failing(2)
    controller(
        RetryPolicy(max_attempts=5),
        clock,
        retry_after=lambda exc: 1.5,
        on_retry=lambda exc, attempt, delay: seen.append((str(exc), attempt, delay)),
    )(call)
    assert seen == [("failure 1", 1, 1.5), ("failure 2", 2, 1.5)]


def test_the_asynchronous_controller_follows_the_same_policy() -> None:
    clock = FakeClock()
    calls = {"n": 0}

    async def call() -> str:
        calls["n"] += 1
        if calls["n"] < 3:
            raise Transient("not yet")
        return "ok"

    async def sleep(seconds: float) -> None:
        clock.sleep(seconds)

    retry = retrying(
        RetryPolicy(max_attempts=4),
        retryable=lambda exc: isinstance(exc, Transient),
        give_up=give_up,
        retry_after=lambda exc: 2.0,
        clock=clock,
        sleep=sleep,
        asynchronous=True,
    )
    assert asyncio.run(retry(call)) == "ok"
    assert clock.sleeps == [2.0, 2.0]


@pytest.mark.parametrize(
    "options",
    [{"max_attempts": 0}, {"base_delay_seconds": -1.0}, {"max_total_seconds": -5.0}],
)
def test_a_policy_that_makes_no_sense_is_refused(options: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**options)  # type: ignore[arg-type]

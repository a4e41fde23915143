"""Retry timing and the circuit breaker, with a fake clock (no I/O)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from resync_clients.tws.errors import CircuitOpenError, TWSUnavailableError, parse_message_ids
from resync_clients.tws.resilience import (
    CircuitBreaker,
    CircuitState,
    RetryPolicy,
    parse_retry_after,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_is_full_jitter_under_an_exponential_ceiling() -> None:
    policy = RetryPolicy(base_delay_seconds=0.5, max_delay_seconds=4.0)
    rng = random.Random(7)
    for retry_number, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 4.0)]:
        delays = [policy.backoff_seconds(retry_number, rng) for _ in range(300)]
        assert all(0.0 <= d <= ceiling for d in delays)
        # Full jitter spreads over the whole range, not around the ceiling.
        assert min(delays) < ceiling * 0.1
        assert max(delays) > ceiling * 0.9


def test_retry_after_wins_over_backoff_but_is_capped() -> None:
    policy = RetryPolicy(max_retry_after_seconds=5.0)
    assert policy.delay_seconds(1, retry_after=2.0) == 2.0
    assert policy.delay_seconds(1, retry_after=3600.0) == 5.0
    assert policy.delay_seconds(1, retry_after=-3.0) == 0.0


def test_parse_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2025, 3, 14, 2, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7", now=now) == 7.0
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now=now) == pytest.approx(30.0)
    earlier = format_datetime(now - timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(earlier, now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("  ") is None


def test_breaker_opens_after_threshold_and_fails_fast() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout_seconds=10.0, clock=clock)
    for _ in range(2):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    with pytest.raises(CircuitOpenError) as caught:
        breaker.before_call()
    assert isinstance(caught.value, TWSUnavailableError)
    assert caught.value.retry_after_seconds == pytest.approx(10.0)


def test_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2, clock=FakeClock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED


def test_half_open_lets_one_trial_through_and_its_outcome_decides() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout_seconds=10.0, clock=clock)
    breaker.record_failure()
    clock.now += 10.0
    assert breaker.state is CircuitState.HALF_OPEN
    breaker.before_call()  # the trial
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # a second caller while the trial runs
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN  # trial failed: open for another cool-down
    clock.now += 9.9
    with pytest.raises(CircuitOpenError):
        breaker.before_call()
    clock.now += 0.1
    breaker.before_call()
    breaker.record_success()
    assert breaker.state is CircuitState.CLOSED
    breaker.before_call()


def test_a_cancelled_trial_frees_the_half_open_slot() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout_seconds=1.0, clock=clock)
    breaker.record_failure()
    clock.now += 1.0
    breaker.before_call()
    breaker.release_trial()
    breaker.before_call()  # another trial allowed


def test_message_ids_are_found_in_product_messages() -> None:
    messages = [
        "AWSBIN076E The action confirm-succ is not valid for the job in state SUCC.",
        "see also AWSBIO006E and EQQM637I; not an id: AWSX1",
    ]
    assert parse_message_ids(messages) == ("AWSBIN076E", "AWSBIO006E", "EQQM637I")

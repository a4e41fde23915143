"""When Prefect repeats a whole task run: one rule for every task.

Each outside system retries inside its own adapter (TWS and the LLM through
:mod:`resync_clients.retries`, within the caller's budget), so a task is repeated only for a
fault its adapter does not retry: a lost PostgreSQL connection (a restart, a failover), and a
TWS that stayed unavailable through a read that is safe to repeat. Deterministic faults (bad
data, 4xx answers, malformed pages, a lost poller lock, an open circuit, a spent cycle budget)
fail at once with one clear message: repeating them changes nothing.
"""

from __future__ import annotations

from typing import Any

import psycopg

from resync_clients.llm import LLMError
from resync_clients.postgres.errors import DatabaseUnavailableError
from resync_clients.postgres.locks import LockLostError
from resync_clients.postgres.poller_state import CursorFencedError
from resync_clients.tws.errors import CircuitOpenError, TWSError, TWSUnavailableError


class CycleBudgetSpent(TWSUnavailableError):
    """TWS did not answer usefully within this cycle's retry budget; the next cycle tries
    again. Not retried within the cycle: that would stack retries beyond the interval."""


def is_transient(exc: BaseException) -> bool:
    """True for faults a repeat of the whole task may fix: TWS unavailable (not after the
    cycle budget, not while its circuit is open) and a lost database connection."""
    if isinstance(exc, (CycleBudgetSpent, CircuitOpenError, LockLostError, CursorFencedError)):
        return False
    if isinstance(exc, TWSError):
        return isinstance(exc, TWSUnavailableError)
    if isinstance(exc, LLMError):
        return False  # the LLM client already retried; its answer is advice and can wait
    return is_database_lost(exc)


def is_database_lost(exc: BaseException) -> bool:
    """True for a lost or unreachable PostgreSQL only (TWS faults were retried by the
    client): a dropped connection, a restart, or no pooled connection free in time."""
    return isinstance(exc, (psycopg.OperationalError, DatabaseUnavailableError))


def _raised_by(state: Any) -> BaseException | None:
    if isinstance(state.data, BaseException):
        return state.data
    try:
        state.result(raise_on_failure=True)
    except BaseException as raised:  # the state's own exception, re-raised to inspect it
        return raised
    return None


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: repeat a failed task run only for a transient fault."""
    exc = _raised_by(state)
    return exc is not None and is_transient(exc)


def retry_if_database_lost(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: repeat a failed task run only when PostgreSQL went away
    (for tasks whose TWS or LLM calls the client has already retried)."""
    exc = _raised_by(state)
    return exc is not None and is_database_lost(exc)


# The decorator arguments of a task that reads or writes PostgreSQL idempotently.
DATABASE_RETRIES: dict[str, Any] = {
    "retries": 3,
    "retry_delay_seconds": [1, 5, 15],
    "retry_condition_fn": retry_if_database_lost,
}

# The decorator arguments of a poll-cycle task whose database work is idempotent: repeated on
# any transient failure (retry_if_transient), never on an open circuit or a spent budget.
TRANSIENT_RETRIES: dict[str, Any] = {
    "retries": 3,
    "retry_delay_seconds": [1, 5, 15],
    "retry_condition_fn": retry_if_transient,
}

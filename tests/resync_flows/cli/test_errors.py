"""Database failures become one masked line; expected flow failures print no Prefect traceback."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import psycopg
import pytest

from resync_clients.postgres.errors import DatabaseUnavailableError, MigrationError
from resync_flows.cli.errors import describe_database_error, mask_passwords
from resync_flows.cli.flow_runs import quiet_expected_failures


def test_passwords_in_urls_and_keyword_strings_are_masked() -> None:
    text = "at postgresql://app:hunter2@db:5432/x with host=db password=hunter2 user=app"
    masked = mask_passwords(text)
    assert "hunter2" not in masked
    assert "postgresql://app:***@db:5432/x" in masked
    assert "password=***" in masked


def test_a_psycopg_error_raised_by_a_store_error_is_described_once() -> None:
    try:
        try:
            raise psycopg.OperationalError("connection to server at db lost\nhint")
        except psycopg.OperationalError as inner:
            raise RuntimeError("task failed") from inner
    except RuntimeError as outer:
        message = describe_database_error(outer)
    assert message is not None
    assert message.startswith("cannot reach PostgreSQL: connection to server at db lost hint")
    assert "\n" not in message


def test_store_errors_keep_their_operator_message() -> None:
    unavailable = describe_database_error(DatabaseUnavailableError("cannot connect to X"))
    assert unavailable is not None and unavailable.startswith("cannot connect to X; is it running")
    assert describe_database_error(MigrationError("migration 3 changed")) == "migration 3 changed"
    assert describe_database_error(ValueError("not a database problem")) is None


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """A console handler on the root logger, where Prefect's run loggers propagate."""
    from prefect.logging.configuration import ensure_logging_setup
    from prefect.settings import PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW, temporary_settings

    # As in a command: Prefect's logging is configured (importing a flow does it) first.
    ensure_logging_setup()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    # These records are logged outside a flow run: the API handler has nowhere to send them.
    with temporary_settings({PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW: "ignore"}):
        yield stream
    root.removeHandler(handler)


def log_a_failed_task() -> None:
    try:
        raise LookupError("no stored failed run for RUN-1")
    except LookupError:
        logging.getLogger("prefect.task_runs").error("Task run failed", exc_info=True)
    logging.getLogger("prefect.flow_runs").warning("run not stored yet")


def test_an_expected_failure_drops_prefects_error_records(console: io.StringIO) -> None:
    with pytest.raises(LookupError), quiet_expected_failures(LookupError):
        log_a_failed_task()
        raise LookupError("no stored failed run for RUN-1")
    assert "run not stored yet" in console.getvalue()
    assert "Task run failed" not in console.getvalue()
    assert "Traceback" not in console.getvalue()


def test_an_unexpected_failure_keeps_prefects_error_records(console: io.StringIO) -> None:
    with pytest.raises(ZeroDivisionError), quiet_expected_failures(LookupError):
        log_a_failed_task()
        raise ZeroDivisionError
    assert "Task run failed" in console.getvalue()
    assert "Traceback" in console.getvalue()

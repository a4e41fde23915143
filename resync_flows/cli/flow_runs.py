"""Run a flow from a command so that an expected failure ends in one clear line.

Prefect logs a failed task or flow at ERROR with its traceback (up to five of them for one
failure: each task retry, the task, the flow) before the exception reaches the command. A
command that turns that exception into ``error: ...`` wants none of that on the console, but
an unexpected failure must keep every detail. ``quiet_expected_failures`` holds Prefect's
ERROR records back from the console while the flow runs: dropped when the block raises one
of the expected exceptions, printed as they were otherwise. The Prefect API (the UI's flow
run logs) still receives everything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from resync_core.settings import Settings


def database_errors() -> tuple[type[Exception], ...]:
    """What "the database is unavailable" looks like when it reaches a command.

    A function, not a constant: psycopg is imported only by commands that use the database.
    """
    from psycopg import OperationalError

    from resync_clients.postgres.errors import StoreError

    return (StoreError, OperationalError)


def check_database(settings: Settings) -> None:
    """Open and close the store once, so an unreachable database fails before a flow starts.

    Raises ``DatabaseUnavailableError`` (or another ``StoreError``); ``main`` prints it.
    """
    from resync_clients.store import open_store

    with open_store(settings):
        pass


class _HoldPrefectErrors(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.held: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.name.startswith("prefect"):
            self.held.append(record)
            return False
        return True


@contextmanager
def quiet_expected_failures(*expected: type[BaseException]) -> Iterator[None]:
    """Hold Prefect's console ERROR records in this block; drop them if it raises ``expected``.

    Call after the flow's module is imported (that import configures Prefect's logging).
    """
    from prefect.logging.configuration import ensure_logging_setup

    ensure_logging_setup()
    # The console handlers: on the root logger, where Prefect's run loggers propagate.
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    holds = {handler: _HoldPrefectErrors() for handler in handlers}
    for handler, hold in holds.items():
        handler.addFilter(hold)
    dropped = False
    try:
        yield
    except expected:
        dropped = True
        raise
    finally:
        for handler, hold in holds.items():
            handler.removeFilter(hold)
            if not dropped:
                for record in hold.held:
                    handler.handle(record)

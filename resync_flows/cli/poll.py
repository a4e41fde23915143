"""``resync-flows poll``: follow the TWS plan as a long-running loop (or one cycle).

Stops cleanly on Ctrl-C and on SIGTERM (systemd, Kubernetes): the cycle in progress is
interrupted (its transaction is not committed, the next start redoes it) and the temporary
Prefect server, if this command started one, is stopped with it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from resync_core.settings import load_settings
from resync_flows.cli.stop_signals import graceful_stop, stop_exceptions

console = Console(stderr=True)
# Longer than a day between cycles is no longer "following the plan" (and time.sleep
# rejects what does not fit a C timeout).
MAX_INTERVAL_SECONDS = 86_400.0
# From a stop signal to the process's end at most, whatever still waits on TWS: inside
# Kubernetes' default 30 s grace period and systemd's 90 s.
STOP_GRACE_SECONDS = 15.0
# How long the last logs and events may take to reach a temporary Prefect server at exit.
DRAIN_SECONDS = 5.0
# Prefect loggers whose error records repeat, with a traceback, what "cycle failed" says.
_RUN_LOGGERS = ("prefect.task_runs", "prefect.flow_runs")


def checked_interval(seconds: float) -> float:
    """``seconds`` if it is a usable poll interval; raises ``typer.BadParameter`` otherwise."""
    if not math.isfinite(seconds) or seconds <= 0 or seconds > MAX_INTERVAL_SECONDS:
        raise typer.BadParameter(
            f"the poll interval must be a number of seconds above 0 and at most "
            f"{MAX_INTERVAL_SECONDS:g} (one day), not {seconds!r}",
            param_hint="'--interval' / RESYNC_POLL_INTERVAL_SECONDS",
        )
    return seconds


class _NoRunTracebacks(logging.Filter):
    """Drops Prefect's ERROR records about failed task and flow runs from the terminal: the
    CLI reports each failed cycle in one line. They still reach the Prefect API (the UI)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno >= logging.ERROR and record.name.startswith(_RUN_LOGGERS))


@contextmanager
def _quiet_run_failures() -> Iterator[None]:
    from prefect.logging.configuration import ensure_logging_setup
    from prefect.logging.handlers import PrefectConsoleHandler

    ensure_logging_setup()  # the handlers exist only once Prefect configured logging
    quiet = _NoRunTracebacks()
    # Prefect's console handler sits on the root logger (its logging.yml); look everywhere.
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in ("prefect", *_RUN_LOGGERS))]
    handlers = [
        handler
        for logger in loggers
        for handler in logger.handlers
        if isinstance(handler, PrefectConsoleHandler)
    ]
    for handler in handlers:
        handler.addFilter(quiet)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(quiet)


@contextmanager
def _prefect_api() -> Iterator[None]:
    """Use the configured Prefect API, or a temporary server that dies with this process."""
    from prefect.context import refresh_global_settings_context
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        yield
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    from resync_flows.cli.prefect_server import PrefectServer

    with PrefectServer() as server:
        os.environ["PREFECT_API_URL"] = server.api_url
        refresh_global_settings_context()
        try:
            yield
        finally:
            # Hand over the last logs and events while the server still listens.
            EventsWorker.drain_all(timeout=DRAIN_SECONDS)
            APILogWorker.drain_all(timeout=DRAIN_SECONDS)
            del os.environ["PREFECT_API_URL"]
            refresh_global_settings_context()


def poll(
    once: Annotated[bool, typer.Option("--once", help="Run one cycle and exit.")] = False,
    full: Annotated[bool, typer.Option("--full", help="Read the whole plan this cycle.")] = False,
    interval: Annotated[
        float | None,
        typer.Option(
            help="Seconds between cycles, at most 86400 (default: RESYNC_POLL_INTERVAL_SECONDS)."
            " A cycle waits on TWS at most this long."
        ),
    ] = None,
    tws_url: Annotated[str | None, typer.Option(help="TWS engine URL (RESYNC_TWS_URL).")] = None,
    database_url: Annotated[
        str | None, typer.Option(help="PostgreSQL URL (RESYNC_DATABASE_URL).")
    ] = None,
) -> None:
    """Poll TWS: store job runs and transitions, analyse failed joblogs, emit events."""
    from resync_core.settings import get_settings

    if interval is not None:
        checked_interval(interval)
    # Flows read the process settings; flags become that environment (validated first).
    overrides = {"tws_url": tws_url, "database_url": database_url}
    settings = load_settings(poll_interval_seconds=interval, **overrides)
    checked_interval(settings.poll_interval_seconds)
    for name, value in {**overrides, "poll_interval_seconds": interval}.items():
        if value is not None:
            os.environ[f"RESYNC_{name.upper()}"] = str(value)
    get_settings.cache_clear()

    with graceful_stop(STOP_GRACE_SECONDS) as stop:
        try:
            with _prefect_api(), _quiet_run_failures():
                _loop(once=once, full=full, interval=settings.poll_interval_seconds)
        except stop_exceptions() as error:
            console.print("[yellow]stopped[/]: the cycle in progress was not committed")
            raise typer.Exit(stop.exit_code(error)) from None


def _loop(*, once: bool, full: bool, interval: float) -> None:
    from flows.poller import poll_tws
    from tasks.poll import add_progress_callback

    first = True
    while True:
        started = time.monotonic()
        try:
            if first:
                summary = _with_progress(
                    lambda: asyncio.run(poll_tws(full=full)), add_progress_callback
                )
            else:
                summary = asyncio.run(poll_tws(full=False))
            if summary.skipped:
                console.print("[yellow]cycle skipped[/]: another poller holds the lock")
            else:
                console.print(
                    f"[green]cycle done[/] {'full' if summary.full else 'incremental'}: "
                    f"{summary.jobs_read} jobs read, {summary.runs_changed} runs changed, "
                    f"{summary.transitions} transitions, {summary.failures} failures, "
                    f"{summary.events_sent} events sent"
                    + _rejects(summary.quarantined, summary.clamped)
                )
        except Exception as exc:  # a failed cycle is reported; the next one catches up
            console.print(f"[red]cycle failed:[/] {escape(f'{type(exc).__name__}: {exc}')}")
            if once:
                raise typer.Exit(1) from None
        first = False
        if once:
            return
        time.sleep(max(0.0, interval - (time.monotonic() - started)))


def _rejects(quarantined: int, clamped: int) -> str:
    if not (quarantined or clamped):
        return ""
    return (
        f", [yellow]{quarantined} runs quarantined, {clamped} corrected[/]"
        " (resync-flows health; table job_run_quarantine)"
    )


_T = TypeVar("_T")


def _with_progress(
    run: Callable[[], _T], add_callback: Callable[[Callable[[int, int | None], None]], None]
) -> _T:
    with Progress(
        TextColumn("reading the plan"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task_id = progress.add_task("plan", total=None)

        def update(done: int, total: int | None) -> None:
            progress.update(task_id, completed=done, total=total)

        add_callback(update)
        return run()

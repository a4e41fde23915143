"""``resync-flows poll``: follow the TWS plan as a long-running loop (or one cycle)."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from resync_flows.settings import load_settings

console = Console(stderr=True)


def poll(
    once: Annotated[bool, typer.Option("--once", help="Run one cycle and exit.")] = False,
    full: Annotated[bool, typer.Option("--full", help="Read the whole plan this cycle.")] = False,
    interval: Annotated[
        float | None,
        typer.Option(help="Seconds between cycles (default: RESYNC_POLL_INTERVAL_SECONDS)."),
    ] = None,
    tws_url: Annotated[str | None, typer.Option(help="TWS engine URL (RESYNC_TWS_URL).")] = None,
    database_url: Annotated[
        str | None, typer.Option(help="PostgreSQL URL (RESYNC_DATABASE_URL).")
    ] = None,
) -> None:
    """Poll TWS: store job runs and transitions, analyse failed joblogs, emit events."""
    import os

    from resync_flows.settings import get_settings

    # Flows read the process settings; flags become that environment (validated first).
    overrides = {"tws_url": tws_url, "database_url": database_url}
    settings = load_settings(poll_interval_seconds=interval, **overrides)
    for name, value in overrides.items():
        if value is not None:
            os.environ[f"RESYNC_{name.upper()}"] = value
    get_settings.cache_clear()

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
            console.print(
                f"[green]cycle done[/] {'full' if summary.full else 'incremental'}: "
                f"{summary.jobs_read} jobs read, {summary.runs_changed} runs changed, "
                f"{summary.transitions} transitions, {summary.failures} failures, "
                f"{summary.events_sent} events sent"
            )
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except Exception as exc:  # a failed cycle is reported; the next one catches up
            console.print(f"[red]cycle failed:[/] {type(exc).__name__}: {exc}")
            if once:
                raise typer.Exit(1) from None
        first = False
        if once:
            return
        try:
            time.sleep(max(0.0, settings.poll_interval_seconds - (time.monotonic() - started)))
        except KeyboardInterrupt:
            raise typer.Exit(130) from None


def _with_progress(run, add_callback):  # type: ignore[no-untyped-def]
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

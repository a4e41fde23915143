"""``resync-flows report``: what the product delivers, measured on the stored history."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from resync_core.settings import load_settings

app = typer.Typer(
    help="Reports on what resync-flows delivers, from the stored history.",
    no_args_is_help=True,
)

DatabaseUrl = Annotated[str | None, typer.Option(help="PostgreSQL URL (RESYNC_DATABASE_URL).")]


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} h"


@app.command("value")
def value(
    weeks: Annotated[
        int, typer.Option(min=1, max=520, help="Calendar weeks to show, ending this week.")
    ] = 4,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Time to resolution: median hours from an ABEND to the job's successful rerun and to
    the operator's verdict, per week and category, with and without a learned first step."""
    from resync_analytics.quality import time_to_resolution
    from resync_clients.postgres.quality import resolution_times
    from resync_clients.store import open_store

    settings = load_settings(database_url=database_url)
    with open_store(settings) as store:
        store.ensure_schema()
        with store.connection() as conn:
            summaries = time_to_resolution(
                lambda since, until: resolution_times(conn, since=since, until=until),
                weeks=weeks,
                today=datetime.now(UTC).date(),
            )
    if as_json:
        for s in summaries:
            typer.echo(
                json.dumps(
                    {
                        "week_start": s.week_start.isoformat(),
                        "category": s.category,
                        "learned": s.learned,
                        "incidents": s.incidents,
                        "reruns": s.rerun_ok,
                        "median_hours_to_rerun": s.median_hours_to_rerun,
                        "verdicts": s.verdicts,
                        "median_hours_to_verdict": s.median_hours_to_verdict,
                    }
                )
            )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Time to resolution — the last {weeks} week(s)")
    table.add_column("week")
    table.add_column("category", overflow="fold")
    table.add_column("learned first step")
    for column in ("incidents", "to rerun (n)", "to verdict (n)"):
        table.add_column(column, justify="right", no_wrap=True)
    for s in summaries:
        table.add_row(
            s.week_start.isoformat(),
            "all categories" if s.category == "*" else s.category,
            s.learned,
            str(s.incidents),
            f"{_hours(s.median_hours_to_rerun)} ({s.rerun_ok})",
            f"{_hours(s.median_hours_to_verdict)} ({s.verdicts})",
        )
    Console().print(table)

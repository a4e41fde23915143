"""``resync-flows risks``: which jobs are likely to fail or finish late tonight, and why."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from resync_core.risk import RiskScore
from resync_core.settings import load_settings
from resync_flows.cli.flow_runs import check_database, database_errors, quiet_expected_failures

app = typer.Typer(
    help="Predictive maintenance: tonight's riskiest jobs, with the reasons behind each score.",
    no_args_is_help=True,
)

PlanDay = Annotated[
    str | None,
    typer.Option(
        help="Plan day YYYY-MM-DD (show: the latest scored; score: the day of the plan's next "
        "jobs, or tomorrow without TWS)."
    ),
]
DatabaseUrl = Annotated[str | None, typer.Option(help="PostgreSQL URL (RESYNC_DATABASE_URL).")]


def _plan_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter("expected a date as YYYY-MM-DD", param_hint="--plan-day") from None


def _print(rows: list[RiskScore], day: date, as_json: bool) -> None:
    if as_json:
        for row in rows:
            document = row.reasons
            typer.echo(
                json.dumps(
                    {
                        "job_key": row.job_key,
                        "plan_day": day.isoformat(),
                        "score": round(float(row.score), 4),
                        "failure_probability": round(document["failure_probability"], 4),
                        "late_probability": round(document["late_probability"], 4),
                        "chronically_late": bool(document.get("chronically_late")),
                        "reasons": [reason["text"] for reason in document["reasons"]],
                        "actions": document.get("actions", []),
                    }
                )
            )
        return
    if not rows:
        typer.echo(f"no job at risk stored for the plan of {day.isoformat()}")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Tonight's risks — plan of {day.isoformat()}", show_lines=True)
    # Job keys and conman commands are copied from here: wrapped, never cut short.
    table.add_column("job", overflow="fold")
    for column in ("risk", "fail", "late"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("why", overflow="fold")
    for row in rows:
        document = row.reasons
        table.add_row(
            row.job_key,
            f"{float(row.score):.0%}",
            f"{document['failure_probability']:.0%}",
            f"{document['late_probability']:.0%}",
            "\n".join(
                [reason["text"] for reason in document["reasons"]]
                + [f"→ {action}" for action in document.get("actions", [])[:1]]
            )
            or "—",
        )
    Console().print(table)


def _show(database_url: str | None, day: date | None, limit: int, as_json: bool) -> None:
    from resync_clients.postgres.risk_scores import latest_scored_day, top_risk_scores
    from resync_clients.store import open_store

    settings = load_settings(database_url=database_url)
    with open_store(settings) as store:
        store.ensure_schema()
        with store.connection() as conn:
            day = day or latest_scored_day(conn)
            if day is None:
                typer.echo("no risk scores yet: run `resync-flows risks score` first", err=True)
                raise typer.Exit(1)
            rows = top_risk_scores(conn, day, limit)
    _print(rows, day, as_json)


@app.command("show")
def show(
    plan_day: PlanDay = None,
    limit: Annotated[int, typer.Option(min=1, max=100000, help="At most this many jobs.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Show the stored scores of a plan day, riskiest first."""
    _show(database_url, _plan_day(plan_day), limit, as_json)


@app.command("score")
def score(
    plan_day: PlanDay = None,
    lookback_days: Annotated[
        int, typer.Option(min=3, max=366, help="History the models learn from.")
    ] = 28,
    limit: Annotated[int, typer.Option(min=1, max=100000, help="Then show this many.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Score a plan day now (the before-batch flow, run in this process), then show it.

    With RESYNC_TWS_URL set, the jobs of the current plan still to run are scored, with the
    plan's deadlines; without it (or when TWS cannot be read), the recently active jobs."""
    import asyncio
    import os

    from resync_core.settings import get_settings

    day = _plan_day(plan_day)
    load_settings(database_url=database_url)  # a bad URL stops here, with its message
    if database_url is not None:
        os.environ["RESYNC_DATABASE_URL"] = database_url
    get_settings.cache_clear()
    # An unreachable database stops here, before Prefect starts and logs the failed run.
    check_database(get_settings())
    from flows.maintenance import MaintenanceParameters, predict_tonight_risks

    with quiet_expected_failures(*database_errors()):
        outcome = asyncio.run(
            predict_tonight_risks(MaintenanceParameters(plan_day=day, lookback_days=lookback_days))
        )
    _show(database_url, outcome.plan_day, limit, as_json)

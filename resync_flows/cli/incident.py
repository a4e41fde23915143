"""``resync-flows incident``: analyse a failed run, list open incidents, record feedback."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from resync_core.settings import load_settings
from resync_flows.cli.flow_runs import check_database, database_errors, quiet_expected_failures

app = typer.Typer(
    help="Decision support for failed TWS jobs: incidents, their reports and feedback.",
    no_args_is_help=True,
)

VERDICT_HELP = (
    "correct (root cause right), helpful (right, and the steps helped), fixed (fixed; say how"
    " with --resolution), not_helpful (the steps did not fix it) or wrong (root cause wrong)."
    " Verdicts on the root cause recalibrate the confidence of later incidents; resolutions"
    " that worked are recommended first for the next incident of the same error."
)


def _apply_overrides(tws_url: str | None, database_url: str | None) -> None:
    """Flows read the process settings; flags become that environment (validated first)."""
    import os

    from resync_core.settings import get_settings

    overrides = {"tws_url": tws_url, "database_url": database_url}
    load_settings(**overrides)
    for name, value in overrides.items():
        if value is not None:
            os.environ[f"RESYNC_{name.upper()}"] = value
    get_settings.cache_clear()


@app.command("analyze")
def analyze(
    run_id: Annotated[str | None, typer.Option(help="TWS run id of the failed run.")] = None,
    workstation: Annotated[str | None, typer.Option(help="With --job-stream, --job-name.")] = None,
    job_stream: Annotated[str | None, typer.Option()] = None,
    job_name: Annotated[str | None, typer.Option()] = None,
    propose_rerun: Annotated[
        bool,
        typer.Option(help="Wait for an approval in the Prefect UI, then rerun the job."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
    tws_url: Annotated[str | None, typer.Option(help="TWS engine URL (RESYNC_TWS_URL).")] = None,
    database_url: Annotated[
        str | None, typer.Option(help="PostgreSQL URL (RESYNC_DATABASE_URL).")
    ] = None,
) -> None:
    """Analyse a failed run into an incident: root cause, error line, steps, report."""
    import asyncio
    import dataclasses

    from pydantic import ValidationError

    from resync_core.settings import get_settings

    _apply_overrides(tws_url, database_url)
    from flows.incident import IncidentRequest, incident_analysis
    from tasks.incident import FailedRunNotFoundError

    try:
        request = IncidentRequest(
            run_id=run_id,
            workstation=workstation,
            job_stream=job_stream,
            job_name=job_name,
            propose_rerun=propose_rerun,
        )
    except ValidationError as exc:
        raise typer.BadParameter(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
    # An unreachable database stops here, before Prefect starts and logs the failed run.
    check_database(get_settings())
    try:
        with quiet_expected_failures(FailedRunNotFoundError, *database_errors()):
            outcome = asyncio.run(incident_analysis(request))
    except FailedRunNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(outcome), default=str))
        return
    typer.echo(
        f"incident {outcome.incident_id} ({'new' if outcome.created else 'existing'}"
        f"{', ABEND storm' if outcome.storm else ''}): {outcome.category}"
    )
    typer.echo(f"  root cause: {outcome.root_cause}")
    typer.echo(f"  confidence: {outcome.confidence:.0%} ({outcome.source})")
    typer.echo(f"  affected runs: {outcome.affected_runs}")
    typer.echo(f"  report: Prefect artifact {outcome.report_key}")
    if outcome.rerun is not None:
        typer.echo(f"  rerun: {outcome.rerun.decision}")


@app.command("list")
def list_incidents(
    limit: Annotated[int, typer.Option(min=1, max=10000, help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    database_url: Annotated[
        str | None, typer.Option(help="PostgreSQL URL (RESYNC_DATABASE_URL).")
    ] = None,
) -> None:
    """Show open incidents, most recently fed first."""
    from rich.console import Console
    from rich.table import Table

    from resync_clients.postgres.incidents import list_open_incidents
    from resync_clients.store import open_store

    settings = load_settings(database_url=database_url)
    with open_store(settings) as store:
        store.ensure_schema()
        with store.connection() as conn:
            overviews = list_open_incidents(conn, limit)
    if as_json:
        for item in overviews:
            incident = item.incident
            typer.echo(
                json.dumps(
                    {
                        "id": incident.id,
                        "category": incident.category,
                        "root_cause": incident.root_cause,
                        "confidence": round(incident.confidence, 3),
                        "job_key": incident.job_key,
                        "storm": incident.fingerprint.startswith("storm:"),
                        "runs": item.run_count,
                        "last_failed_at": item.last_failed_at,
                        "created_at": incident.created_at,
                    },
                    default=str,
                )
            )
        return
    table = Table(title=f"Open incidents ({len(overviews)})")
    for column in ("id", "category", "root cause", "first job", "runs", "last failure"):
        # A job key is copied into conman: wrapped, never cut short.
        table.add_column(column, overflow="fold")
    for item in overviews:
        incident = item.incident
        table.add_row(
            str(incident.id),
            incident.category + (" (storm)" if incident.fingerprint.startswith("storm:") else ""),
            incident.root_cause,
            incident.job_key or "",
            str(item.run_count),
            item.last_failed_at.strftime("%Y-%m-%d %H:%M") if item.last_failed_at else "",
        )
    Console().print(table)


@app.command("feedback")
def feedback(
    incident_id: Annotated[int, typer.Argument(help="The incident's id.")],
    verdict: Annotated[str, typer.Option(help=VERDICT_HELP)],
    resolution: Annotated[
        str | None, typer.Option(help="How the problem was actually fixed.")
    ] = None,
    operator: Annotated[str | None, typer.Option(help="Who gives the feedback.")] = None,
    resolve: Annotated[
        bool | None,
        typer.Option(
            "--resolve/--keep-open",
            help="Close the incident (default: close it when a resolution is given).",
        ),
    ] = None,
    database_url: Annotated[
        str | None, typer.Option(help="PostgreSQL URL (RESYNC_DATABASE_URL).")
    ] = None,
) -> None:
    """Record operator feedback on an incident; the next incident of the same error shows it."""
    from resync_analytics.learning import UnknownVerdictError, normalize_verdict
    from resync_clients.postgres.incidents import IncidentNotFoundError, record_feedback
    from resync_clients.store import open_store

    try:
        verdict = normalize_verdict(verdict)
    except UnknownVerdictError as exc:
        raise typer.BadParameter(str(exc), param_hint="--verdict") from None
    settings = load_settings(database_url=database_url)
    close = bool(resolution and resolution.strip()) if resolve is None else resolve
    with open_store(settings) as store:
        store.ensure_schema()
        with store.connection() as conn:
            try:
                feedback_id = record_feedback(
                    conn,
                    incident_id,
                    verdict=verdict,
                    resolution=resolution,
                    operator=operator,
                    resolve=close,
                )
            except IncidentNotFoundError as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(1) from None
    typer.echo(
        f"feedback {feedback_id} recorded on incident {incident_id}"
        + (" (incident resolved)" if close else "")
    )

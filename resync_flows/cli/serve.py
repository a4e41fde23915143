"""``resync-flows serve``: every deployment, with its schedule and triggers, in one process.

For a small site: no work pool and no worker, the runs execute as subprocesses of this one.
The deployments are the ``flow.to_deployment`` objects ``prefect.yaml`` is rendered from.
"""

from __future__ import annotations

from typing import Annotated

import typer

from resync_core.settings import load_settings


def serve(
    limit: Annotated[
        int | None,
        typer.Option(help="Flow runs executing at once (default: no limit).", min=1),
    ] = None,
    poll_seconds: Annotated[
        float,
        typer.Option(
            help="How often to look for runs to start (schedules, triggers, the UI).", min=0.5
        ),
    ] = 2.0,
    metrics_host: Annotated[
        list[str] | None,
        typer.Option(
            "--metrics-host",
            help="Serve a host-metrics sampler named for this host (repeatable; default: one "
            "unnamed sampler for this host).",
        ),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only", help="Serve only these deployments (flow-name/deployment-name, repeatable)."
        ),
    ] = None,
) -> None:
    """Serve all deployments: the poller, metrics sampling, ABEND-triggered incident analysis."""
    import asyncio

    from prefect import serve as prefect_serve
    from prefect.settings import PREFECT_API_URL

    from deployments.definitions import DeploymentOptions, build_deployments
    from deployments.setup import prepare_server

    settings = load_settings()
    if not PREFECT_API_URL.value():
        typer.echo(
            "error: PREFECT_API_URL is not set. Schedules and event triggers need a Prefect "
            "server: start one with `prefect server start` and export "
            "PREFECT_API_URL=http://127.0.0.1:4200/api",
            err=True,
        )
        raise typer.Exit(2)

    try:
        options = DeploymentOptions.from_settings(settings, metrics_hosts=tuple(metrics_host or ()))
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    # Unbound to a work pool: served runs execute as subprocesses of this process.
    deployments = build_deployments(options, work_pool=None)
    if only:
        known = {f"{d.flow_name}/{d.name}": d for d in deployments}
        unknown = sorted(set(only) - known.keys())
        if unknown:
            typer.echo(
                f"error: unknown deployment(s) {', '.join(unknown)}; known: "
                + ", ".join(sorted(known)),
                err=True,
            )
            raise typer.Exit(2)
        deployments = [known[name] for name in only]

    # Served runs take the same global limits as deployed ones; the work pool is not needed.
    asyncio.run(prepare_server(options, work_pool=False))
    prefect_serve(*deployments, limit=limit, query_seconds=poll_seconds)

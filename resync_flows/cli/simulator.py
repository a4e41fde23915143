"""``resync-flows simulator``: serve the simulated TWS REST API v2 on loopback."""

from __future__ import annotations

import contextlib

import typer


def serve(
    port: int = typer.Option(
        31116, min=1, max=65535, help="TCP port to listen on, 1-65535 (the product's default)."
    ),
    host: str = typer.Option("127.0.0.1", help="Interface to bind (loopback by default)."),
    seed: int = typer.Option(42, help="Seed: the same seed gives the same enterprise."),
    scenario: str = typer.Option(
        "default", help="default | storm | large | small (see the simulator's scenarios)."
    ),
    jobs: int | None = typer.Option(None, min=1, help="Jobs in the plan (scenario default)."),
    backfill_days: int | None = typer.Option(
        None, min=0, help="Days of history kept queryable as past plans (scenario default)."
    ),
    clock_rate: float = typer.Option(
        1.0, min=0, help="Simulated seconds per real second (0: clock moves only on request)."
    ),
) -> None:
    """Serve a simulated TWS (REST API v2 and /sim controls) until Ctrl-C."""
    from resync_simulator.config import SCENARIOS, SimulatorConfig
    from resync_simulator.server import serve_forever

    if scenario not in SCENARIOS:
        typer.echo(f"error: unknown scenario {scenario!r}; choose {', '.join(SCENARIOS)}", err=True)
        raise typer.Exit(2)
    config = SimulatorConfig(
        seed=seed, scenario=scenario, jobs=jobs, backfill_days=backfill_days, clock_rate=clock_rate
    )
    user, key = config.users[0], config.api_keys[0]
    base_url = f"http://{host}:{port}"
    typer.echo(f"TWS simulator: scenario {scenario}, seed {seed}, {config.job_count} jobs")
    typer.echo(f"  base URL : {base_url}   (API: {base_url}/twsd/api/v2)")
    typer.echo(f"  basic    : {user.username} / {user.password}")
    typer.echo(f"  bearer   : {key.token}")
    typer.echo(f"  use      : RESYNC_TWS_URL={base_url} RESYNC_TWS_USERNAME={user.username} "
               f"RESYNC_TWS_PASSWORD={user.password}")  # fmt: skip
    typer.echo("  controls : POST /sim/clock/advance, POST /sim/inject, PUT /sim/faults, "
               "GET /sim/ground-truth/{run_id}, GET /sim/metrics?host=")  # fmt: skip
    typer.echo("Press Ctrl-C to stop.")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the way to stop: no traceback
        serve_forever(config, host, port)

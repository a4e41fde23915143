"""``resync-flows db``: database schema commands (``upgrade``, ``status``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from resync_core.settings import load_settings

if TYPE_CHECKING:
    from resync_clients.store import MigrationStatus

app = typer.Typer(help="Manage the PostgreSQL schema.", no_args_is_help=True)

DatabaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="PostgreSQL URL to use instead of RESYNC_DATABASE_URL "
        "(unset: the embedded server in RESYNC_DATA_DIR).",
        show_default=False,
    ),
]


@app.command()
def upgrade(database_url: DatabaseUrlOption = None) -> None:
    """Apply pending schema migrations (safe to run while others do the same)."""
    import psycopg

    from resync_clients.store import StoreError, open_store

    settings = load_settings(database_url=database_url)
    try:
        with open_store(settings) as store:
            applied = store.upgrade()
            version = store.schema_version()
            location = store.location
    except (StoreError, psycopg.Error) as exc:
        _fail(exc)
    for migration in applied:
        typer.echo(f"applied {migration.version:04d}_{migration.name}")
    state = "upgraded to" if applied else "already at"
    typer.echo(f"schema {state} version {version} ({location})")


@app.command()
def status(
    database_url: DatabaseUrlOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a table.")
    ] = False,
) -> None:
    """Show the schema version and the applied and pending migrations."""
    import psycopg

    from resync_clients.store import StoreError, open_store

    settings = load_settings(database_url=database_url)
    try:
        with open_store(settings) as store:
            current = store.migration_status()
            location = store.location
    except (StoreError, psycopg.Error) as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(_status_document(current, location)))
    else:
        _print_status_table(current, location)


def _status_document(current: MigrationStatus, location: str) -> dict[str, object]:
    return {
        "database": location,
        "current_version": current.current_version,
        "latest_version": current.latest_version,
        "up_to_date": current.up_to_date,
        "applied": [
            {
                "version": item.version,
                "name": item.name,
                "checksum": item.checksum,
                "applied_at": item.applied_at.isoformat(),
            }
            for item in current.applied
        ],
        "pending": [{"version": item.version, "name": item.name} for item in current.pending],
    }


def _print_status_table(current: MigrationStatus, location: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"Database: {location}", highlight=False, soft_wrap=True)
    table = Table()
    table.add_column("Version", justify="right")
    table.add_column("Name")
    table.add_column("State")
    table.add_column("Applied at")
    for item in current.applied:
        table.add_row(
            f"{item.version:04d}",
            item.name,
            "applied",
            item.applied_at.isoformat(timespec="seconds"),
        )
    for pending in current.pending:
        table.add_row(f"{pending.version:04d}", pending.name, "[yellow]pending[/]", "")
    console.print(table)
    summary = (
        "up to date"
        if current.up_to_date
        else f"{len(current.pending)} pending: run 'resync-flows db upgrade'"
    )
    console.print(
        f"Schema version {current.current_version} of {current.latest_version} ({summary})"
    )


def _fail(exc: Exception) -> NoReturn:
    # Store errors are already written for an operator and carry no password.
    message = " ".join(str(exc).split()) or type(exc).__name__
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)

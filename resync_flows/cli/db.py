"""``resync-flows db``: database schema commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Manage the PostgreSQL schema.", no_args_is_help=True)

"""The ``resync-flows`` command line.

Each command group lives in its own module and is registered below. Modules import heavy
libraries (Prefect, pandas, litellm) inside their command functions so that ``--help`` and
the quick analysis commands start fast.
"""

from __future__ import annotations

import sys

import typer

from resync_flows.settings import SettingsError

app = typer.Typer(
    name="resync-flows",
    help="Turn TWS (IBM/HCL Workload Automation) job states, joblogs and host metrics "
    "into decisions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    # One line per command group; each module exposes a typer app or a command function.
    from resync_flows.cli import db

    app.add_typer(db.app, name="db")


_register_commands()


def main() -> None:
    """Entry point of the ``resync-flows`` script: clear errors, no tracebacks for bad input."""
    try:
        app()
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)

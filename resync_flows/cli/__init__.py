"""The ``resync-flows`` command line.

Each command group lives in its own module and is registered below. Modules import heavy
libraries (Prefect, pandas, litellm) inside their command functions so that ``--help`` and
the quick analysis commands start fast.
"""

from __future__ import annotations

import sys

import typer

from resync_core.offline import apply_offline_defaults
from resync_core.settings import SettingsError

# Before any command imports Prefect or litellm: both phone home at import otherwise.
apply_offline_defaults()

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
    from resync_flows.cli import joblog

    app.add_typer(joblog.app, name="joblog")
    from resync_flows.cli import poll

    app.command("poll")(poll.poll)
    from resync_flows.cli import simulator

    app.command("simulator")(simulator.serve)
    from resync_flows.cli import incident

    app.add_typer(incident.app, name="incident")
    from resync_flows.cli import risks

    app.add_typer(risks.app, name="risks")
    from resync_flows.cli import patterns

    app.add_typer(patterns.app, name="patterns")
    from resync_flows.cli import forecast

    app.add_typer(forecast.app, name="forecast")
    from resync_flows.cli import anomalies

    app.add_typer(anomalies.app, name="anomalies")
    from resync_flows.cli import runtimes

    app.add_typer(runtimes.app, name="runtimes")
    from resync_flows.cli import report

    app.add_typer(report.app, name="report")
    from resync_flows.cli import serve

    app.command("serve")(serve.serve)
    from resync_flows.cli import health

    app.command("health")(health.health)
    from resync_flows.cli import demo

    app.command("demo")(demo.demo)


_register_commands()


def main() -> None:
    """Entry point of the ``resync-flows`` script: clear errors, no tracebacks for bad input.

    Bad settings and a bad site knowledge file (``RESYNC_JOBLOG_KNOWLEDGE_FILE``) exit 2; an
    unreachable database (any command) exits 1 with one line naming the server (password
    masked) and what to check.
    """
    from resync_analytics.joblog.knowledge.loader import KnowledgeError

    try:
        app()
    except (SettingsError, KnowledgeError) as exc:  # a bad setting or site knowledge file
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:
        from resync_flows.cli.errors import describe_database_error

        message = describe_database_error(exc)
        if message is None:
            raise
        typer.echo(f"error: {message}", err=True)
        sys.exit(1)

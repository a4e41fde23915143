"""``resync-flows joblog``: analyse TWS joblogs from files.

``joblog analyze FILE... --json`` prints one JSON object per file and line (the contract in
architecture.md); without ``--json`` a readable summary. A file that cannot be read (or is
not a regular file: a FIFO or a device would block or never end) gives an error on stderr
and exit status 1, after the other files are analysed. Files of any size are streamed.

``--baseline GOOD.log`` (repeatable) names logs of good runs of the same job: lines of a FILE
that also occur in them (as templates, variable parts masked) are noise, chosen as the root
cause only when nothing else states an error. Every FILE is analysed against all baselines;
a baseline that cannot be read stops the command (exit status 2) before any FILE is analysed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from resync_analytics.joblog.models import JoblogAnalysis

app = typer.Typer(
    help="Analyse TWS joblogs: root cause, error line, fix steps.", no_args_is_help=True
)


@app.command("analyze")
def analyze(
    files: list[Path] = typer.Argument(..., help="Joblog files (any bytes; any size)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per file, one per line."),
    baselines: list[Path] = typer.Option(
        [],
        "--baseline",
        help="Joblog of a good run of the same job (repeatable): lines it also prints are noise.",
    ),
) -> None:
    """Name the root cause of each joblog, the line that states it, and how to fix it."""
    from resync_analytics.joblog.analyzer import analyze_file, load_baseline
    from resync_flows.cli.inputs import InputFileError, check_regular_file

    try:
        for good in baselines:
            check_regular_file(good)
        baseline = load_baseline(baselines) if baselines else None
    except InputFileError as exc:
        typer.echo(f"error: baseline {exc}", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        typer.echo(f"error: cannot read baseline {exc.filename or ''}: {reason}", err=True)
        raise typer.Exit(2) from None

    failures = 0
    for path in files:
        try:
            check_regular_file(path)
        except InputFileError as exc:
            failures += 1
            typer.echo(f"error: {exc}", err=True)
            continue
        try:
            analysis = analyze_file(path, baseline=baseline)
        except OSError as exc:
            failures += 1
            reason = exc.strerror or exc.__class__.__name__
            typer.echo(f"error: cannot read {path}: {reason}", err=True)
            continue
        if as_json:
            typer.echo(json.dumps(analysis.to_contract_dict(str(path)), ensure_ascii=False))
        else:
            _print_summary(str(path), analysis)
    if failures:
        raise typer.Exit(1)


def _print_summary(file: str, analysis: JoblogAnalysis) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    console = Console()
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold")
    table.add_column()
    header = analysis.header
    if header.job is not None:
        table.add_row("Job", escape(header.job.selector))
    if analysis.exit_code is not None:
        table.add_row("Exit status", str(analysis.exit_code))
    table.add_row("Category", analysis.category)
    table.add_row("Root cause", escape(analysis.root_cause))
    table.add_row("Confidence", f"{analysis.confidence:.0%}")
    if analysis.error_line:
        table.add_row("Error line", f"{analysis.error_line}: {escape(analysis.error_text)}")
    if analysis.entities:
        table.add_row("Entities", escape(", ".join(analysis.entities)))
    if analysis.reasons:
        table.add_row("Chosen for", escape(", ".join(analysis.reasons)))
    if analysis.runner_up is not None:
        second = analysis.runner_up
        table.add_row(
            "Runner-up",
            f"{second.line}: {escape(second.text)} ({second.category},"
            f" {second.score_gap:.2f} lower)",
        )
    for number, step in enumerate(analysis.steps, 1):
        table.add_row("Steps" if number == 1 else "", f"{number}. {escape(step)}")
    style = "green" if analysis.category == "success" else "red"
    console.print(Panel(table, title=escape(file), border_style=style, expand=False))

"""``resync-flows anomalies``: find anomalous episodes in a metric series from a CSV file.

``anomalies detect CSV --json`` prints ``{"anomalies": [{"timestamp", "score"}...]}``: one
entry per episode (its start), score in [0, 1]. ``--plot FILE`` also draws the series with
the episodes shaded and their scores to a PNG (the output is the same with or without it).
Bad input (including a FIFO, a device or a file over ``inputs.MAX_CSV_BYTES``) or a plot file
that cannot be written gives a message on stderr, exit 2, and nothing on stdout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from resync_flows.cli.plot import PlotOption, write_anomaly_plot

app = typer.Typer(help="Detect anomalies in metric series.", no_args_is_help=True)

BAD_INPUT = 2


@app.command("detect")
def detect(
    csv_path: Annotated[
        Path, typer.Argument(metavar="CSV", help="CSV with header timestamp,value.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    plot: PlotOption = None,
) -> None:
    """List the anomalous episodes of the series (start time and score)."""
    from resync_analytics.anomalies import detect_anomalies
    from resync_analytics.forecasting import SeriesError, read_series_csv
    from resync_flows.cli.inputs import MAX_CSV_BYTES, InputFileError, check_regular_file

    try:
        check_regular_file(csv_path, MAX_CSV_BYTES)
        data = read_series_csv(csv_path)
    except (InputFileError, SeriesError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(BAD_INPUT) from None
    anomalies = detect_anomalies(data)
    if plot is not None:
        write_anomaly_plot(plot, csv_path, data, anomalies)
    if as_json:
        document = {
            "anomalies": [
                {"timestamp": data.format_timestamp(a.timestamp), "score": round(a.score, 6)}
                for a in anomalies
            ]
        }
        typer.echo(json.dumps(document))
        return

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{escape(str(csv_path))}[/]: {len(data)} points")
    for note in data.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    if not anomalies:
        console.print("[green]No anomalies.[/]")
        return
    table = Table(title=f"{len(anomalies)} anomalous episode(s)")
    for column in ("start", "peak", "end", "score"):
        table.add_column(column)
    for a in anomalies:
        table.add_row(
            data.format_timestamp(a.timestamp),
            data.format_timestamp(a.peak),
            data.format_timestamp(a.end),
            f"{a.score:.2f}",
        )
    console.print(table)

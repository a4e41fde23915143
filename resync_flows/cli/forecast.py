"""``resync-flows forecast``: forecast a metric series from a CSV file.

``forecast series CSV --horizon N [--threshold X] --json`` prints one JSON object (the contract
in architecture.md): the method chosen by backtest, the step, N forecast points with an 80%
interval, and when the forecast reaches X. Bad input gives a message on stderr and exit 2.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="Forecast metric series with calibrated intervals.", no_args_is_help=True)

BAD_INPUT = 2


@app.command("series")
def series(
    csv_path: Annotated[
        Path, typer.Argument(metavar="CSV", help="CSV with header timestamp,value.")
    ],
    horizon: Annotated[int, typer.Option("--horizon", help="Steps to forecast (>= 1).")],
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="Report when the forecast first reaches this value."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Forecast the series HORIZON steps past its last point, with an 80% interval."""
    from analytics.forecasting import (
        ForecastError,
        SeriesError,
        forecast_series,
        read_series_csv,
        threshold_eta,
    )

    if threshold is not None and not math.isfinite(threshold):
        _fail("--threshold must be a finite number")
    try:
        data = read_series_csv(csv_path)
        forecast = forecast_series(data, horizon)
    except (SeriesError, ForecastError) as exc:
        _fail(str(exc))
    eta = threshold_eta(forecast, threshold) if threshold is not None else None
    document = _contract(data, forecast, eta)
    if as_json:
        typer.echo(json.dumps(document))
    else:
        _print_readable(csv_path, data, forecast, document, threshold)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(BAD_INPUT)


def _contract(data, forecast, eta) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    fmt = data.format_timestamp
    return {
        "method": forecast.method,
        "step_seconds": data.step_seconds,
        "forecast": [
            {"timestamp": fmt(moment), "value": float(v), "lower": float(lo), "upper": float(hi)}
            for moment, v, lo, hi in zip(
                forecast.index, forecast.value, forecast.lower, forecast.upper, strict=True
            )
        ],
        "threshold_eta": None
        if eta is None
        else {
            "timestamp": fmt(eta.expected),
            "lower": fmt(eta.earliest),
            "upper": None if eta.latest is None else fmt(eta.latest),
        },
    }


def _print_readable(path, data, forecast, document, threshold) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    console.print(
        f"[bold]{escape(str(path))}[/]: {len(data)} points every {data.step_seconds:g}s; "
        f"method [cyan]{forecast.method}[/]"
        + (f", seasonal period {forecast.period} steps" if forecast.period else "")
    )
    for note in data.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    if forecast.scores:
        console.print(
            "backtest MAE: "
            + ", ".join(f"{s.method} {s.mae:.4g} (MASE {s.mase:.2f})" for s in forecast.scores)
        )
    table = Table(title=f"Forecast ({forecast.coverage:.0%} interval)")
    for column in ("timestamp", "value", "lower", "upper"):
        table.add_column(column, justify="left" if column == "timestamp" else "right")
    points = document["forecast"]
    shown = points if len(points) <= 24 else points[:12] + points[-12:]
    for number, point in enumerate(shown):
        if len(points) > 24 and number == 12:
            table.add_row("…", "", "", "")
        table.add_row(
            point["timestamp"],
            f"{point['value']:.4g}",
            f"{point['lower']:.4g}",
            f"{point['upper']:.4g}",
        )
    console.print(table)
    if threshold is not None:
        eta = document["threshold_eta"]
        if eta is None:
            console.print(f"The forecast does not reach {threshold:g} within the horizon.")
        else:
            latest = eta["upper"] or "after the horizon"
            console.print(
                f"Reaches [bold]{threshold:g}[/] at {eta['timestamp']} "
                f"(earliest {eta['lower']}, latest {latest})."
            )

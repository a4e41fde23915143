"""``resync-flows forecast``: forecast a metric series from a CSV file.

``forecast series CSV --horizon N [--threshold X] --json`` prints one JSON object (the contract
in architecture.md): the method chosen by backtest, the step, N forecast points with an 80%
interval, and when the forecast reaches X. A long CSV (header ``series,timestamp,value``) gets
one such object per series, one per line in first-appearance order, each with a ``series``
field. ``--plot FILE`` (single-series CSV) also draws the forecast chart to a PNG; what is
printed stays the same. Every object also has ``notes``: what was done to the series before
forecasting (level shifts removed, gaps filled, a history too short to backtest...), possibly
empty. All series of a long CSV are forecast in one batched call. Bad input gives a message
on stderr and exit 2:
a FIFO, a device or a file over ``inputs.MAX_CSV_BYTES``, values too large to forecast, or
a horizon outside 1..``MAX_HORIZON``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from resync_flows.cli.plot import PlotOption, write_forecast_plot

if TYPE_CHECKING:
    from resync_analytics.forecasting import RegularSeries, SeriesForecast, ThresholdEta

app = typer.Typer(help="Forecast metric series with calibrated intervals.", no_args_is_help=True)

BAD_INPUT = 2
# 10,000 steps is over a year of hourly points or 27 years of daily ones; more is no forecast
# anyone can act on, and a million steps took 17 s and 1 GB.
MAX_HORIZON = 10_000


@app.command("series")
def series(
    csv_path: Annotated[
        Path,
        typer.Argument(
            metavar="CSV", help="CSV with header timestamp,value (or series,timestamp,value)."
        ),
    ],
    horizon: Annotated[
        int, typer.Option("--horizon", help=f"Steps to forecast (1 to {MAX_HORIZON:,}).")
    ],
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="Report when the forecast first reaches this value."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    plot: PlotOption = None,
) -> None:
    """Forecast the series HORIZON steps past its last point, with an 80% interval."""
    from resync_analytics.forecasting import (
        ForecastError,
        SeriesError,
        forecast_many,
        forecast_series,
        read_series_csv,
        threshold_eta,
    )
    from resync_analytics.forecasting.series import is_long_csv, read_long_series_csv
    from resync_flows.cli.inputs import MAX_CSV_BYTES, InputFileError, check_regular_file

    if not 1 <= horizon <= MAX_HORIZON:
        _fail(f"--horizon must be between 1 and {MAX_HORIZON:,} steps, got {horizon:,}")
    if threshold is not None and not math.isfinite(threshold):
        _fail("--threshold must be a finite number")
    try:
        check_regular_file(csv_path, MAX_CSV_BYTES)
        if is_long_csv(csv_path):
            named = read_long_series_csv(csv_path)
            forecasts = forecast_many([data for _, data in named], horizon)
        else:
            named = []
            data = read_series_csv(csv_path)
            forecast = forecast_series(data, horizon)
    except (InputFileError, SeriesError, ForecastError) as exc:
        _fail(str(exc))
    if named and plot is not None:
        _fail("--plot draws one series: give a CSV with header timestamp,value")
    if named:
        for (key, data), forecast in zip(named, forecasts, strict=True):
            eta = threshold_eta(forecast, threshold) if threshold is not None else None
            document = {"series": key, **_contract(data, forecast, eta)}
            if as_json:
                typer.echo(json.dumps(document))
            else:
                _print_readable(f"{csv_path} [{key}]", data, forecast, document, threshold)
        return
    eta = threshold_eta(forecast, threshold) if threshold is not None else None
    if plot is not None:
        write_forecast_plot(plot, csv_path, data, forecast, threshold, eta)
    document = _contract(data, forecast, eta)
    if as_json:
        typer.echo(json.dumps(document))
    else:
        _print_readable(csv_path, data, forecast, document, threshold)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(BAD_INPUT)


def _contract(
    data: RegularSeries, forecast: SeriesForecast, eta: ThresholdEta | None
) -> dict[str, Any]:
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
        "notes": list(forecast.notes),
    }


def _print_readable(
    path: Path | str,
    data: RegularSeries,
    forecast: SeriesForecast,
    document: dict[str, Any],
    threshold: float | None,
) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    console.print(
        f"[bold]{escape(str(path))}[/]: {len(data)} points every {data.step_seconds:g}s; "
        f"method [cyan]{forecast.method}[/]"
        + (f", seasonal period {forecast.period} steps" if forecast.period else "")
    )
    for note in forecast.notes:
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

"""``--plot FILE``: where the CSV commands write their chart. The chart goes to the file
only, so what a command prints (its JSON contract above all) is the same with or without it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from resync_analytics.anomalies import Anomaly
    from resync_analytics.forecasting import RegularSeries, SeriesForecast, ThresholdEta

BAD_INPUT = 2

PlotOption = Annotated[
    Path | None,
    typer.Option(
        "--plot",
        metavar="FILE",
        help="Also draw the chart as a PNG image (900x360) to FILE.",
        dir_okay=False,
    ),
]


class PlotFileError(OSError):
    """The chart cannot be written to the path; the message names it and says why."""


def write_png(path: Path, png: bytes) -> None:
    """Write ``png`` to ``path`` whole or not at all (a temporary file beside it, renamed),
    so a failed or interrupted write never leaves half an image under the name."""
    if path.is_dir():
        raise PlotFileError(f"{path}: is a directory, not a file")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise PlotFileError(f"{path}: cannot write there ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(png)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file; mkstemp makes 0600
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise PlotFileError(f"{path}: cannot write there ({exc.strerror})") from None


def write_forecast_plot(
    path: Path,
    csv_path: Path,
    data: RegularSeries,
    forecast: SeriesForecast,
    threshold: float | None,
    eta: ThresholdEta | None,
) -> None:
    """The forecast chart of ``forecast series`` to ``path``; exit 2 if it cannot be written."""
    from resync_analytics.charts import forecast_chart

    title = f"{csv_path.name}: {forecast.method}, {forecast.horizon} steps ahead"
    _write(path, lambda: forecast_chart(data, forecast, title=title, threshold=threshold, eta=eta))


def write_anomaly_plot(
    path: Path, csv_path: Path, data: RegularSeries, anomalies: Sequence[Anomaly]
) -> None:
    """The anomaly chart of ``anomalies detect`` to ``path``; exit 2 if it cannot be written."""
    from resync_analytics.charts import anomaly_chart

    title = f"{csv_path.name}: {len(anomalies)} anomalous episode(s)"
    _write(path, lambda: anomaly_chart(data, anomalies, title=title))


def _write(path: Path, render: Callable[[], bytes]) -> None:
    # Called before the command prints anything: a failure leaves stdout empty.
    from resync_analytics.charts import ChartError

    try:
        write_png(path, render())
    except (PlotFileError, ChartError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(BAD_INPUT) from None

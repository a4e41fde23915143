"""Figures and PNG bytes: one size, one type scale, no display and no global state.

Figures are built with ``matplotlib.figure.Figure`` and rendered by the Agg canvas directly,
not through ``pyplot``: pyplot keeps global figure state and picks a GUI backend, which a
Prefect worker running tasks in threads must not share.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable
from typing import ParamSpec, Protocol

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

WIDTH_PX = 900
HEIGHT_PX = 360
DPI = 100
# Readable at 900 px wide in a report column and in a README.
TITLE_SIZE = 13
LABEL_SIZE = 11
TICK_SIZE = 10
LEGEND_SIZE = 9
# A palette PNG of this many colours keeps antialiased lines and text smooth at a third of
# the size of the truecolour image (charts stay well under 60 KB embedded in a report).
PALETTE_COLOURS = 64

COLOURS = {
    "history": "#1f4e79",
    "forecast": "#d9822b",
    "band": "#f5c98f",
    "threshold": "#b22222",
    "eta": "#6a1b9a",
    "eta_span": "#e1bee7",
    "p50": "#2e7d32",
    "p90": "#ef6c00",
    "budget": "#b22222",
    "failed": "#b22222",
    "flag": "#c62828",
    "episode": "#ffcdd2",
}


class ChartError(ValueError):
    """The data cannot be charted (nothing to draw, mismatched lengths, no dates)."""


def new_figure(title: str) -> tuple[Figure, Axes]:
    """A blank 900x360 figure with one titled axes and a light grid."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(_shorten(title, 90), fontsize=TITLE_SIZE, loc="left")
    axes.grid(True, color="#dddddd", linewidth=0.6)
    axes.tick_params(labelsize=TICK_SIZE)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def label_axes(axes: Axes, *, x: str, y: str) -> None:
    axes.set_xlabel(x, fontsize=LABEL_SIZE)
    axes.set_ylabel(y, fontsize=LABEL_SIZE)


def date_axis(axes: Axes) -> None:
    """Concise date ticks (``Dec 05``, ``12:00``...) that never overlap."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def legend(axes: Axes) -> None:
    """The legend in a row under the axes, where it can hide no data."""
    handles, labels = axes.get_legend_handles_labels()
    axes.figure.legend(
        handles,
        labels,
        fontsize=LEGEND_SIZE,
        loc="outside lower center",
        ncols=min(len(labels), 4),
        frameon=False,
    )


def utc_naive(moments: object) -> pd.DatetimeIndex:
    """Instants as naive UTC (the axes say UTC); naive input is taken as UTC already."""
    try:
        index = pd.DatetimeIndex(moments)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ChartError(f"not dates: {exc}") from None
    return index.tz_convert("UTC").tz_localize(None) if index.tz is not None else index


def date_label(moments: object) -> str:
    """``date (UTC)`` for instants with a time zone; plain ``date`` for naive ones, whose
    zone the data does not say."""
    return "date (UTC)" if getattr(moments, "tz", None) is not None else "date"


def utc_moment(moment: object) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)  # type: ignore[arg-type]
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo is not None else stamp


def date_x(moment: object) -> float:
    """An instant as matplotlib's date number (what spans and markers take as x)."""
    return float(mdates.date2num(utc_moment(moment)))


def finite_values(values: object, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or not np.isfinite(array).any():
        raise ChartError(f"{what} has no finite value to draw")
    return array


class History(Protocol):
    """Observed values on dates: a ``RegularSeries`` (or anything with both attributes)."""

    @property
    def index(self) -> pd.DatetimeIndex: ...
    @property
    def values(self) -> np.ndarray: ...


def dated_values(series: History | pd.Series, what: str) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """A series' dates (naive UTC) and finite values, checked to pair up one to one;
    ``what`` names it in errors (``the history``)."""
    index = utc_naive(series.index)
    values = finite_values(series.values, what)
    if len(index) != len(values):
        whose = f"{what}'" if what.endswith("s") else f"{what}'s"
        raise ChartError(f"{whose} dates and values differ in length")
    return index, values


def finish_axes(axes: Axes, *, x: str, y: str) -> None:
    """Label both axes, give x concise date ticks and put the legend under the axes."""
    label_axes(axes, x=x, y=y)
    date_axis(axes)
    legend(axes)


Params = ParamSpec("Params")


def png_chart(figure_of: Callable[Params, Figure], name: str) -> Callable[Params, bytes]:
    """A chart function ``name`` taking ``figure_of``'s arguments and returning its figure
    as ``png_bytes``: each chart is offered both ways without restating its parameters."""

    def chart(*args: Params.args, **kwargs: Params.kwargs) -> bytes:
        return png_bytes(figure_of(*args, **kwargs))

    chart.__name__ = chart.__qualname__ = name
    chart.__module__ = figure_of.__module__
    chart.__doc__ = f"PNG bytes of ``{figure_of.__name__}``."
    # help() and inspect show the figure's parameters, returning bytes.
    signature = inspect.signature(figure_of).replace(return_annotation="bytes")
    chart.__signature__ = signature  # type: ignore[attr-defined]
    return chart


def png_bytes(figure: Figure) -> bytes:
    """The figure as a deterministic palette PNG of exactly 900x360 pixels."""
    FigureCanvasAgg(figure)
    raw = io.BytesIO()
    # No "Software" text chunk: identical input gives identical bytes across runs.
    figure.savefig(raw, format="png", dpi=DPI, metadata={"Software": None})
    with Image.open(raw) as image:
        palette = image.convert("RGB").quantize(
            colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""The forecast chart: history, the forecast with its interval, the threshold and the ETA."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from resync_analytics.charts.render import (
    COLOURS,
    ChartError,
    History,
    date_label,
    date_x,
    dated_values,
    finish_axes,
    finite_values,
    new_figure,
    png_chart,
    utc_moment,
    utc_naive,
)
from resync_analytics.charts.thin import thin
from resync_core.forecasts import ForecastRecord


class Forecast(Protocol):
    """A forecast with its central interval: a ``SeriesForecast``."""

    @property
    def index(self) -> pd.DatetimeIndex: ...
    @property
    def value(self) -> np.ndarray: ...
    @property
    def lower(self) -> np.ndarray: ...
    @property
    def upper(self) -> np.ndarray: ...
    @property
    def coverage(self) -> float: ...


class Eta(Protocol):
    """When the forecast reaches the threshold: a ``ThresholdEta``."""

    @property
    def expected(self) -> pd.Timestamp: ...
    @property
    def earliest(self) -> pd.Timestamp: ...
    @property
    def latest(self) -> pd.Timestamp | None: ...


def forecast_figure(
    history: History | pd.Series,
    forecast: Forecast,
    *,
    title: str,
    unit: str = "value",
    threshold: float | None = None,
    eta: Eta | None = None,
    history_points: int | None = None,
    y_max: float | None = None,
) -> Figure:
    """The chart as a figure (artists carry ``gid``: history, forecast, band, threshold, eta,
    eta_span). ``history_points`` keeps only the last points of a long history (default:
    three horizons, at least a week of hourly points) so the forecast stays readable;
    ``y_max`` caps the axis where values cannot go (100 for a percentage)."""
    past_index, past = dated_values(history, "the history")
    future_index = utc_naive(forecast.index)
    value = finite_values(forecast.value, "the forecast")
    lower, upper = np.asarray(forecast.lower, float), np.asarray(forecast.upper, float)
    if not len(future_index) == len(value) == len(lower) == len(upper):
        raise ChartError("the forecast's dates, values and interval differ in length")
    keep = history_points if history_points is not None else max(3 * len(value), 168)
    past_index, past = past_index[-keep:], past[-keep:]

    figure, axes = new_figure(title)
    x, y = thin(past_index, past)
    axes.plot(x, y, color=COLOURS["history"], linewidth=1.2, label="history", gid="history")
    # Join the forecast to the last observation so the two lines read as one.
    joined_x = past_index[-1:].append(future_index)
    axes.fill_between(
        joined_x,
        np.r_[past[-1], lower],
        np.r_[past[-1], upper],
        color=COLOURS["band"],
        alpha=0.7,
        linewidth=0,
        label=f"{forecast.coverage:.0%} interval",
        gid="band",
    )
    axes.plot(
        joined_x,
        np.r_[past[-1], value],
        color=COLOURS["forecast"],
        linewidth=1.6,
        label="forecast",
        gid="forecast",
    )
    if threshold is not None:
        axes.axhline(
            threshold,
            color=COLOURS["threshold"],
            linestyle="--",
            linewidth=1.2,
            label=f"threshold {threshold:g}",
            gid="threshold",
        )
    if eta is not None:
        _mark_eta(axes, eta, threshold, future_index[-1])
    if y_max is not None:
        low, high = axes.get_ylim()
        axes.set_ylim(low, min(high, y_max + 0.05 * (y_max - low)))
    finish_axes(axes, x=date_label(history.index), y=unit)
    return figure


def _mark_eta(axes: Axes, eta: Eta, threshold: float | None, horizon_end: pd.Timestamp) -> None:
    expected, earliest = utc_moment(eta.expected), utc_moment(eta.earliest)
    latest = horizon_end if eta.latest is None else utc_moment(eta.latest)
    if latest > earliest:
        after = " (latest after the horizon)" if eta.latest is None else ""
        axes.axvspan(
            date_x(earliest),
            date_x(latest),
            color=COLOURS["eta_span"],
            alpha=0.5,
            linewidth=0,
            label=f"ETA range {earliest:%m-%d} – {latest:%m-%d}{after}",
            gid="eta_span",
        )
    axes.axvline(
        date_x(expected),
        color=COLOURS["eta"],
        linewidth=1.4,
        label=f"ETA {expected:%Y-%m-%d %H:%M}",
        gid="eta",
    )
    if threshold is not None:
        axes.plot(
            [date_x(expected)],
            [threshold],
            "o",
            color=COLOURS["eta"],
            markersize=7,
            gid="eta_point",
        )


forecast_chart = png_chart(forecast_figure, "forecast_chart")


def metric_axis(metric: str) -> tuple[str, float | None]:
    """The axis label with the unit a metric's name implies (``cpu.percent`` is in %) and
    the most it can be (100 for a percentage, else None)."""
    if metric.endswith("percent"):
        return f"{metric} (%)", 100.0
    return metric, None


@dataclass(frozen=True)
class StoredForecast:
    """A forecast read back from the ``forecasts`` table, in the shape the chart takes."""

    index: pd.DatetimeIndex
    value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    coverage: float


@dataclass(frozen=True)
class StoredEta:
    expected: pd.Timestamp
    earliest: pd.Timestamp
    latest: pd.Timestamp | None


def from_record(record: ForecastRecord) -> tuple[StoredForecast, StoredEta | None]:
    """The forecast and ETA of a stored ``ForecastRecord``, ready for ``forecast_chart``
    (the history comes from the metric samples, which the record does not hold)."""
    if not record.points:
        raise ChartError(f"{record.series_key}: the stored forecast has no points")
    try:
        index = pd.DatetimeIndex([pd.Timestamp(p["timestamp"]) for p in record.points])
        columns = {
            name: np.array([float(p[name]) for p in record.points])
            for name in ("value", "lower", "upper")
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise ChartError(f"{record.series_key}: a stored point is malformed ({exc})") from None
    coverage = float(record.details.get("coverage") or 0.8)
    forecast = StoredForecast(index, columns["value"], columns["lower"], columns["upper"], coverage)
    if record.threshold_eta is None:
        return forecast, None
    eta = StoredEta(
        expected=pd.Timestamp(record.threshold_eta),
        earliest=pd.Timestamp(record.threshold_eta_lower or record.threshold_eta),
        latest=None
        if record.threshold_eta_upper is None
        else pd.Timestamp(record.threshold_eta_upper),
    )
    return forecast, eta

"""The anomaly chart: the series, each flagged episode shaded, its peak marked with its score."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import pandas as pd
from matplotlib.figure import Figure

from resync_analytics.charts.render import (
    COLOURS,
    LEGEND_SIZE,
    History,
    date_label,
    date_x,
    dated_values,
    finish_axes,
    new_figure,
    png_chart,
    utc_moment,
)
from resync_analytics.charts.thin import thin

# More score labels than this overlap; every episode is still shaded and marked.
MAX_LABELS = 12


class Flagged(Protocol):
    """An anomalous episode: an ``Anomaly`` (start, highest score, peak, end)."""

    @property
    def timestamp(self) -> pd.Timestamp: ...
    @property
    def score(self) -> float: ...
    @property
    def peak(self) -> pd.Timestamp: ...
    @property
    def end(self) -> pd.Timestamp: ...


def anomaly_figure(
    series: History | pd.Series,
    anomalies: Sequence[Flagged],
    *,
    title: str,
    unit: str = "value",
) -> Figure:
    """The chart as a figure (artists carry ``gid``: series, episode, flagged, and
    ``score:<n>`` for each score label, highest scores labelled first)."""
    index, values = dated_values(series, "the series")
    figure, axes = new_figure(title)
    x, y = thin(index, values)
    axes.plot(x, y, color=COLOURS["history"], linewidth=1.0, label=unit, gid="series")
    peaks_x: list[pd.Timestamp] = []
    peaks_y: list[float] = []
    for number, anomaly in enumerate(anomalies):
        start, end = utc_moment(anomaly.timestamp), utc_moment(anomaly.end)
        axes.axvspan(
            date_x(start),
            date_x(max(end, start)),
            color=COLOURS["episode"],
            alpha=0.6,
            linewidth=0,
            label="anomalous episode" if number == 0 else None,
            gid="episode",
        )
        peak = utc_moment(anomaly.peak)
        at = int(index.get_indexer(pd.DatetimeIndex([peak]), method="nearest")[0])
        peaks_x.append(peak)
        peaks_y.append(float(values[at]))
    if anomalies:
        axes.plot(
            pd.DatetimeIndex(peaks_x),
            peaks_y,
            "o",
            color=COLOURS["flag"],
            markersize=6,
            label="peak (score)",
            gid="flagged",
        )
        ranked = sorted(range(len(anomalies)), key=lambda i: -anomalies[i].score)
        for i in ranked[:MAX_LABELS]:
            axes.annotate(
                f"{anomalies[i].score:.2f}",
                (peaks_x[i], peaks_y[i]),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=LEGEND_SIZE,
                color=COLOURS["flag"],
                gid=f"score:{i}",
            )
        low, high = axes.get_ylim()
        axes.set_ylim(low, high + 0.08 * (high - low))  # room for the labels above peaks
    finish_axes(axes, x=date_label(series.index), y=unit)
    return figure


anomaly_chart = png_chart(anomaly_figure, "anomaly_chart")

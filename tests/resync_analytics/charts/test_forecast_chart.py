from types import SimpleNamespace

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest

from resync_analytics.charts import ChartError, forecast_chart, forecast_figure, metric_axis
from resync_analytics.forecasting import forecast_series, regularise, threshold_eta
from tests.resync_analytics.charts.pngs import by_gid, legend_labels, png_size


def growing_disk(days: int = 28, seed: int = 3):
    index = pd.date_range("2026-11-01", periods=days * 24, freq="h", tz="UTC")
    steps = np.arange(len(index))
    noise = np.random.default_rng(seed).normal(0, 1.0, len(index))
    values = 50 + 0.04 * steps + 3 * np.sin(steps * 2 * np.pi / 24) + noise
    return regularise(index, values, step=pd.Timedelta("1h"), name="disk.used_percent")


@pytest.fixture(scope="module")
def disk():
    series = growing_disk()
    forecast = forecast_series(series, 42 * 24)
    return series, forecast, threshold_eta(forecast, 90.0)


def test_chart_is_a_900_by_360_png_small_enough_to_embed(disk):
    series, forecast, eta = disk
    png = forecast_chart(series, forecast, title="app01 disk", threshold=90.0, eta=eta)
    assert png_size(png) == (900, 360)
    assert len(png) <= 60_000


def test_same_input_gives_the_same_bytes(disk):
    series, forecast, eta = disk
    first = forecast_chart(series, forecast, title="t", threshold=90.0, eta=eta)
    assert forecast_chart(series, forecast, title="t", threshold=90.0, eta=eta) == first


def test_threshold_line_eta_marker_and_eta_span_are_drawn_where_the_eta_says(disk):
    series, forecast, eta = disk
    assert eta is not None and eta.earliest < eta.expected
    figure = forecast_figure(series, forecast, title="t", threshold=90.0, eta=eta)
    (threshold,) = by_gid(figure, "threshold")
    assert list(threshold.get_ydata()) == [90.0, 90.0]
    (marker,) = by_gid(figure, "eta")
    expected = eta.expected.tz_convert("UTC").tz_localize(None)
    assert mdates.num2date(marker.get_xdata()[0]).replace(tzinfo=None) == expected
    (span,) = by_gid(figure, "eta_span")
    left = span.get_x()
    assert mdates.num2date(left).replace(tzinfo=None) == eta.earliest.tz_localize(None)
    labels = legend_labels(figure)
    assert f"ETA {expected:%Y-%m-%d %H:%M}" in labels
    assert "threshold 90" in labels
    assert f"{forecast.coverage:.0%} interval" in labels


def test_without_an_eta_there_is_no_marker_and_without_a_threshold_no_line(disk):
    series, forecast, _ = disk
    figure = forecast_figure(series, forecast, title="t")
    assert by_gid(figure, "eta") == by_gid(figure, "eta_span") == by_gid(figure, "threshold") == []
    assert len(by_gid(figure, "forecast")) == 1
    assert len(by_gid(figure, "band")) == 1


def test_latest_after_the_horizon_spans_to_the_horizons_end(disk):
    series, forecast, eta = disk
    open_ended = type(eta)(eta.threshold, eta.expected, eta.earliest, None)
    figure = forecast_figure(series, forecast, title="t", threshold=90.0, eta=open_ended)
    labels = legend_labels(figure)
    assert any(label.endswith("(latest after the horizon)") for label in labels)


def test_forecast_line_starts_at_the_last_observation_and_history_is_trimmed(disk):
    series, forecast, _ = disk
    figure = forecast_figure(series, forecast, title="t", history_points=48)
    (history,) = by_gid(figure, "history")
    assert len(history.get_xdata()) == 48
    (line,) = by_gid(figure, "forecast")
    assert line.get_ydata()[0] == series.values[-1]
    assert list(line.get_ydata()[1:]) == list(forecast.value)


def test_a_percentage_axis_stops_near_100(disk):
    series, forecast, _ = disk
    label, ceiling = metric_axis("disk.used_percent")
    assert label == "disk.used_percent (%)" and ceiling == 100.0
    assert forecast.upper.max() > 110  # the band runs far past 100 by the horizon
    figure = forecast_figure(series, forecast, title="t", unit=label, y_max=ceiling)
    assert figure.axes[0].get_ylim()[1] <= 105
    assert figure.axes[0].get_ylabel() == "disk.used_percent (%)"
    assert metric_axis("queue.depth") == ("queue.depth", None)


def test_a_plain_pandas_series_works_as_the_history(disk):
    series, forecast, eta = disk
    plain = pd.Series(series.values, index=series.index.tz_localize(None))
    assert png_size(forecast_chart(plain, forecast, title="t", threshold=90.0, eta=eta)) == (
        900,
        360,
    )
    # Naive dates carry no zone: the axis does not claim one.
    assert forecast_figure(plain, forecast, title="t").axes[0].get_xlabel() == "date"
    assert forecast_figure(series, forecast, title="t").axes[0].get_xlabel() == "date (UTC)"


def test_mismatched_or_empty_input_is_refused(disk):
    series, forecast, _ = disk
    with pytest.raises(ChartError, match="differ in length"):
        forecast_figure(
            SimpleNamespace(index=series.index[:3], values=[1.0, 2.0]), forecast, title="t"
        )
    short = SimpleNamespace(**{**vars(forecast), "upper": forecast.upper[:-1]})
    with pytest.raises(ChartError, match="differ in length"):
        forecast_figure(series, short, title="t")
    empty = pd.Series([np.nan, np.nan], index=series.index[:2])
    with pytest.raises(ChartError, match="no finite value"):
        forecast_figure(empty, forecast, title="t")

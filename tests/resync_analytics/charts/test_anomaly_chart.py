import numpy as np
import pandas as pd

from resync_analytics.anomalies import detect_anomalies
from resync_analytics.charts import anomaly_chart, anomaly_figure
from resync_analytics.charts.anomaly import MAX_LABELS
from resync_analytics.forecasting import regularise
from tests.resync_analytics.charts.pngs import by_gid, png_size


def spiky(seed: int = 0):
    index = pd.date_range("2026-11-01", periods=14 * 288, freq="5min", tz="UTC")
    steps = np.arange(len(index))
    values = 40 + 5 * np.sin(steps * 2 * np.pi / 288)
    values += np.random.default_rng(seed).normal(0, 0.8, len(index))
    values[1500:1504] += 30
    values[3000] -= 25
    return regularise(index, values, step=pd.Timedelta("5min"), name="cpu")


def test_every_episode_is_shaded_and_its_peak_marked_with_its_score():
    series = spiky()
    anomalies = detect_anomalies(series)
    assert len(anomalies) >= 2
    figure = anomaly_figure(series, anomalies, title="cpu.csv", unit="cpu.percent")
    assert len(by_gid(figure, "episode")) == len(anomalies)
    (peaks,) = by_gid(figure, "flagged")
    at = series.index.get_indexer([a.peak for a in anomalies])
    assert list(peaks.get_ydata()) == list(series.values[at])
    texts = [by_gid(figure, f"score:{i}")[0].get_text() for i in range(len(anomalies))]
    assert texts == [f"{a.score:.2f}" for a in anomalies]


def test_no_anomaly_draws_the_series_alone():
    series = spiky()
    figure = anomaly_figure(series, [], title="t")
    assert len(by_gid(figure, "series")) == 1
    assert by_gid(figure, "flagged") == by_gid(figure, "episode") == []


def test_only_the_highest_scores_get_a_label():
    series = spiky()
    one = detect_anomalies(series)[0]
    many = [type(one)(one.timestamp, score / 100, one.peak, one.end) for score in range(30)]
    figure = anomaly_figure(series, many, title="t")
    labelled = [i for i in range(30) if by_gid(figure, f"score:{i}")]
    assert labelled == list(range(30 - MAX_LABELS, 30))


def test_long_series_chart_is_a_small_png_and_keeps_a_one_point_spike():
    series = spiky()
    assert len(series) > 2000  # long enough to be thinned
    png = anomaly_chart(series, detect_anomalies(series), title="t")
    assert png_size(png) == (900, 360)
    assert len(png) <= 60_000
    (line,) = by_gid(anomaly_figure(series, [], title="t"), "series")
    assert len(line.get_ydata()) <= 2000
    assert min(line.get_ydata()) == series.values.min()

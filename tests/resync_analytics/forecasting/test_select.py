import numpy as np
import pandas as pd
import pytest

from resync_analytics.forecasting import ForecastError, forecast_many, forecast_series, regularise
from resync_analytics.forecasting.seasonality import detect_period
from resync_analytics.forecasting.threshold import threshold_eta


def series_of(values, freq="h"):
    return regularise(pd.date_range("2026-01-01", periods=len(values), freq=freq), values)


def daily_wave(days: int, noise: float = 1.0, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    hours = np.arange(days * 24)
    return 50 + 20 * np.sin(2 * np.pi * hours / 24) + rng.normal(0, noise, hours.size)


def test_daily_season_is_detected_from_hourly_data():
    assert detect_period(daily_wave(14), pd.Timedelta(hours=1)) == 24


def test_noise_has_no_season():
    rng = np.random.default_rng(3)
    assert detect_period(rng.normal(size=24 * 14), pd.Timedelta(hours=1)) is None


def test_forecast_has_horizon_points_at_the_series_step():
    series = series_of(daily_wave(10))
    forecast = forecast_series(series, 30)
    assert len(forecast.index) == 30
    assert forecast.index[0] == series.index[-1] + pd.Timedelta(hours=1)
    assert (forecast.index[1:] - forecast.index[:-1] == pd.Timedelta(hours=1)).all()
    assert np.all(forecast.lower <= forecast.value)
    assert np.all(forecast.value <= forecast.upper)


def test_seasonal_series_beats_a_flat_forecast():
    values = daily_wave(15)
    forecast = forecast_series(series_of(values[:-24]), 24)
    error = np.abs(forecast.value - values[-24:]).mean()
    flat_error = np.abs(values[-25] - values[-24:]).mean()
    assert forecast.period == 24
    assert error < flat_error / 3


def test_interval_covers_about_eighty_percent_of_held_out_points():
    inside = []
    for seed in range(12):
        values = daily_wave(20, noise=3.0, seed=seed) + 0.05 * np.arange(480)
        forecast = forecast_series(series_of(values[:-48]), 48)
        actual = values[-48:]
        inside.append(np.mean((actual >= forecast.lower) & (actual <= forecast.upper)))
    assert 0.65 <= float(np.mean(inside)) <= 0.95


def test_batch_forecast_matches_one_by_one():
    group = [series_of(daily_wave(10, seed=s)) for s in range(3)]
    together = forecast_many(group, 12)
    for item, batch_result in zip(group, together, strict=True):
        alone = forecast_series(item, 12)
        assert alone.method == batch_result.method
        np.testing.assert_allclose(alone.value, batch_result.value)
        np.testing.assert_allclose(alone.upper, batch_result.upper)


def test_non_negative_series_never_forecast_below_zero():
    values = np.maximum(0, 10 - 0.2 * np.arange(48))
    forecast = forecast_series(series_of(values), 48)
    assert forecast.lower.min() >= 0
    assert forecast.value.min() >= 0


def test_linear_growth_reaches_threshold_inside_its_interval():
    rng = np.random.default_rng(7)
    days = np.arange(120)
    values = 40 + 0.4 * days + rng.normal(0, 1.5, days.size)  # reaches 95 near day 137
    series = series_of(values, freq="D")
    forecast = forecast_series(series, 60)
    eta = threshold_eta(forecast, 95.0)
    assert eta is not None
    truth = series.index[0] + pd.Timedelta(days=(95 - 40) / 0.4)
    assert eta.earliest <= eta.expected
    assert eta.latest is None or eta.expected <= eta.latest
    latest = eta.latest or forecast.index[-1]
    assert eta.earliest - pd.Timedelta(days=1) <= truth <= latest + pd.Timedelta(days=1)
    assert abs((eta.expected - truth).days) <= 10


def test_flat_series_does_not_reach_a_distant_threshold():
    forecast = forecast_series(series_of(np.full(100, 30.0)), 24)
    assert threshold_eta(forecast, 95.0) is None
    np.testing.assert_allclose(forecast.value, 30.0)


def test_bad_horizon_is_refused():
    with pytest.raises(ForecastError):
        forecast_series(series_of(np.arange(20.0)), 0)

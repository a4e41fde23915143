import numpy as np
import pandas as pd

from resync_analytics.forecasting import forecast_series, regularise
from resync_analytics.forecasting.select import choose_method, plan_backtest


def series_of(values, freq="h"):
    return regularise(pd.date_range("2026-01-01", periods=len(values), freq=freq), values)


def seasonal_walk(days: int, seed: int) -> np.ndarray:
    """Each hour is the same hour yesterday plus noise: nothing forecasts it better."""
    rng = np.random.default_rng(seed)
    values = list(50 + 20 * np.sin(2 * np.pi * np.arange(24) / 24))
    for t in range(24, days * 24):
        values.append(values[t - 24] + rng.normal(0, 1.0))
    return np.array(values)


def test_series_where_nothing_beats_seasonal_naive_gets_seasonal_naive():
    methods = [forecast_series(series_of(seasonal_walk(21, s)), 24).method for s in range(6)]
    assert methods == ["seasonal_naive"] * 6


def test_challenger_needs_the_margin_to_replace_seasonal_naive():
    assert choose_method(np.array([1.0, 0.97, 0.99]), margin=0.05) == 0
    assert choose_method(np.array([1.0, 0.90, 0.80]), margin=0.05) == 2
    # Among challengers within the tie margin of the best, the simpler one wins.
    assert choose_method(np.array([1.0, 0.805, 0.80]), margin=0.05) == 1
    assert choose_method(np.array([np.nan, np.inf, 0.5]), margin=0.05) == 2


def test_rolling_origins_are_whole_horizons_apart_over_the_last_third():
    plan = plan_backtest(length=4000, horizon=288, period=288)
    assert plan is not None
    assert len(plan.origins) >= 3
    assert all(a - b == 288 for a, b in zip(plan.origins, plan.origins[1:], strict=False))
    assert 4000 - min(plan.origins) <= 0.3 * 4000
    # A smaller conformal window keeps the most recent origins.
    fewer = plan_backtest(length=4000, horizon=288, period=288, max_origins=3)
    assert fewer is not None and fewer.origins == plan.origins[:3]


def test_interval_coverage_with_known_noise_is_near_eighty_percent():
    inside = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        hours = np.arange(24 * 21)
        values = 50 + 20 * np.sin(2 * np.pi * hours / 24) + rng.normal(0, 3.0, hours.size)
        forecast = forecast_series(series_of(values[:-48]), 48)
        actual = values[-48:]
        inside.append(np.mean((actual >= forecast.lower) & (actual <= forecast.upper)))
    assert 0.7 <= float(np.mean(inside)) <= 0.9

"""The seasonal median: a burst on one day does not repeat, and spiky series choose it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from resync_analytics.forecasting import forecast_series, regularise
from resync_analytics.forecasting.models import seasonal_median_values, seasonal_naive


def test_a_burst_yesterday_is_outvoted_by_the_days_before():
    days = np.tile([0.0, 0.0, 5.0, 5.0], 6)
    days[-2] = 100.0  # yesterday's burst at phase 2
    history = days[None, :]
    forecast = seasonal_median_values(history, 8, 4, cycles=5)[0]
    np.testing.assert_array_equal(forecast, np.tile([0.0, 0.0, 5.0, 5.0], 2))
    assert seasonal_naive(history, 8, 4)[0][2] == 100.0


def test_median_uses_the_cycles_there_are_and_no_period_means_recent_values():
    history = np.array([[1.0, 2.0, 3.0, 10.0, 20.0, 30.0]])
    np.testing.assert_array_equal(
        seasonal_median_values(history, 3, 3, cycles=14)[0], [5.5, 11, 16.5]
    )
    np.testing.assert_array_equal(seasonal_median_values(history, 2, None, cycles=3)[0], [20, 20])


def intermittent(days: int, seed: int) -> np.ndarray:
    """Hourly busy processors of a user: a working-hours job most days, random bursts."""
    rng = np.random.default_rng(seed)
    values = np.zeros(days * 24)
    for day in range(days):
        if rng.random() < 0.8:
            values[day * 24 + 9 : day * 24 + 17] = 32.0
        for hour in rng.choice(24, size=2, replace=False):
            if rng.random() < 0.5:
                values[day * 24 + hour] = 128.0
    return values


def test_a_spiky_hourly_series_gets_the_seasonal_median_and_beats_seasonal_naive():
    values = intermittent(60, 3)
    index = pd.date_range("2026-01-01", periods=len(values), freq="h")
    losses = []
    for back in range(5, 0, -1):
        cut = len(values) - back * 24
        forecast = forecast_series(regularise(index[:cut], values[:cut]), 24)
        actual = values[cut : cut + 24]
        naive = seasonal_naive(values[None, :cut], 24, 24)[0]
        losses.append(
            (forecast.method, np.abs(actual - forecast.value).mean(), np.abs(actual - naive).mean())
        )
    assert all(method == "seasonal_median" for method, _, _ in losses)
    assert np.mean([mine for _, mine, _ in losses]) < np.mean([naive for _, _, naive in losses])


def test_an_intermittent_series_needs_the_larger_margin():
    from resync_analytics.forecasting.select import (
        DEFAULT_MARGIN,
        INTERMITTENT_MARGIN,
        SELECTABLE,
        backtest_many,
        choose_method,
        finish_group,
        is_intermittent,
    )

    spiky = intermittent(40, 5)
    smooth = spiky + 1.0  # the same shape, never zero
    assert is_intermittent(spiky) and not is_intermittent(smooth)
    index = pd.date_range("2026-01-01", periods=len(spiky), freq="h")
    for values, margin in ((spiky, INTERMITTENT_MARGIN), (smooth, DEFAULT_MARGIN)):
        series = [regularise(index, values)]
        (group,) = backtest_many(series, 24)
        (forecast,) = finish_group(group, series, 0.8)
        eligible = np.array([name in SELECTABLE for name in group.names])
        expected = choose_method(group.per_origin[0], margin, eligible=eligible)
        assert forecast.method == group.names[expected]

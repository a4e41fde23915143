"""A series gets the same forecast, to the last bit, alone or in any batch: the capacity flow
splits hosts over workers, and a planner rerunning one host must see what the night saw."""

import numpy as np
import pandas as pd

from resync_analytics.forecasting import forecast_many, regularise
from resync_analytics.forecasting.models import line_fit


def _shop(count: int, seed: int = 11) -> list:
    rng = np.random.default_rng(seed)
    hours = np.arange(24 * 30)
    index = pd.date_range("2026-01-01", periods=hours.size, freq="h")
    series = []
    for number in range(count):
        kind = number % 4
        noise = rng.normal(0, 1 + number % 3, hours.size)
        if kind == 0:  # growing with a daily rhythm
            values = 30 + 0.02 * hours + 8 * np.sin(2 * np.pi * hours / 24) + noise
        elif kind == 1:  # flat noise
            values = 40 + noise
        elif kind == 2:  # a level shift half-way
            values = 20 + 15 * (hours > hours.size // 2) + noise
        else:  # constant
            values = np.full(hours.size, 35.0)
        series.append(regularise(index, values))
    return series


def test_each_series_is_forecast_the_same_alone_and_in_a_batch() -> None:
    shop = _shop(9)
    together = forecast_many(shop, 24 * 7)
    for alone_series, batched in zip(shop, together, strict=True):
        (alone,) = forecast_many([alone_series], 24 * 7)
        assert alone.method == batched.method
        for field in ("value", "lower", "upper"):
            assert np.array_equal(getattr(alone, field), getattr(batched, field)), field


def test_line_fit_matches_least_squares() -> None:
    rng = np.random.default_rng(5)
    values = rng.normal(size=(4, 50)) + np.arange(50) * np.array([[0.0], [0.5], [-1.0], [2.0]])
    intercept, slope = line_fit(values)
    for row in range(4):
        expected_slope, expected_intercept = np.polyfit(np.arange(50), values[row], 1)
        assert np.isclose(slope[row], expected_slope)
        assert np.isclose(intercept[row], expected_intercept)


def test_every_method_forecasts_a_row_the_same_alone_and_in_a_batch() -> None:
    from resync_analytics.forecasting import models

    rng = np.random.default_rng(1)
    hours = np.arange(24 * 30)
    batch = np.vstack(
        [
            40 + rng.normal(0, 1, hours.size),
            30 + 0.02 * hours + 8 * np.sin(2 * np.pi * hours / 24) + rng.normal(0, 2, hours.size),
            np.full(hours.size, 35.0),
        ]
    )
    methods = {
        name: getattr(models, name)
        for name in (
            "seasonal_naive",
            "seasonal_drift",
            "linear_trend",
            "straight_line",
            "damped_trend_ets",
            "theta",
        )
    }
    methods["mstl"] = models.mstl((24, 168)).predict
    for name, predict in methods.items():
        for period in (None, 24):
            together = predict(batch, 48, period)
            for row in range(batch.shape[0]):
                alone = predict(batch[row : row + 1], 48, period)[0]
                assert np.array_equal(alone, together[row]), (name, period, row)

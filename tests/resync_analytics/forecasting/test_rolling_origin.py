import numpy as np
import pandas as pd
import pytest

from resync_analytics.forecasting import ForecastError, forecast_series, regularise
from resync_analytics.forecasting.select import (
    MAX_ORIGINS,
    backtest_many,
    choose_method,
    origin_scores,
    plan_backtest,
)


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


def test_a_clear_trend_gets_a_trend_forecast_that_follows_it():
    rng = np.random.default_rng(5)
    hours = np.arange(24 * 21)
    values = 20 + 0.1 * hours + 5 * np.sin(2 * np.pi * hours / 24) + rng.normal(0, 1, hours.size)
    forecast = forecast_series(series_of(values[:-48]), 48)
    assert forecast.method in ("straight_line", "combination")
    truth = values[-48:]
    yesterday = values[-72:-48]
    assert (
        np.abs(forecast.value - truth).mean() < 0.5 * np.abs(np.tile(yesterday, 2) - truth).mean()
    )


def test_challenger_needs_the_margin_on_the_median_origin():
    # One origin per column; the median decides, not the mean.
    default = [1.0, 1.0, 1.0, 1.0, 1.0]
    near = [0.95, 0.95, 0.95, 0.95, 0.95]
    clear = [0.7, 0.7, 0.7, 0.7, 0.7]
    assert choose_method(np.array([default, near]), margin=0.1, win_share=0.5) == 0
    assert choose_method(np.array([default, near, clear]), margin=0.1, win_share=0.5) == 2


def test_one_lucky_origin_does_not_win_and_one_freak_origin_does_not_lose():
    default = [3.0, 1.0, 1.0, 1.0, 1.0]  # one hard day for seasonal naive
    lucky = [0.1, 1.1, 1.1, 1.1, 1.1]  # the best mean by far, the worse one on the other days
    freak = [0.6, 0.6, 0.6, 0.6, 9.0]  # better at four origins of five, one disaster
    assert np.mean(lucky) < np.mean(default) * 0.7
    assert choose_method(np.array([default, lucky]), margin=0.1, win_share=0.5) == 0
    assert choose_method(np.array([default, freak]), margin=0.1, win_share=0.5) == 1
    # Asked to win at every origin, the freak one no longer qualifies.
    assert choose_method(np.array([default, freak]), margin=0.1, win_share=1.0) == 0


def test_the_worst_origin_statistic_refuses_a_challenger_with_one_disaster():
    default = [1.0, 1.0, 1.0, 1.0, 1.0]
    freak = [0.6, 0.6, 0.6, 0.6, 9.0]
    rows = np.array([default, freak])
    assert choose_method(rows, margin=0.1, win_share=0.0, statistic="median") == 1
    assert choose_method(rows, margin=0.1, win_share=0.0, statistic="mean") == 0
    assert choose_method(rows, margin=0.1, win_share=0.0, statistic="worst") == 0
    with pytest.raises(ForecastError):
        origin_scores(rows, "best")


def test_near_tie_goes_to_the_simpler_candidate_and_ineligible_ones_never_win():
    rows = np.array([[1.0] * 3, [0.805] * 3, [0.80] * 3, [0.5] * 3])
    eligible = np.array([True, True, True, False])
    assert choose_method(rows, margin=0.05, win_share=0.5, eligible=eligible) == 1
    assert choose_method(rows, margin=0.05, win_share=0.5) == 3
    assert choose_method(np.array([[np.nan] * 3, [np.inf] * 3, [0.5] * 3])) == 2


def test_origin_scores_are_medians_ignoring_broken_origins():
    scores = origin_scores(np.array([[1.0, 3.0, 2.0], [np.nan, 4.0, np.inf], [np.nan] * 3]))
    np.testing.assert_allclose(scores, [2.0, 4.0, np.inf])


def test_rolling_origins_are_whole_horizons_apart_and_as_many_as_fit():
    long = plan_backtest(length=288 * (MAX_ORIGINS + 5), horizon=288, period=288)
    assert long is not None and len(long.origins) == MAX_ORIGINS
    plan = plan_backtest(length=4000, horizon=288, period=288)
    assert plan is not None
    # Below the cap, every whole window that leaves two cycles of history before it.
    assert len(plan.origins) == (4000 - 2 * 288 - 288) // 288 + 1
    assert plan.horizon == 288
    assert all(a - b == 288 for a, b in zip(plan.origins, plan.origins[1:], strict=False))
    assert plan.origins[0] == 4000 - 288
    # A smaller window keeps the most recent origins.
    fewer = plan_backtest(length=4000, horizon=288, period=288, max_origins=3)
    assert fewer is not None and fewer.origins == plan.origins[:3]
    # A short history fits fewer origins, all with two cycles of history before them.
    short = plan_backtest(length=288 * 4, horizon=288, period=288)
    assert short is not None and len(short.origins) == 2 and min(short.origins) >= 2 * 288


def test_backtest_horizon_matches_the_forecast_horizon():
    (group,) = backtest_many([series_of(seasonal_walk(21, 0))], 36)
    assert group.test_horizon == 36
    # 21 days of hours: every 36-hour window after two days of history, under the cap.
    assert group.per_origin.shape[-1] == min(MAX_ORIGINS, (21 * 24 - 48 - 36) // 36 + 1)


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

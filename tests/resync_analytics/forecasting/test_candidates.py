"""The candidate pool: batch methods, level shifts, MSTL, the combination, batch reading."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest

from resync_analytics.forecasting import forecast_many, forecast_series, regularise
from resync_analytics.forecasting.models import damped_trend_ets, holt_damped, theta
from resync_analytics.forecasting.seasonality import detect_period, detect_periods
from resync_analytics.forecasting.select import backtest_many
from resync_analytics.forecasting.series import read_long_series_csv
from resync_analytics.forecasting.shifts import remove_level_shifts


def series_of(values, freq="h"):
    return regularise(pd.date_range("2026-01-01", periods=len(values), freq=freq), values)


def weekly_daily(count: int, days: int = 90, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    season = np.array([0, 2, 3, 2, 1, -4, -4.0])
    return 50 + 0.2 * t + season[t % 7] + rng.normal(0, 1, (count, days))


def test_batch_holt_damped_is_close_to_statsmodels():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    rng = np.random.default_rng(0)
    history = 20 + np.cumsum(rng.normal(0.3, 1, (4, 200)), axis=1)
    ours = holt_damped(history, 10)
    for row, values in enumerate(history):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ExponentialSmoothing(
                values, trend="add", damped_trend=True, initialization_method="heuristic"
            ).fit()
        reference = model.forecast(10)
        spread = np.std(np.diff(values))
        assert np.max(np.abs(ours[row] - reference)) < 1.5 * spread


def test_theta_follows_half_the_trend_and_ets_a_clean_line():
    t = np.arange(100, dtype=float)
    line = (10 + 0.5 * t)[None, :]
    ets = damped_trend_ets(line, 5, None)[0]
    assert np.allclose(ets, 10 + 0.5 * np.arange(100, 105), atol=0.5)
    forecast = theta(line, 5, None)[0]
    # SES lags the line; the half slope keeps the forecast rising.
    assert np.all(np.diff(forecast) > 0.2)


def test_batch_methods_give_each_series_what_it_gets_alone():
    batch = weekly_daily(5)
    together = damped_trend_ets(batch, 14, 7)
    alone = np.vstack([damped_trend_ets(row[None, :], 14, 7) for row in batch])
    np.testing.assert_allclose(together, alone)


def test_batched_period_detection_matches_one_series_at_a_time():
    rng = np.random.default_rng(1)
    hours = np.arange(24 * 14)
    rows = np.vstack(
        [
            10 * np.sin(2 * np.pi * hours / 24) + rng.normal(0, 1, hours.size),
            rng.normal(0, 1, hours.size),
            np.full(hours.size, 3.0),
        ]
    )
    step = pd.Timedelta(hours=1)
    assert detect_periods(rows, step) == [detect_period(row, step) for row in rows]
    assert detect_periods(rows, step) == [24, None, None]


def test_level_shift_is_found_where_it_happened_and_noise_has_none():
    rng = np.random.default_rng(2)
    t = np.arange(120)
    base = 50 + 0.1 * t + 4 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 1, (4, 120))
    base[0, 80:] += 12
    base[1, 40:] -= 9
    base[3] = 50 + np.cumsum(rng.normal(0, 1, 120))  # a random walk wanders, it does not shift
    adjusted, shifts = remove_level_shifts(base, 7)
    assert [s.position for s in shifts[0]] == [80]
    assert shifts[0][0].size == pytest.approx(12, abs=2)
    assert [s.position for s in shifts[1]] == [40]
    assert shifts[2] == [] and shifts[3] == []
    # The history before the jump now sits at the new level.
    assert abs(adjusted[0, :80].mean() + 0.1 * 40 - adjusted[0, 80:].mean()) < 3


def test_forecast_after_a_level_shift_starts_from_the_new_level():
    rng = np.random.default_rng(4)
    t = np.arange(24 * 14)
    values = 30 + 5 * np.sin(2 * np.pi * t / 24) + rng.normal(0, 1, t.size)
    values[24 * 11 + 7 :] -= 15
    forecast = forecast_series(series_of(values), 24)
    assert any("level shift of -" in note for note in forecast.notes)
    assert abs(forecast.value.mean() - 15) < 3


def test_mstl_competes_when_daily_and_weekly_seasons_both_fit():
    rng = np.random.default_rng(6)
    hours = np.arange(24 * 7 * 3)
    weekend = np.where((hours // 24) % 7 >= 5, -10.0, 0.0)
    values = 40 + 8 * np.sin(2 * np.pi * hours / 24) + weekend + rng.normal(0, 1, hours.size)
    (group,) = backtest_many([series_of(values)], 24)
    assert "mstl" in group.names
    (short,) = backtest_many([series_of(values[: 24 * 10])], 24)
    assert "mstl" not in short.names


def test_combination_is_the_median_of_seasonal_naive_ets_and_theta():
    (group,) = backtest_many([series_of(weekly_daily(1)[0], freq="D")], 14)
    assert group.names[-1] == "combination"
    members = [group.names.index(n) for n in ("seasonal_naive", "ets_damped", "theta")]
    expected = np.median(group.point[0, members], axis=0)
    np.testing.assert_allclose(group.point[0, -1], expected)
    assert any(
        note == "combination: median of seasonal_naive, ets_damped, theta"
        for note in group.notes[0]
    )
    # Its backtest forecast at every origin is the median of its members' there too.
    np.testing.assert_allclose(group.errors[0, -1], np.median(group.errors[0, members], axis=0))


def test_batch_of_mixed_lengths_keeps_order_and_single_results():
    long = [series_of(row, freq="D") for row in weekly_daily(3, days=90)]
    short = [series_of(row, freq="D") for row in weekly_daily(2, days=40, seed=1)]
    mixed = [long[0], short[0], long[1], short[1], long[2]]
    forecasts = forecast_many(mixed, 7)
    for item, forecast in zip(mixed, forecasts, strict=True):
        assert forecast.index[0] == item.index[-1] + pd.Timedelta(days=1)
        np.testing.assert_allclose(forecast.value, forecast_series(item, 7).value)


def test_regular_long_csv_rows_read_as_regularise_would():
    times = pd.date_range("2026-03-01", periods=30, freq="15min")
    rows = ["series,timestamp,value"]
    rows += [f"a,{t:%Y-%m-%dT%H:%M:%SZ},{i * 1.5}" for i, t in enumerate(times)]
    rows += [f"b,{t:%Y-%m-%d %H:%M:%SZ},{i}" for i, t in enumerate(times) if i != 4]
    (_, a), (_, b) = read_long_series_csv(io.StringIO("\n".join(rows) + "\n"))
    reference = regularise(times.tz_localize("UTC"), np.arange(30) * 1.5, style=a.style)
    assert a.step == reference.step == pd.Timedelta(minutes=15)
    np.testing.assert_array_equal(a.values, reference.values)
    assert list(a.index) == list(reference.index) and a.notes == ()
    assert a.format_timestamp(a.index[0]) == "2026-03-01T00:00:00Z"
    assert b.values[4] == pytest.approx(4.0) and any("missing" in n for n in b.notes)
    assert b.format_timestamp(b.index[0]) == "2026-03-01 00:00:00Z"


def test_a_burst_that_ended_is_not_a_level_shift():
    rng = np.random.default_rng(9)
    values = 20 + rng.normal(0, 0.5, (1, 2000))
    values[0, 1200:1350] += 30  # a busy half-day, then back to normal
    adjusted, shifts = remove_level_shifts(values, None)
    assert shifts == [[]]
    np.testing.assert_array_equal(adjusted, values)


def test_two_days_of_five_minute_samples_say_no_daily_cycle_was_modelled():
    rng = np.random.default_rng(10)
    steps = np.arange(288 * 2)
    values = 30 + 10 * np.sin(2 * np.pi * steps / 288) + rng.normal(0, 1, steps.size)
    forecast = forecast_series(series_of(values, freq="5min"), 48)
    assert forecast.period is None
    assert any("fewer than 3: no daily cycle modelled" in note for note in forecast.notes)
    week = forecast_series(series_of(np.tile(values, 4), freq="5min"), 48)
    assert not any("no daily cycle" in note for note in week.notes)


def test_seasonal_naive_of_a_series_without_a_detected_season_repeats_yesterday():
    rng = np.random.default_rng(11)
    values = 20 + rng.normal(0, 1, 288 * 5)  # no daily rhythm the test would accept
    (group,) = backtest_many([series_of(values, freq="5min")], 288)
    assert group.period is None
    assert group.names[0] == "seasonal_naive"
    np.testing.assert_array_equal(group.point[0, 0], values[-288:])


def test_batch_centred_mean_matches_pandas_rolling_with_gaps():
    from resync_analytics.forecasting.models import centred_mean

    rng = np.random.default_rng(12)
    values = rng.normal(size=(3, 400))
    values[1, 50:80] = np.nan
    values[2, :4] = np.nan
    for window in (7, 24, 25):
        frame = pd.DataFrame(values.T).rolling(window, center=True, min_periods=window // 2)
        expected = frame.mean().to_numpy().T
        np.testing.assert_allclose(centred_mean(values, window), expected, atol=1e-12)

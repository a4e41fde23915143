"""The selection and interval rules the outside bench chooses among, leave-one-source-out."""

import numpy as np
import pytest

from bench.forecast_outside import POOLS, _eligible
from resync_analytics.forecasting import ForecastError
from resync_analytics.forecasting.select import (
    BacktestPlan,
    baseline_positions,
    choose_method,
    few_origins_margin,
    interval_offsets,
    plan_backtest,
)

NAMES = ("seasonal_naive", "straight_line", "straight_line_no_season", "combination")


def test_the_better_backtested_baseline_is_the_default_when_asked() -> None:
    # The bare line is 5% better than seasonal naive: not enough for a challenger...
    per_origin = np.array([[1.0] * 4, [0.99] * 4, [0.95] * 4, [0.97] * 4])
    assert choose_method(per_origin, 0.1, 0.5) == 0
    # ...but as a baseline it is the default, and the combination must beat it instead.
    baselines = baseline_positions(NAMES, "better")
    assert baselines == (0, 2)
    assert choose_method(per_origin, 0.1, 0.5, baselines=baselines) == 2
    per_origin[3] = 0.8
    assert choose_method(per_origin, 0.1, 0.5, baselines=baselines) == 3
    assert baseline_positions(NAMES, "naive") == (0,)
    with pytest.raises(ForecastError):
        baseline_positions(NAMES, "best")


def test_a_challenger_needs_a_larger_margin_over_few_trials() -> None:
    assert few_origins_margin(0.1, 20, 10) == 0.1
    assert few_origins_margin(0.1, 2.5, 10) == pytest.approx(0.2)
    assert few_origins_margin(0.1, 2.5, 0) == 0.1
    # 15% better on every origin: enough over ten trials, not over three.
    per_origin = np.array([[1.0] * 10, [0.85] * 10])
    assert choose_method(per_origin, 0.1, 0.5, margin_origins=10) == 1
    assert choose_method(per_origin, 0.1, 0.5, margin_origins=10, trials=3.0) == 0
    assert choose_method(per_origin, 0.1, 0.5, trials=3.0) == 1


def test_overlapping_backtest_windows_are_fewer_trials_than_origins() -> None:
    # Seven-day tests on 40 days: ten origins two days apart cover under four weeks.
    plan = plan_backtest(length=40, horizon=7, period=7)
    assert plan is not None and len(plan.origins) == 10
    assert plan.trials == pytest.approx((max(plan.origins) - min(plan.origins) + 7) / 7)
    assert plan.trials < 4
    whole = BacktestPlan(origins=(100, 76, 52), horizon=24)
    assert whole.trials == 3
    assert BacktestPlan(origins=(), horizon=24).trials == 0


def test_interval_samples_and_widening() -> None:
    rng = np.random.default_rng(4)
    errors = rng.normal(0, 1, (1, 5, 12))
    pooled_low, pooled_high = interval_offsets(errors, 12, 0.8, "errors")
    # Five origins are five trials: the conformal level is at the largest error.
    trial_low, trial_high = interval_offsets(errors, 12, 0.8, "origins")
    assert np.all(trial_high >= pooled_high) and np.all(trial_low <= pooled_low)
    assert trial_high[0, 0] == pytest.approx(errors[0, :, :2].max())
    # Each lead's own five errors, with no neighbour pooled in.
    _, lead_high = interval_offsets(errors, 12, 0.8, "lead")
    assert lead_high[0, 0] == pytest.approx(errors[0, :, 0].max())
    # Widening: offsets never narrow as the lead grows.
    low, high = interval_offsets(errors, 12, 0.8, "errors", widen=True)
    assert np.all(np.diff(high[0]) >= 0) and np.all(np.diff(low[0]) <= 0)
    assert np.any(np.diff(pooled_high[0]) < 0)
    with pytest.raises(ForecastError):
        interval_offsets(errors, 12, 0.8, "weeks")


def test_a_bench_variant_chooses_the_seasonal_median_of_its_own_cycles() -> None:
    names = ["seasonal_naive", "seasonal_median", "seasonal_median_5", "seasonal_median_7"]
    assert list(_eligible(names, "shipped", 14)) == [True, True, False, False]
    assert list(_eligible(names, "shipped", 7)) == [True, False, False, True]
    assert "seasonal_median" not in POOLS["without seasonal median"]
    assert list(_eligible(names, "without seasonal median", 5)) == [True, False, False, False]


def test_the_ratio_score_weighs_every_origin_alike() -> None:
    from resync_analytics.forecasting.select import ratio_scores

    # One hard origin (every method bad): the challenger is 20% better on the three easy
    # ones and 5% worse on the hard one, where its absolute loss outweighs its gains.
    per_origin = np.array([[1.0, 1.0, 1.0, 10.0], [0.8, 0.8, 0.8, 10.5]])
    scores = ratio_scores(per_origin, 0)
    assert scores[0] == pytest.approx(1.0)
    assert scores[1] < 0.9
    assert choose_method(per_origin, 0.1, 0.5, statistic="mean") == 0
    assert choose_method(per_origin, 0.1, 0.5, statistic="ratio") == 1
    # Infinite where the default was finite: never chosen.
    broken = np.array([[1.0, 1.0], [0.1, np.inf]])
    assert ratio_scores(broken, 0)[1] == np.inf
    assert choose_method(broken, 0.1, 0.0, statistic="ratio") == 0
    with pytest.raises(ForecastError):
        choose_method(per_origin, statistic="best")


def test_blend_weights_follow_the_evidence() -> None:
    from resync_analytics.forecasting.select import blend_weight

    default = np.array([1.0, 1.0, 1.0, 1.0])
    sometimes = np.array([0.5, 0.5, 0.5, 2.0])
    always = np.array([0.5, 0.5, 0.5, 0.5])
    assert blend_weight(sometimes, default, "off") == 0.0
    assert blend_weight(sometimes, default, "half") == 0.5
    assert blend_weight(always, default, "half") == 0.0
    assert blend_weight(sometimes, default, "evidence") == pytest.approx(0.25)
    assert blend_weight(always, default, "evidence") == 0.0
    # Weighted: inverse to the median scores (0.5 against 1.0), so a third on the default.
    assert blend_weight(always, default, "weighted") == pytest.approx(1 / 3)
    with pytest.raises(ForecastError):
        blend_weight(always, default, "all")


def test_scaled_intervals_widen_as_the_square_root_of_the_lead() -> None:
    rng = np.random.default_rng(7)
    # Random-walk errors: spread sqrt(h) at lead h.
    errors = np.cumsum(rng.normal(0, 1, (1, 200, 9)), axis=2)
    low, high = interval_offsets(errors, 16, 0.8, "scaled")
    assert low.shape == high.shape == (1, 16)
    assert np.all(low <= 0) and np.all(high >= 0)
    assert high[0, 15] / high[0, 3] == pytest.approx(2.0)
    # The 90% quantile of a unit normal is 1.28; the fourth lead's spread is 2.
    assert (high[0, 3] - low[0, 3]) / 2 == pytest.approx(2 * 1.2816, rel=0.15)
    inside = (errors >= low[:, None, :9]) & (errors <= high[:, None, :9])
    assert 0.75 < inside.mean() < 0.85


def test_few_trials_count_as_trials_not_as_errors() -> None:
    rng = np.random.default_rng(3)
    errors = rng.normal(0, 1, (1, 10, 7))
    pooled = interval_offsets(errors, 7, 0.8, "errors", trials=3.0)
    few = interval_offsets(errors, 7, 0.8, "few", trials=3.0)
    by_trials = interval_offsets(errors, 7, 0.8, "origins", trials=3.0)
    # Three weeks: as wide as counting trials, wider than 70 pooled errors say.
    assert np.allclose(few[1], by_trials[1]) and np.allclose(few[0], by_trials[0])
    assert np.all(few[1] > pooled[1])
    # Ten separate trials: the pooled errors.
    many = interval_offsets(errors, 7, 0.8, "few", trials=10.0)
    assert np.allclose(many[1], pooled[1]) and np.allclose(many[0], pooled[0])


def test_a_blended_forecast_lies_between_the_challenger_and_the_default() -> None:
    import pandas as pd

    from resync_analytics.forecasting import regularise
    from resync_analytics.forecasting.select import backtest_many, finish_group

    # A noisy upward trend: the line beats seasonal naive on most origins, not all.
    rng = np.random.default_rng(5)
    days = 80
    values = 50 + 0.8 * np.arange(days) + rng.normal(0, 4, days)
    index = pd.date_range("2026-01-01", periods=days, freq="D")
    series = [regularise(index, values)]
    (group,) = backtest_many(series, 7)
    (plain,) = finish_group(group, series, 0.8)
    assert plain.method != "seasonal_naive"
    chosen = list(group.names).index(plain.method)
    with np.errstate(invalid="ignore"):
        won = np.mean(group.per_origin[0, chosen] < group.per_origin[0, 0])
    assert 0.5 <= won < 1
    (blended,) = finish_group(group, series, 0.8, blend="evidence")
    assert blended.method == plain.method
    expected = won * group.point[0, chosen] + (1 - won) * group.point[0, 0]
    assert np.allclose(blended.value, np.maximum(expected, 0.0))
    assert any(note.startswith("averaged with seasonal_naive") for note in blended.notes)
    assert not any(note.startswith("averaged with") for note in plain.notes)

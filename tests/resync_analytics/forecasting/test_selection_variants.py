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


def test_the_significance_gate_keeps_the_default_against_a_lucky_challenger() -> None:
    from resync_analytics.forecasting.select import diebold_mariano

    rng = np.random.default_rng(11)
    default = rng.uniform(0.8, 1.2, 20)
    # Clearly better on every origin, and better by a median 12% but erratically.
    steady = default - 0.3 + rng.normal(0, 0.02, 20)
    erratic = default * 0.88 + rng.normal(0, 0.6, 20)
    per_origin = np.stack([default, steady, erratic])
    p_values = diebold_mariano(per_origin, 0)
    assert p_values[0] == 1.0
    assert p_values[1] < 0.001 < 0.05 < p_values[2]
    # Without the gate the erratic one may still win; with it, only the steady one can.
    assert choose_method(per_origin[[0, 2]], 0.1, 0.5) in (0, 1)
    assert choose_method(per_origin[[0, 2]], 0.0, 0.0, significance=0.05) == 0
    assert choose_method(per_origin, 0.1, 0.5, significance=0.05) == 1
    # Overlapping windows: neighbouring losses move together, so the test is more cautious.
    smooth = np.repeat(rng.normal(0.1, 0.3, 5), 4)
    pair = np.stack([default, default - smooth])
    assert diebold_mariano(pair, 0, lag=4)[1] > diebold_mariano(pair, 0, lag=1)[1]


def test_pooled_and_envelope_intervals() -> None:
    rng = np.random.default_rng(9)
    errors = rng.normal(0, 1, (1, 10, 7))
    low, high = interval_offsets(errors, 9, 0.8, "all")
    # One quantile pair for all tested leads, growing past them.
    assert np.allclose(high[0, :7], high[0, 0]) and high[0, 8] > high[0, 6]
    assert np.allclose(low[0, :7], low[0, 0]) and low[0, 0] < 0
    level = 0.9 * 71 / 70
    assert high[0, 0] == pytest.approx(np.quantile(errors, level))
    wide = rng.normal(0, 3, (1, 10, 7))
    pooled = interval_offsets(errors, 7, 0.8, "errors")
    few = interval_offsets(errors, 7, 0.8, "envelope", trials=3.0, default_errors=wide)
    theirs = interval_offsets(wide, 7, 0.8, "errors")
    assert np.allclose(few[1], np.maximum(pooled[1], theirs[1]))
    assert np.allclose(few[0], np.minimum(pooled[0], theirs[0]))
    # Enough trials: the chosen method's own pooled errors.
    many = interval_offsets(errors, 7, 0.8, "envelope", trials=10.0, default_errors=wide)
    assert np.allclose(many[1], pooled[1])


def test_a_challenger_chosen_on_few_trials_borrows_the_defaults_spread() -> None:
    import pandas as pd

    from resync_analytics.forecasting import regularise
    from resync_analytics.forecasting.select import FEW_TRIALS, backtest_many, finish_group

    # Six weeks of a rising daily series: the line wins a backtest of under five weeks.
    rng = np.random.default_rng(2)
    days = 42
    values = 100 + 2.0 * np.arange(days) + rng.normal(0, 3, days)
    index = pd.date_range("2026-01-01", periods=days, freq="D")
    series = [regularise(index, values)]
    (group,) = backtest_many(series, 7)
    assert group.trials < FEW_TRIALS
    (own,) = finish_group(group, series, 0.8, interval_sample="errors")
    (shipped,) = finish_group(group, series, 0.8)
    assert shipped.method == own.method != "seasonal_naive"
    chosen = list(group.names).index(own.method)
    low, high = interval_offsets(group.errors[:, chosen], 7, 0.8, "errors")
    their_low, their_high = interval_offsets(group.errors[:, 0], 7, 0.8, "errors")
    assert np.allclose(shipped.upper - shipped.value, np.maximum(high, their_high)[0])
    assert np.allclose(shipped.value - shipped.lower, -np.minimum(low, their_low)[0])
    assert np.all(shipped.upper - shipped.lower >= own.upper - own.lower - 1e-9)
    assert np.any(shipped.upper - shipped.lower > own.upper - own.lower)

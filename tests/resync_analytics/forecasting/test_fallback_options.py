"""The short-test origins of the backtest plan, the fallback and shrinkage options that
bench/forecast_fallback.py chooses among leave-one-source-out, and the tolerant choice of
bench/forecast_outside.py --tolerance."""

import numpy as np

from bench.forecast_fallback import OFF, Fallback, apply, options, weighted_scores
from bench.forecast_outside import Backtested, _first_within
from resync_analytics.forecasting.select import SHORT_TEST_ORIGINS, plan_backtest

NAMES = ["seasonal_naive", "straight_line", "straight_line_no_season", "combination"]


def test_a_short_test_takes_the_origins_asked_for_as_the_history_allows() -> None:
    shipped = plan_backtest(40, 7, 7)
    assert shipped is not None and len(shipped.origins) == SHORT_TEST_ORIGINS
    more = plan_backtest(40, 7, 7, short_origins=20)
    assert more is not None and len(more.origins) == 20
    # One step apart: every origin the history allows, none before two weeks of training.
    assert np.diff(more.origins).tolist() == [-1] * 19 and min(more.origins) >= 14
    assert len(plan_backtest(40, 7, 7, short_origins=50).origins) == 20  # type: ignore[union-attr]
    # Whole-window tests ignore it.
    assert plan_backtest(500, 24, 24, short_origins=3) == plan_backtest(500, 24, 24)


def test_weighted_scores_count_the_latest_origins_most() -> None:
    per_origin = np.array([[1.0, 3.0, np.inf], [2.0, 2.0, 2.0]])
    assert weighted_scores(per_origin, 0, 1.0).tolist() == [2.0, 2.0]
    assert weighted_scores(per_origin, 1, 1.0).tolist() == [1.0, 2.0]
    assert weighted_scores(per_origin, 0, 0.5)[0] == (1.0 + 0.5 * 3.0) / 1.5


def _case(per_origin: list[list[float]]) -> Backtested:
    rows = np.array(per_origin)
    return Backtested(
        "s", "x", np.zeros(3), 1.0, 1.0, 1.0, NAMES, rows, np.zeros((4, 2, 3)),
        np.zeros((4, 3)), 0.0, 2.0,
    )  # fmt: skip


def test_the_fallback_takes_the_better_baseline_unless_beaten_by_the_margin() -> None:
    # The combination (3) was chosen; the bare line (2) is the better baseline.
    case = _case([[1.0, 1.0], [0.9, 0.9], [0.8, 0.8], [0.75, 0.75]])
    assert apply(case, 3, OFF) == (3, 3, 0.0)
    assert apply(case, 3, Fallback(0, 1.0, 0.0, 0.0)) == (3, 2, 0.0)
    assert apply(case, 3, Fallback(0, 1.0, 0.1, 0.0)) == (2, 2, 0.0)
    assert apply(case, 3, Fallback(0, 1.0, None, 0.25)) == (3, 2, 0.25)
    # Only the latest origin: seasonal naive was better there, and the combination worse.
    recent = _case([[0.5, 1.0], [0.9, 0.9], [0.8, 0.8], [0.7, 0.75]])
    assert apply(recent, 3, Fallback(1, 1.0, 0.0, 0.0)) == (0, 0, 0.0)


def test_off_comes_first_and_every_option_once() -> None:
    found = options()
    assert found[0] == OFF and sum(f.off for f in found) == 1
    assert len(set(found)) == len(found)


def test_the_humblest_variant_within_the_tolerance_is_chosen() -> None:
    objective = np.array([1.03, 1.0, 1.01, 0.99])
    assert _first_within(objective, 0.0) == 3
    assert _first_within(objective, 0.015) == 1
    assert _first_within(objective, 0.05) == 0

"""Scoring the graph's late probabilities against "mean + k sd along the critical path"."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtr

from resync_analytics.plan_graph.evaluation import (
    compare_late_forecasts,
    mean_k_sd_runtime,
    path_statistic_late,
    path_statistic_probability,
)
from tests.resync_analytics.plan_graph.builders import key, plan


def test_mean_k_sd_uses_the_last_fifty_runs() -> None:
    old = np.full(30, 10_000.0)
    recent = np.tile([50.0, 70.0], 25)  # mean 60, sd ~10.1
    runs = np.vstack([np.r_[old, recent], np.r_[np.full(79, np.nan), 5.0]])
    got = mean_k_sd_runtime(runs, k=2.0)
    assert got[0] == pytest.approx(60 + 2 * np.std(recent, ddof=1))
    assert got[1] == 5.0  # one run: no spread


def test_the_path_statistic_sums_along_the_longest_chain() -> None:
    dag = plan(["A", "B", "C", "J"], [("A", "J"), ("B", "C"), ("C", "J")], deadlines={"J": 35})
    runs = np.array([[600.0] * 2, [900.0] * 2, [900.0] * 2, [300.0] * 2])  # 10, 15, 15, 5 min
    # J ends at max(10, 15 + 15) + 5 = 35 min: on time; one more sd of spread makes it late.
    assert path_statistic_late(dag, runs, k=0.0)[dag.node(key("J"))] == 0.0
    runs[1] = [840.0, 960.0]
    assert path_statistic_late(dag, runs, k=1.0)[dag.node(key("J"))] == 1.0


def test_both_forecasts_are_scored_on_the_same_outcomes() -> None:
    outcomes = np.array([True, False, False, True])
    comparison = compare_late_forecasts(
        outcomes, np.array([0.9, 0.1, 0.2, 0.6]), np.array([1.0, 1.0, 0.0, 0.0])
    )
    assert comparison.graph.brier == pytest.approx((0.01 + 0.01 + 0.04 + 0.16) / 4)
    assert comparison.baseline.brier == pytest.approx(0.5)
    assert comparison.brier_ratio < 1
    assert sum(b.count for b in comparison.graph_table) == 4
    with pytest.raises(ValueError, match="same length"):
        compare_late_forecasts(outcomes, np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        compare_late_forecasts(outcomes, np.full(4, 1.5), np.zeros(4))


def test_the_statistic_as_a_probability_adds_the_variances_along_the_critical_path() -> None:
    dag = plan(["A", "B", "C", "J"], [("A", "J"), ("B", "C"), ("C", "J")], deadlines={"J": 35})
    # Means 10, 15, 15, 5 min; sds 0, 3, 4, 0 min: J's path B -> C -> J ends at 35 min on
    # average with an sd of 5 min (3 and 4 add in quadrature; A is off the path).
    pair = np.array([-1.0, 1.0]) / np.sqrt(2)  # two runs with an sd of 1
    runs = np.array([[600.0, 600.0], 900 + 180 * pair, 900 + 240 * pair, [300.0, 300.0]])
    j = dag.node(key("J"))
    assert path_statistic_probability(dag, runs, k=0.0)[j] == pytest.approx(0.5, abs=1e-3)
    # k shifts the end by k (3 + 4) min: one path sd is 5 min, so z = 7/5.
    assert path_statistic_probability(dag, runs, k=1.0)[j] == pytest.approx(
        float(ndtr(7 / 5)), abs=1e-3
    )
    assert path_statistic_probability(dag, runs, k=0.0)[dag.node(key("A"))] == 0.0  # no deadline

"""The confidence weights keep the orderings that matter; the bench's fit recovers known weights."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bench.joblog_confidence import (
    PENALTIES,
    brier,
    choose_penalty,
    ece,
    fit_logistic,
    log_loss,
    predict,
)
from resync_analytics.joblog.confidence import (
    HAND_WEIGHTS,
    WEIGHTS,
    ConfidenceFeatures,
    score_confidence,
)

CAUSE = ConfidenceFeatures(
    tier=4,
    rc_consistent=False,
    rc_conflict=False,
    rc_only=False,
    corroborating=0,
    generic_category=False,
    has_banner=True,
    success_exit_zero=False,
    success_no_errors=False,
)
SUCCESS = replace(CAUSE, tier=0, success_exit_zero=True)


@pytest.mark.parametrize("weights", [WEIGHTS, HAND_WEIGHTS])
def test_weights_keep_the_orderings_of_the_evidence(weights: dict[str, float]) -> None:
    def score(features: ConfidenceFeatures) -> float:
        return score_confidence(features, weights)

    assert score(CAUSE) > score(replace(CAUSE, tier=3)) > score(replace(CAUSE, tier=2))
    assert score(replace(CAUSE, rc_conflict=True)) < score(CAUSE)
    assert score(replace(CAUSE, rc_consistent=True)) > score(CAUSE)
    assert score(replace(CAUSE, tier=2, generic_category=True)) < score(replace(CAUSE, tier=2))
    stated = score(SUCCESS)
    inferred = score(replace(SUCCESS, success_exit_zero=False, success_no_errors=True))
    assert stated > inferred
    assert stated > 0.5 > score(replace(CAUSE, tier=0, generic_category=True))


def test_weights_name_every_feature() -> None:
    expected = {"bias", *ConfidenceFeatures.names()}
    assert set(WEIGHTS) == set(HAND_WEIGHTS) == expected


def test_fit_recovers_known_weights_on_synthetic_data() -> None:
    rng = np.random.default_rng(7)
    n = 20000
    x = np.column_stack(
        [np.ones(n), rng.integers(0, 5, n), rng.integers(0, 2, n), rng.integers(0, 2, n)]
    ).astype(float)
    truth = np.array([-2.0, 0.9, -1.2, 1.5])
    y = (rng.random(n) < predict(x, truth)).astype(float)
    fitted = fit_logistic(x, y, np.zeros(4), penalty=0.01)
    assert np.max(np.abs(fitted - truth)) < 0.15, fitted


def test_a_strong_penalty_keeps_the_prior() -> None:
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(40), rng.integers(0, 2, 40)]).astype(float)
    y = rng.integers(0, 2, 40).astype(float)
    prior = np.array([1.0, -2.0])
    assert np.allclose(fit_logistic(x, y, prior, penalty=1e6), prior, atol=1e-3)
    groups = np.repeat(np.arange(4), 10)
    assert choose_penalty(x, y, groups, prior) in PENALTIES


def test_scores_of_known_predictions() -> None:
    y = np.array([1.0, 0.0, 1.0, 0.0])
    perfect = np.array([1.0, 0.0, 1.0, 0.0])
    coin = np.full(4, 0.5)
    assert brier(perfect, y) == 0.0 and ece(perfect, y) == 0.0
    assert brier(coin, y) == pytest.approx(0.25)
    assert log_loss(coin, y) == pytest.approx(np.log(2))
    # always 0.9 sure, half right: 0.4 off in its one bin
    assert ece(np.full(4, 0.9), y) == pytest.approx(0.4)

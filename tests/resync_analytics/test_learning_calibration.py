"""Confidence recalibration from operators' verdicts (plain logic, no database)."""

from __future__ import annotations

import random

import pytest

from resync_analytics.learning import (
    DETERMINISTIC,
    GLOBAL,
    LLM,
    CalibrationConfig,
    CalibrationModel,
    DiagnosisVerdict,
    assess_calibration,
    brier_score,
    expected_calibration_error,
    fit_calibration,
)


def simulated(category: str, claimed: float, accuracy: float, n: int, seed: int):
    rng = random.Random(seed)
    return [DiagnosisVerdict(category, claimed, rng.random() < accuracy) for _ in range(n)]


def test_no_feedback_is_the_identity() -> None:
    model = fit_calibration([])
    assert model == CalibrationModel.identity()
    for category in ("network", "disk_full", "unknown"):
        for confidence in (0.0, 0.03, 0.37, 0.5, 0.91, 1.0):
            assert model.apply(category, confidence) == confidence


def test_overconfident_category_drops_toward_its_accuracy_and_held_out_scores_improve() -> None:
    # The analyser claims 0.9 for "network" but is right half the time; "disk_full" is honest.
    verdicts = simulated("network", 0.9, 0.5, 400, seed=1) + simulated(
        "disk_full", 0.8, 0.8, 400, seed=2
    )
    random.Random(3).shuffle(verdicts)
    train, held_out = verdicts[::2], verdicts[1::2]

    model = fit_calibration(train)

    assert 0.45 < model.apply("network", 0.9) < 0.6
    assert abs(model.apply("disk_full", 0.8) - 0.8) < 0.06
    (overall, *per_category) = assess_calibration(model, held_out)
    assert overall.category == GLOBAL
    assert overall.brier_after < overall.brier_before - 0.05
    assert overall.ece_after < overall.ece_before / 3
    network = next(a for a in per_category if a.category == "network")
    assert network.brier_after < network.brier_before
    assert network.ece_after < 0.1 < network.ece_before


def test_two_verdicts_move_a_category_only_a_little() -> None:
    honest = simulated("disk_full", 0.8, 0.8, 200, seed=4)
    two_wrong = [DiagnosisVerdict("network", 0.9, False)] * 2

    before = fit_calibration(honest).apply("network", 0.9)
    alone = fit_calibration(two_wrong).apply("network", 0.9)
    with_others = fit_calibration(honest + two_wrong).apply("network", 0.9)
    many_wrong = fit_calibration(honest + simulated("network", 0.9, 0.5, 200, seed=5))

    assert 0.8 < alone < 0.9  # from the claim of 0.9
    assert before - 0.1 < with_others < before  # from what the other categories suggest
    # The same direction, much further, once the evidence is there.
    assert many_wrong.apply("network", 0.9) < 0.65


def test_calibration_is_monotone_and_order_independent() -> None:
    verdicts = simulated("network", 0.9, 0.5, 60, seed=6) + simulated("network", 0.6, 0.5, 60, 7)
    model = fit_calibration(verdicts)
    claims = [i / 20 for i in range(21)]
    calibrated = [model.apply("network", c) for c in claims]
    assert calibrated == sorted(calibrated)
    assert fit_calibration(list(reversed(verdicts))) == model


def test_a_category_without_verdicts_uses_the_shared_fit() -> None:
    model = fit_calibration(simulated("network", 0.9, 0.5, 300, seed=8))
    assert model.apply("timeout", 0.9) == pytest.approx(model.global_fit().apply(0.9))
    assert model.apply("timeout", 0.9) < 0.8


def test_prior_verdicts_must_be_positive() -> None:
    with pytest.raises(ValueError):
        CalibrationConfig(prior_verdicts=0)


def test_brier_and_ece_known_values() -> None:
    assert brier_score([], []) == 0.0
    assert brier_score([1.0, 0.0], [True, False]) == 0.0
    assert brier_score([0.9, 0.9], [True, False]) == pytest.approx((0.01 + 0.81) / 2)
    # One bin at 0.9 whose accuracy is 0.5: the error is 0.4.
    assert expected_calibration_error([0.9] * 4, [True, False, True, False]) == pytest.approx(0.4)
    # Perfectly calibrated bins.
    assert expected_calibration_error(
        [0.25] * 4 + [0.75] * 4, [True] + [False] * 3 + [True] * 3 + [False]
    ) == pytest.approx(0.0)
    with pytest.raises(ValueError):
        brier_score([0.5], [True, False])
    with pytest.raises(ValueError):
        expected_calibration_error([1.5], [True])


def test_llm_answers_are_calibrated_apart_and_borrow_the_rules_fit_until_judged() -> None:
    # The rules are honest at 0.8 about "network"; the LLM review claims 0.95 and is right
    # 60% of the time.
    rules = simulated("network", 0.8, 0.8, 300, seed=21)
    before_llm = fit_calibration(rules)
    # No LLM answer judged yet: an LLM claim gets the rules' map, not the identity.
    assert before_llm.fit_for("network", LLM) == before_llm.fit_for("network", DETERMINISTIC)

    rng = random.Random(22)
    llm = [DiagnosisVerdict("network", 0.95, rng.random() < 0.6, analyser=LLM) for _ in range(300)]
    model = fit_calibration(rules + llm)
    assert 0.5 < model.apply("network", 0.95, LLM) < 0.7
    assert model.apply("network", 0.8) == pytest.approx(before_llm.apply("network", 0.8))
    assessed = {(a.analyser, a.category) for a in assess_calibration(model, rules + llm)}
    assert assessed == {(a, c) for a in (DETERMINISTIC, LLM) for c in (GLOBAL, "network")}


def test_an_unknown_analyser_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown analyser 'gpt'"):
        DiagnosisVerdict("network", 0.9, True, analyser="gpt")

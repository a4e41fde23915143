"""Storing the calibration and calibrating incidents (real PostgreSQL)."""

from __future__ import annotations

import random

import psycopg
import pytest

from resync_analytics.learning import (
    LLM,
    CalibrationModel,
    DiagnosisVerdict,
    assess_calibration,
    fit_calibration,
)
from resync_analytics.learning.feedback import diagnosis_verdicts
from resync_clients.postgres.incidents import record_feedback
from resync_clients.postgres.learning import (
    calibrate_incident,
    load_calibration,
    load_feedback,
    load_incident_calibration,
    store_calibration,
)


def verdicts() -> list[DiagnosisVerdict]:
    rng = random.Random(11)
    return [DiagnosisVerdict("network", 0.9, rng.random() < 0.5) for _ in range(50)] + [
        DiagnosisVerdict("timeout", 0.7, rng.random() < 0.7) for _ in range(30)
    ]


def test_calibration_round_trips_and_an_unchanged_fit_writes_nothing(store) -> None:
    model = fit_calibration(verdicts())
    assessments = assess_calibration(model, verdicts())
    with store.connection() as conn:
        # Nothing stored: the identity.
        assert CalibrationModel.from_rows(load_calibration(conn)).apply("network", 0.9) == 0.9
        assert store_calibration(conn, model.rows(assessments)) == 3
        fitted_at = [r["fitted_at"] for r in conn.execute("SELECT fitted_at FROM calibration")]
        assert store_calibration(conn, model.rows(assessments)) == 0
        assert [r["fitted_at"] for r in conn.execute("SELECT fitted_at FROM calibration")] == (
            fitted_at
        )
        loaded = CalibrationModel.from_rows(load_calibration(conn))
        # A category that lost all its verdicts loses its row.
        smaller = fit_calibration([v for v in verdicts() if v.category == "network"])
        assert store_calibration(conn, smaller.rows()) == 3  # '*' and network changed, timeout gone
    assert loaded == model


def test_an_incident_is_calibrated_once_and_keeps_its_claim(store) -> None:
    with store.connection() as conn:
        incident_id = conn.execute(
            "INSERT INTO incidents (fingerprint, category, root_cause, confidence)"
            " VALUES ('network:x', 'network', 'Listener down', 0.9) RETURNING id"
        ).fetchone()["id"]
        assert calibrate_incident(conn, incident_id, claimed=0.9, calibrated=0.6, verdicts=12)
        assert not calibrate_incident(conn, incident_id, claimed=0.6, calibrated=0.3, verdicts=13)
        record_feedback(conn, incident_id, verdict="wrong")
        (record,) = load_feedback(conn)
        calibration = load_incident_calibration(conn, incident_id)
        confidence = conn.execute(
            "SELECT confidence FROM incidents WHERE id = %s", (incident_id,)
        ).fetchone()["confidence"]
    assert confidence == 0.6
    assert record.claimed_confidence == 0.9  # later fits learn from the claim, not the result
    assert calibration is not None and calibration.verdicts == 12


def test_learned_recommendations_are_allowed_and_others_still_refused(store) -> None:
    with store.connection() as conn:
        incident_id = conn.execute(
            "INSERT INTO incidents (fingerprint, category, root_cause, confidence)"
            " VALUES ('network:y', 'network', 'Listener down', 0.9) RETURNING id"
        ).fetchone()["id"]
        conn.execute(
            "INSERT INTO recommendations (incident_id, source, confidence)"
            " VALUES (%s, 'learned', 0.5)",
            (incident_id,),
        )
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute(
                "INSERT INTO recommendations (incident_id, source, confidence)"
                " VALUES (%s, 'guess', 0.5)",
                (incident_id,),
            )


def test_each_analyser_has_its_own_rows_and_an_incident_remembers_whose_claim_it_was(
    store,
) -> None:
    llm = [DiagnosisVerdict("network", 0.95, i % 3 == 0, analyser=LLM) for i in range(30)]
    model = fit_calibration(verdicts() + llm)
    with store.connection() as conn:
        store_calibration(conn, model.rows(assess_calibration(model, verdicts() + llm)))
        rows = conn.execute(
            "SELECT analyser, category, ece_before FROM calibration ORDER BY 1, 2"
        ).fetchall()
        loaded = CalibrationModel.from_rows(load_calibration(conn))
        incident_id = conn.execute(
            "INSERT INTO incidents (fingerprint, category, root_cause, confidence)"
            " VALUES ('network:y', 'network', 'Listener down', 0.95) RETURNING id"
        ).fetchone()["id"]
        calibrate_incident(
            conn, incident_id, claimed=0.95, calibrated=0.4, verdicts=30, analyser=LLM
        )
        record_feedback(conn, incident_id, verdict="correct")
        (record,) = load_feedback(conn)
        calibration = load_incident_calibration(conn, incident_id)
    assert [(r["analyser"], r["category"]) for r in rows] == [
        ("deterministic", "*"),
        ("deterministic", "network"),
        ("deterministic", "timeout"),
        ("llm", "*"),
        ("llm", "network"),
    ]
    assert all(r["ece_before"] > 0 for r in rows)  # every row got its own scores
    assert loaded == model
    # The LLM's map comes from verdicts on LLM answers alone.
    only_llm = fit_calibration(llm).apply("network", 0.95, LLM)
    assert loaded.apply("network", 0.95, LLM) == pytest.approx(only_llm)
    assert loaded.apply("network", 0.95, LLM) < 0.7
    assert record.analyser == LLM and calibration is not None and calibration.analyser == LLM
    (verdict,) = diagnosis_verdicts([record])
    assert verdict.analyser == LLM


def test_an_unknown_analyser_is_refused_by_the_database(store) -> None:
    with store.connection() as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "INSERT INTO calibration (analyser, category, verdicts, shift, observed_accuracy,"
            " mean_claimed, brier_before, brier_after, ece_before, ece_after)"
            " VALUES ('gpt', '*', 1, 0, 1, 1, 0, 0, 0, 0)"
        )

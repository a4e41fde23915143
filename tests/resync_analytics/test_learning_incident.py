from __future__ import annotations

from datetime import UTC, datetime

from resync_analytics.learning import (
    DETERMINISTIC,
    LLM,
    CalibrationModel,
    CategoryCalibration,
    LearnedResolution,
    ResolutionPolicy,
)
from resync_analytics.learning.incident import (
    calibrate_claim,
    confidence_note,
    learned_draft,
    promoted_texts,
)
from resync_core.calibration import IncidentCalibration


def _resolution(text: str, worked: int, failed: int, score: float) -> LearnedResolution:
    return LearnedResolution(text, worked, failed, score, True, None, None, (1,))


def test_llm_claims_are_calibrated_as_llm_and_others_as_the_rules() -> None:
    fit = CategoryCalibration("disk_full", verdicts=8, shift=-1.0, observed_accuracy=0.5,
                              mean_claimed=0.8, analyser=LLM)  # fmt: skip
    model = CalibrationModel(categories=(fit,))
    by_llm = calibrate_claim(model, "disk_full", 0.8, "llm")
    assert (by_llm.analyser, by_llm.verdicts) == (LLM, 8)
    assert by_llm.calibrated < 0.8
    by_rules = calibrate_claim(model, "disk_full", 0.8, "deterministic")
    assert (by_rules.analyser, by_rules.calibrated, by_rules.verdicts) == (DETERMINISTIC, 0.8, 0)


def test_no_learned_draft_when_history_promotes_and_flags_nothing() -> None:
    ranked = [_resolution("undecided", 1, 1, 0.5)]
    assert learned_draft(ranked, ("step",), None, 0.7, ResolutionPolicy()) is None


def test_learned_draft_puts_what_worked_first_and_names_only_promoted_ones() -> None:
    ranked = [_resolution("free /data", 3, 0, 0.9), _resolution("reboot", 0, 2, 0.1)]
    policy = ResolutionPolicy()
    draft = learned_draft(ranked, ("check disk",), "conman rr X", 0.6, policy)
    assert draft is not None
    assert draft.source == "learned" and draft.confidence == 0.6
    assert "free /data" in draft.steps[0] and draft.steps[1] == "check disk"
    assert "reboot" in draft.steps[-1]
    assert promoted_texts(ranked, policy) == ["free /data"]


def test_confidence_note_only_when_verdicts_moved_the_claim() -> None:
    now = datetime.now(UTC)
    assert confidence_note(None) is None
    assert confidence_note(IncidentCalibration(1, 0.9, 0.9, 0, now)) is None
    note = confidence_note(IncidentCalibration(1, 0.9, 0.6, 4, now, analyser=LLM))
    assert note == (
        "Confidence calibrated on operators' verdicts: the LLM review claimed 0.90 → 0.60"
        " after 4 operator verdict(s)."
    )

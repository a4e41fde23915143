"""What learning does to one new incident: its claimed confidence calibrated, resolutions that
worked for the same cause put first in its steps, and the note that explains the confidence
shown. Plain logic: no database, no Prefect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from resync_analytics.learning.calibration import DETERMINISTIC, LLM, CalibrationModel
from resync_analytics.learning.resolutions import (
    LearnedResolution,
    ResolutionPolicy,
    learned_steps,
)
from resync_core.calibration import IncidentCalibration
from resync_core.incidents import RecommendationDraft


@dataclass(frozen=True)
class CalibratedClaim:
    """An incident's claimed confidence, calibrated for the analyser that claimed it."""

    analyser: str
    claimed: float
    calibrated: float
    verdicts: int


def calibrate_claim(
    model: CalibrationModel, category: str, claimed: float, source: str
) -> CalibratedClaim:
    """Calibrate ``claimed`` (in [0, 1]) for ``category``; ``source`` is the recommendation's
    source ("llm" for the LLM review, anything else for the rule-based analysis)."""
    analyser = LLM if source == "llm" else DETERMINISTIC
    fit = model.fit_for(category, analyser)
    return CalibratedClaim(
        analyser=analyser,
        claimed=claimed,
        calibrated=model.apply(category, claimed, analyser),
        verdicts=fit.verdicts if fit else 0,
    )


def learned_draft(
    ranked: Sequence[LearnedResolution],
    steps: Sequence[str],
    rerun_command: str | None,
    confidence: float,
    policy: ResolutionPolicy,
) -> RecommendationDraft | None:
    """The "learned" recommendation: ``steps`` with promoted resolutions first and flagged
    ones last; None when history promotes or flags nothing (the steps stand as they are)."""
    if not any(r.promoted or r.flagged for r in ranked):
        return None
    return RecommendationDraft(
        steps=learned_steps(ranked, steps, policy),
        rerun_command=rerun_command,
        source="learned",
        model=None,
        confidence=confidence,
    )


def promoted_texts(ranked: Sequence[LearnedResolution], policy: ResolutionPolicy) -> list[str]:
    """The resolutions put first, best first (at most ``policy.max_promoted``)."""
    return [r.text for r in ranked if r.promoted][: policy.max_promoted]


def confidence_note(calibration: IncidentCalibration | None) -> str | None:
    """How the shown confidence came from the analyser's claim (None when it is the claim)."""
    if calibration is None or calibration.verdicts == 0:
        return None
    judged = "the LLM review" if calibration.analyser == LLM else "the analysis"
    return (
        f"Confidence calibrated on operators' verdicts: {judged} claimed"
        f" {calibration.claimed_confidence:.2f} → {calibration.calibrated_confidence:.2f}"
        f" after {calibration.verdicts} operator verdict(s)."
    )

"""What operators say about incidents: verdicts, resolutions, and who made the diagnosis they
judged. Domain types only; what a verdict means is decided in ``resync_analytics.learning``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Who made the diagnosis an operator judged: the rules, or an LLM reviewing them.
DETERMINISTIC = "deterministic"
LLM = "llm"
ANALYSERS = (DETERMINISTIC, LLM)

# Verdicts that say the recommendation or the recorded resolution worked.
POSITIVE_VERDICTS = frozenset({"helpful", "correct", "fixed", "resolved"})
# Verdicts that say it did not: still shown, as what not to try first.
NEGATIVE_VERDICTS = frozenset({"wrong", "not_helpful", "unhelpful", "incorrect"})


@dataclass(frozen=True)
class FeedbackNote:
    """What an operator said about an incident, and how it was actually fixed."""

    verdict: str
    resolution: str | None
    operator: str | None
    created_at: datetime


@dataclass(frozen=True)
class FeedbackRecord:
    """One feedback row with what its incident claimed: ``claimed_confidence`` is the
    ``analyser``'s confidence before calibration."""

    feedback_id: int
    incident_id: int
    category: str
    fingerprint: str
    pattern_id: str | None
    claimed_confidence: float
    verdict: str
    resolution: str | None
    operator: str | None
    created_at: datetime
    analyser: str = DETERMINISTIC

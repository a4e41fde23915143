"""Earlier incidents of the same error, and which of them help an operator most right now.

An earlier incident with a recorded resolution that operators called helpful is worth more
than one nobody commented on; the same exact cause (fingerprint) beats the same error pattern
on another resource; recent beats old. Plain logic: no database, no Prefect.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

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
class PastIncident:
    """An earlier incident of the same cause or error pattern, with its feedback."""

    incident_id: int
    fingerprint: str
    pattern_id: str | None
    category: str
    root_cause: str
    job_key: str | None
    status: str
    created_at: datetime
    resolved_at: datetime | None
    run_count: int
    feedback: tuple[FeedbackNote, ...] = ()

    @property
    def resolutions(self) -> tuple[str, ...]:
        """Recorded resolutions, helpful ones first, without repeats."""
        ordered = sorted(
            (note for note in self.feedback if note.resolution and note.resolution.strip()),
            key=lambda note: (note.verdict not in POSITIVE_VERDICTS, -note.created_at.timestamp()),
        )
        seen: list[str] = []
        for note in ordered:
            text = (note.resolution or "").strip()
            if text not in seen:
                seen.append(text)
        return tuple(seen)


@dataclass(frozen=True)
class SimilarIncident:
    """A past incident ranked for the current one; ``same_cause`` when the fingerprint matches."""

    incident: PastIncident
    same_cause: bool
    usefulness: float


def usefulness(incident: PastIncident, *, same_cause: bool) -> float:
    """How much seeing ``incident`` helps: higher is better (no fixed scale)."""
    verdicts = {note.verdict for note in incident.feedback}
    score = 2.0 if same_cause else 1.0
    if incident.resolutions:
        score += 3.0
    if verdicts & POSITIVE_VERDICTS:
        score += 1.5
    if verdicts and verdicts <= NEGATIVE_VERDICTS:
        score -= 1.0
    if incident.status == "resolved":
        score += 0.5
    return score


def rank_similar_incidents(
    candidates: Iterable[PastIncident], *, fingerprint: str, limit: int = 5
) -> list[SimilarIncident]:
    """The ``limit`` most useful of ``candidates`` for an incident with ``fingerprint``,
    most useful first (ties: the most recent first)."""
    ranked = [
        SimilarIncident(
            incident=candidate,
            same_cause=candidate.fingerprint == fingerprint,
            usefulness=usefulness(candidate, same_cause=candidate.fingerprint == fingerprint),
        )
        for candidate in candidates
    ]
    ranked.sort(key=lambda s: (-s.usefulness, -s.incident.created_at.timestamp()))
    return ranked[:limit]

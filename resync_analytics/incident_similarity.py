"""Earlier incidents of the same error, and which of them help an operator most right now.

An earlier incident with a recorded resolution that operators called helpful is worth more
than one nobody commented on; the same exact cause (fingerprint) beats the same error pattern
on another resource; recent beats old. Plain logic: no database, no Prefect.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from resync_core.feedback import NEGATIVE_VERDICTS as NEGATIVE_VERDICTS
from resync_core.feedback import POSITIVE_VERDICTS as POSITIVE_VERDICTS
from resync_core.feedback import FeedbackNote as FeedbackNote
from resync_core.incidents import PastIncident as PastIncident


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

"""Which recorded resolutions to recommend first for the next incident of the same error.

Operators record how they fixed an incident (``--resolution``) with a verdict saying whether
it worked (see :mod:`resync_analytics.learning.verdicts`). For a new incident, the resolutions of
earlier incidents of the same exact cause (fingerprint) and of the same error pattern are
grouped by their text and ranked by a shrunk, recency-weighted success rate:

    score = (worked + 1) / (worked + failed + 2)

with each verdict weighted by ``0.5 ** (age / half_life)`` and by ``pattern_weight`` when it
comes from the same error pattern on another cause. The Beta(1, 1) prior keeps one lucky
success from outranking a resolution that worked nine times out of ten, and a resolution that
failed as often as it worked scores 0.5 and is not promoted. Those with a score above 0.5 become
the first steps of the recommendation; those that failed more often than they worked are
listed last, as what not to try first.

Resolutions are free operator text: they are masked (``mask_secrets``) before anything else
sees them, so a password typed into a resolution never reaches a step, a report or a log.
Plain logic: no database, no Prefect.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from resync_analytics.learning.verdicts import fix_worked
from resync_analytics.masking import mask_secrets


@dataclass(frozen=True)
class ResolutionEvidence:
    """One recorded resolution of an earlier incident and the verdict given with it.

    ``same_cause``: the incident had the same fingerprint (else only the same error pattern).
    """

    incident_id: int
    resolution: str
    verdict: str
    operator: str | None
    recorded_at: datetime
    same_cause: bool


@dataclass(frozen=True)
class ResolutionPolicy:
    """How evidence is weighed and how much of it reaches the steps."""

    half_life_days: float = 180.0
    pattern_weight: float = 0.5
    max_promoted: int = 2
    max_flagged: int = 2

    def __post_init__(self) -> None:
        if self.half_life_days <= 0 or not 0 < self.pattern_weight <= 1:
            raise ValueError("half_life_days must be positive, pattern_weight in (0, 1]")


@dataclass(frozen=True)
class LearnedResolution:
    """A resolution (masked text, as last written) with the record of how it fared."""

    text: str
    worked: int
    failed: int
    score: float
    same_cause: bool
    last_worked_at: datetime | None
    last_worked_by: str | None
    incident_ids: tuple[int, ...]

    @property
    def promoted(self) -> bool:
        """Recommend it first: it worked, and more often than not (weighted)."""
        return self.worked > 0 and self.score > 0.5

    @property
    def flagged(self) -> bool:
        """Warn about it: it failed, and more often than it worked (weighted)."""
        return self.failed > 0 and self.score < 0.5


def _key(text: str) -> str:
    # The same fix typed twice differs in case, spacing or a final full stop.
    return " ".join(text.casefold().split()).rstrip(" .;")


def rank_resolutions(
    evidence: Iterable[ResolutionEvidence],
    *,
    now: datetime,
    policy: ResolutionPolicy | None = None,
) -> tuple[LearnedResolution, ...]:
    """Resolutions with a worked/failed verdict, best first (ties: most worked, most recent).

    Evidence whose verdict says nothing about the fix (a rerun decision) is ignored; so is
    evidence without resolution text.
    """
    policy = policy or ResolutionPolicy()
    groups: dict[str, list[tuple[ResolutionEvidence, str, bool]]] = {}
    for item in evidence:
        outcome = fix_worked(item.verdict)
        text = mask_secrets(item.resolution or "").strip()
        if outcome is None or not text:
            continue
        groups.setdefault(_key(text), []).append((item, text, outcome))

    ranked = []
    for items in groups.values():
        items.sort(key=lambda entry: (entry[0].recorded_at, entry[0].incident_id))
        worked_weight = failed_weight = 0.0
        for item, _, outcome in items:
            age_days = max(0.0, (now - item.recorded_at).total_seconds() / 86400)
            weight = 0.5 ** (age_days / policy.half_life_days)
            weight *= 1.0 if item.same_cause else policy.pattern_weight
            if outcome:
                worked_weight += weight
            else:
                failed_weight += weight
        successes = [item for item, _, outcome in items if outcome]
        last = successes[-1] if successes else None
        ranked.append(
            LearnedResolution(
                text=items[-1][1],
                worked=len(successes),
                failed=len(items) - len(successes),
                score=(worked_weight + 1.0) / (worked_weight + failed_weight + 2.0),
                same_cause=any(item.same_cause for item, _, _ in items),
                last_worked_at=last.recorded_at if last else None,
                last_worked_by=last.operator if last else None,
                incident_ids=tuple(dict.fromkeys(item.incident_id for item, _, _ in items)),
            )
        )
    ranked.sort(
        key=lambda r: (
            -r.score,
            -r.worked,
            -(r.last_worked_at.timestamp() if r.last_worked_at else 0.0),
            r.text,
        )
    )
    return tuple(ranked)


def promoted_step(resolution: LearnedResolution) -> str:
    """The recommendation step of a promoted resolution (its record, then the text)."""
    what = "this" if resolution.same_cause else "this error pattern"
    record = f"worked {resolution.worked} of {resolution.worked + resolution.failed} times"
    if resolution.last_worked_at is not None:
        record += f", last on {resolution.last_worked_at:%Y-%m-%d}"
        if resolution.last_worked_by:
            record += f" by {mask_secrets(resolution.last_worked_by)}"
    return f"What fixed {what} before ({record}): {resolution.text}"


def flagged_step(resolution: LearnedResolution) -> str:
    """The closing step warning about a resolution that did not work."""
    tried = resolution.worked + resolution.failed
    return (
        f"Tried before without success (did not work {resolution.failed} of {tried} times),"
        f" not a first choice: {resolution.text}"
    )


def learned_steps(
    ranked: Sequence[LearnedResolution], base_steps: Sequence[str], policy: ResolutionPolicy
) -> tuple[str, ...]:
    """``base_steps`` with the best promoted resolutions first and flagged ones last."""
    first = [promoted_step(r) for r in ranked if r.promoted][: policy.max_promoted]
    last = [flagged_step(r) for r in reversed(ranked) if r.flagged][: policy.max_flagged]
    return (*first, *base_steps, *last)

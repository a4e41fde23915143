"""How a batch of diagnosed failures becomes incident claims, and what the log says of each.
Plain logic: no database, no Prefect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from resync_analytics.enrichment import EnrichedAnalysis
from resync_analytics.incident_grouping import Failure, GroupingPolicy, Storm, quiet_period
from resync_analytics.incident_view import (
    FailureDiagnosis,
    IncidentGroup,
    incident_draft,
    recommendation_draft,
)
from resync_analytics.masking import mask_secrets
from resync_core.incidents import (
    IncidentClaim,
    IncidentDraft,
    RecentFailureRow,
    RecommendationDraft,
)


@dataclass(frozen=True)
class ClaimRequest:
    """One incident to claim: its fingerprint, its runs' diagnoses (lead first), the draft a
    new incident opens with, and how long an open one may stay quiet and still be joined."""

    fingerprint: str
    members: tuple[FailureDiagnosis, ...]
    draft: IncidentDraft
    quiet_after: timedelta

    @property
    def runs(self) -> list[tuple[str, datetime]]:
        """(run id, failure time) of every member, as the claim links them."""
        return [(d.run.run_id, d.failed_at) for d in self.members]


def storm_search_window(
    diagnoses: Sequence[FailureDiagnosis], policy: GroupingPolicy
) -> tuple[datetime, datetime]:
    """The span of stored failures that can share a storm with ``diagnoses`` (not empty)."""
    start = min(d.failed_at for d in diagnoses) - policy.storm_window
    end = max(d.failed_at for d in diagnoses) + policy.storm_window
    return start, end


def failure_context(rows: Iterable[RecentFailureRow]) -> list[Failure]:
    """Stored failures as storm detection sees them."""
    return [Failure(r.run_id, r.job_key, r.category, r.pattern_id, r.failed_at) for r in rows]


def claim_requests(
    by_fingerprint: Mapping[str, Sequence[FailureDiagnosis]], policy: GroupingPolicy
) -> list[ClaimRequest]:
    """One claim per fingerprint, in the mapping's order, led by its first member."""
    return [
        ClaimRequest(
            fingerprint,
            tuple(members),
            incident_draft(members[0], fingerprint),
            quiet_period(fingerprint, policy),
        )
        for fingerprint, members in by_fingerprint.items()
    ]


def incident_group(
    request: ClaimRequest, claim: IncidentClaim, storms: Mapping[str, Storm]
) -> IncidentGroup:
    """The batch's part of the incident ``claim`` returned for ``request``."""
    lead = request.members[0]
    return IncidentGroup(claim, request.members, lead, storms.get(lead.run.run_id))


def claim_note(request: ClaimRequest, group: IncidentGroup) -> str:
    """One log line: whether the batch opened or joined the incident, for how many runs."""
    storm = f", ABEND storm of {group.storm.job_count} jobs" if group.storm else ""
    verb = "opened" if group.claim.created else "joined"
    return (
        f"{verb} incident {group.claim.incident.id} ({request.fingerprint})"
        f" for {len(request.members)} run(s){storm}"
    )


@dataclass(frozen=True)
class LlmRecommendation:
    """An LLM's reviewed diagnosis to store: its recommendation and the incident's new
    (masked) diagnosis as (root cause, confidence, entities)."""

    draft: RecommendationDraft
    diagnosis: tuple[str, float, list[str]]


def llm_recommendation(
    lead: FailureDiagnosis, enriched: EnrichedAnalysis | None, default_model: str | None
) -> LlmRecommendation | None:
    """What a validated LLM answer adds to the incident; ``None`` unless ``enriched`` came
    from the model (the deterministic analysis stands)."""
    if enriched is None or enriched.source != "llm":
        return None
    final = enriched.analysis
    model = enriched.model or default_model
    return LlmRecommendation(
        recommendation_draft(lead, final, source="llm", model=model),
        (
            mask_secrets(final.root_cause),
            final.confidence,
            [mask_secrets(entity) for entity in final.entities],
        ),
    )

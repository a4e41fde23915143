"""Incidents: failed runs grouped by cause, what they are opened with, what they recommend,
the runs they cover, and earlier incidents of the same error. Domain types only (frozen
dataclasses); reading and writing them is ``resync_clients.postgres.incidents``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from resync_core.feedback import POSITIVE_VERDICTS, FeedbackNote
from resync_core.job_runs import JobRunRecord

# Verdicts recorded for a proposed rerun (operators' decisions, or their silence).
RERUN_APPROVED = "rerun_approved"
RERUN_REJECTED = "rerun_rejected"
RERUN_UNANSWERED = "rerun_unanswered"


@dataclass(frozen=True)
class RerunOutcome:
    """What became of a proposed rerun: ``decision`` is one of the ``RERUN_*`` verdicts."""

    decision: str
    operator: str | None = None
    new_run_id: str | None = None


@dataclass(frozen=True)
class StoredRun:
    """A job run as stored by the poller, with its (masked) joblog when it was captured."""

    run: JobRunRecord
    joblog_text: str | None
    error_pattern: str | None
    error_line: int | None


@dataclass(frozen=True)
class IncidentDraft:
    """What an incident is opened with: its fingerprint and the diagnosis of its first run."""

    fingerprint: str
    pattern_id: str | None
    job_key: str
    category: str
    root_cause: str
    error_line: int
    error_text: str
    entities: tuple[str, ...]
    confidence: float


@dataclass(frozen=True)
class StoredIncident:
    id: int
    fingerprint: str
    pattern_id: str | None
    job_key: str | None
    category: str
    root_cause: str
    error_line: int | None
    error_text: str | None
    entities: tuple[str, ...]
    confidence: float
    status: str
    created_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class IncidentClaim:
    """The incident some runs belong to. ``created``: this claim opened it;
    ``linked_run_ids``: the runs this claim added (empty when they were all linked before)."""

    incident: StoredIncident
    created: bool
    linked_run_ids: tuple[str, ...]


@dataclass(frozen=True)
class RecommendationDraft:
    steps: tuple[str, ...]
    rerun_command: str | None
    source: str  # "deterministic" | "llm"
    model: str | None
    confidence: float


@dataclass(frozen=True)
class StoredRecommendation:
    id: int
    incident_id: int
    steps: tuple[str, ...]
    rerun_command: str | None
    source: str
    model: str | None
    confidence: float
    created_at: datetime


@dataclass(frozen=True)
class AffectedRun:
    """A run an incident covers, with what the poller stored about it (None when unknown)."""

    run_id: str
    job_key: str | None
    workstation: str | None
    job_stream: str | None
    job_name: str | None
    internal_status: str | None
    return_code: int | None
    end_time: datetime | None
    error_line: int | None


@dataclass(frozen=True)
class IncidentOverview:
    incident: StoredIncident
    run_count: int
    last_failed_at: datetime | None


@dataclass(frozen=True)
class RecentFailureRow:
    """A failed run near another one in time, with its error pattern's category."""

    run_id: str
    job_key: str
    category: str
    pattern_id: str
    failed_at: datetime


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

"""Operators' feedback as learning reads it, and the two views learning takes of it.

Plain logic: no database, no Prefect.
"""

from __future__ import annotations

from collections.abc import Iterable

from resync_analytics.learning.calibration import DiagnosisVerdict
from resync_analytics.learning.resolutions import ResolutionEvidence
from resync_analytics.learning.verdicts import diagnosis_label
from resync_core.feedback import FeedbackRecord as FeedbackRecord


def diagnosis_verdicts(records: Iterable[FeedbackRecord]) -> list[DiagnosisVerdict]:
    """One verdict per incident whose diagnosis an operator judged: the latest judgement
    counts (an operator may correct an earlier one), rerun decisions and "steps did not help"
    do not judge it."""
    latest: dict[int, FeedbackRecord] = {}
    for record in sorted(records, key=lambda r: (r.created_at, r.feedback_id)):
        if diagnosis_label(record.verdict) is not None:
            latest[record.incident_id] = record
    return [
        DiagnosisVerdict(
            category=record.category,
            claimed=min(1.0, max(0.0, record.claimed_confidence)),
            right=bool(diagnosis_label(record.verdict)),
            analyser=record.analyser,
        )
        for _, record in sorted(latest.items())
    ]


def resolution_evidence(
    records: Iterable[FeedbackRecord], *, fingerprint: str
) -> list[ResolutionEvidence]:
    """The records with a resolution, as evidence for an incident with ``fingerprint``."""
    return [
        ResolutionEvidence(
            incident_id=record.incident_id,
            resolution=record.resolution,
            verdict=record.verdict,
            operator=record.operator,
            recorded_at=record.created_at,
            same_cause=record.fingerprint == fingerprint,
        )
        for record in records
        if record.resolution and record.resolution.strip()
    ]

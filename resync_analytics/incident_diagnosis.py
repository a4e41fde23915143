"""One failed run's diagnosis: its masked joblog analysed, its cause fingerprinted and its
error pattern named with the same id the poller stores. Plain logic: no database, no Prefect.
"""

from __future__ import annotations

from datetime import UTC, datetime

from resync_analytics.incident_grouping import cause_fingerprint
from resync_analytics.incident_view import FailureDiagnosis, job_identity
from resync_analytics.joblog import analyze_joblog
from resync_analytics.masking import mask_secrets
from resync_analytics.patterns.ids import pattern_id
from resync_core.incidents import StoredRun


def diagnose(stored: StoredRun, now: datetime | None = None) -> FailureDiagnosis:
    """Analyse one run's joblog (masked first) and fingerprint its cause.

    A run without an end time counts as failed at ``now`` (default: the current time).
    """
    text = mask_secrets(stored.joblog_text or "")
    analysis = analyze_joblog(text, job=job_identity(stored.run))
    offset = 0
    # The stored text may be the log's tail: the poller stored the line number in the whole log.
    if stored.error_line and analysis.error_line and stored.error_line >= analysis.error_line:
        offset = stored.error_line - analysis.error_line
    return FailureDiagnosis(
        run=stored.run,
        analysis=analysis,
        pattern_id=pattern_id(analysis.pattern) if analysis.pattern else None,
        fingerprint=cause_fingerprint(
            analysis.category, analysis.pattern, analysis.error_text, analysis.entities
        ),
        failed_at=stored.run.end_time or now or datetime.now(UTC),
        line_offset=offset,
    )

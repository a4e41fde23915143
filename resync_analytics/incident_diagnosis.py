"""One failed run's diagnosis: its masked joblog analysed, its cause fingerprinted and its
error pattern named with the same id the poller stores. Plain logic: no database, no Prefect.
"""

from __future__ import annotations

from datetime import UTC, datetime

from resync_analytics.incident_grouping import cause_fingerprint
from resync_analytics.incident_view import FailureDiagnosis, job_identity
from resync_analytics.joblog import analyze_joblog
from resync_analytics.joblog.baseline import Baseline, novel_lines
from resync_analytics.masking import mask_secrets
from resync_analytics.patterns.ids import pattern_id
from resync_core.incidents import StoredRun


def diagnose(
    stored: StoredRun, now: datetime | None = None, baseline: Baseline | None = None
) -> FailureDiagnosis:
    """Analyse one run's joblog (masked first) and fingerprint its cause.

    A run without an end time counts as failed at ``now`` (default: the current time).
    ``baseline`` (the job's stored good-run profile) discounts the lines good runs also print
    and names the error lines new in this run; without one the analysis is as before.
    """
    text = mask_secrets(stored.joblog_text or "")
    job = job_identity(stored.run)
    plain = analyze_joblog(text, job=job)
    with_baseline = baseline is not None and not baseline.empty
    analysis = analyze_joblog(text, job=job, baseline=baseline) if with_baseline else plain
    offset = 0
    # The stored text may be the log's tail: the poller stored the line number in the whole
    # log, found without a baseline, so the offset is measured on the plain analysis.
    if stored.error_line and plain.error_line and stored.error_line >= plain.error_line:
        offset = stored.error_line - plain.error_line
    new = novel_lines(text, baseline) if with_baseline and baseline is not None else ()
    return FailureDiagnosis(
        run=stored.run,
        analysis=analysis,
        pattern_id=pattern_id(analysis.pattern) if analysis.pattern else None,
        fingerprint=cause_fingerprint(
            analysis.category, analysis.pattern, analysis.error_text, analysis.entities
        ),
        failed_at=stored.run.end_time or now or datetime.now(UTC),
        line_offset=offset,
        new_lines=new,
    )

"""Tasks of the incident analysis: from a failed run to a stored, explained, announced incident.

Tasks take batches (one run for an event, hundreds in a storm): per-run work is plain Python
inside a task, and the per-incident tasks run once per distinct cause, not once per job.
Joblog text is masked (``mask_secrets``) before it is analysed, stored or shown, so no
diagnosis, row, report, log line or event carries a secret from a joblog.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from resync_analytics.enrichment import EnrichedAnalysis
from resync_analytics.incident_claims import (
    claim_note,
    claim_requests,
    failure_context,
    incident_group,
    llm_recommendation,
    storm_search_window,
)
from resync_analytics.incident_diagnosis import diagnose
from resync_analytics.incident_events import incident_event
from resync_analytics.incident_grouping import GroupingPolicy, detect_storms
from resync_analytics.incident_runs import (
    RunSelection,
    attach_joblogs,
    runs_without_joblog,
    select_runs,
    unique_run_ids,
)
from resync_analytics.incident_similarity import SimilarIncident, rank_similar_incidents
from resync_analytics.incident_view import (
    FailureDiagnosis,
    IncidentGroup,
    IncidentView,
    build_incident_view,
    group_by_incident,
    recommendation_draft,
)
from resync_analytics.joblog.baseline import Baseline
from resync_analytics.masking import mask_secrets
from resync_clients.events import publish_events
from resync_clients.postgres.incident_writes import (
    claim_incidents,
    load_incident_report,
    store_recommendations,
)
from resync_clients.postgres.incidents import (
    failures_between,
    joblog_text,
    latest_failed_run,
    load_runs,
    past_incidents,
    record_feedback,
)
from resync_clients.postgres.job_runs import JoblogFinding, store_joblog_findings
from resync_clients.postgres.outbox import enqueue_events, mark_events_emitted
from resync_clients.tws.client import Justification, TWSClient
from resync_clients.tws.errors import TWSNotFoundError
from resync_core.incidents import StoredRun
from resync_core.job_runs import JobRunRecord
from resync_core.settings import Settings
from tasks.poll import JOBLOG_TAIL_LINES, joblog_finding, tws_client
from tasks.resources import get_store
from tasks.retry import DATABASE_RETRIES

# An incident whose opener has not stored a recommendation after this long is analysed by
# the next run that joins it (the opener crashed); before that, joiners leave it alone, so a
# storm costs one analysis, not one per job.
ANALYSIS_GRACE = timedelta(minutes=10)


class FailedRunNotFoundError(LookupError):
    """The run to analyse is not stored (the poller has not seen it) or never failed."""


# ----------------------------------------------------------------- load and fetch


@task(name="load-failed-runs", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def load_failed_runs(
    settings: Settings,
    run_ids: Sequence[str] = (),
    *,
    workstation: str | None = None,
    job_stream: str | None = None,
    job_name: str | None = None,
) -> list[StoredRun]:
    """The stored runs to analyse: ``run_ids``, or the latest failed run of the named job.

    Raises ``FailedRunNotFoundError`` when nothing matches. Runs that did not fail are
    skipped with a warning (an event may be replayed after a successful rerun).
    """
    with get_store(settings).connection() as conn:
        if run_ids:
            selection = select_runs(run_ids, load_runs(conn, unique_run_ids(run_ids)))
        elif workstation and job_stream and job_name:
            latest = latest_failed_run(
                conn, workstation=workstation, job_stream=job_stream, job_name=job_name
            )
            selection = RunSelection(runs=(latest,) if latest else ())
        else:
            raise ValueError("give run ids or a workstation, job stream and job name")
    for note in selection.skip_notes():
        get_run_logger().warning(note)
    if not selection.failed:
        what = ", ".join(run_ids) if run_ids else f"{workstation}#{job_stream}.{job_name}"
        raise FailedRunNotFoundError(f"no stored failed run for {what}")
    return selection.failed


async def _read_joblog(
    tws: TWSClient, run_id: str, settings: Settings, observed_at: datetime
) -> JoblogFinding:
    """One run's joblog from TWS (tail first, byte-capped), analysed and masked; empty when
    TWS no longer has it."""
    try:
        joblog = await tws.get_joblog_tail(
            run_id, lines=JOBLOG_TAIL_LINES, max_bytes=settings.joblog_max_bytes
        )
    except TWSNotFoundError:
        return joblog_finding(run_id, b"", 1, mask=True, observed_at=observed_at)
    # Always masked here: the text is analysed and shown, not only stored.
    return await asyncio.to_thread(
        joblog_finding,
        run_id,
        joblog.data,
        joblog.from_line or 1,
        mask=True,
        observed_at=observed_at,
    )


# TWS faults were retried by the client within its budget: repeat only for PostgreSQL.
@task(name="fetch-joblogs", **DATABASE_RETRIES, cache_policy=NO_CACHE)
async def fetch_joblogs(settings: Settings, runs: Sequence[StoredRun]) -> list[StoredRun]:
    """Runs with their joblogs: stored ones as they are, missing ones read from TWS (tail
    first, byte-capped), masked and stored with the run.

    A joblog TWS no longer has is stored as empty. Raises ``TWSError`` when TWS cannot be
    read now (the task retries, then the flow fails visibly).
    """
    missing = runs_without_joblog(runs)
    if not missing:
        return list(runs)
    observed_at = datetime.now(UTC)
    async with tws_client(settings) as tws:
        findings = await asyncio.gather(
            *(_read_joblog(tws, stored.run.run_id, settings, observed_at) for stored in missing)
        )
    with get_store(settings).connection() as conn, conn.transaction():
        store_joblog_findings(conn, findings)
    get_run_logger().info("read %d joblog(s) from TWS", len(findings))
    return attach_joblogs(runs, findings)


# ----------------------------------------------------------------- analyse and group


@task(name="analyze-failures", cache_policy=NO_CACHE)
def analyze_failures(
    runs: Sequence[StoredRun], baselines: Mapping[str, Baseline] | None = None
) -> list[FailureDiagnosis]:
    """The deterministic diagnosis of each run (root cause, error line, steps, confidence),
    against its job's good-run profile in ``baselines`` (by job key) when one is stored."""
    now = datetime.now(UTC)
    profiles = baselines or {}
    diagnoses = [diagnose(stored, now, profiles.get(stored.run.job_key)) for stored in runs]
    logger = get_run_logger()
    for diagnosis in diagnoses[:20]:
        logger.info(
            "run %s (%s): %s at line %d, confidence %.2f",
            diagnosis.run.run_id,
            diagnosis.run.job_key,
            diagnosis.analysis.category,
            diagnosis.error_line,
            diagnosis.analysis.confidence,
        )
    return diagnoses


@task(name="group-into-incidents", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def group_into_incidents(
    settings: Settings,
    diagnoses: Sequence[FailureDiagnosis],
    policy: GroupingPolicy | None = None,
) -> list[IncidentGroup]:
    """Put each failure into its incident: a storm's shared incident when many jobs fail
    together for one reason (judged with the stored failures around them), else the
    incident of its specific cause. Safe against concurrent flow runs and re-runs."""
    policy = policy or GroupingPolicy()
    if not diagnoses:
        return []
    store = get_store(settings)
    with store.connection() as conn:
        stored = failures_between(conn, *storm_search_window(diagnoses, policy))
    storms = detect_storms([d.as_failure() for d in diagnoses], policy, failure_context(stored))
    requests = claim_requests(group_by_incident(diagnoses, storms), policy)
    with store.connection() as conn:
        claims = claim_incidents(conn, [(r.draft, r.runs, r.quiet_after) for r in requests])
    groups = [incident_group(r, c, storms) for r, c in zip(requests, claims, strict=True)]
    for request, group in zip(requests, groups, strict=True):
        get_run_logger().info(claim_note(request, group))
    return groups


@task(name="find-similar-incidents", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def find_similar_incidents(
    settings: Settings, group: IncidentGroup, limit: int = 5
) -> tuple[SimilarIncident, ...]:
    """Earlier incidents of the same cause or error pattern, most useful first (recorded
    resolutions that helped before come first)."""
    incident = group.claim.incident
    store = get_store(settings)
    with store.connection() as conn:
        candidates = past_incidents(
            conn,
            fingerprint=incident.fingerprint,
            pattern_id=incident.pattern_id or group.lead.pattern_id,
            exclude_incident_id=incident.id,
        )
    return tuple(rank_similar_incidents(candidates, fingerprint=incident.fingerprint, limit=limit))


# ----------------------------------------------------------------- enrich, store, publish


# No task retry: the LLM client retried within its budget, and enrichment never raises
# for model faults (the deterministic analysis stands).
@task(name="enrich-with-llm", cache_policy=NO_CACHE)
def enrich_with_llm(settings: Settings, group: IncidentGroup) -> EnrichedAnalysis:
    """Ask the configured LLM to refine the lead run's diagnosis (advice only, validated
    against the joblog). Called once per incident, by the run that opened it."""
    from tasks.enrichment import enrich_analysis

    store = get_store(settings)
    with store.connection() as conn:
        text = joblog_text(conn, group.lead.run.run_id)
    return enrich_analysis(group.lead.analysis, mask_secrets(text or ""), settings, store)


@task(name="store-incident", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def store_incident(
    settings: Settings, group: IncidentGroup, enriched: EnrichedAnalysis | None = None
) -> IncidentView:
    """Store the incident's recommendation (once per incident and source) and return what
    the report shows: the stored diagnosis, the best recommendation, the affected runs."""
    lead, incident = group.lead, group.claim.incident
    llm = llm_recommendation(lead, enriched, settings.llm_model)
    with get_store(settings).connection() as conn:
        store_recommendations(
            conn,
            incident,
            opened_here=group.needs_analysis,
            grace=ANALYSIS_GRACE,
            deterministic=recommendation_draft(
                lead, lead.analysis, source="deterministic", model=None
            ),
            llm=llm.draft if llm else None,
            diagnosis=llm.diagnosis if llm else None,
        )
        conn.commit()
        rows = load_incident_report(conn, incident, run_limit=500)
    return build_incident_view(
        group, rows.incident, rows.recommendation, rows.runs, rows.affected_count, enriched
    )


def should_enrich(settings: Settings, group: IncidentGroup) -> bool:
    """At most one LLM call per incident: only the run that opened it asks."""
    return settings.llm_enabled and group.needs_analysis


# ----------------------------------------------------------------- announce


@task(name="announce-incident", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
async def announce_incident(
    settings: Settings, view: IncidentView, runs: Sequence[JobRunRecord], report_key: str
) -> int:
    """Record ``resync.incident.analyzed`` in the outbox, then send it; returns how many were
    sent now. Unsent events stay in the outbox for the next publisher."""
    events = [incident_event(view, run, report_key) for run in runs]
    store = get_store(settings)
    with store.connection() as conn, conn.transaction():
        enqueue_events(conn, events)
    sent = await publish_events(events)
    with store.connection() as conn:
        mark_events_emitted(conn, [event.idempotency_key for event in events], datetime.now(UTC))
    return sent


# ----------------------------------------------------------------- rerun


@task(name="rerun-failed-job", cache_policy=NO_CACHE)
async def rerun_failed_job(
    settings: Settings, run: JobRunRecord, incident_id: int, operator: str | None
) -> str | None:
    """Rerun ``run``'s job in TWS (after an operator approved it); returns the new run id.

    No automatic retries: a rerun is not idempotent. Raises ``TWSError`` when TWS refuses.
    """
    justification = Justification(
        category="resync incident",
        description=f"incident {incident_id}: rerun approved by {operator or 'an operator'}",
    )
    async with tws_client(settings) as tws:
        result = await tws.rerun(run.run_id, justification=justification)
    get_run_logger().info("reran %s (run %s): new run %s", run.job_key, run.run_id, result.id)
    return result.id


@task(name="record-rerun-decision", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def record_rerun_decision(
    settings: Settings,
    incident_id: int,
    decision: str,
    operator: str | None,
    comment: str | None,
) -> int:
    """Record the operator's rerun decision (or its absence) with the incident's feedback."""
    store = get_store(settings)
    with store.connection() as conn:
        return record_feedback(
            conn,
            incident_id,
            verdict=decision,
            resolution=mask_secrets(comment) if comment else None,
            operator=operator,
        )

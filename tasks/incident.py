"""Tasks of the incident analysis: from a failed run to a stored, explained, announced incident.

Tasks take batches (one run for an event, hundreds in a storm): per-run work is plain Python
inside a task, and the per-incident tasks run once per distinct cause, not once per job.
Joblog text is masked (``mask_secrets``) before it is analysed, stored or shown, so no
diagnosis, row, report, log line or event carries a secret from a joblog.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from resync_analytics.enrichment import EnrichedAnalysis
from resync_analytics.incident_diagnosis import diagnose
from resync_analytics.incident_events import incident_event
from resync_analytics.incident_grouping import Failure, GroupingPolicy, detect_storms, quiet_period
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
    incident_draft,
    recommendation_draft,
)
from resync_analytics.masking import mask_secrets
from resync_clients.events import publish_events
from resync_clients.postgres.incidents import (
    add_recommendation,
    affected_runs,
    claim_incident,
    count_affected_runs,
    failures_between,
    joblog_text,
    lacks_recommendation,
    latest_failed_run,
    latest_recommendation,
    load_incident,
    load_runs,
    past_incidents,
    record_feedback,
    update_incident_diagnosis,
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
def analyze_failures(runs: Sequence[StoredRun]) -> list[FailureDiagnosis]:
    """The deterministic diagnosis of each run (root cause, error line, steps, confidence)."""
    now = datetime.now(UTC)
    diagnoses = [diagnose(stored, now) for stored in runs]
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
    logger = get_run_logger()
    policy = policy or GroupingPolicy()
    if not diagnoses:
        return []
    store = get_store(settings)
    start = min(d.failed_at for d in diagnoses) - policy.storm_window
    end = max(d.failed_at for d in diagnoses) + policy.storm_window
    with store.connection() as conn:
        stored = failures_between(conn, start, end)
    context = [
        Failure(row.run_id, row.job_key, row.category, row.pattern_id, row.failed_at)
        for row in stored
    ]
    storms = detect_storms([d.as_failure() for d in diagnoses], policy, context)

    groups: list[IncidentGroup] = []
    with store.connection() as conn:
        for fingerprint, members in group_by_incident(diagnoses, storms).items():
            lead = members[0]
            claim = claim_incident(
                conn,
                incident_draft(lead, fingerprint),
                [(d.run.run_id, d.failed_at) for d in members],
                quiet_period(fingerprint, policy),
            )
            conn.commit()
            storm = storms.get(lead.run.run_id)
            groups.append(IncidentGroup(claim, tuple(members), lead, storm))
            logger.info(
                "%s incident %d (%s) for %d run(s)%s",
                "opened" if claim.created else "joined",
                claim.incident.id,
                fingerprint,
                len(members),
                f", ABEND storm of {storm.job_count} jobs" if storm else "",
            )
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
    lead = group.lead
    incident = group.claim.incident
    with get_store(settings).connection() as conn:
        if group.needs_analysis or lacks_recommendation(
            conn, incident.id, incident.created_at, ANALYSIS_GRACE
        ):
            draft = recommendation_draft(lead, lead.analysis, source="deterministic", model=None)
            add_recommendation(conn, incident.id, draft)
        if enriched is not None and enriched.source == "llm":
            final = enriched.analysis
            model = enriched.model or settings.llm_model
            add_recommendation(
                conn, incident.id, recommendation_draft(lead, final, source="llm", model=model)
            )
            update_incident_diagnosis(
                conn,
                incident.id,
                root_cause=mask_secrets(final.root_cause),
                confidence=final.confidence,
                entities=[mask_secrets(entity) for entity in final.entities],
            )
        conn.commit()
        current = load_incident(conn, incident.id) or incident
        recommendation = latest_recommendation(conn, incident.id)
        runs = affected_runs(conn, incident.id, limit=500)
        count = count_affected_runs(conn, incident.id)
    return build_incident_view(group, current, recommendation, runs, count, enriched)


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

"""Tasks of the TWS poller: observe the plan, read failed runs' joblogs, commit, announce.

Each task works on a whole cycle's batch (a 100k-job plan is one task run, not 100k).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from prefect import get_run_logger, task

from analytics.job_runs import JobRunRecord, StatusTransition
from analytics.joblog.analyzer import analyze_joblog
from analytics.masking import mask_secrets
from resync_clients.events import DomainEvent, publish_events
from resync_clients.postgres.job_runs import (
    JoblogFinding,
    insert_transitions,
    load_run_statuses,
    load_unfinished_job_ids,
    store_joblog_findings,
    upsert_job_runs,
)
from resync_clients.postgres.outbox import enqueue_events, mark_events_emitted, pending_events
from resync_clients.postgres.poller_state import PollCursor, load_poll_cursor, save_poll_cursor
from resync_clients.tws.client import TWSClient, TWSClientConfig
from resync_clients.tws.errors import TWSError, TWSNotFoundError
from resync_clients.tws.oql import Field
from resync_clients.tws.records import job_run_records
from resync_flows.settings import Settings
from tasks.resources import get_store

POLLER_NAME = "tws"
# Starts are re-read this far back: covers clock skew and runs that started mid-query.
START_OVERLAP = timedelta(minutes=5)
# Runs still going are followed by id for at most this long after their start.
UNFINISHED_LOOKBACK = timedelta(days=2)
# Ask for jobs by id in chunks, keeping each OQL text a reasonable size.
ID_CHUNK = 200
# Joblog lines read per failed run (from the end: the cause is nearly always there).
JOBLOG_TAIL_LINES = 5000

ProgressCallback = Callable[[int, int | None], None]
_progress_callbacks: list[ProgressCallback] = []


def add_progress_callback(callback: ProgressCallback) -> None:
    """Register ``callback(jobs_read, total)`` for plan reads in this process (CLI display)."""
    _progress_callbacks.append(callback)


def _report_progress(done: int, total: int | None) -> None:
    for callback in _progress_callbacks:
        callback(done, total)


@dataclass(frozen=True)
class PlanObservation:
    """What one cycle saw of the plan: every run of every job it read, and the links."""

    runs: tuple[JobRunRecord, ...]
    jobs_read: int
    full: bool
    since: datetime | None
    workstation_links: dict[str, bool] = field(default_factory=dict)


def tws_client(settings: Settings) -> TWSClient:
    return TWSClient(TWSClientConfig.from_settings(settings))


def _incremental_queries(cursor_since: datetime, unfinished_job_ids: Sequence[str]) -> list:
    queries = [Field("jobruns.timeInfo.actualStartTime") >= cursor_since - START_OVERLAP]
    for start in range(0, len(unfinished_job_ids), ID_CHUNK):
        queries.append(Field("id").in_(unfinished_job_ids[start : start + ID_CHUNK]))
    return queries


@task(name="observe-plan", retries=1, retry_delay_seconds=5)
async def observe_plan(settings: Settings, cursor: PollCursor, full: bool) -> PlanObservation:
    """Read the plan: everything on a full poll, else what can have changed since ``cursor``.

    Incremental reads ask for runs started since the cursor (minus an overlap) and, by id,
    for jobs whose stored run was still going before that window.
    """
    logger = get_run_logger()
    plan_id = settings.tws_plan_id
    full = full or cursor.since is None
    if full:
        queries: list = [None]
    else:
        assert cursor.since is not None
        store = get_store(settings)
        with store.connection() as conn:
            unfinished = load_unfinished_job_ids(
                conn, cursor.since - START_OVERLAP, cursor.since - UNFINISHED_LOOKBACK
            )
        queries = _incremental_queries(cursor.since, unfinished)

    runs: dict[str, JobRunRecord] = {}
    jobs_read = 0
    async with tws_client(settings) as tws:
        for query in queries:
            async for page in tws.query_job_pages(query):
                for job in page.results:
                    for run in job_run_records(job, plan_id=plan_id):
                        runs[run.run_id] = run
                jobs_read += len(page.results)
                _report_progress(jobs_read, page.count if full else None)
        links = {ws.name: ws.linked async for ws in tws.query_workstations()}

    starts = [run.start_time for run in runs.values() if run.start_time is not None]
    since = max([*starts, *([cursor.since] if cursor.since else [])], default=None)
    logger.info(
        "%s poll read %d job(s), %d run(s), %d workstation(s)",
        "full" if full else "incremental",
        jobs_read,
        len(runs),
        len(links),
    )
    return PlanObservation(
        runs=tuple(runs.values()),
        jobs_read=jobs_read,
        full=full,
        since=since,
        workstation_links=links,
    )


@task(name="load-previous-statuses", retries=3, retry_delay_seconds=[1, 5, 15])
def load_previous_statuses(settings: Settings, run_ids: Sequence[str]) -> dict[str, str]:
    store = get_store(settings)
    with store.connection() as conn:
        return load_run_statuses(conn, run_ids)


def pattern_id(pattern: str) -> str:
    """A short stable id for an error pattern (the same template, the same id)."""
    return hashlib.sha1(pattern.encode("utf-8")).hexdigest()[:16]


def joblog_finding(
    run_id: str, data: bytes, first_line: int, *, mask: bool, observed_at: datetime
) -> JoblogFinding:
    """Analyse a joblog (or its tail starting at ``first_line``) for storage with its run."""
    analysis = analyze_joblog(data)
    text = data.decode("utf-8", errors="replace").replace("\x00", "")
    if mask:
        text = mask_secrets(text)
    offset = first_line - 1
    return JoblogFinding(
        run_id=run_id,
        joblog_text=text,
        error_pattern=pattern_id(analysis.pattern) if analysis.pattern else None,
        pattern_template=analysis.pattern or None,
        category=analysis.category,
        error_line=analysis.error_line + offset if analysis.error_line else 0,
        observed_at=observed_at,
    )


@task(name="capture-failed-joblogs")
async def capture_failed_joblogs(
    settings: Settings, runs: Sequence[JobRunRecord]
) -> list[JoblogFinding]:
    """Fetch (tail first, byte-capped) and analyse the joblogs of failed runs.

    A joblog TWS no longer has is stored as empty (nothing to retry); one that could not be
    fetched now is left out, so the run keeps no joblog and a later cycle tries again.
    """
    logger = get_run_logger()
    observed_at = datetime.now(UTC)
    findings: list[JoblogFinding] = []

    async with tws_client(settings) as tws:

        async def capture(run: JobRunRecord) -> JoblogFinding | None:
            try:
                joblog = await tws.get_joblog_tail(
                    run.run_id, lines=JOBLOG_TAIL_LINES, max_bytes=settings.joblog_max_bytes
                )
            except TWSNotFoundError:
                return JoblogFinding(run.run_id, "", None, None, None, None, observed_at)
            except TWSError as exc:
                logger.warning("joblog of run %s not fetched now: %s", run.run_id, exc)
                return None
            return await asyncio.to_thread(
                joblog_finding,
                run.run_id,
                joblog.data,
                joblog.from_line or 1,
                mask=settings.mask_stored_joblogs,
                observed_at=observed_at,
            )

        # The client bounds concurrent requests itself; gather just keeps them all in flight.
        results = await asyncio.gather(*(capture(run) for run in runs))
    findings = [finding for finding in results if finding is not None]
    logger.info("analysed %d of %d failed run joblog(s)", len(findings), len(runs))
    return findings


@dataclass(frozen=True)
class CycleCounts:
    runs_changed: int
    transitions: int
    joblogs: int
    events_enqueued: int


@task(name="commit-poll-cycle", retries=3, retry_delay_seconds=[1, 5, 15])
def commit_poll_cycle(
    settings: Settings,
    observation: PlanObservation,
    transitions: Sequence[StatusTransition],
    findings: Sequence[JoblogFinding],
    events: Sequence[DomainEvent],
    cursor: PollCursor,
) -> CycleCounts:
    """Write the whole cycle in ONE transaction: runs, transitions, joblogs, events, cursor.

    A crash before the commit leaves the previous cursor, so the next cycle redoes this one;
    every write is an idempotent upsert, so redoing it creates no duplicates.
    """
    store = get_store(settings)
    with store.connection() as conn, conn.transaction():
        runs = upsert_job_runs(conn, observation.runs)
        recorded = insert_transitions(conn, transitions)
        store_joblog_findings(conn, findings)
        enqueued = enqueue_events(conn, events)
        save_poll_cursor(conn, POLLER_NAME, cursor)
    return CycleCounts(runs.changed, recorded.inserted, len(findings), enqueued)


@task(name="publish-pending-events", retries=2, retry_delay_seconds=[2, 10])
async def publish_pending_events(settings: Settings, batch_size: int = 500) -> int:
    """Send outbox events to Prefect, oldest first, and mark them sent."""
    store = get_store(settings)
    sent = 0
    while True:
        with store.connection() as conn:
            batch = pending_events(conn, batch_size)
        if not batch:
            return sent
        await publish_events(batch)
        with store.connection() as conn:
            mark_events_emitted(conn, [e.idempotency_key for e in batch], datetime.now(UTC))
        sent += len(batch)


def read_cursor(settings: Settings) -> PollCursor:
    store = get_store(settings)
    with store.connection() as conn:
        return load_poll_cursor(conn, POLLER_NAME)


def runs_missing_joblogs(settings: Settings, limit: int = 200) -> list[JobRunRecord]:
    """Failed runs stored without a joblog (a fetch failed in an earlier cycle)."""
    store = get_store(settings)
    with store.connection() as conn:
        rows = conn.execute(
            "SELECT * FROM job_runs WHERE internal_status IN ('ABEND', 'FAIL')"
            " AND joblog_text IS NULL ORDER BY end_time DESC NULLS LAST LIMIT %s",
            (limit,),
        ).fetchall()
    fields = JobRunRecord.__dataclass_fields__
    return [JobRunRecord(**{k: v for k, v in row.items() if k in fields}) for row in rows]

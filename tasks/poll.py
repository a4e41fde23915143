"""Tasks of the TWS poller: observe the plan, read failed runs' joblogs, commit, announce.

Each task works on a whole cycle's batch (a 100k-job plan is one task run, not 100k).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from prefect import get_run_logger, task

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.baseline import Baseline
from resync_analytics.joblog.completeness import has_trailer
from resync_analytics.masking import mask_secrets
from resync_analytics.patterns.ids import pattern_id
from resync_analytics.plan_graph.stuck import (
    OverdueRun,
    downstream_deadlines,
    overdue_runs,
    running_keys,
    running_runs,
)
from resync_analytics.poll_cycle import count_action, refusal_note
from resync_clients.events import DomainEvent, publish_events
from resync_clients.postgres.job_runs import (
    JoblogFinding,
    load_run_statuses,
    load_runs_needing_joblogs,
    load_unfinished_job_ids,
)
from resync_clients.postgres.outbox import mark_events_emitted, pending_events
from resync_clients.postgres.plan_graph import (
    load_downstream,
    load_wired_jobs,
    mark_dependencies_resolved,
    write_plan_edges,
)
from resync_clients.postgres.poll_cycle import write_poll_cycle
from resync_clients.postgres.poller_state import PollCursor, load_poll_cursor
from resync_clients.postgres.quarantine import RejectedRun
from resync_clients.postgres.risk_scores import runtime_quantiles
from resync_clients.tws.client import TWSClient, TWSClientConfig
from resync_clients.tws.dependencies import (
    UnreadDependencies,
    jobs_to_read,
    plan_edges,
    unread_dependencies,
)
from resync_clients.tws.errors import (
    TWSError,
    TWSNotFoundError,
    TWSUnavailableError,
)
from resync_clients.tws.records import job_run_records
from resync_core.job_runs import JobRunRecord, StatusTransition
from resync_core.oql import Field
from resync_core.plan_graph import PlanEdge
from resync_core.settings import Settings
from tasks.resources import get_resources, get_store
from tasks.retry import TRANSIENT_RETRIES, CycleBudgetSpent, retry_if_transient
from tasks.tws_slots import tws_api_slot

POLLER_NAME = "tws"
# Starts are re-read this far back: covers clock skew and runs that started mid-query.
START_OVERLAP = timedelta(minutes=5)
# Runs still going are followed by id for at most this long after their start.
UNFINISHED_LOOKBACK = timedelta(days=2)
# Ask for jobs by id in chunks, keeping each OQL text a reasonable size.
ID_CHUNK = 200
# Joblog lines read per failed run (from the end: the cause is nearly always there).
JOBLOG_TAIL_LINES = 5000
# A joblog cut short in transit is fetched again at most this many times in all.
JOBLOG_MAX_ATTEMPTS = 5
# The plan read is retried once by Prefect (transient faults only) after this pause.
OBSERVE_RETRY_DELAY_SECONDS = 5
# Joblog fetches get at least this long, even when the plan read used the cycle's budget.
MIN_JOBLOG_SECONDS = 5.0
# A query leaves a job's dependencies out (the spec says so) and only counts them; reading a
# job alone gives them. A cycle reads at most this many jobs alone, those yet to start and
# soonest first, and each job once per plan day: a 100k-job plan's graph is learnt over
# some cycles, never with 100k requests in one.
PLAN_GRAPH_READS_PER_CYCLE = 500
# Those reads get at least this long, even when the rest of the cycle used its budget.
MIN_PLAN_GRAPH_SECONDS = 5.0

T = TypeVar("T")

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
    """What one cycle saw of the plan: every run of every job it read, and the links.

    ``incomplete`` holds why reads stopped before TWS said they had ended (it repeated a
    page, or paged past its count): what was read is valid, but the plan may hold more, so
    the cycle must not move its cursor past it.
    """

    runs: tuple[JobRunRecord, ...]
    jobs_read: int
    full: bool
    since: datetime | None
    workstation_links: dict[str, bool] = field(default_factory=dict)
    incomplete: tuple[str, ...] = ()
    # The plan graph: edges the jobs read carried, and jobs whose dependencies were only
    # counted (a query result) and must be read alone.
    plan_edges: tuple[PlanEdge, ...] = ()
    unread_dependencies: tuple[UnreadDependencies, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.incomplete


def cycle_budget_seconds(settings: Settings) -> float:
    """How long one cycle may wait on TWS in all: the poll interval, at most the client's
    own retry budget (a 30 s interval gives 30 s, not task tries × client retries)."""
    policy = TWSClientConfig.from_settings(settings).retry
    return min(settings.poll_interval_seconds, policy.max_total_seconds)


@asynccontextmanager
async def tws_client(
    settings: Settings, call_budget_seconds: float | None = None
) -> AsyncIterator[TWSClient]:
    """A TWS session (``async with``) over the process's shared breaker and connection pool,
    holding a slot of the ``tws-api`` limit; ``call_budget_seconds`` caps each call's time
    including its retries, and the wait for a slot."""
    async with (
        tws_api_slot(call_budget_seconds),
        get_resources(settings).tws_client(
            settings, call_budget_seconds=call_budget_seconds
        ) as tws,
    ):
        yield tws


def _incremental_queries(cursor_since: datetime, unfinished_job_ids: Sequence[str]) -> list:
    queries = [Field("jobruns.timeInfo.actualStartTime") >= cursor_since - START_OVERLAP]
    for start in range(0, len(unfinished_job_ids), ID_CHUNK):
        queries.append(Field("id").in_(unfinished_job_ids[start : start + ID_CHUNK]))
    return queries


# One task retry: the read changes nothing, so repeating the whole task is safe. It is not a
# second TWS retry loop: the client already retried within the cycle's budget, and
# retry_if_transient refuses an open circuit and a spent cycle budget.
@task(
    name="observe-plan",
    retries=1,
    retry_delay_seconds=OBSERVE_RETRY_DELAY_SECONDS,
    retry_condition_fn=retry_if_transient,
)
async def observe_plan(
    settings: Settings, cursor: PollCursor, full: bool, deadline: float | None = None
) -> PlanObservation:
    """Read the plan: everything on a full poll, else what can have changed since ``cursor``.

    Incremental reads ask for runs started since the cursor (minus an overlap) and, by id,
    for jobs whose stored run was still going before that window. ``deadline`` (a
    ``time.monotonic()`` instant) ends the cycle's retry budget: each TWS call may retry only
    until then, and a transient failure too close to it raises ``CycleBudgetSpent``.
    """
    remaining = None if deadline is None else deadline - time.monotonic()
    try:
        return await _observe_plan(settings, cursor, full, remaining)
    except TWSUnavailableError as exc:
        if (
            deadline is not None
            and not isinstance(exc, CycleBudgetSpent)
            and time.monotonic() + OBSERVE_RETRY_DELAY_SECONDS >= deadline
        ):
            raise CycleBudgetSpent(
                f"{exc} (cycle budget of TWS retries spent; the next cycle tries again)",
                status=exc.status,
            ) from None
        raise


async def _observe_plan(
    settings: Settings, cursor: PollCursor, full: bool, call_budget: float | None
) -> PlanObservation:
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
    edges: list[PlanEdge] = []
    unread: list[UnreadDependencies] = []
    jobs_read = 0
    async with tws_client(settings, call_budget) as tws:
        stopped_before = len(tws.incomplete_reads)
        for query in queries:
            async for page in tws.query_job_pages(query):
                for job in page.results:
                    for run in job_run_records(job, plan_id=plan_id):
                        runs[run.run_id] = run
                    if job.dependencies:
                        edges.extend(plan_edges(job))
                    elif (counted := unread_dependencies(job)) is not None:
                        unread.append(counted)
                jobs_read += len(page.results)
                _report_progress(jobs_read, page.count if full else None)
        links = {ws.name: ws.linked async for ws in tws.query_workstations()}
        incomplete = tuple(tws.incomplete_reads[stopped_before:])

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
        incomplete=incomplete,
        plan_edges=tuple(edges),
        unread_dependencies=tuple(unread),
    )


@task(name="read-plan-graph")
async def read_plan_graph(
    settings: Settings, observation: PlanObservation, deadline: float | None = None
) -> tuple[PlanEdge, ...]:
    """The plan-graph edges the cycle's plan read carried, plus those of up to
    ``PLAN_GRAPH_READS_PER_CYCLE`` jobs whose dependencies it only counted and that have no
    edges stored yet, each read alone. A job that cannot be read now (or by ``deadline``,
    at least ``MIN_PLAN_GRAPH_SECONDS`` away) is left for a later cycle."""
    candidates = observation.unread_dependencies
    with get_store(settings).connection() as conn:
        wired = load_wired_jobs(conn, ((c.plan_day, c.job_key) for c in candidates))
    todo = jobs_to_read(candidates, wired, PLAN_GRAPH_READS_PER_CYCLE)
    if not todo:
        return observation.plan_edges
    budget = None if deadline is None else max(deadline - time.monotonic(), MIN_PLAN_GRAPH_SECONDS)
    async with tws_client(settings, budget) as tws:
        found, _late = await _settle_within([_job_edges(tws, job) for job in todo], budget)
    read = [edges for edges in found if edges is not None]
    get_run_logger().info(
        "read the dependencies of %d of %d job(s) alone (%d left for later cycles)",
        len(read),
        len(todo),
        len({(c.plan_day, c.job_key) for c in candidates} - wired) - len(read),
    )
    return observation.plan_edges + tuple(edge for edges in read for edge in edges)


async def _job_edges(tws: TWSClient, job: UnreadDependencies) -> list[PlanEdge] | None:
    try:
        return plan_edges(await tws.get_job(job.job_id), job.plan_day)
    except TWSError as exc:
        get_run_logger().debug("dependencies of %s not read now: %s", job.job_key, exc)
        return None


@task(name="store-plan-graph", **TRANSIENT_RETRIES)
def store_plan_graph(
    settings: Settings,
    edges: Sequence[PlanEdge],
    counted: Sequence[UnreadDependencies] = (),
) -> int:
    """Upsert ``edges`` (one batch per plan day), then mark satisfied the stored edges into
    the ``counted`` jobs TWS now counts as all resolved, in one transaction; returns how
    many edges were new or changed."""
    by_day: dict[date, list[PlanEdge]] = {}
    for edge in edges:
        by_day.setdefault(edge.plan_day, []).append(edge)
    seen_at = datetime.now(UTC)
    resolved = ((job.plan_day, job.job_key) for job in counted if job.resolved)
    with get_store(settings).connection() as conn, conn.transaction():
        written = sum(
            write_plan_edges(conn, day, day_edges, seen_at).changed
            for day, day_edges in sorted(by_day.items())
        )
        return written + mark_dependencies_resolved(conn, resolved, seen_at)


@task(name="find-overdue-runs", **TRANSIENT_RETRIES)
def find_overdue_runs(
    settings: Settings, runs: Sequence[JobRunRecord], now: datetime
) -> list[OverdueRun]:
    """The running ``runs`` past the p99 of their own runtime at ``now`` (from their stored
    risk score of the plan day: one query for all), each with the deadline jobs it delays
    in the stored graph (read only for those found)."""
    running = running_runs(runs)
    if not running:
        return []
    with get_store(settings).connection() as conn:
        quantiles = runtime_quantiles(conn, running_keys(running))
        overdue = overdue_runs(running, quantiles, now)
        below = {
            day: load_downstream(conn, day, [o.job_key for o in overdue if o.plan_day == day])
            for day in {o.plan_day for o in overdue}
        }
    return [replace(o, delays=downstream_deadlines(o.job_key, *below[o.plan_day])) for o in overdue]


@task(name="load-previous-statuses", **TRANSIENT_RETRIES)
def load_previous_statuses(settings: Settings, run_ids: Sequence[str]) -> dict[str, str]:
    store = get_store(settings)
    with store.connection() as conn:
        return load_run_statuses(conn, run_ids)


def joblog_finding(
    run_id: str,
    data: bytes,
    first_line: int,
    *,
    mask: bool,
    observed_at: datetime,
    baseline: Baseline | None = None,
) -> JoblogFinding:
    """Analyse a joblog (or its tail starting at ``first_line``) for storage with its run.

    ``baseline`` is the job's good-run profile when one is stored: an error its good runs
    also print is then not taken for the cause, so the stored pattern (and the ABEND event's)
    is the one the incident analysis shows. The run has ended, so its log must close with
    TWS's trailer; without one it was cut short in transit and is marked incomplete (stored,
    and fetched again by a later cycle).
    """
    analysis = analyze_joblog(data, baseline=baseline)
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
        complete=has_trailer(data),
    )


@task(name="capture-failed-joblogs")
async def capture_failed_joblogs(
    settings: Settings,
    runs: Sequence[JobRunRecord],
    deadline: float | None = None,
    baselines: Mapping[str, Baseline] | None = None,
) -> list[JoblogFinding]:
    """Fetch (tail first, byte-capped) and analyse the joblogs of failed runs, each against
    its job's good-run profile in ``baselines`` (by job key) when it has one.

    A joblog TWS no longer has is stored as empty (nothing to retry); one that could not be
    fetched now is left out, so the run keeps no joblog and a later cycle tries again. Fetches
    still running at ``deadline`` (at least ``MIN_JOBLOG_SECONDS`` from now) are dropped the
    same way, so a hanging TWS cannot hold the cycle.
    """
    logger = get_run_logger()
    observed_at = datetime.now(UTC)
    profiles = baselines or {}
    budget = None if deadline is None else max(deadline - time.monotonic(), MIN_JOBLOG_SECONDS)
    async with tws_client(settings, budget) as tws:
        # The client bounds concurrent requests itself; all fetches are in flight at once.
        results, late = await _settle_within(
            [
                _capture_joblog(tws, run, settings, observed_at, profiles.get(run.job_key))
                for run in runs
            ],
            budget,
        )
    if late:
        logger.warning(
            "%d joblog fetch(es) did not finish within the cycle's budget; a later "
            "cycle tries again",
            late,
        )
    findings = [finding for finding in results if finding is not None]
    incomplete = sum(1 for finding in findings if finding.complete is False)
    if incomplete:
        logger.warning(
            "%d joblog(s) arrived without their trailer (cut short); stored and fetched again",
            incomplete,
        )
    logger.info("analysed %d of %d failed run joblog(s)", len(findings), len(runs))
    return findings


async def _capture_joblog(
    tws: TWSClient,
    run: JobRunRecord,
    settings: Settings,
    observed_at: datetime,
    baseline: Baseline | None,
) -> JoblogFinding | None:
    """One failed run's joblog, analysed: empty when TWS no longer has it, ``None`` when it
    cannot be fetched now (a later cycle tries again)."""
    try:
        joblog = await tws.get_joblog_tail(
            run.run_id, lines=JOBLOG_TAIL_LINES, max_bytes=settings.joblog_max_bytes
        )
    except TWSNotFoundError:
        return JoblogFinding(run.run_id, "", None, None, None, None, observed_at)
    except TWSError as exc:
        get_run_logger().warning("joblog of run %s not fetched now: %s", run.run_id, exc)
        return None
    return await asyncio.to_thread(
        joblog_finding,
        run.run_id,
        joblog.data,
        joblog.from_line or 1,
        mask=settings.mask_stored_joblogs,
        observed_at=observed_at,
        baseline=baseline,
    )


async def _settle_within(
    coroutines: Sequence[Coroutine[Any, Any, T]], timeout: float | None
) -> tuple[list[T], int]:
    """Run ``coroutines`` at once for at most ``timeout`` seconds: the results of those that
    finished (in the given order) and how many were cancelled for running late."""
    pending = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
    done, late = await asyncio.wait(pending, timeout=timeout) if pending else (set(), set())
    for future in late:
        future.cancel()
    if late:
        await asyncio.gather(*late, return_exceptions=True)
    return [future.result() for future in pending if future in done], len(late)


@dataclass(frozen=True)
class CycleCounts:
    runs_changed: int
    transitions: int
    joblogs: int
    events_enqueued: int
    quarantined: int = 0
    clamped: int = 0


@dataclass(frozen=True)
class CycleFence:
    """What proves this process may still commit the cycle: the poller lock held by backend
    ``lock_pid`` and the poller epoch claimed when taking it."""

    lock_name: str
    lock_pid: int
    epoch: int


@task(name="commit-poll-cycle", **TRANSIENT_RETRIES)
def commit_poll_cycle(
    settings: Settings,
    observation: PlanObservation,
    transitions: Sequence[StatusTransition],
    findings: Sequence[JoblogFinding],
    events: Sequence[DomainEvent],
    cursor: PollCursor,
    rejected: Sequence[RejectedRun] = (),
    fence: CycleFence | None = None,
) -> CycleCounts:
    """Write the whole cycle in ONE transaction: runs, transitions, joblogs, events, cursor.

    A crash before the commit leaves the previous cursor, so the next cycle redoes this one;
    every write is an idempotent upsert, so redoing it creates no duplicates. ``rejected``
    (runs the pre-write check clamped or quarantined) are recorded in the quarantine table;
    a run the database still refuses is isolated and quarantined too, with its transitions,
    joblog and events, so one bad record never blocks the rest of the cycle. With ``fence``
    the commit first checks that the poller lock is still held and the epoch still current
    (raises ``LockLostError`` / ``CursorFencedError``, writing nothing).
    """
    fence_key = None if fence is None else (fence.lock_name, fence.lock_pid, fence.epoch)
    with get_store(settings).connection() as conn, conn.transaction():
        write = write_poll_cycle(
            conn,
            poller=POLLER_NAME,
            runs=observation.runs,
            transitions=transitions,
            findings=findings,
            events=events,
            cursor=cursor,
            rejected=rejected,
            fence=fence_key,
            seen_at=datetime.now(UTC),
        )
    if write.refused:
        get_run_logger().warning(refusal_note(write.refused))
    return CycleCounts(
        write.runs_changed,
        write.transitions,
        write.joblogs,
        write.events_enqueued,
        quarantined=count_action(write.rejected, "quarantined"),
        clamped=count_action(write.rejected, "clamped"),
    )


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
    """Failed runs stored without a joblog (a fetch failed in an earlier cycle) or with one
    cut short (fetched fewer than ``JOBLOG_MAX_ATTEMPTS`` times)."""
    store = get_store(settings)
    with store.connection() as conn:
        return load_runs_needing_joblogs(conn, JOBLOG_MAX_ATTEMPTS, limit)

"""The TWS poller: follow the plan, capture failed runs' joblogs, announce what happened.

One cycle = observe the plan (incrementally after the first full read), detect status
transitions against the stored state, fetch and analyse the joblogs of runs that failed, find
the running jobs past the p99 of their own runtime tonight (stuck by the stored risk model,
even when TWS does not flag them), and commit runs, transitions, joblogs, events and the
cursor in one transaction; then store what the cycle learnt of the plan's dependency graph
and send the committed events. Replaying a cycle (after a crash, or twice by hand)
duplicates nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from prefect import flow, get_run_logger

from resync_analytics.job_runs import detect_transitions
from resync_analytics.plan_events import job_events, workstation_events
from resync_clients.postgres.locks import exclusive_lock
from resync_clients.postgres.poller_state import PollCursor, claim_poller_epoch
from resync_clients.postgres.quarantine import check_job_runs
from resync_core.settings import get_settings
from tasks.joblog_profiles import learn_good_run_profiles, load_job_baselines
from tasks.poll import (
    POLLER_NAME,
    CycleFence,
    capture_failed_joblogs,
    commit_poll_cycle,
    cycle_budget_seconds,
    find_overdue_runs,
    load_previous_statuses,
    observe_plan,
    publish_pending_events,
    read_cursor,
    read_plan_graph,
    runs_missing_joblogs,
    store_plan_graph,
)
from tasks.resources import get_store

POLLER_LOCK = "resync.poller"

# A full read every so many cycles catches what incremental reads cannot see
# (holds, releases, cancels of jobs that never started).
FULL_POLL_EVERY = 60


@dataclass(frozen=True)
class PollSummary:
    """What one poll cycle did (the flow run's result)."""

    skipped: bool
    full: bool = False
    jobs_read: int = 0
    runs_changed: int = 0
    transitions: int = 0
    failures: int = 0
    joblogs_analysed: int = 0
    events_sent: int = 0
    # Runs TWS sent that the store's constraints would refuse: left out, or stored corrected.
    quarantined: int = 0
    clamped: int = 0
    # False when TWS ended a read early (a repeated page...): runs were stored, cursor kept.
    complete: bool = True
    # Edges of the plan's dependency graph stored new or changed by this cycle.
    plan_edges: int = 0
    # Successful runs' joblogs read for the jobs' good-run profiles, and their bytes.
    good_joblogs: int = 0
    good_joblog_bytes: int = 0


@flow(name="poll-tws", log_prints=False)
async def poll_tws(full: bool = False) -> PollSummary:
    """Run one poll cycle against TWS. ``full`` forces a read of the whole plan.

    The cycle waits on TWS at most ``min(poll interval, client retry budget)`` in all (joblog
    fetches get a few seconds more), then fails with one clear error. It holds the poller
    lock throughout and commits only if the lock's session still holds it and no other
    poller claimed the cursor since (``LockLostError`` / ``CursorFencedError`` otherwise).
    """
    logger = get_run_logger()
    settings = get_settings()
    deadline = time.monotonic() + cycle_budget_seconds(settings)
    store = get_store(settings)
    with store.connection() as lock_conn, exclusive_lock(lock_conn, POLLER_LOCK) as held:
        if held is None:
            logger.warning("another poller holds the lock; skipping this cycle")
            return PollSummary(skipped=True)
        fence = CycleFence(POLLER_LOCK, held.pid, claim_poller_epoch(lock_conn, POLLER_NAME))

        cursor = read_cursor(settings)
        full = full or cursor.cycles_since_full + 1 >= FULL_POLL_EVERY
        observation = await observe_plan(settings, cursor, full, deadline)
        # One record the store would refuse must not fail the cycle for every other one.
        checked = check_job_runs(observation.runs)
        for rejected in checked.rejected:
            logger.warning(
                "run %r of %r %s: %s",
                rejected.record.run_id,
                rejected.record.job_key,
                rejected.action,
                "; ".join(rejected.reasons),
            )
        observation = replace(observation, runs=checked.valid)
        observed_at = datetime.now(UTC)
        previous = load_previous_statuses(settings, [run.run_id for run in observation.runs])
        transitions = detect_transitions(previous, observation.runs, observed_at)

        failed_now = {t.run_id for t in transitions if t.is_failure}
        to_analyse = [run for run in observation.runs if run.run_id in failed_now]
        # Failed runs whose joblog an earlier cycle could not fetch get another try.
        to_analyse += [
            run for run in runs_missing_joblogs(settings) if run.run_id not in failed_now
        ]
        findings = (
            await capture_failed_joblogs(
                settings,
                to_analyse,
                deadline,
                # errors the job's good runs also print are not taken for tonight's cause
                load_job_baselines(settings, sorted({run.job_key for run in to_analyse})),
            )
            if to_analyse
            else []
        )

        patterns = {f.run_id: f.error_pattern for f in findings if f.error_pattern}
        # Stuck by our own model too: running past the p99 of the job's runtime tonight.
        overdue = find_overdue_runs(settings, observation.runs, observed_at)
        events = job_events(observation.runs, transitions, patterns, observed_at, overdue)
        unlinks, unlink_counts = workstation_events(
            observation.workstation_links, cursor.links, cursor.unlink_counts, observed_at
        )
        if not observation.complete:
            logger.warning(
                "TWS ended %d read(s) early this cycle (%s); the %d job(s) read are stored, "
                "but the poll cursor stays where it was so the next cycle reads them again",
                len(observation.incomplete),
                observation.incomplete[0],
                observation.jobs_read,
            )
        # The cursor moves only past a read known to be complete (a full read that stopped
        # early leaves the next full read due).
        new_cursor = PollCursor(
            since=observation.since if observation.complete else cursor.since,
            cycles_since_full=(
                0 if observation.full and observation.complete else cursor.cycles_since_full + 1
            ),
            links={**cursor.links, **observation.workstation_links},
            unlink_counts=unlink_counts,
        )
        held.verify()  # fail before any write if the lock's session is gone
        counts = commit_poll_cycle(
            settings,
            observation,
            transitions,
            findings,
            events + unlinks,
            new_cursor,
            checked.rejected,
            fence,
        )
        # The dependency graph is stored apart from the cycle's transaction: it is learnt a
        # part at a time, and each part stands on its own (an idempotent upsert).
        edges = await read_plan_graph(settings, observation, deadline)
        edges_changed = store_plan_graph(settings, edges, observation.unread_dependencies)
        # A few good runs' joblogs a cycle keep the jobs' good-run profiles current (apart
        # from the cycle's transaction too: each profile is its own upsert).
        profiles = await learn_good_run_profiles(settings, observation.runs, deadline)

    sent = await publish_pending_events(settings)
    summary = PollSummary(
        skipped=False,
        full=observation.full,
        jobs_read=observation.jobs_read,
        runs_changed=counts.runs_changed,
        transitions=counts.transitions,
        failures=len(failed_now),
        joblogs_analysed=counts.joblogs,
        events_sent=sent,
        quarantined=counts.quarantined,
        clamped=counts.clamped,
        complete=observation.complete,
        plan_edges=edges_changed,
        good_joblogs=profiles.fetched,
        good_joblog_bytes=profiles.bytes_read,
    )
    logger.info("poll cycle done: %s", summary)
    return summary

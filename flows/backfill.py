"""Backfill: load the runs of past plans into PostgreSQL, so history-based flows
(capacity, predictive maintenance, pattern mining, learning) have something to learn from
on the first day. Announces nothing: these failures are history, not incidents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from prefect import flow, get_run_logger, task

from resync_analytics.job_runs import detect_transitions
from resync_clients.postgres.job_runs import (
    JoblogFinding,
    insert_transitions,
    store_joblog_findings,
    upsert_job_runs,
)
from resync_clients.tws.records import job_run_records
from resync_core.job_runs import JobRunRecord
from resync_core.settings import Settings, get_settings
from tasks.joblog_profiles import load_job_baselines
from tasks.poll import capture_failed_joblogs, tws_client
from tasks.resources import get_store
from tasks.retry import DATABASE_RETRIES, retry_if_transient


@dataclass(frozen=True)
class BackfillSummary:
    plans: int
    runs: int
    failures: int
    joblogs: int


# One repeat for a TWS that stayed unavailable: reading a past plan is safe to repeat.
@task(
    name="read-past-plan", retries=1, retry_delay_seconds=5, retry_condition_fn=retry_if_transient
)
async def read_past_plan(settings: Settings, plan_id: str) -> list[JobRunRecord]:
    """Every run of every job of one (past) plan. A read TWS ends early (a repeated page) is
    stored as far as it went, with a warning: the upsert makes a later backfill complete it."""
    runs: list[JobRunRecord] = []
    async with tws_client(settings) as tws:
        async for page in tws.query_job_pages(plan_id=plan_id):
            for job in page.results:
                runs.extend(job_run_records(job, plan_id=plan_id))
        for reason in tws.incomplete_reads:
            get_run_logger().warning("plan %s may be incomplete: %s", plan_id, reason)
    return runs


@task(name="store-past-plan", **DATABASE_RETRIES)
def store_past_plan(
    settings: Settings, runs: list[JobRunRecord], findings: list[JoblogFinding]
) -> int:
    """Upsert the runs, their final transitions and failed joblogs in one transaction."""
    store = get_store(settings)
    observed_at = datetime.now(UTC)
    with store.connection() as conn, conn.transaction():
        result = upsert_job_runs(conn, runs)
        insert_transitions(conn, detect_transitions({}, runs, observed_at))
        store_joblog_findings(conn, findings)
    return result.changed


@flow(name="backfill-tws-history")
async def backfill_history(plan_ids: list[str], capture_joblogs: bool = True) -> BackfillSummary:
    """Load the runs of ``plan_ids`` (past plans, oldest first) with failed runs' joblogs."""
    logger = get_run_logger()
    settings = get_settings()
    total_runs = total_failures = total_joblogs = 0
    for plan_id in plan_ids:
        runs = await read_past_plan(settings, plan_id)
        failed = [run for run in runs if run.failed]
        findings = (
            await capture_failed_joblogs(
                settings,
                failed,
                baselines=load_job_baselines(settings, sorted({run.job_key for run in failed})),
            )
            if capture_joblogs and failed
            else []
        )
        store_past_plan(settings, runs, findings)
        total_runs += len(runs)
        total_failures += len(failed)
        total_joblogs += len(findings)
        logger.info("plan %s: %d runs, %d failed", plan_id, len(runs), len(failed))
    return BackfillSummary(len(plan_ids), total_runs, total_failures, total_joblogs)

"""Tasks of pattern mining: read the error lines of failed runs, mine them, record the patterns.

The miner's state lives in ``pattern_miner_state`` under ``pattern-miner`` and is saved in the
same transaction as the patterns and run counts it produced, so a crash loses nothing and a
re-run counts nothing twice (runs already counted are in ``error_pattern_runs``). A state saved
with other settings than this version's is rebuilt with them (``restore_saved_miner``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from resync_analytics.patterns.batch import main_category, mine_batch
from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.miner import PatternMiner
from resync_analytics.patterns.persistence import miner_to_json, restore_miner
from resync_analytics.patterns.report import SurgeLine, render_report
from resync_analytics.patterns.surge import NightlyCounts, SurgeConfig, find_surges
from resync_clients.events import PATTERN_NEW, DomainEvent
from resync_clients.postgres import patterns as store_patterns
from resync_clients.postgres.outbox import enqueue_events
from resync_core.events import PATTERN_SURGE
from resync_core.patterns import ErrorLine
from resync_core.settings import Settings
from tasks.resources import get_store
from tasks.retry import DATABASE_RETRIES

MINER_STATE_NAME = "pattern-miner"
REPORT_KEY = "pattern-report"


@dataclass(frozen=True)
class PatternMiningSummary:
    lines_mined: int
    patterns_touched: int
    new_patterns: tuple[str, ...]
    templates_total: int
    surges: tuple[str, ...] = ()


@task(name="read-error-lines", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def read_error_lines(settings: Settings, lookback_days: int, limit: int) -> list[ErrorLine]:
    """Error lines of failed runs that ended in the last ``lookback_days`` and are not counted."""
    since = datetime.now(UTC) - timedelta(days=lookback_days)
    with get_store(settings).connection() as conn:
        return store_patterns.read_error_lines(conn, since=since, limit=limit)


@task(
    name="mine-and-store-patterns",
    retries=3,
    retry_delay_seconds=[1, 5, 15],
    cache_policy=NO_CACHE,
)
def mine_and_store_patterns(settings: Settings, lines: Sequence[ErrorLine]) -> PatternMiningSummary:
    """Mine ``lines`` into the saved miner and record everything in ONE transaction.

    Upserts ``error_patterns`` (template, category, first/last seen, occurrences), records
    each run's pattern in ``error_pattern_runs``, enqueues ``resync.pattern.new`` for each
    pattern never stored before, and saves the miner. The state row is locked for the
    transaction, so two runs of the flow cannot interleave their updates.
    """
    with get_store(settings).connection() as conn, conn.transaction():
        saved = store_patterns.lock_miner_state(conn, MINER_STATE_NAME)
        miner = restore_saved_miner(saved) if saved else PatternMiner()
        batch = mine_batch(miner, lines)
        inserted = store_patterns.upsert_error_patterns(conn, batch.sightings())
        store_patterns.record_pattern_runs(conn, batch.runs(), batch.merged, list(batch.by_pattern))
        enqueue_events(
            conn,
            [new_pattern_event(p, batch.templates[p], batch.by_pattern[p]) for p in inserted],
        )
        store_patterns.save_miner_state(conn, MINER_STATE_NAME, miner_to_json(miner))
    get_run_logger().info(
        "mined %d error line(s) into %d pattern(s), %d new; %d template(s) known",
        len(lines),
        len(batch.by_pattern),
        len(inserted),
        len(miner),
    )
    return PatternMiningSummary(len(lines), len(batch.by_pattern), tuple(inserted), len(miner))


def restore_saved_miner(saved: dict[str, Any]) -> PatternMiner:
    """The saved miner, rebuilt from its templates (ids kept) when this version's settings
    differ from those it was built with, so new defaults reach a running shop."""
    miner, changes = restore_miner(saved, MinerConfig())
    if changes:
        get_run_logger().warning(
            "pattern miner rebuilt with this version's settings (%d template(s), ids kept): %s",
            len(miner),
            ", ".join(f"{name} {old} -> {new}" for name, (old, new) in sorted(changes.items())),
        )
    return miner


def new_pattern_event(pattern_id: str, template: str, lines: Sequence[ErrorLine]) -> DomainEvent:
    """``resync.pattern.new`` for a pattern stored for the first time (once per pattern, ever:
    a replayed run enqueues nothing new)."""
    example = lines[0]
    return DomainEvent(
        name=PATTERN_NEW,
        resource_id=f"resync.pattern.{pattern_id}",
        idempotency_key=f"{PATTERN_NEW}:{pattern_id}",
        payload={
            "pattern_id": pattern_id,
            "template": template,
            "category": main_category(lines),
            "occurrences": len(lines),
            "example_run_id": example.run_id,
            "example_job_key": example.job_key,
            "example_line": example.text,
        },
        occurred_at=min(line.failed_at for line in lines),
    )


@task(name="detect-pattern-surges", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def detect_pattern_surges(
    settings: Settings, until: datetime, config: SurgeConfig | None = None
) -> list[SurgeLine]:
    """Known templates failing far more runs in the 24 hours up to ``until`` than they usually
    do a night (``surge.find_surges``); enqueues ``resync.pattern.surge`` for each, once per
    template and night (a re-run the same day enqueues nothing new)."""
    config = config or SurgeConfig()
    with get_store(settings).connection() as conn, conn.transaction():
        counted = store_patterns.nightly_pattern_counts(
            conn, until=until, nights=config.nights, min_tonight=config.min_count
        )
        templates = {c.pattern_id: c.template for c in counted}
        surges = find_surges(
            (NightlyCounts(c.pattern_id, c.first_seen_night, c.by_night) for c in counted), config
        )
        lines = []
        for surge in surges:
            top = store_patterns.top_pattern_sources(
                conn, surge.pattern_id, since=until - timedelta(days=1), until=until
            )
            lines.append(
                SurgeLine(surge, templates[surge.pattern_id], top["jobs"], top["workstations"])
            )
        enqueue_events(conn, [surge_event(line, until) for line in lines])
    get_run_logger().info("%d surge(s) among %d template(s) seen tonight", len(lines), len(counted))
    return lines


@task(name="publish-pattern-report", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def publish_pattern_report(
    settings: Settings, new_patterns: Sequence[str], surges: Sequence[SurgeLine]
) -> str:
    """Publish the nightly pattern report (artifact ``pattern-report``): a line per template
    new tonight and per surge."""
    with get_store(settings).connection() as conn:
        new = store_patterns.pattern_templates(conn, new_patterns)
    markdown = render_report(new, surges)
    create_markdown_artifact(
        key=REPORT_KEY, markdown=markdown, description="Error patterns tonight"
    )
    return markdown


def surge_event(line: SurgeLine, until: datetime) -> DomainEvent:
    """``resync.pattern.surge`` of one template for the night ending at ``until``."""
    surge = line.surge
    return DomainEvent(
        name=PATTERN_SURGE,
        resource_id=f"resync.pattern.{surge.pattern_id}",
        idempotency_key=f"{PATTERN_SURGE}:{surge.pattern_id}:{until.astimezone(UTC).date()}",
        payload={
            "pattern_id": surge.pattern_id,
            "template": line.template,
            "tonight": surge.tonight,
            "usual_rate": round(surge.usual_rate, 4),
            "history_nights": surge.history_nights,
            "ratio": round(surge.ratio, 2),
            "p_value": surge.p_value,
            "top_jobs": [{"job_key": job, "runs": runs} for job, runs in line.top_jobs],
            "top_workstations": [
                {"workstation": ws, "runs": runs} for ws, runs in line.top_workstations
            ],
        },
        occurred_at=until,
    )

"""Tasks of the quality watch: read what to measure, measure, store and announce, report.

The measures live in :mod:`resync_analytics.quality`; these tasks only read, call and write.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from resync_analytics.quality import (
    QualityInputs,
    QualityWatch,
    WatchConfig,
    degraded_payload,
    render_quality_report,
    watch_quality,
)
from resync_clients.postgres.learning import load_feedback
from resync_clients.postgres.outbox import enqueue_events
from resync_clients.postgres.quality import (
    analysed_failures,
    coverage_points,
    night_runs,
    resolution_times,
    risk_outcomes,
    seen_templates,
    store_quality_figures,
)
from resync_core.events import QUALITY_DEGRADED, DomainEvent
from resync_core.quality import QualityFigure
from resync_core.settings import Settings
from tasks.resources import get_store
from tasks.retry import DATABASE_RETRIES

REPORT_KEY = "quality-report"


def _instant(night: date) -> datetime:
    return datetime(night.year, night.month, night.day, tzinfo=UTC)


@task(name="load-quality-inputs", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def load_quality_inputs(
    settings: Settings, night: date, config: WatchConfig, history_days: int
) -> QualityInputs:
    """Everything the watch of ``night`` reads: from the first reported or baseline night
    to the end of ``night``, and the templates failures had in the ``history_days`` before."""
    first = config.history_start(night)
    since, until = _instant(first), _instant(night + timedelta(days=1))
    history = since - timedelta(days=history_days)
    with get_store(settings).connection() as conn:
        inputs = QualityInputs(
            failures=analysed_failures(conn, since=since, until=until),
            known_templates=seen_templates(conn, since=history, until=since),
            runs=night_runs(conn, since=since, until=until, history_days=history_days),
            feedback=load_feedback(conn, since=since),
            risks=risk_outcomes(conn, first=first, last=night),
            coverage=coverage_points(conn, since=since, until=until),
            resolutions=resolution_times(conn, since=since, until=until),
        )
    get_run_logger().info(
        "read %d failed run(s), %d night(s) of runs, %d feedback, %d risk outcome(s),"
        " %d forecast point(s), %d incident(s) since %s",
        len(inputs.failures),
        len(inputs.runs),
        len(inputs.feedback),
        len(inputs.risks),
        len(inputs.coverage),
        len(inputs.resolutions),
        first.isoformat(),
    )
    return inputs


@task(name="measure-quality", cache_policy=NO_CACHE)
def measure_quality(night: date, inputs: QualityInputs, config: WatchConfig) -> QualityWatch:
    watch = watch_quality(night, inputs, config)
    get_run_logger().info(
        "%d figure(s) measured; %d of tonight's %d degraded",
        len(watch.figures),
        len(watch.degraded),
        len(watch.tonight),
    )
    return watch


def degraded_event(figure: QualityFigure) -> DomainEvent:
    """``resync.quality.degraded`` for one measure, scope and night (a re-run sends the same
    event id)."""
    return DomainEvent(
        name=QUALITY_DEGRADED,
        resource_id=f"resync.quality.{figure.measure}",
        idempotency_key=(
            f"quality:{figure.period_start.isoformat()}:{figure.measure}:{figure.scope}"
        ),
        payload=degraded_payload(figure),
        occurred_at=datetime.now(UTC),
        resource_labels={"resync.quality.scope": figure.scope},
    )


@task(name="store-quality-figures", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def store_quality(settings: Settings, watch: QualityWatch) -> int:
    """Store the figures and, in the same transaction, enqueue one degraded event per
    degraded measure and scope; returns the events newly enqueued."""
    with get_store(settings).connection() as conn, conn.transaction():
        written = store_quality_figures(conn, watch.night, watch.figures)
        enqueued = enqueue_events(conn, [degraded_event(f) for f in watch.degraded])
    get_run_logger().info(
        "stored %d quality figure row(s); %d degraded event(s) enqueued", written, enqueued
    )
    return enqueued


@task(name="publish-quality-report", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def publish_quality_report(watch: QualityWatch) -> str:
    """Publish the report as the markdown artifact ``quality-report``; returns the key."""
    create_markdown_artifact(
        key=REPORT_KEY,
        markdown=render_quality_report(watch),
        description=f"Drift and quality of resync-flows' answers, night of {watch.night}",
    )
    return REPORT_KEY


def degraded_summary(figures: Sequence[QualityFigure]) -> list[str]:
    """One line per degraded figure, for the flow's log."""
    return [
        f"{f.measure} ({f.scope}) {f.value:.3f}" if f.value is not None else f.measure
        for f in figures
    ]

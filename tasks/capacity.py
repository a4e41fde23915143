"""Tasks of the nightly capacity forecast: load history, forecast, store, announce, report.

Tasks handle hosts in bulk: the forecasts run batched, in as many task runs as the flow asks
for (``resync_analytics.forecasting.capacity_report.split_by_host``), so a Dask task runner can
spread them over workers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import pandas as pd
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from resync_analytics.charts.reports import capacity_charts
from resync_analytics.forecasting.capacity import (
    CapacityAssessment,
    JobDay,
    MetricSeries,
    assess_capacity,
)
from resync_analytics.forecasting.capacity_report import (
    due_within,
    forecast_details,
    forecast_record,
    forecast_table,
    report_markdown,
)
from resync_analytics.forecasting.series import SeriesError, regularise
from resync_clients.events import CAPACITY_RISK, DomainEvent, workstation_resource_id
from resync_clients.postgres.forecasts import upsert_forecasts
from resync_clients.postgres.job_runs import daily_job_counts
from resync_clients.postgres.metric_samples import metric_series_keys, read_metric_series
from resync_clients.postgres.outbox import enqueue_events
from resync_core.settings import Settings
from tasks.resources import get_store
from tasks.retry import DATABASE_RETRIES

REPORT_KEY = "capacity-report"
TABLE_KEY = "capacity-forecasts"


@task(name="load-metric-history", **DATABASE_RETRIES)
def load_metric_history(
    settings: Settings, metrics: Sequence[str], since: datetime, step: timedelta
) -> list[MetricSeries]:
    """Every host series of ``metrics`` sampled since ``since``, averaged per ``step``.

    A series too short or too sparse to forecast is skipped with a warning.
    """
    logger = get_run_logger()
    loaded: list[MetricSeries] = []
    with get_store(settings).connection() as conn:
        for host, metric, labels in metric_series_keys(conn, metrics, since):
            points = read_metric_series(conn, host=host, metric=metric, since=since, labels=labels)
            times = pd.DatetimeIndex([p[0] for p in points])
            try:
                series = regularise(
                    times, [p[1] for p in points], step=pd.Timedelta(step), name=metric
                )
            except SeriesError as exc:
                logger.warning("%s of %s not forecast: %s", metric, host, exc)
                continue
            loaded.append(MetricSeries(host, metric, dict(labels), series))
    logger.info("loaded %d metric series since %s", len(loaded), since.isoformat())
    return loaded


@task(name="load-job-history", **DATABASE_RETRIES)
def load_job_history(settings: Settings, since: datetime) -> list[JobDay]:
    """Runs and busy seconds per workstation, job and day, from the stored job runs."""
    with get_store(settings).connection() as conn:
        return [JobDay(*row) for row in daily_job_counts(conn, since)]


@task(name="forecast-host-capacity")
def forecast_host_capacity(
    series: Sequence[MetricSeries],
    thresholds: Mapping[str, float],
    horizon_steps: int,
    job_days: Sequence[JobDay],
    workstation_hosts: Mapping[str, str],
) -> list[CapacityAssessment]:
    """Forecast every series, date its threshold crossing and name the growing jobs."""
    assessments = assess_capacity(
        series,
        thresholds,
        horizon_steps,
        job_days=job_days,
        workstation_hosts=workstation_hosts,
    )
    get_run_logger().info(
        "forecast %d series; %d reach their threshold within the horizon",
        len(assessments),
        sum(a.eta is not None for a in assessments),
    )
    return assessments


def risk_event(assessment: CapacityAssessment, generated_at: datetime) -> DomainEvent:
    """The ``resync.capacity.risk`` event for an assessment whose ETA is set."""
    eta = assessment.eta
    assert eta is not None
    target = assessment.target
    resource = (
        workstation_resource_id(assessment.workstation)
        if assessment.workstation
        else f"resync.host.{target.host}"
    )
    details = forecast_details(assessment)
    drivers = details["drivers"]
    assert isinstance(drivers, list)  # forecast_details lists the drivers, largest first
    return DomainEvent(
        name=CAPACITY_RISK,
        resource_id=resource,
        # One event per series, threshold and forecast generation: a rerun sends nothing new.
        idempotency_key=f"capacity:{target.key}:{assessment.threshold:g}:{generated_at.isoformat()}",
        payload={
            "series_key": target.key,
            "threshold": assessment.threshold,
            "eta": eta.expected.isoformat(),
            "eta_earliest": eta.earliest.isoformat(),
            "eta_latest": None if eta.latest is None else eta.latest.isoformat(),
            "method": assessment.forecast.method,
            **{k: details[k] for k in ("host", "metric", "labels", "workstation", "last_value")},
            "drivers": drivers[:3],
        },
        occurred_at=generated_at,
        resource_labels={"resync.host": target.host, "resync.metric": target.metric},
    )


@task(name="store-capacity-forecasts", **DATABASE_RETRIES)
def store_capacity_forecasts(
    settings: Settings,
    assessments: Sequence[CapacityAssessment],
    generated_at: datetime,
    alert_within: timedelta,
) -> int:
    """Upsert one ``forecasts`` row per series for ``generated_at`` and, in the same
    transaction, enqueue a capacity-risk event for every ETA before ``generated_at +
    alert_within``. Returns the number of events newly enqueued."""
    events = [
        risk_event(a, generated_at) for a in due_within(assessments, generated_at, alert_within)
    ]
    with get_store(settings).connection() as conn, conn.transaction():
        upsert_forecasts(conn, [forecast_record(a, generated_at) for a in assessments])
        enqueued = enqueue_events(conn, events)
    get_run_logger().info(
        "stored %d forecast(s); %d capacity risk event(s) enqueued", len(assessments), enqueued
    )
    return enqueued


@task(name="publish-capacity-report")
def publish_capacity_report(
    assessments: Sequence[CapacityAssessment], generated_at: datetime
) -> str:
    """Publish the markdown report, with a chart per series at risk, and the table of
    forecasts as Prefect artifacts."""
    markdown = report_markdown(assessments, generated_at, charts=capacity_charts(assessments))
    create_markdown_artifact(
        key=REPORT_KEY, markdown=markdown, description="Host capacity forecast and risks"
    )
    create_table_artifact(
        key=TABLE_KEY,
        table=forecast_table(assessments),
        description="Forecast of every host metric against its threshold",
    )
    return markdown

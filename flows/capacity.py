"""Nightly capacity forecast: when will each host run out of CPU, memory or disk, and why.

Reads the hosts' metric history and the workstations' job history, forecasts every series
with an interval, dates the threshold crossings, names the jobs whose load grows, stores the
forecasts, announces risks (``resync.capacity.risk``) and publishes a report artifact.
Re-running it for the same day overwrites that day's forecasts and sends no event twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prefect import flow, get_run_logger, unmapped
from pydantic import BaseModel, Field

from resync_analytics.forecasting.capacity_report import split_by_host
from resync_core.settings import get_settings
from tasks.capacity import (
    forecast_host_capacity,
    load_job_history,
    load_metric_history,
    publish_capacity_report,
    store_capacity_forecasts,
)
from tasks.poll import publish_pending_events


class CapacityParameters(BaseModel):
    """What to forecast and when to warn (rendered as a form in the Prefect UI)."""

    thresholds: dict[str, float] = Field(
        default_factory=lambda: {
            "cpu.percent": 95.0,
            "memory.percent": 90.0,
            "disk.used_percent": 90.0,
        },
        description="Metric name -> the value that means the host is out of capacity.",
    )
    lookback_days: int = Field(28, ge=2, description="History used to fit the forecasts.")
    step_minutes: int = Field(60, ge=1, description="Metrics are averaged per this step.")
    horizon_days: int = Field(42, ge=1, description="How far ahead to forecast.")
    alert_within_days: int = Field(
        14, ge=0, description="Emit a capacity-risk event when the ETA is this close."
    )
    workstation_hosts: dict[str, str] = Field(
        default_factory=dict,
        description="Workstation -> host name, where they differ (else matched by name).",
    )
    parallel_chunks: int = Field(
        1,
        ge=1,
        le=256,
        description="Forecast the hosts in this many task runs at once (threads by default; "
        "Dask workers with a DaskTaskRunner).",
    )
    as_of: datetime | None = Field(
        None, description="Forecast as of this instant (default: now); for reruns and tests."
    )


@flow(name="forecast-capacity")
async def forecast_capacity(parameters: CapacityParameters | None = None) -> int:
    """Forecast host capacity; returns the number of series forecast."""
    parameters = parameters or CapacityParameters()
    settings = get_settings()
    now = parameters.as_of or datetime.now(UTC)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    # One generation per step: reruns within it overwrite instead of adding rows.
    step = timedelta(minutes=parameters.step_minutes)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    generated_at = epoch + ((now - epoch) // step) * step
    since = now - timedelta(days=parameters.lookback_days)

    series = load_metric_history(settings, list(parameters.thresholds), since, step)
    job_days = load_job_history(settings, since)
    horizon = max(1, int(timedelta(days=parameters.horizon_days) / step))
    futures = forecast_host_capacity.map(
        split_by_host(series, parameters.parallel_chunks),
        unmapped(parameters.thresholds),
        unmapped(horizon),
        unmapped(job_days),
        unmapped(parameters.workstation_hosts),
    )
    assessments = [a for chunk in futures.result() for a in chunk]
    store_capacity_forecasts(
        settings, assessments, generated_at, timedelta(days=parameters.alert_within_days)
    )
    publish_capacity_report(assessments, generated_at)
    sent = await publish_pending_events(settings)
    get_run_logger().info("capacity forecast done: %d series, %d event(s) sent", len(series), sent)
    return len(assessments)

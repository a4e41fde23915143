"""Tasks of the nightly capacity forecast: load history, forecast, store, announce, report.

Tasks handle hosts in bulk: the forecasts run batched, in as many task runs as the flow asks
for (``split_by_host``), so a Dask task runner can spread them over workers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import pandas as pd
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from psycopg.types.json import Jsonb

from resync_analytics.forecasting.capacity import (
    CapacityAssessment,
    JobDay,
    MetricSeries,
    assess_capacity,
)
from resync_analytics.forecasting.series import SeriesError, regularise
from resync_clients.events import CAPACITY_RISK, DomainEvent, workstation_resource_id
from resync_clients.postgres.metric_samples import read_metric_series
from resync_clients.postgres.outbox import enqueue_events
from resync_core.settings import Settings
from tasks.resources import get_store

REPORT_KEY = "capacity-report"
TABLE_KEY = "capacity-forecasts"


@task(name="load-metric-history", retries=2, retry_delay_seconds=[2, 10])
def load_metric_history(
    settings: Settings, metrics: Sequence[str], since: datetime, step: timedelta
) -> list[MetricSeries]:
    """Every host series of ``metrics`` sampled since ``since``, averaged per ``step``.

    A series too short or too sparse to forecast is skipped with a warning.
    """
    logger = get_run_logger()
    store = get_store(settings)
    loaded: list[MetricSeries] = []
    with store.connection() as conn:
        keys = conn.execute(
            "SELECT DISTINCT host, metric, labels FROM metric_samples"
            " WHERE metric = ANY(%s) AND sampled_at >= %s ORDER BY host, metric",
            (list(metrics), since),
        ).fetchall()
        for key in keys:
            points = read_metric_series(
                conn, host=key["host"], metric=key["metric"], since=since, labels=key["labels"]
            )
            times = pd.DatetimeIndex([p[0] for p in points])
            try:
                series = regularise(
                    times, [p[1] for p in points], step=pd.Timedelta(step), name=key["metric"]
                )
            except SeriesError as exc:
                logger.warning("%s of %s not forecast: %s", key["metric"], key["host"], exc)
                continue
            loaded.append(MetricSeries(key["host"], key["metric"], dict(key["labels"]), series))
    logger.info("loaded %d metric series since %s", len(loaded), since.isoformat())
    return loaded


@task(name="load-job-history", retries=2, retry_delay_seconds=[2, 10])
def load_job_history(settings: Settings, since: datetime) -> list[JobDay]:
    """Runs and busy seconds per workstation, job and day, from the stored job runs."""
    store = get_store(settings)
    with store.connection() as conn:
        rows = conn.execute(
            "SELECT workstation, job_key, (start_time AT TIME ZONE 'UTC')::date AS day,"
            " count(*) AS runs, coalesce(sum(duration_seconds), 0) AS busy"
            " FROM job_runs WHERE start_time >= %s GROUP BY 1, 2, 3",
            (since,),
        ).fetchall()
    return [
        JobDay(r["workstation"], r["job_key"], r["day"], int(r["runs"]), float(r["busy"]))
        for r in rows
    ]


def split_by_host(series: Sequence[MetricSeries], chunks: int) -> list[list[MetricSeries]]:
    """``series`` in at most ``chunks`` contiguous groups of whole hosts, in their order.

    A host's series stay together so a chunk is a unit of work a task runner (threads, or
    Dask workers) can take; concatenating the chunks gives back ``series``.
    """
    hosts = list(dict.fromkeys(s.host for s in series))
    if not hosts:
        return []
    per_chunk = -(-len(hosts) // max(1, chunks))
    group = {host: index // per_chunk for index, host in enumerate(hosts)}
    out: list[list[MetricSeries]] = [[] for _ in range(max(group.values()) + 1)]
    for one in series:
        out[group[one.host]].append(one)
    return out


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


def _points(assessment: CapacityAssessment) -> list[dict[str, float | str]]:
    f = assessment.forecast
    return [
        {"timestamp": t.isoformat(), "value": float(v), "lower": float(lo), "upper": float(hi)}
        for t, v, lo, hi in zip(f.index, f.value, f.lower, f.upper, strict=True)
    ]


def _details(assessment: CapacityAssessment) -> dict[str, object]:
    f = assessment.forecast
    return {
        "host": assessment.target.host,
        "metric": assessment.target.metric,
        "labels": dict(assessment.target.labels),
        "workstation": assessment.workstation,
        "last_value": assessment.last_value,
        "coverage": f.coverage,
        "seasonal_period": f.period,
        "backtest": [
            # MASE is undefined (NaN) for a constant history; JSON has no NaN.
            {"method": s.method, "mae": s.mae, "mase": s.mase if math.isfinite(s.mase) else None}
            for s in f.scores
        ],
        "drivers": [
            {
                "job_key": d.job_key,
                "busy_seconds_per_day_growth": d.busy_seconds_per_day_growth,
                "runs_per_day_growth": d.runs_per_day_growth,
                "share": d.share,
            }
            for d in assessment.drivers
        ],
        "notes": list(assessment.target.series.notes),
    }


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
    details = _details(assessment)
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
            "drivers": details["drivers"][:3],
        },
        occurred_at=generated_at,
        resource_labels={"resync.host": target.host, "resync.metric": target.metric},
    )


@task(name="store-capacity-forecasts", retries=3, retry_delay_seconds=[1, 5, 15])
def store_capacity_forecasts(
    settings: Settings,
    assessments: Sequence[CapacityAssessment],
    generated_at: datetime,
    alert_within: timedelta,
) -> int:
    """Upsert one ``forecasts`` row per series for ``generated_at`` and, in the same
    transaction, enqueue a capacity-risk event for every ETA before ``generated_at +
    alert_within``. Returns the number of events newly enqueued."""
    store = get_store(settings)
    events = [
        risk_event(a, generated_at)
        for a in assessments
        if a.eta is not None and a.eta.expected.to_pydatetime() <= generated_at + alert_within
    ]
    with store.connection() as conn, conn.transaction():
        with conn.cursor() as cur:
            for a in assessments:
                eta = a.eta
                cur.execute(
                    "INSERT INTO forecasts (series_key, generated_at, method, step_seconds,"
                    " horizon, points, threshold, threshold_eta, threshold_eta_lower,"
                    " threshold_eta_upper, details)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (series_key, generated_at) DO UPDATE SET"
                    " method = EXCLUDED.method, step_seconds = EXCLUDED.step_seconds,"
                    " horizon = EXCLUDED.horizon, points = EXCLUDED.points,"
                    " threshold = EXCLUDED.threshold, threshold_eta = EXCLUDED.threshold_eta,"
                    " threshold_eta_lower = EXCLUDED.threshold_eta_lower,"
                    " threshold_eta_upper = EXCLUDED.threshold_eta_upper,"
                    " details = EXCLUDED.details",
                    (
                        a.target.key,
                        generated_at,
                        a.forecast.method,
                        a.target.series.step_seconds,
                        a.forecast.horizon,
                        Jsonb(_points(a)),
                        a.threshold,
                        None if eta is None else eta.expected,
                        None if eta is None else eta.earliest,
                        None if eta is None or eta.latest is None else eta.latest,
                        Jsonb(json.loads(json.dumps(_details(a), default=str))),
                    ),
                )
        enqueued = enqueue_events(conn, events)
    get_run_logger().info(
        "stored %d forecast(s); %d capacity risk event(s) enqueued", len(assessments), enqueued
    )
    return enqueued


def _when(moment: pd.Timestamp | None, generated_at: datetime) -> str:
    if moment is None:
        return "after the horizon"
    days = (moment.to_pydatetime() - generated_at).total_seconds() / 86400
    weeks = days / 7
    span = f"{weeks:.1f} weeks" if days >= 14 else f"{days:.1f} days"
    return f"{moment:%Y-%m-%d} (in {span})"


def report_markdown(assessments: Sequence[CapacityAssessment], generated_at: datetime) -> str:
    """The capacity report an operator reads: risks first, then every series."""
    lines = [f"# Capacity forecast — {generated_at:%Y-%m-%d %H:%M} UTC", ""]
    risks = sorted(
        (a for a in assessments if a.eta is not None),
        key=lambda a: a.eta.expected,  # type: ignore[union-attr]
    )
    if not risks:
        lines.append("No host metric reaches its threshold within the forecast horizon.")
    for a in risks:
        eta = a.eta
        assert eta is not None
        lines.append(
            f"- **{a.target.key}** will reach {a.threshold:g} around "
            f"{_when(eta.expected, generated_at)}; earliest {_when(eta.earliest, generated_at)},"
            f" latest {_when(eta.latest, generated_at)} (now {a.last_value:.1f}, "
            f"{a.forecast.method})."
        )
        for d in a.drivers[:3]:
            lines.append(
                f"  - `{d.job_key}` adds {d.busy_seconds_per_day_growth:.0f} busy s/day per day "
                f"({d.share:.0%} of the growth on {a.workstation})"
            )
        if a.drivers:
            lines.append(
                "  - Before then: move or reschedule the growing jobs above, or add capacity."
            )
    lines += ["", "| series | now | threshold | method | ETA |", "|---|---|---|---|---|"]
    for a in assessments:
        eta = "—" if a.eta is None else f"{a.eta.expected:%Y-%m-%d}"
        lines.append(
            f"| {a.target.key} | {a.last_value:.1f} | {a.threshold:g} "
            f"| {a.forecast.method} | {eta} |"
        )
    return "\n".join(lines)


@task(name="publish-capacity-report")
def publish_capacity_report(
    assessments: Sequence[CapacityAssessment], generated_at: datetime
) -> str:
    """Publish the markdown report and the table of forecasts as Prefect artifacts."""
    markdown = report_markdown(assessments, generated_at)
    create_markdown_artifact(
        key=REPORT_KEY, markdown=markdown, description="Host capacity forecast and risks"
    )
    create_table_artifact(
        key=TABLE_KEY,
        table=[
            {
                "series": a.target.key,
                "workstation": a.workstation or "",
                "now": round(a.last_value, 2),
                "threshold": a.threshold,
                "method": a.forecast.method,
                "eta": "" if a.eta is None else a.eta.expected.isoformat(),
                "eta_earliest": "" if a.eta is None else a.eta.earliest.isoformat(),
                "eta_latest": ""
                if a.eta is None or a.eta.latest is None
                else a.eta.latest.isoformat(),
                "top_driver": a.drivers[0].job_key if a.drivers else "",
            }
            for a in assessments
        ],
        description="Forecast of every host metric against its threshold",
    )
    return markdown

"""Predictive maintenance: which jobs are likely to fail or finish late tonight, and why.

Runs before the batch window: reads the jobs of the current plan that have not started yet
(their schedule and deadlines) and a month of job runs, models each job's failure rate
(empirical Bayes), runtime (weekday, month end, trend) and slack to its deadline, stores one
risk score per job with its reasons (``risk_scores``; along the plan's dependency graph,
with each deadline job's critical path and latest safe end, when its edges are stored),
announces the new high risks (``resync.job.at_risk``) and publishes the report (artifact
``maintenance-report``; with the graph, it names tonight's three most consequential single
points of failure and the deadlines each would miss). When TWS cannot be read, it scores
the jobs active in the last week instead.
Re-running it for the same plan day replaces that day's scores and sends no event twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from prefect import flow, get_run_logger
from pydantic import BaseModel, Field

from resync_analytics.maintenance import MaintenanceConfig
from resync_analytics.maintenance.plan_day import default_plan_day, history_window
from resync_core.settings import get_settings
from tasks.maintenance import (
    find_single_points_of_failure,
    load_plan_graph,
    load_run_history,
    publish_maintenance_report,
    read_planned_jobs,
    score_jobs_for_plan,
    store_risk_scores,
)
from tasks.poll import publish_pending_events


class MaintenanceParameters(BaseModel):
    """Which plan to score and what to call a risk (rendered as a form in the Prefect UI)."""

    plan_day: date | None = Field(
        None,
        description="Plan day to score (UTC). Default: the day of the first job still to run "
        "in the current plan, or tomorrow when the plan is not read.",
    )
    from_plan: bool = Field(
        True,
        description="Score the current plan's jobs that have not started (read from TWS); "
        "off: every job active in the last week, with its latest deadline.",
    )
    lookback_days: int = Field(28, ge=3, le=366, description="History the models learn from.")
    alert_score: float = Field(
        0.5, gt=0, le=1, description="Announce resync.job.at_risk from this risk on."
    )
    min_score: float = Field(0.02, ge=0, le=1, description="Store scores from this risk on.")
    max_events: int = Field(100, ge=0, description="At most this many at-risk events a night.")


@dataclass(frozen=True)
class MaintenanceOutcome:
    """What one scoring produced: the plan day, how many jobs were scored (``from_plan``:
    from the plan itself), how many reach the alert score, the events sent and the plan
    edges the scoring followed (0: per job)."""

    plan_day: date
    scored: int
    from_plan: bool
    at_risk: int
    events_sent: int
    plan_edges: int = 0


@flow(name="predict-tonight-risks")
async def predict_tonight_risks(
    parameters: MaintenanceParameters | None = None,
) -> MaintenanceOutcome:
    """Score tonight's plan and store, announce and report the risks."""
    parameters = parameters or MaintenanceParameters()
    settings = get_settings()
    planned = await read_planned_jobs(settings) if parameters.from_plan else None
    plan_day = parameters.plan_day or default_plan_day(planned, datetime.now(UTC))
    config = MaintenanceConfig(lookback_days=float(parameters.lookback_days))
    # Month ends older than the window still teach tonight's runtimes: read back that far.
    since, until = history_window(
        plan_day, max(config.lookback_days, config.runtime.month_end_lookback_days)
    )
    # Scored during the plan's own day, the runs that already happened there are read too:
    # the graph starts from them (the per-job models still learn only from before the day).
    until = max(until, min(datetime.now(UTC), until + timedelta(days=1)))

    history = load_run_history(settings, since, until)
    graph = load_plan_graph(settings, plan_day)
    risks = score_jobs_for_plan(settings, history, plan_day, config, planned, graph)
    store_risk_scores(
        settings,
        plan_day,
        risks,
        min_score=parameters.min_score,
        alert_score=parameters.alert_score,
        max_events=parameters.max_events,
    )
    failure_points = find_single_points_of_failure(history, plan_day, config, planned, graph)
    publish_maintenance_report(
        risks,
        plan_day,
        alert_score=parameters.alert_score,
        history_runs=len(history),
        history=history,
        failure_points=failure_points,
    )
    sent = await publish_pending_events(settings)
    at_risk = sum(risk.score >= parameters.alert_score for risk in risks)
    get_run_logger().info(
        "plan %s: %d of %d jobs at risk; %d event(s) sent", plan_day, at_risk, len(risks), sent
    )
    return MaintenanceOutcome(
        plan_day, len(risks), planned is not None, at_risk, sent, plan_edges=len(graph[1])
    )

"""Predictive maintenance: which jobs are likely to fail or finish late tonight, and why.

Runs before the batch window: reads a month of job runs, models each job's failure rate
(empirical Bayes), runtime (weekday, month end, trend) and slack to its deadline, stores one
risk score per job with its reasons (``risk_scores``), announces the new high risks
(``resync.job.at_risk``) and publishes the report (artifact ``maintenance-report``).
Re-running it for the same plan day replaces that day's scores and sends no event twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from prefect import flow, get_run_logger
from pydantic import BaseModel, Field

from analytics.maintenance import MaintenanceConfig
from resync_flows.settings import get_settings
from tasks.maintenance import (
    history_window,
    load_run_history,
    publish_maintenance_report,
    score_jobs_for_plan,
    store_risk_scores,
)
from tasks.poll import publish_pending_events


class MaintenanceParameters(BaseModel):
    """Which plan to score and what to call a risk (rendered as a form in the Prefect UI)."""

    plan_day: date | None = Field(
        None, description="Plan day to score (UTC; default: tomorrow, i.e. tonight's batch)."
    )
    lookback_days: int = Field(28, ge=3, le=366, description="History the models learn from.")
    alert_score: float = Field(
        0.5, gt=0, le=1, description="Announce resync.job.at_risk from this risk on."
    )
    min_score: float = Field(0.02, ge=0, le=1, description="Store scores from this risk on.")
    max_events: int = Field(100, ge=0, description="At most this many at-risk events a night.")


@flow(name="predict-tonight-risks")
async def predict_tonight_risks(parameters: MaintenanceParameters | None = None) -> int:
    """Score tonight's plan; returns the number of jobs at or above the alert score."""
    parameters = parameters or MaintenanceParameters()
    settings = get_settings()
    plan_day = parameters.plan_day or (datetime.now(UTC) + timedelta(days=1)).date()
    since, until = history_window(plan_day, parameters.lookback_days)
    config = MaintenanceConfig(lookback_days=float(parameters.lookback_days))

    history = load_run_history(settings, since, until)
    risks = score_jobs_for_plan(settings, history, plan_day, config)
    store_risk_scores(
        settings,
        plan_day,
        risks,
        min_score=parameters.min_score,
        alert_score=parameters.alert_score,
        max_events=parameters.max_events,
    )
    publish_maintenance_report(
        risks, plan_day, alert_score=parameters.alert_score, history_runs=len(history)
    )
    sent = await publish_pending_events(settings)
    at_risk = sum(risk.score >= parameters.alert_score for risk in risks)
    get_run_logger().info(
        "plan %s: %d of %d jobs at risk; %d event(s) sent", plan_day, at_risk, len(risks), sent
    )
    return at_risk

"""The quality watch: does resync-flows answer worse than it used to?

The runbook, each night after the day's feedback: read the failed joblogs with their
analyses, the runs, operators' verdicts, last nights' risk scores with what the jobs did, the
forecasts with the values that arrived, and the incidents with their reruns → measure data
drift (unknown message families, new templates, new jobs), prediction drift (analyser
confidence vs verdicts, risk Brier score, forecast coverage) and target drift (category and
verdict mix) of the night against the weeks before, and every figure per week → store them
(``quality_figures``), announce each degraded measure (``resync.quality.degraded``) and
publish the report (artifact ``quality-report``) with time to resolution.

Re-running it for the same night replaces that night's figures and sends no event twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from prefect import flow, get_run_logger
from pydantic import BaseModel, ConfigDict, Field

from resync_analytics.quality import WatchConfig
from resync_core.settings import get_settings
from tasks.poll import publish_pending_events
from tasks.quality import (
    degraded_summary,
    load_quality_inputs,
    measure_quality,
    publish_quality_report,
    store_quality,
)


class WatchParameters(BaseModel):
    """Which night to watch and what to call a change (rendered as a form in the Prefect UI)."""

    model_config = ConfigDict(frozen=True)

    night: date | None = Field(None, description="Night to test (UTC date). Default: yesterday.")
    baseline_weeks: int = Field(4, ge=1, le=52, description="Weeks the night is compared with.")
    weeks: int = Field(8, ge=1, le=104, description="Weeks shown in the report.")
    alpha: float = Field(
        0.001, gt=0, lt=1, description="Significance of each nightly test (about 20 a night)."
    )
    min_count: int = Field(
        5, ge=1, le=100000, description="Fewer observations and a test is not run."
    )
    history_days: int = Field(
        90, ge=1, le=3660, description="A job or template not seen this long counts as new."
    )


@dataclass(frozen=True)
class WatchOutcome:
    night: date
    figures: int
    degraded: tuple[str, ...]
    events_sent: int
    report_key: str


@flow(name="watch-quality")
async def watch_quality(parameters: WatchParameters | None = None) -> WatchOutcome:
    """Measure, store, announce and report the quality of last night's answers."""
    parameters = parameters or WatchParameters()
    settings = get_settings()
    night = parameters.night or (datetime.now(UTC) - timedelta(days=1)).date()
    config = WatchConfig(
        baseline_weeks=parameters.baseline_weeks,
        weeks=parameters.weeks,
        alpha=parameters.alpha,
        min_count=parameters.min_count,
    )
    inputs = load_quality_inputs(settings, night, config, parameters.history_days)
    watch = measure_quality(night, inputs, config)
    store_quality(settings, watch)
    report_key = publish_quality_report(watch)
    sent = await publish_pending_events(settings)
    degraded = tuple(degraded_summary(watch.degraded))
    get_run_logger().info(
        "night %s: %d measure(s) degraded%s; %d event(s) sent",
        night,
        len(degraded),
        f" ({'; '.join(degraded)})" if degraded else "",
        sent,
    )
    return WatchOutcome(night, len(watch.figures), degraded, sent, report_key)

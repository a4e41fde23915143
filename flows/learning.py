"""Auto-learning: operators' verdicts make the next incident's confidence honest.

The runbook: load the feedback operators recorded → fit the per-category confidence
calibration to the verdicts on diagnoses → store it (the incident flow applies it to every new
incident) → rank the resolutions recorded per cause → publish the report (artifact
``learning-report``). Resolutions reach new incidents directly (the incident flow reads the
history of their cause); this flow reports them.

Re-running on the same feedback changes nothing: the same verdicts give the same fit, and an
unchanged fit writes no row.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefect import flow, get_run_logger
from pydantic import BaseModel, ConfigDict, Field

from resync_analytics.learning import CalibrationConfig
from resync_core.settings import get_settings
from tasks.learning import (
    fit_confidence_calibration,
    load_feedback_records,
    rank_recorded_resolutions,
    store_fitted_calibration,
)
from tasks.learning_report import publish_learning_report


class LearningParameters(BaseModel):
    """What to learn from (rendered as a form in the Prefect UI)."""

    model_config = ConfigDict(frozen=True)

    lookback_days: int = Field(
        365, ge=1, le=36500, description="Learn from feedback recorded in this many past days."
    )
    prior_verdicts: float = Field(
        20.0,
        gt=0,
        le=100000,
        description="Shrinkage: how many verdicts a category needs before its own record "
        "outweighs the other categories' (and the analyser's claim).",
    )
    bins: int = Field(10, ge=1, le=100, description="Confidence bins of the calibration error.")


@dataclass(frozen=True)
class LearningOutcome:
    """What one learning run read, fitted and wrote."""

    feedback: int
    verdicts: int
    categories: int
    rows_changed: int
    causes_with_resolutions: int
    promoted_resolutions: int
    report_key: str


@flow(name="learn-from-feedback", log_prints=False)
def learn_from_feedback(parameters: LearningParameters | None = None) -> LearningOutcome:
    """Fit the confidence calibration to operators' verdicts and report what was learned."""
    parameters = parameters or LearningParameters()
    settings = get_settings()
    records = load_feedback_records(settings, parameters.lookback_days)
    fit = fit_confidence_calibration(
        records, CalibrationConfig(prior_verdicts=parameters.prior_verdicts), parameters.bins
    )
    changed = store_fitted_calibration(settings, fit)
    causes = rank_recorded_resolutions(records)
    report_key = publish_learning_report(fit, causes, len(records), changed)
    outcome = LearningOutcome(
        feedback=len(records),
        verdicts=fit.verdicts,
        categories=len(fit.model.categories),
        rows_changed=changed,
        causes_with_resolutions=len(causes),
        promoted_resolutions=sum(r.promoted for c in causes for r in c.resolutions),
        report_key=report_key,
    )
    get_run_logger().info(
        "learned from %d verdict(s): %d calibration row(s) changed, %d resolution(s) promoted",
        outcome.verdicts,
        outcome.rows_changed,
        outcome.promoted_resolutions,
    )
    return outcome

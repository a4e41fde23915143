"""Tasks of auto-learning: fit the confidence calibration from operators' verdicts, and apply
what was learned to a new incident (calibrated confidence, resolutions that worked first).

The maths lives in :mod:`resync_analytics.learning`; these tasks only read, call it and write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from psycopg import Connection

from resync_analytics.incident_view import IncidentGroup, IncidentView
from resync_analytics.learning import (
    CalibrationAssessment,
    CalibrationConfig,
    CalibrationModel,
    LearnedResolution,
    ResolutionPolicy,
    assess_calibration,
    fit_calibration,
    rank_resolutions,
)
from resync_analytics.learning.feedback import diagnosis_verdicts, resolution_evidence
from resync_analytics.learning.incident import (
    calibrate_claim,
    confidence_note,
    learned_draft,
    promoted_texts,
)
from resync_clients.postgres.incidents import add_recommendation, load_incident
from resync_clients.postgres.learning import (
    calibrate_incident,
    learned_recommendation,
    load_calibration,
    load_feedback,
    load_incident_calibration,
    record_learned_from,
    resolution_history,
    store_calibration,
)
from resync_core.feedback import FeedbackRecord
from resync_core.settings import Settings
from tasks.resources import get_store
from tasks.retry import DATABASE_RETRIES


@dataclass(frozen=True)
class CalibrationFit:
    """A fitted calibration and how it scores on the verdicts it was fitted to."""

    model: CalibrationModel
    assessments: tuple[CalibrationAssessment, ...]
    verdicts: int


@dataclass(frozen=True)
class CauseResolutions:
    """The ranked resolutions recorded for one cause (fingerprint)."""

    fingerprint: str
    category: str
    resolutions: tuple[LearnedResolution, ...]


# ----------------------------------------------------------------- the learning flow


@task(name="load-feedback", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def load_feedback_records(settings: Settings, lookback_days: int) -> list[FeedbackRecord]:
    """Operators' feedback of the last ``lookback_days``, with what each incident claimed."""
    since = datetime.now(UTC) - timedelta(days=lookback_days)
    with get_store(settings).connection() as conn:
        records = load_feedback(conn, since=since)
    get_run_logger().info("read %d feedback record(s)", len(records))
    return records


@task(name="fit-calibration", cache_policy=NO_CACHE)
def fit_confidence_calibration(
    records: Sequence[FeedbackRecord], config: CalibrationConfig, bins: int = 10
) -> CalibrationFit:
    """Fit the per-category calibration to the diagnosis verdicts among ``records``."""
    verdicts = diagnosis_verdicts(records)
    model = fit_calibration(verdicts, config)
    fit = CalibrationFit(model, assess_calibration(model, verdicts, bins), len(verdicts))
    get_run_logger().info(
        "calibration fitted on %d verdict(s) in %d categor(ies)",
        fit.verdicts,
        len(model.categories),
    )
    return fit


@task(name="store-calibration", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def store_fitted_calibration(settings: Settings, fit: CalibrationFit) -> int:
    """Store the calibration; returns how many rows changed (0 when the fit is unchanged)."""
    with get_store(settings).connection() as conn:
        return store_calibration(conn, fit.model.rows(fit.assessments))


@task(name="rank-resolutions", cache_policy=NO_CACHE)
def rank_recorded_resolutions(
    records: Sequence[FeedbackRecord], policy: ResolutionPolicy | None = None
) -> tuple[CauseResolutions, ...]:
    """Per cause with recorded resolutions, the resolutions ranked as the next incident of
    that cause would see them (same-cause evidence only), causes with promotions first."""
    now = datetime.now(UTC)
    by_cause: dict[str, list[FeedbackRecord]] = {}
    for record in records:
        if record.resolution and record.resolution.strip():
            by_cause.setdefault(record.fingerprint, []).append(record)
    causes = []
    for fingerprint, members in sorted(by_cause.items()):
        ranked = rank_resolutions(
            resolution_evidence(members, fingerprint=fingerprint), now=now, policy=policy
        )
        if ranked:
            causes.append(CauseResolutions(fingerprint, members[-1].category, ranked))
    causes.sort(key=lambda c: (-sum(r.promoted for r in c.resolutions), c.fingerprint))
    return tuple(causes)


# ----------------------------------------------------------------- the incident flow


def _learn_for_new_incident(
    conn: Connection[Any], group: IncidentGroup, view: IncidentView, policy: ResolutionPolicy
) -> None:
    """Calibrate the incident's confidence once and store the learned recommendation when
    history promotes or flags a resolution (inside the caller's transaction)."""
    incident = view.incident
    current = load_incident(conn, incident.id) or incident
    model = CalibrationModel.from_rows(load_calibration(conn))
    claim = calibrate_claim(model, current.category, current.confidence, view.source)
    if not calibrate_incident(
        conn,
        incident.id,
        claimed=claim.claimed,
        calibrated=claim.calibrated,
        verdicts=claim.verdicts,
        analyser=claim.analyser,
    ):
        return  # calibrated before: a re-run changes nothing
    history = resolution_history(
        conn,
        fingerprint=current.fingerprint,
        pattern_id=current.pattern_id or group.lead.pattern_id,
        exclude_incident_id=incident.id,
    )
    evidence = resolution_evidence(history, fingerprint=current.fingerprint)
    ranked = rank_resolutions(evidence, now=datetime.now(UTC), policy=policy)
    draft = learned_draft(ranked, view.steps, view.rerun_command, claim.calibrated, policy)
    if draft is None:
        return
    promoted = promoted_texts(ranked, policy)
    record_learned_from(conn, add_recommendation(conn, incident.id, draft).id, promoted)
    get_run_logger().info(
        "incident %d: %d resolution(s) that worked before put first",
        incident.id,
        sum(r.promoted for r in ranked[: policy.max_promoted]),
    )


@task(name="apply-learning", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def apply_learning(
    settings: Settings,
    group: IncidentGroup,
    view: IncidentView,
    policy: ResolutionPolicy | None = None,
) -> IncidentView:
    """Calibrate the new incident's confidence and put resolutions that worked for the same
    cause or error pattern first in its steps; returns the view the report shows.

    Done once per incident, by the run that opened it (after any LLM review, so the claim
    calibrated is the final one); other runs only read the result.
    """
    incident = view.incident
    with get_store(settings).connection() as conn:
        if group.needs_analysis:
            with conn.transaction():
                _learn_for_new_incident(conn, group, view, policy or ResolutionPolicy())
        current = load_incident(conn, incident.id) or incident
        learned = learned_recommendation(conn, incident.id)
        calibration = load_incident_calibration(conn, incident.id)
    steps = learned.steps if learned else view.steps
    return replace(
        view, incident=current, steps=steps, confidence_note=confidence_note(calibration)
    )

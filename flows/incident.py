"""Decision support: a TWS job ABENDed; tell the operator why, where, and what to do.

The runbook, step by step: load the failed run → fetch its joblog (unless the poller stored
it) → analyse it → group it into an incident (one per cause; one for a whole ABEND storm) →
find similar past incidents and how they were resolved → optionally let the LLM refine the
analysis (once per incident) → store incident and recommendation → apply what operators'
feedback taught (calibrated confidence, resolutions that worked first) → publish the report
(artifact ``incident-<id>``) → announce ``resync.incident.analyzed`` → optionally propose a
rerun and wait for an operator's approval. Nothing acts on TWS without that approval.

Deployment trigger on ``tws.job.abend``::

    parameters={"request": {"run_id": "{{ event.payload.run_id }}"}}

Re-running the flow for the same run changes nothing: no second incident, link,
recommendation or event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from prefect import flow, get_run_logger
from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import apause_flow_run
from prefect.input import RunInput
from pydantic import BaseModel, ConfigDict, Field, model_validator

from resync_analytics.incident_view import FailureDiagnosis, IncidentGroup
from resync_analytics.masking import mask_secrets
from resync_core.incidents import (
    RERUN_APPROVED,
    RERUN_REJECTED,
    RERUN_UNANSWERED,
    RerunOutcome,
)
from resync_core.settings import Settings, get_settings
from tasks.incident import (
    analyze_failures,
    announce_incident,
    enrich_with_llm,
    fetch_joblogs,
    find_similar_incidents,
    group_into_incidents,
    load_failed_runs,
    record_rerun_decision,
    rerun_failed_job,
    should_enrich,
    store_incident,
)
from tasks.incident_report import publish_incident_report
from tasks.joblog_profiles import load_job_baselines
from tasks.learning import apply_learning


class IncidentRequest(BaseModel):
    """Which failed run to analyse (a run id, or a job whose latest failure is meant), and
    whether to propose a rerun."""

    model_config = ConfigDict(frozen=True)

    run_id: str | None = Field(
        default=None, description="TWS run id (jobruns id); the ABEND event carries it."
    )
    workstation: str | None = Field(default=None, description="With job stream and job name.")
    job_stream: str | None = None
    job_name: str | None = None
    propose_rerun: bool = Field(
        default=True, description="Offer a rerun, carried out only after an operator approves."
    )
    approval_timeout_seconds: int = Field(
        default=3600, ge=1, le=7 * 86400, description="How long to wait for the approval."
    )
    approval_poll_seconds: int = Field(
        default=10, ge=1, le=300, description="How often the paused run checks for an answer."
    )

    @model_validator(mode="after")
    def _names_a_run(self) -> IncidentRequest:
        if not self.run_id and not (self.workstation and self.job_stream and self.job_name):
            raise ValueError("give run_id, or workstation, job_stream and job_name")
        return self


class RerunApproval(RunInput):
    """The operator's answer to a proposed rerun (the form shown when resuming the run)."""

    approve: bool = Field(default=False, description="Rerun the job now.")
    operator: str | None = Field(default=None, description="Who decides (for the record).")
    comment: str | None = Field(default=None, description="Why, or what was fixed first.")


@dataclass(frozen=True)
class IncidentOutcome:
    """What the analysis produced for one incident (the flow run's result)."""

    incident_id: int
    created: bool
    category: str
    root_cause: str
    confidence: float
    fingerprint: str
    storm: bool
    affected_runs: int
    run_ids: tuple[str, ...]
    report_key: str
    source: str
    events_sent: int
    rerun: RerunOutcome | None = None


async def _explain_and_announce(
    settings: Settings, group: IncidentGroup, announce_runs: Sequence[FailureDiagnosis]
) -> IncidentOutcome:
    similar = find_similar_incidents(settings, group)
    enriched = enrich_with_llm(settings, group) if should_enrich(settings, group) else None
    view = store_incident(settings, group, enriched)
    view = apply_learning(settings, group, view)
    report_key = await publish_incident_report(view, similar)
    sent = await announce_incident(settings, view, [d.run for d in announce_runs], report_key)
    incident = view.incident
    return IncidentOutcome(
        incident_id=incident.id,
        created=group.claim.created,
        category=incident.category,
        root_cause=mask_secrets(incident.root_cause),
        confidence=incident.confidence,
        fingerprint=incident.fingerprint,
        storm=view.storm is not None,
        affected_runs=view.affected_count,
        run_ids=tuple(d.run.run_id for d in group.diagnoses),
        report_key=report_key,
        source=view.source,
        events_sent=sent,
    )


async def propose_rerun(
    settings: Settings, diagnosis: FailureDiagnosis, incident_id: int, request: IncidentRequest
) -> RerunOutcome:
    """Pause until an operator approves or rejects rerunning the job; act only on approval.

    A rejection or no answer within the timeout reruns nothing; either way the decision is
    recorded with the incident's feedback.
    """
    logger = get_run_logger()
    command = diagnosis.rerun_command
    logger.info(
        "rerun proposed for incident %d: %s (approve or reject in the Prefect UI within %ds)",
        incident_id,
        command,
        request.approval_timeout_seconds,
    )
    form = RerunApproval.with_initial_data(
        description=(
            f"Incident #{incident_id}: **{diagnosis.run.job_key}** failed"
            f" ({diagnosis.analysis.category}). Approve to run `{command}` now;"
            " see the artifact for the root cause and the fix steps first."
        )
    )
    try:
        answer = await apause_flow_run(
            wait_for_input=form,
            timeout=request.approval_timeout_seconds,
            poll_interval=request.approval_poll_seconds,
            key=f"rerun-{incident_id}-{diagnosis.run.run_id}",
        )
    except FlowPauseTimeout:
        logger.warning("no answer to the rerun proposal for incident %d: nothing done", incident_id)
        record_rerun_decision(settings, incident_id, RERUN_UNANSWERED, None, None)
        return RerunOutcome(decision=RERUN_UNANSWERED)

    if not answer.approve:
        logger.info("rerun rejected by %s: nothing done", answer.operator or "an operator")
        record_rerun_decision(
            settings, incident_id, RERUN_REJECTED, answer.operator, answer.comment
        )
        return RerunOutcome(decision=RERUN_REJECTED, operator=answer.operator)

    new_run_id = await rerun_failed_job(settings, diagnosis.run, incident_id, answer.operator)
    record_rerun_decision(settings, incident_id, RERUN_APPROVED, answer.operator, answer.comment)
    return RerunOutcome(decision=RERUN_APPROVED, operator=answer.operator, new_run_id=new_run_id)


@flow(name="incident-analysis", log_prints=False)
async def incident_analysis(request: IncidentRequest) -> IncidentOutcome:
    """Analyse one failed TWS run into an incident report; optionally propose its rerun."""
    settings = get_settings()
    runs = load_failed_runs(
        settings,
        [request.run_id] if request.run_id else [],
        workstation=request.workstation,
        job_stream=request.job_stream,
        job_name=request.job_name,
    )
    runs = await fetch_joblogs(settings, runs[:1])
    diagnoses = analyze_failures(runs, load_job_baselines(settings, [r.run.job_key for r in runs]))
    (group,) = group_into_incidents(settings, diagnoses)
    outcome = await _explain_and_announce(settings, group, diagnoses)

    diagnosis = diagnoses[0]
    if request.propose_rerun and diagnosis.analysis.category != "success":
        rerun = await propose_rerun(settings, diagnosis, outcome.incident_id, request)
        outcome = replace(outcome, rerun=rerun)
    return outcome


@flow(name="incident-analysis-batch", log_prints=False)
async def analyze_incidents(run_ids: list[str]) -> list[IncidentOutcome]:
    """Analyse many failed runs at once (an ABEND storm, a backlog): one incident per distinct
    cause, each explained, stored and reported once. Proposes no reruns."""
    logger = get_run_logger()
    settings = get_settings()
    runs = load_failed_runs(settings, run_ids)
    runs = await fetch_joblogs(settings, runs)
    diagnoses = analyze_failures(runs, load_job_baselines(settings, [r.run.job_key for r in runs]))
    groups = group_into_incidents(settings, diagnoses)
    outcomes = []
    for group in groups:
        # One event per incident for the whole batch, keyed by its earliest run.
        outcomes.append(await _explain_and_announce(settings, group, [group.lead]))
    logger.info(
        "%d failed run(s) analysed into %d incident(s) (%d new)",
        len(diagnoses),
        len(outcomes),
        sum(outcome.created for outcome in outcomes),
    )
    return outcomes

"""An incident as the analysis sees it: each failed run's diagnosis, the runs of one batch that
share an incident, and the view the report shows (what to do, the error line, the affected
runs, the storm). Plain logic: no database, no Prefect.

Every text taken from a joblog goes through ``mask_secrets`` before it lands in a draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from resync_analytics.enrichment import EnrichedAnalysis
from resync_analytics.incident_grouping import Failure, Storm, is_storm_fingerprint
from resync_analytics.joblog.models import JobIdentity, JoblogAnalysis, LogLine, RunnerUp
from resync_analytics.joblog.steps import conman_rerun
from resync_analytics.masking import mask_secrets
from resync_core.incidents import (
    AffectedRun,
    IncidentClaim,
    IncidentDraft,
    RecommendationDraft,
    StoredIncident,
    StoredRecommendation,
)
from resync_core.job_runs import JobRunRecord


def job_identity(run: JobRunRecord) -> JobIdentity:
    """The job as conman names it."""
    # conman selects a job by its job stream's workstation (the key's WS#), not by the agent
    # or pool member the run happened to execute on.
    stream_workstation = run.job_key.split("#", 1)[0] if "#" in run.job_key else run.workstation
    return JobIdentity(workstation=stream_workstation, stream=run.job_stream, job=run.job_name)


@dataclass(frozen=True)
class FailureDiagnosis:
    """One failed run and the deterministic analysis of its (masked) joblog.

    ``line_offset`` turns the analysis's line numbers into the joblog's: the stored text may
    be the log's tail.
    """

    run: JobRunRecord
    analysis: JoblogAnalysis
    pattern_id: str | None
    fingerprint: str
    failed_at: datetime
    line_offset: int = 0
    # Error lines of this run no good run of the job printed (analysis numbering; empty
    # without a stored good-run profile).
    new_lines: tuple[LogLine, ...] = ()

    @property
    def error_line(self) -> int:
        return self.analysis.error_line + self.line_offset if self.analysis.error_line else 0

    @property
    def context(self) -> tuple[LogLine, ...]:
        return tuple(
            LogLine(line.number + self.line_offset, line.text) for line in self.analysis.context
        )

    @property
    def runner_up(self) -> RunnerUp | None:
        """The line the analysis ranked second when it came close, numbered in the joblog."""
        second = self.analysis.runner_up
        if second is None:
            return None
        return replace(second, line=second.line + self.line_offset, text=mask_secrets(second.text))

    @property
    def new_in_this_run(self) -> tuple[LogLine, ...]:
        """``new_lines`` numbered as in the joblog."""
        return tuple(LogLine(line.number + self.line_offset, line.text) for line in self.new_lines)

    @property
    def rerun_command(self) -> str:
        return conman_rerun(job_identity(self.run))

    def as_failure(self) -> Failure:
        return Failure(
            run_id=self.run.run_id,
            job_key=self.run.job_key,
            category=self.analysis.category,
            pattern_id=self.pattern_id or "",
            failed_at=self.failed_at,
        )


@dataclass(frozen=True)
class IncidentGroup:
    """Runs of one batch that belong to one incident; ``lead`` is the earliest failure."""

    claim: IncidentClaim
    diagnoses: tuple[FailureDiagnosis, ...]
    lead: FailureDiagnosis
    storm: Storm | None

    @property
    def needs_analysis(self) -> bool:
        """Whether this batch owns the incident's analysis (it opened the incident)."""
        return self.claim.created


@dataclass(frozen=True)
class IncidentView:
    """Everything the report shows about one incident."""

    incident: StoredIncident
    steps: tuple[str, ...]
    rerun_command: str | None
    source: str
    note: str | None
    context_run_id: str
    context: tuple[LogLine, ...]
    affected: tuple[AffectedRun, ...]
    affected_count: int
    storm: Storm | None
    rerun_commands: tuple[str, ...] = ()
    # How the shown confidence was calibrated from the analyser's own claim (None: as claimed).
    confidence_note: str | None = None
    # The lead run's error lines that no good run of the job printed (none without a profile).
    new_lines: tuple[LogLine, ...] = ()
    # Why the analyser chose the error line, and the line it ranked second when that was close
    # (both from the run whose context is shown).
    chosen_for: tuple[str, ...] = ()
    runner_up: RunnerUp | None = None


def group_by_incident(
    diagnoses: Sequence[FailureDiagnosis], storms: dict[str, Storm]
) -> dict[str, list[FailureDiagnosis]]:
    """The diagnoses per incident fingerprint (a storm's, else the run's own cause), each
    list earliest failure first (its first member leads)."""
    by_fingerprint: dict[str, list[FailureDiagnosis]] = {}
    for diagnosis in diagnoses:
        storm = storms.get(diagnosis.run.run_id)
        fingerprint = storm.fingerprint if storm else diagnosis.fingerprint
        by_fingerprint.setdefault(fingerprint, []).append(diagnosis)
    for members in by_fingerprint.values():
        members.sort(key=lambda d: (d.failed_at, d.run.run_id))
    return by_fingerprint


def incident_draft(lead: FailureDiagnosis, fingerprint: str) -> IncidentDraft:
    """What a new incident of ``fingerprint`` is opened with: its lead run's diagnosis."""
    analysis = lead.analysis
    return IncidentDraft(
        fingerprint=fingerprint,
        pattern_id=lead.pattern_id,
        job_key=lead.run.job_key,
        category=analysis.category,
        root_cause=mask_secrets(analysis.root_cause),
        error_line=lead.error_line,
        error_text=mask_secrets(analysis.error_text),
        entities=tuple(mask_secrets(entity) for entity in analysis.entities),
        confidence=analysis.confidence,
    )


def recommendation_draft(
    lead: FailureDiagnosis, analysis: JoblogAnalysis, *, source: str, model: str | None
) -> RecommendationDraft:
    """The steps of ``analysis`` (the lead's own, or an LLM's review of it) to store."""
    return RecommendationDraft(
        steps=tuple(mask_secrets(step) for step in analysis.steps),
        rerun_command=lead.rerun_command,
        source=source,
        model=model,
        confidence=analysis.confidence,
    )


def _storm_of(incident: StoredIncident, runs: Sequence[AffectedRun], at: datetime) -> Storm:
    # Rebuilt from what is stored: a joining batch may not have seen the storm itself.
    ended = [run.end_time for run in runs if run.end_time]
    return Storm(
        fingerprint=incident.fingerprint,
        key=incident.fingerprint.removeprefix("storm:"),
        job_count=len({run.job_key for run in runs}),
        run_ids=tuple(run.run_id for run in runs),
        first_failed_at=min(ended, default=at),
        last_failed_at=max(ended, default=at),
    )


def build_incident_view(
    group: IncidentGroup,
    incident: StoredIncident,
    recommendation: StoredRecommendation | None,
    runs: Sequence[AffectedRun],
    affected_count: int,
    enriched: EnrichedAnalysis | None = None,
) -> IncidentView:
    """The report's view of ``incident`` as stored: its best ``recommendation`` (else the lead
    run's own steps), the affected ``runs`` listed (of ``affected_count``), the storm (rebuilt
    from the runs when this batch did not see it), and a rerun command per affected job."""
    lead = group.lead
    storm = group.storm
    if storm is None and is_storm_fingerprint(incident.fingerprint):
        storm = _storm_of(incident, runs, lead.failed_at)
    rerun_commands = tuple(
        dict.fromkeys(
            conman_rerun(JobIdentity(run.workstation, run.job_stream, run.job_name))
            for run in runs
            if run.workstation and run.job_stream and run.job_name
        )
    )
    return IncidentView(
        incident=incident,
        steps=recommendation.steps if recommendation else lead.analysis.steps,
        rerun_command=(recommendation.rerun_command if recommendation else None)
        or lead.rerun_command,
        source=recommendation.source if recommendation else "deterministic",
        note=enriched.note if enriched is not None else None,
        context_run_id=lead.run.run_id,
        context=lead.context,
        affected=tuple(runs),
        affected_count=affected_count,
        storm=storm,
        rerun_commands=rerun_commands,
        chosen_for=lead.analysis.reasons if lead.error_line == incident.error_line else (),
        runner_up=lead.runner_up if lead.error_line == incident.error_line else None,
        new_lines=lead.new_in_this_run,
    )

"""From TWS API models to the project's own job-run records.

One ``JobInPlan`` carries every run of its rerun chain; each becomes a ``JobRunRecord``. A job
that has not run yet (HOLD, READY...) has no run id and yields no record.
"""

from __future__ import annotations

from datetime import UTC, datetime

from resync_clients.tws.models import JobInPlan, JobRun
from resync_core.job_runs import JobRunRecord
from resync_core.risk import PlannedJob

_UNKNOWN = "UNKNOWN"


def bare_name(name: str | None) -> str:
    """``/FOLDER/NAME`` → ``NAME``: keys and events use bare names, the folder is kept apart."""
    if not name:
        return ""
    return name.rstrip("/").rsplit("/", 1)[-1]


_bare = bare_name


def job_key(job: JobInPlan) -> str:
    """A job's identity across plans: ``WORKSTATION#STREAM.JOB`` (TWS's own notation)."""
    workstation = _bare(job.job_stream_workstation or job.workstation)
    return f"{workstation}#{_bare(job.job_stream_name)}.{job.name}"


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _duration_seconds(run: JobRun, start: datetime | None, end: datetime | None) -> float | None:
    if run.time_info is not None and run.time_info.elapsed_time is not None and end is not None:
        return max(run.time_info.elapsed_time.total_seconds(), 0.0)
    if start is not None and end is not None:
        return max((end - start).total_seconds(), 0.0)
    return None


def _late(job: JobInPlan) -> bool:
    flags = job.job_status_flags
    return flags is not None and (flags.job_late or flags.deadline_has_passed)


def _attempt_number(sent: int | None, position: int) -> int:
    return sent if sent is not None and sent >= 1 else position


def job_run_records(job: JobInPlan, *, plan_id: str) -> list[JobRunRecord]:
    """Every run of ``job`` as a record (oldest first).

    Lateness comes from the engine's own flags (its clock and calendars decide it), not from
    comparing a deadline with this machine's clock. ``run_attempt`` is TWS's ``runAttempt``
    when it is 1 or more; a missing, zero or negative one (the spec allows any integer) is
    replaced by the run's place in ``job.jobruns`` (1-based), so a record always has a
    usable attempt number. The raw value stays on ``JobRun.run_attempt``.
    """
    records: list[JobRunRecord] = []
    key = job_key(job)
    workstation_of_job = _bare(job.workstation)
    for attempt, run in enumerate(job.jobruns, start=1):
        status = run.composite_status.status if run.composite_status else None
        start = _utc(run.time_info.actual_start_time) if run.time_info else None
        end = _utc(run.time_info.actual_end_time) if run.time_info else None
        is_current = run.last_in_rerun_chain or attempt == len(job.jobruns)
        records.append(
            JobRunRecord(
                run_id=run.id,
                job_id=job.id,
                job_key=key,
                plan_id=job.plan_id or plan_id,
                workstation=_bare(run.actual_workstation) or workstation_of_job,
                job_stream=_bare(job.job_stream_name),
                job_name=job.name,
                folder=job.folder or "/",
                status=run.common_status or (job.status if is_current else None) or _UNKNOWN,
                internal_status=status or (job.internal_status if is_current else None) or _UNKNOWN,
                return_code=run.return_code,
                sched_time=_utc(job.sched_time),
                start_time=start,
                end_time=end,
                duration_seconds=_duration_seconds(run, start, end),
                rerun_type=run.rerun_type,
                run_attempt=_attempt_number(run.run_attempt, attempt),
                is_critical=job.critical,
                deadline_time=_utc(job.time_restrictions.deadline_time)
                if job.time_restrictions
                else None,
                is_late=is_current and _late(job),
                max_duration_exceeded=run.max_duration_gone,
            )
        )
    return records


def planned_job(job: JobInPlan) -> PlannedJob | None:
    """``job`` as tonight's plan schedules it, if it has not started yet (else None)."""
    sched = _utc(job.sched_time)
    if job.jobruns or sched is None:
        return None
    restrictions = job.time_restrictions
    return PlannedJob(
        job_key=job_key(job),
        sched_time=sched,
        deadline_time=_utc(restrictions.deadline_time) if restrictions else None,
    )

"""Job runs as the poller would store them, built for tests in one line each."""

from __future__ import annotations

from datetime import datetime, timedelta

from resync_core.job_runs import JobRunRecord


def job_run(
    job: str,
    sched: datetime,
    *,
    seconds: float,
    run_id: str,
    failed: bool = False,
    attempt: int = 1,
    start_delay: timedelta = timedelta(0),
    deadline_after: timedelta | None = None,
    workstation: str = "FTA01",
    stream: str = "NIGHTLY",
) -> JobRunRecord:
    """A finished run of ``WORKSTATION#STREAM.JOB`` scheduled at ``sched``."""
    start = sched + start_delay
    return JobRunRecord(
        run_id=run_id,
        job_id=f"{job}:{run_id}",
        job_key=f"{workstation}#{stream}.{job}",
        plan_id="current",
        workstation=workstation,
        job_stream=stream,
        job_name=job,
        folder="/",
        status="ERROR" if failed else "SUCCESSFUL",
        internal_status="ABEND" if failed else "SUCC",
        return_code=8 if failed else 0,
        sched_time=sched,
        start_time=start,
        end_time=start + timedelta(seconds=seconds),
        duration_seconds=seconds,
        rerun_type=None if attempt == 1 else "RERUN",
        run_attempt=attempt,
        is_critical=False,
        deadline_time=None if deadline_after is None else sched + deadline_after,
    )

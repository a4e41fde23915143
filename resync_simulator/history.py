"""Run history straight from the simulator's plans, with the truth about each night.

For evaluating predictive maintenance without a database in between: the same rows the
poller would store (one per run, first attempts and reruns), built from ``Plan`` objects,
and what really happened in a plan (which jobs failed on their first attempt, which finished
after their deadline).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from resync_simulator.enterprise import Enterprise
from resync_simulator.plan import Plan

_FAILED = frozenset({"ABEND", "FAIL"})


@dataclass(frozen=True)
class NightOutcome:
    """What one job did in one plan: its first attempt failed; it finished after its
    deadline (or never finished)."""

    failed: bool
    late: bool


def job_key_of(enterprise: Enterprise, index: int) -> str:
    """``WORKSTATION#STREAM.JOB`` of job ``index``, as the poller keys it."""
    job = enterprise.jobs[index]
    stream = enterprise.streams[job.stream]
    return f"{enterprise.workstations[stream.workstation].name}#{stream.name}.{job.name}"


def plan_history_rows(plan: Plan) -> Iterator[dict[str, object]]:
    """One run-history row (``resync_analytics.maintenance.history`` columns) per run in ``plan``,
    times as epoch seconds."""
    enterprise = plan.enterprise
    for instance in plan.instances:
        job = enterprise.jobs[instance.index]
        stream = enterprise.streams[job.stream]
        key = job_key_of(enterprise, instance.index)
        sched = plan.day_start + stream.start_offset
        deadline = plan.deadline(instance.index)
        for run in instance.runs:
            yield {
                "job_key": key,
                "workstation": enterprise.workstations[run.workstation].name,
                "sched_time": sched,
                "start_time": run.start,
                "end_time": run.end,
                "deadline_time": deadline,
                "duration_seconds": run.end - run.start,
                "failed": run.final_status in _FAILED,
                "run_attempt": run.attempt,
                "error_pattern": run.template_id,
            }


def plan_outcomes(plan: Plan) -> dict[str, NightOutcome]:
    """Per job key, whether its first run failed and whether it finished late."""
    outcomes: dict[str, NightOutcome] = {}
    for instance in plan.instances:
        if not instance.runs:
            continue
        failed = instance.runs[0].final_status in _FAILED
        late = plan.is_late(instance.index, float("inf"))
        outcomes[job_key_of(plan.enterprise, instance.index)] = NightOutcome(failed, late)
    return outcomes

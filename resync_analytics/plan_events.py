"""Which events a poll cycle announces, and under which idempotency keys. Plain logic: no
database, no Prefect.

Keys decide what "the same event" means: an ABEND of one run is announced once however often
the cycle is replayed; a job is late once per plan; a workstation's n-th unlink once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from resync_analytics.plan_graph.stuck import OverdueRun
from resync_core.events import (
    JOB_ABEND,
    JOB_FAIL,
    JOB_LATE,
    JOB_STUCK,
    WORKSTATION_UNLINKED,
    DomainEvent,
    job_resource_id,
    workstation_resource_id,
)
from resync_core.job_runs import JobRunRecord, StatusTransition

_FAILURE_EVENTS = {"ABEND": JOB_ABEND, "FAIL": JOB_FAIL}


def _job_payload(run: JobRunRecord) -> dict[str, object]:
    return {
        "run_id": run.run_id,
        "job_id": run.job_id,
        "job_key": run.job_key,
        "workstation": run.workstation,
        "job_stream": run.job_stream,
        "job_name": run.job_name,
        "status": run.status,
        "internal_status": run.internal_status,
        "return_code": run.return_code,
        "plan_id": run.plan_id,
        "critical": run.is_critical,
    }


def _resource_labels(run: JobRunRecord) -> dict[str, str]:
    return {
        "tws.workstation": run.workstation,
        "tws.job_stream": run.job_stream,
        "tws.job": run.job_name,
    }


def _stuck_payload(run: JobRunRecord, overdue: OverdueRun | None) -> dict[str, object]:
    """Why the run counts as stuck (TWS's own status or maximum duration, our runtime model
    or both) and, by our model, how far beyond its p99 it is and which deadlines it delays."""
    stuck_by = [
        *(["tws_status"] if run.internal_status == "STUCK" else []),
        *(["max_duration"] if run.max_duration_exceeded and not run.finished else []),
        *(["runtime_p99"] if overdue is not None else []),
    ]
    payload = _job_payload(run) | {"stuck_by": stuck_by}
    if overdue is None:
        return payload
    return payload | {
        "plan_day": overdue.plan_day.isoformat(),
        "elapsed_seconds": round(overdue.elapsed_seconds, 1),
        "p99_seconds": round(overdue.p99_seconds, 1),
        "beyond_seconds": round(overdue.beyond_seconds, 1),
        "ratio": round(overdue.ratio, 3),
        "delays": [
            {"job_key": d.job_key, "deadline": d.deadline.isoformat(), "hops": d.hops}
            for d in overdue.delays
        ],
    }


def job_events(
    runs: Iterable[JobRunRecord],
    transitions: Iterable[StatusTransition],
    error_patterns: Mapping[str, str],
    observed_at: datetime,
    overdue: Iterable[OverdueRun] = (),
) -> list[DomainEvent]:
    """Failure, late and stuck events for this cycle's runs.

    ``error_patterns`` maps run ids to the error pattern found in their joblog;
    ``overdue`` are the running runs past the p99 of their own runtime (stuck by our model
    even when TWS does not say so); a run stuck both ways is announced once.
    """
    by_run = {run.run_id: run for run in runs}
    overdue_by_run = {one.run_id: one for one in overdue}
    events: list[DomainEvent] = []
    for transition in transitions:
        name = _FAILURE_EVENTS.get(transition.to_internal_status)
        run = by_run.get(transition.run_id)
        if name is None or run is None:
            continue
        payload = _job_payload(run) | {"error_pattern": error_patterns.get(run.run_id)}
        events.append(
            DomainEvent(
                name=name,
                resource_id=job_resource_id(run.workstation, run.job_stream, run.job_name),
                idempotency_key=f"{name}:{run.run_id}",
                payload=payload,
                occurred_at=run.end_time or observed_at,
                resource_labels=_resource_labels(run),
            )
        )
    for run in by_run.values():
        resource = job_resource_id(run.workstation, run.job_stream, run.job_name)
        if run.is_late and not run.finished:
            events.append(
                DomainEvent(
                    name=JOB_LATE,
                    resource_id=resource,
                    idempotency_key=f"{JOB_LATE}:{run.plan_id}:{run.job_id}",
                    payload=_job_payload(run),
                    occurred_at=observed_at,
                    resource_labels=_resource_labels(run),
                )
            )
        by_model = overdue_by_run.get(run.run_id)
        if (
            run.internal_status == "STUCK"
            or (run.max_duration_exceeded and not run.finished)
            or (by_model is not None and not run.finished)
        ):
            events.append(
                DomainEvent(
                    name=JOB_STUCK,
                    resource_id=resource,
                    idempotency_key=f"{JOB_STUCK}:{run.run_id}",
                    payload=_stuck_payload(run, by_model),
                    occurred_at=observed_at,
                    resource_labels=_resource_labels(run),
                )
            )
    return events


def workstation_events(
    links_now: Mapping[str, bool],
    links_before: Mapping[str, bool],
    unlink_counts: Mapping[str, int],
    observed_at: datetime,
) -> tuple[list[DomainEvent], dict[str, int]]:
    """Unlink events for workstations that were linked (or unknown) and are now unlinked.

    Returns the events and the updated unlink counters to save with the cursor.
    """
    counts = dict(unlink_counts)
    events: list[DomainEvent] = []
    for name, linked in sorted(links_now.items()):
        if linked or links_before.get(name) is False:
            continue
        counts[name] = counts.get(name, 0) + 1
        events.append(
            DomainEvent(
                name=WORKSTATION_UNLINKED,
                resource_id=workstation_resource_id(name),
                idempotency_key=f"{WORKSTATION_UNLINKED}:{name}:{counts[name]}",
                payload={"workstation": name, "unlink_number": counts[name]},
                occurred_at=observed_at,
            )
        )
    return events, counts

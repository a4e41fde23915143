"""Job runs as the poller sees them, and the status transitions between two observations.

Domain types: the TWS client maps API models onto ``JobRunRecord``, the store writes them,
:mod:`resync_analytics.job_runs` tells which transitions happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Engine ("internal") statuses that mean the run ended badly and deserve a joblog analysis.
FAILED_STATUSES = frozenset({"ABEND", "FAIL"})
# Statuses after which a run no longer changes by itself.
FINAL_STATUSES = frozenset({"SUCC", "ABEND", "FAIL", "CANCL", "SUPPR", "DONE"})


@dataclass(frozen=True, slots=True)
class JobRunRecord:
    """One run of one job in the plan, flattened to what the store and the flows need.

    Times are timezone-aware UTC. ``run_id`` is the engine's run id; a job that has not run
    yet has no record.
    """

    run_id: str
    job_id: str
    job_key: str
    plan_id: str
    workstation: str
    job_stream: str
    job_name: str
    folder: str
    status: str
    internal_status: str
    return_code: int | None
    sched_time: datetime | None
    start_time: datetime | None
    end_time: datetime | None
    duration_seconds: float | None
    rerun_type: str | None
    run_attempt: int
    is_critical: bool
    deadline_time: datetime | None = None
    is_late: bool = False
    max_duration_exceeded: bool = False

    @property
    def failed(self) -> bool:
        return self.internal_status in FAILED_STATUSES

    @property
    def finished(self) -> bool:
        return self.internal_status in FINAL_STATUSES


@dataclass(frozen=True, slots=True)
class StatusTransition:
    """A run moved from one engine status to another between two polls.

    ``from_internal_status`` is None when the run is seen for the first time.
    """

    run_id: str
    job_key: str
    from_internal_status: str | None
    to_internal_status: str
    to_status: str
    return_code: int | None
    observed_at: datetime

    @property
    def is_failure(self) -> bool:
        return self.to_internal_status in FAILED_STATUSES

"""Domain types of the simulated enterprise: workstations, job streams, jobs and their runs.

Times are float seconds since the Unix epoch (UTC) inside the simulator; they become ISO
instants only when rendered. Classes use ``__slots__`` because a large plan holds 200k jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal

# The joblog format of a workstation's agent.
AgentKind = Literal["unix", "dynamic", "windows"]

# Internal status → DWC common status (README §3); HOLD is WAITING unless held by a user.
COMMON_STATUS = {
    "HOLD": "WAITING",
    "READY": "READY",
    "EXEC": "RUNNING",
    "SUCCP": "RUNNING",
    "ABENP": "RUNNING",
    "SUCC": "SUCCESSFUL",
    "ABEND": "ERROR",
    "FAIL": "ERROR",
    "CANCL": "CANCELED",
}
FINAL_STATUSES = frozenset({"SUCC", "ABEND", "FAIL"})
# A growing job's runtime compounds for this many weeks, then falls back (yearly archiving
# of half-year data): at 1-5% a week that is 1.3x to 3.6x at the end of a cycle.
GROWTH_CYCLE_WEEKS = 26.0


def to_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@lru_cache(maxsize=4096)
def _date_text(day: int) -> str:
    return datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%d")


def iso_instant(epoch: float) -> str:
    """``2025-03-14T02:00:05.000Z``: the shape the product uses for instants."""
    seconds, millis = divmod(round(epoch * 1000), 1000)
    day, second_of_day = divmod(seconds, 86400)
    hours, rest = divmod(second_of_day, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{_date_text(day)}T{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}Z"


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration with hours/minutes/seconds (``PT5H9M``, ``PT42S``)."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT"
    if hours:
        out += f"{hours}H"
    if minutes:
        out += f"{minutes}M"
    if secs or out == "PT":
        out += f"{secs}S"
    return out


@dataclass(frozen=True, slots=True)
class Workstation:
    """A workstation in the plan. ``host`` is the machine whose metrics the simulator tracks
    (pools have none: their jobs run on ``members``)."""

    index: int
    id: str
    name: str
    type: str  # WorkstationType enum of the spec
    os: str  # OperatingSystemV2 enum
    agent_kind: AgentKind
    host: str | None
    domain: str
    limit: int
    tcp_port: int
    version: str
    members: tuple[int, ...] = ()
    unlink_rate: float = 0.0  # share of hours in which the workstation drops its link


@dataclass(frozen=True, slots=True)
class JobStreamDef:
    index: int
    name: str
    folder: str
    workstation: int
    start_offset: float  # seconds after the plan day's midnight
    deadline_offset: float
    first_job: int
    stop_job: int  # job indices [first_job, stop_job) belong to this stream


@dataclass(frozen=True, slots=True)
class JobDef:
    """A job definition. Runtime model: lognormal around ``median_seconds`` with ``sigma``,
    scaled by weekday/month-end seasonality and ``weekly_growth``.

    Growth compounds over a cycle of ``GROWTH_CYCLE_WEEKS`` and then falls back, as a table
    grows until its yearly archiving; ``growth_phase_weeks`` is where in that cycle the job
    was at the Unix epoch, so growers sit at every stage on any date."""

    index: int
    name: str
    stream: int
    workstation: int
    position: int
    script: str
    user: str
    is_command: bool
    median_seconds: float
    sigma: float
    weekly_growth: float
    month_end_factor: float
    fail_rate: float
    recovery_rerun: bool
    critical: bool
    priority: int
    predecessors: tuple[int, ...]
    growth_phase_weeks: float = 0.0
    # Dependencies across job streams (TWS's external predecessors): jobs of other streams
    # (EXTERNAL_JOB) and whole streams (EXTERNAL_JOBSTREAM), always of streams that start
    # earlier the same plan day, so the plan's graph has no cycle.
    external_predecessors: tuple[int, ...] = ()
    stream_predecessors: tuple[int, ...] = ()
    # Resources and files (both on the job's workstation) the job needs: satisfied from its
    # stream's start on, so they never delay it.
    resources: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def job_predecessors(self) -> tuple[int, ...]:
        """Every job this one waits for: internal ones, then those of other streams."""
        return self.predecessors + self.external_predecessors


class Run:
    """One run (or rerun) of a job. ``end`` may lie in the future: the run is then EXEC."""

    __slots__ = (
        "attempt",
        "end",
        "final_status",
        "job_number",
        "rerun_type",
        "return_code",
        "start",
        "template_id",
        "workstation",
    )

    def __init__(
        self,
        attempt: int,
        start: float,
        end: float,
        final_status: str,
        return_code: int,
        template_id: str | None,
        workstation: int,
        job_number: int,
        rerun_type: str = "REGULAR",
    ) -> None:
        self.attempt = attempt
        self.start = start
        self.end = end
        self.final_status = final_status
        self.return_code = return_code
        self.template_id = template_id
        self.workstation = workstation
        self.job_number = job_number
        self.rerun_type = rerun_type


class JobInstance:
    """A job in one plan: its runs (past ones and the scheduled next one) and operator flags."""

    __slots__ = (
        "canceled_at",
        "held",
        "index",
        "override_at",
        "ready_at",
        "released_at",
        "runs",
        "status_override",
    )

    def __init__(self, index: int) -> None:
        self.index = index
        self.runs: list[Run] = []
        self.ready_at = float("inf")  # when dependencies and start time were satisfied
        self.held = False
        self.canceled_at: float | None = None
        self.released_at: float | None = None  # dependencies released by an operator
        self.status_override: str | None = None  # set by confirm-succ / confirm-abend
        self.override_at = 0.0

    def started_runs(self, now: float) -> list[Run]:
        return [run for run in self.runs if run.start <= now]


@dataclass(frozen=True, slots=True)
class JobState:
    """The status of a job at an instant, as the REST API reports it."""

    status: str
    common: str
    substatus: str | None
    started: bool
    error: bool

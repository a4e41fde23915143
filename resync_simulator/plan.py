"""One day's plan of the simulated enterprise: every job's runs and its status at any instant.

A plan is a schedule, not a step-by-step simulation: when it is built every job gets its runs
(start, end, outcome) drawn deterministically from ``(seed, day, job, attempt)``, and the status
at an instant is read off that schedule. Moving the clock therefore costs nothing, and operator
actions (hold, release, rerun, cancel, confirm) edit the schedule of one job stream from "now"
on via :meth:`Plan.reschedule_stream`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from resync_simulator.enterprise import Enterprise
from resync_simulator.model import (
    COMMON_STATUS,
    GROWTH_CYCLE_WEEKS,
    JobDef,
    JobInstance,
    JobState,
    Run,
)

if TYPE_CHECKING:
    from resync_simulator.failures import FailureTemplate

INF = float("inf")
_WEEK = 7 * 86400.0
_WEEKDAY_FACTOR = (1.10, 1.0, 1.0, 1.0, 1.05, 0.70, 0.60)  # Monday .. Sunday
STUCK_RATE = 0.002


@dataclass(frozen=True)
class Outcome:
    """How a run will end: status, return code and, for failures, the failure template."""

    duration: float
    final_status: str
    return_code: int
    template_id: str | None


@dataclass(frozen=True)
class Storm:
    """A shared-cause outage: ``count`` job streams start just before ``at`` and their first
    job ABENDs within a minute of it with failure ``template_id``."""

    at: float
    count: int
    template_id: str


def plan_id_for(day: int) -> str:
    return "PLAN_" + datetime.fromtimestamp(day * 86400, UTC).strftime("%Y%m%d")


def day_of_plan_id(plan_id: str) -> int | None:
    if not plan_id.startswith("PLAN_") or len(plan_id) != 13:
        return None
    try:
        parsed = datetime.strptime(plan_id[5:], "%Y%m%d").replace(tzinfo=UTC)
    except ValueError:
        return None
    return int(parsed.timestamp() // 86400)


def _templates() -> dict[str, FailureTemplate]:
    from resync_simulator.failures import FAILURE_TEMPLATES

    return {t.template_id: t for t in FAILURE_TEMPLATES}


def failure_status(template: object) -> str:
    """FAIL when the job could not even be launched (bad logon user...), ABEND otherwise."""
    return "FAIL" if getattr(template, "job_status", "ABEND") == "FAIL" else "ABEND"


class Plan:
    """The jobs of one plan day. Not thread-safe: the engine serialises access."""

    def __init__(
        self,
        enterprise: Enterprise,
        day: int,
        storm: Storm | None = None,
        *,
        fail_rates: Mapping[int, float] | None = None,
    ) -> None:
        self.enterprise = enterprise
        # Jobs failing more often this day than usual (a rough release night), by index.
        self.fail_rates = dict(fail_rates or {})
        self.day = day
        self.day_start = day * 86400.0
        self.plan_id = plan_id_for(day)
        self.instances = [JobInstance(j.index) for j in enterprise.jobs]
        self.storm = storm
        self._duration_factor = self._seasonality()
        self._expected: list[float] | None = None
        self._storm_jobs: dict[int, float] = {}
        # Bumped whenever a stream's schedule changes; keys the per-job JSON cache.
        self.stream_versions = [0] * len(enterprise.streams)
        self.json_cache: dict[int, tuple[int, bytes]] = {}
        if storm is not None:
            self._place_storm(storm)
        # Streams in start order: the streams a stream waits for are scheduled before it.
        for stream_index in enterprise.schedule_order:
            self._schedule_stream(stream_index, now=-INF)

    # ---------------------------------------------------------------- deterministic draws
    def _seasonality(self) -> float:
        date = datetime.fromtimestamp(self.day_start, UTC)
        return _WEEKDAY_FACTOR[date.weekday()]

    def _is_month_end(self) -> bool:
        date = datetime.fromtimestamp(self.day_start, UTC)
        tomorrow = datetime.fromtimestamp(self.day_start + 2 * 86400, UTC)
        return date.day == 1 or tomorrow.month != date.month

    def rng_for(self, job: int, attempt: int) -> random.Random:
        seed = ((self.enterprise.seed_tag * 1_000_003 + self.day) * 10_000_019 + job) * 31
        return random.Random(seed + attempt)

    def expected_duration(self, job: JobDef) -> float:
        """Median runtime of ``job`` on this plan's day (seasonality and growth applied)."""
        if self._expected is None:
            month_end = self._is_month_end()
            self._expected = [
                j.median_seconds
                * self._duration_factor
                * (1.0 + j.weekly_growth) ** self.growth_weeks(j)
                * (j.month_end_factor if month_end else 1.0)
                for j in self.enterprise.jobs
            ]
        return self._expected[job.index]

    def growth_weeks(self, job: JobDef) -> float:
        """Weeks ``job`` has been growing on this plan's day (0 after each archiving)."""
        return (self.day_start / _WEEK + job.growth_phase_weeks) % GROWTH_CYCLE_WEEKS

    def draw_outcome(self, job: JobDef, attempt: int) -> Outcome:
        """The outcome of run ``attempt`` (1-based) of ``job`` in this plan; reruns fail less."""
        rng = self.rng_for(job.index, attempt)
        duration = self.expected_duration(job) * math.exp(rng.gauss(0.0, job.sigma))
        base_rate = max(job.fail_rate, self.fail_rates.get(job.index, 0.0))
        fail_rate = base_rate if attempt == 1 else base_rate / 3
        if rng.random() < fail_rate:
            from resync_simulator.failures import pick_failure

            template = pick_failure(rng)
            status = failure_status(template)
            if status == "FAIL":
                duration = 1.0
            else:
                duration *= rng.uniform(0.05, 1.0)
            return Outcome(max(1.0, duration), status, template.return_code, template.template_id)
        if rng.random() < STUCK_RATE:
            duration *= rng.uniform(30, 80)
        return Outcome(max(1.0, duration), "SUCC", 0, None)

    def job_number(self, job: int, attempt: int) -> int:
        return 100_000 + (job * 7919 + attempt * 104_729 + self.day * 15_485_863) % 900_000

    def actual_workstation(self, job: JobDef, attempt: int) -> int:
        ws = self.enterprise.workstations[job.workstation]
        if not ws.members:
            return ws.index
        return ws.members[self.rng_for(job.index, attempt + 1000).randrange(len(ws.members))]

    def make_run(self, job: JobDef, attempt: int, start: float, rerun_type: str = "REGULAR") -> Run:
        outcome = self.draw_outcome(job, attempt)
        return Run(
            attempt=attempt,
            start=start,
            end=start + outcome.duration,
            final_status=outcome.final_status,
            return_code=outcome.return_code,
            template_id=outcome.template_id,
            workstation=self.actual_workstation(job, attempt),
            job_number=self.job_number(job.index, attempt),
            rerun_type=rerun_type,
        )

    # ---------------------------------------------------------------- storm
    def _place_storm(self, storm: Storm) -> None:
        template = _templates()[storm.template_id]
        rng = random.Random(self.enterprise.seed_tag * 7 + self.day)
        later = [s for s in self.enterprise.streams if self.day_start + s.start_offset > storm.at]
        for stream in rng.sample(later, min(storm.count, len(later))):
            start = storm.at - rng.uniform(60, 900)
            self._storm_jobs[stream.first_job] = start
            job = self.enterprise.jobs[stream.first_job]
            run = self.make_run(job, 1, start)
            run.end = storm.at + rng.uniform(0, 59)
            run.final_status = "ABEND"
            run.return_code = template.return_code
            run.template_id = storm.template_id
            self.instances[stream.first_job].runs.append(run)

    # ---------------------------------------------------------------- scheduling
    def completion(self, index: int) -> tuple[str | None, float]:
        """Final status a successor sees for job ``index`` and when (``(None, inf)`` if never)."""
        inst = self.instances[index]
        if inst.canceled_at is not None:
            return "CANCL", inst.canceled_at
        if inst.status_override is not None:
            return inst.status_override, inst.override_at
        if not inst.runs:
            return None, INF
        last = inst.runs[-1]
        return last.final_status, last.end

    def stream_completion(self, stream_index: int) -> tuple[str | None, float]:
        """``("SUCC", when)`` once every job of the stream ended successfully (or was
        cancelled); ``(None, inf)`` while one has not (a successor stream keeps waiting)."""
        stream = self.enterprise.streams[stream_index]
        latest = -INF
        for index in range(stream.first_job, stream.stop_job):
            status, at = self.completion(index)
            if status not in ("SUCC", "CANCL"):
                return None, INF
            latest = max(latest, at)
        return "SUCC", latest

    def _ready_after_predecessors(self, job: JobDef, earliest: float) -> float:
        """When every job and stream ``job`` waits for has ended successfully (inf: never,
        as things stand), and not before ``earliest``."""
        ready = earliest
        for preds in (job.predecessors, job.external_predecessors):
            for pred in preds:
                status, at = self.completion(pred)
                if status not in ("SUCC", "CANCL"):
                    return INF
                ready = max(ready, at)
        for stream_index in job.stream_predecessors:
            status, at = self.stream_completion(stream_index)
            if status is None:
                return INF
            ready = max(ready, at)
        return ready

    def reschedule_stream(self, stream_index: int, now: float) -> None:
        """Recompute the runs not yet started (start > ``now``) of every job in the stream,
        then of the streams that wait for it (directly or not), in schedule order."""
        self._schedule_stream(stream_index, now)
        downstream: set[int] = set()
        frontier = [stream_index]
        dependents = self.enterprise.dependent_streams
        while frontier:
            frontier = [d for s in frontier for d in dependents[s] if d not in downstream]
            downstream.update(frontier)
        if downstream:
            for other in self.enterprise.schedule_order:
                if other in downstream:
                    self._schedule_stream(other, now)

    def _schedule_stream(self, stream_index: int, now: float) -> None:
        stream = self.enterprise.streams[stream_index]
        self.stream_versions[stream_index] += 1
        stream_start = self.day_start + stream.start_offset
        jobs = self.enterprise.jobs
        for index in range(stream.first_job, stream.stop_job):
            job = jobs[index]
            inst = self.instances[index]
            if index in self._storm_jobs and now < self._storm_jobs[index]:
                inst.ready_at = self._storm_jobs[index] - 5.0
                self._add_recovery(inst, job, now)
                continue
            inst.runs = [run for run in inst.runs if run.start <= now]
            if inst.released_at is not None:
                ready = inst.released_at  # releasing drops the time dependency too
            else:
                ready = self._ready_after_predecessors(job, stream_start)
            inst.ready_at = ready
            if inst.canceled_at is not None or inst.status_override is not None:
                continue
            if not inst.runs and not inst.held and ready < INF:
                dispatch = self.rng_for(index, 0).uniform(2.0, 20.0)
                inst.runs.append(self.make_run(job, 1, max(ready + dispatch, now)))
            self._add_recovery(inst, job, now)

    def _add_recovery(self, inst: JobInstance, job: JobDef, now: float) -> None:
        # Jobs defined with recovery option RERUN get one automatic rerun a minute after ABEND.
        if not job.recovery_rerun or not inst.runs or len(inst.runs) > 1:
            return
        last = inst.runs[-1]
        if last.final_status == "ABEND" and last.end + 60.0 > now:
            inst.runs.append(self.make_run(job, 2, last.end + 60.0, "RECOVERY_RERUN"))

    # ---------------------------------------------------------------- status
    def state_of(self, index: int, now: float) -> JobState:
        """The job's internal and common status at ``now``."""
        inst = self.instances[index]
        if inst.canceled_at is not None and inst.canceled_at <= now:
            return JobState("CANCL", "CANCELED", None, bool(inst.runs), False)
        if inst.status_override is not None and inst.override_at <= now:
            status = inst.status_override
            return JobState(status, COMMON_STATUS[status], _sub(status), True, status != "SUCC")
        last = None
        for run in inst.runs:
            if run.start <= now:
                last = run
        if last is not None:
            if now < last.end:
                return JobState("EXEC", "RUNNING", None, True, False)
            status = last.final_status
            return JobState(status, COMMON_STATUS[status], _sub(status), True, status != "SUCC")
        if inst.held:
            return JobState("HOLD", "HELD", "HOLD_PRIORITY_ZERO", False, False)
        if inst.ready_at <= now:
            return JobState("READY", "READY", "READY_SUBMITTED", False, False)
        stream = self.enterprise.streams[self.enterprise.jobs[index].stream]
        if now < self.day_start + stream.start_offset:
            return JobState("HOLD", "WAITING", "HOLD_WAITING_FOR_TIME", False, False)
        return JobState("HOLD", "WAITING", "HOLD_WAITING_FOR_PREDECESSOR", False, False)

    def unresolved_dependencies(self, index: int, now: float) -> int:
        inst = self.instances[index]
        if inst.released_at is not None and inst.released_at <= now:
            return 0
        job = self.enterprise.jobs[index]
        count = sum(1 for pred in job.job_predecessors if not self.job_satisfied(pred, now))
        count += sum(1 for s in job.stream_predecessors if not self.stream_satisfied(s, now))
        if now < self.stream_start(job.stream):
            count += len(job.resources) + len(job.files)
        return count

    def job_satisfied(self, pred: int, now: float) -> bool:
        """True when job ``pred`` ended successfully (or was cancelled) by ``now``."""
        status, at = self.completion(pred)
        return status in ("SUCC", "CANCL") and at <= now

    def stream_satisfied(self, stream_index: int, now: float) -> bool:
        status, at = self.stream_completion(stream_index)
        return status is not None and at <= now

    def stream_start(self, stream_index: int) -> float:
        return self.day_start + self.enterprise.streams[stream_index].start_offset

    def deadline(self, index: int) -> float:
        stream = self.enterprise.streams[self.enterprise.jobs[index].stream]
        return self.day_start + stream.deadline_offset

    def is_late(self, index: int, now: float) -> bool:
        """Late: not finished by its stream's deadline (or finished after it)."""
        inst = self.instances[index]
        deadline = self.deadline(index)
        if now <= deadline or inst.canceled_at is not None:
            return False
        status, at = self.completion(index)
        return status is None or at > deadline

    def is_settled(self, index: int, now: float) -> bool:
        """True when the job's API representation cannot change until an action edits its
        stream: it ended, nothing more is scheduled and its lateness is decided."""
        status, at = self.completion(index)
        if status is None or at > now:
            return False
        runs = self.instances[index].runs
        if runs and runs[-1].start > now:
            return False
        return now > self.deadline(index) or at <= self.deadline(index)

    def run_for_attempt(self, index: int, attempt: int) -> Run | None:
        for run in self.instances[index].runs:
            if run.attempt == attempt:
                return run
        return None


def _sub(status: str) -> str | None:
    return "SUCC_COMPLETED" if status == "SUCC" else None

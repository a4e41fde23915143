"""Stuck by our own model: a running job past the p99 of its own runtime distribution.

The p99 is that of the job's ordinary (log-normal) runtime tonight: a run beyond it has
entered the shop's hang tail, which is exactly what "stuck" means; the tail itself is not
part of the threshold (with the tail in, a hang would set its own bar). For each stuck job
the deadline jobs it delays are those a hang of it would make miss, with their chance of
being missed now (the simulation already knows how long it has run) and if it never ends.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np

from resync_analytics.plan_graph.simulate import RuntimeDistribution, Simulation
from resync_analytics.plan_graph.what_if import MissedDeadline, Scenario, what_if
from resync_core.job_runs import JobRunRecord
from resync_core.plan_graph import PlanEdge

STUCK_QUANTILE = 0.99
# Standard normal quantiles: under a log-normal runtime, log p99 - log p50 is this ratio
# times log p90 - log p50, so two stored quantiles give the third without the model.
_Z90, _Z99 = 1.2815516, 2.3263479
# A stuck run names at most this many deadline jobs it delays, nearest first.
MAX_DELAYED_DEADLINES = 10
_TIMED_KINDS = frozenset({"job", "job_stream"})
_NO_LONGER_WAITING = frozenset({"satisfied", "released"})


@dataclass(frozen=True)
class StuckJob:
    """A running job beyond its p99: how long it has run, its p99, how far beyond (seconds
    and times the p99) and the deadline jobs it delays."""

    job_key: str
    started_at: datetime | None
    elapsed_seconds: float
    p99_seconds: float
    beyond_seconds: float
    delays: tuple[MissedDeadline, ...]

    @property
    def times_p99(self) -> float:
        return self.elapsed_seconds / self.p99_seconds if self.p99_seconds > 0 else np.inf


def stuck_jobs(
    sim: Simulation,
    runtimes: RuntimeDistribution,
    *,
    quantile: float = STUCK_QUANTILE,
    deadlines: bool = True,
) -> list[StuckJob]:
    """The running jobs (started, not ended, per ``sim.tonight``) past their own
    ``quantile`` runtime at ``sim.tonight.now``, furthest beyond first; ``deadlines``
    False skips naming the deadlines each delays (a what-if per stuck job)."""
    tonight = sim.tonight
    if not np.isfinite(tonight.now):
        raise ValueError("deciding whether a job is stuck needs the current time (Tonight.now)")
    running = np.isfinite(tonight.started_at) & np.isnan(tonight.ended_at)
    elapsed = np.where(running, tonight.now - tonight.started_at, np.nan)
    limit = runtimes.quantile(quantile)
    with np.errstate(invalid="ignore"):
        stuck = np.flatnonzero(running & (elapsed > limit))
    dag = sim.dag
    found = []
    for node in stuck.tolist():
        delays = (
            what_if(sim, Scenario("hang", dag.keys[node]), missed_probability=0.0).missed
            if deadlines
            else ()
        )
        found.append(
            StuckJob(
                job_key=dag.keys[node],
                started_at=dag.at(float(tonight.started_at[node])),
                elapsed_seconds=float(elapsed[node]),
                p99_seconds=float(limit[node]),
                beyond_seconds=float(elapsed[node] - limit[node]),
                delays=delays,
            )
        )
    found.sort(key=lambda job: -job.times_p99)
    return found


# Stuck in the poller: the same p99 test per poll cycle, from the stored scores alone (no
# simulation: it runs every cycle over every running job).


def lognormal_p99(p50: float, p90: float) -> float:
    """The p99 of a log-normal runtime with median ``p50`` and 90th percentile ``p90``
    (seconds): ``p50 * (p90 / p50) ** (z99 / z90)``. A p90 below the median (no spread)
    gives the median."""
    if not (np.isfinite(p50) and np.isfinite(p90)) or p50 <= 0 or p90 <= 0:
        raise ValueError(f"runtime quantiles must be positive seconds, got p50={p50}, p90={p90}")
    return p50 * max(p90 / p50, 1.0) ** (_Z99 / _Z90)


def run_plan_day(run: JobRunRecord) -> date | None:
    """The plan day of a run: the UTC date of its scheduled time (None without one)."""
    return None if run.sched_time is None else run.sched_time.astimezone(UTC).date()


def running_runs(runs: Iterable[JobRunRecord]) -> list[JobRunRecord]:
    """The runs started and not ended, with a plan day (their score is filed under it)."""
    return [
        run
        for run in runs
        if run.start_time is not None
        and run.end_time is None
        and not run.finished
        and run.sched_time is not None
    ]


def running_keys(runs: Iterable[JobRunRecord]) -> set[tuple[date, str]]:
    """``(plan day, job key)`` of each running run: where its stored score is filed."""
    return {
        (run.sched_time.astimezone(UTC).date(), run.job_key)
        for run in running_runs(runs)
        if run.sched_time is not None
    }


@dataclass(frozen=True)
class DelayedDeadline:
    """A deadline job downstream of a stuck run: ``hops`` edges away."""

    job_key: str
    deadline: datetime
    hops: int


@dataclass(frozen=True)
class OverdueRun:
    """A running run past the p99 of its own runtime distribution tonight."""

    run_id: str
    job_key: str
    plan_day: date
    elapsed_seconds: float
    p99_seconds: float
    delays: tuple[DelayedDeadline, ...] = field(default=())

    @property
    def ratio(self) -> float:
        """Elapsed time in multiples of the p99."""
        return self.elapsed_seconds / self.p99_seconds

    @property
    def beyond_seconds(self) -> float:
        return self.elapsed_seconds - self.p99_seconds


def overdue_runs(
    runs: Iterable[JobRunRecord],
    quantiles: Mapping[tuple[date, str], tuple[float, float]],
    now: datetime,
) -> list[OverdueRun]:
    """The running ``runs`` whose elapsed time at ``now`` is past their p99, derived from
    ``quantiles`` ((plan day, job key) -> stored p50, p90 seconds), furthest beyond first.
    A run without stored quantiles is never overdue by this test (nothing to compare to)."""
    found = []
    for run in running_runs(runs):
        day = run_plan_day(run)
        assert day is not None and run.start_time is not None  # running_runs keeps these
        known = quantiles.get((day, run.job_key))
        if known is None:
            continue
        p99 = lognormal_p99(*known)
        elapsed = (now - run.start_time).total_seconds()
        if elapsed > p99:
            found.append(OverdueRun(run.run_id, run.job_key, day, elapsed, p99))
    found.sort(key=lambda one: (-one.ratio, one.run_id))
    return found


def downstream_deadlines(
    job_key: str,
    edges: Sequence[PlanEdge],
    deadlines: Mapping[str, datetime | None],
    *,
    limit: int = MAX_DELAYED_DEADLINES,
) -> tuple[DelayedDeadline, ...]:
    """The deadline jobs that wait, directly or not, for ``job_key`` along the timed
    ``edges`` still waiting (a ``job_stream`` edge waits for every job of its stream),
    nearest first (fewest edges, then soonest deadline), at most ``limit``."""
    following: dict[str, list[str]] = {}
    for edge in edges:
        if edge.kind in _TIMED_KINDS and edge.status not in _NO_LONGER_WAITING:
            following.setdefault(edge.predecessor_key, []).append(edge.successor_key)
    hops = {job_key: 0}
    queue = deque([job_key])
    while queue:
        current = queue.popleft()
        stream = current.rsplit(".", 1)[0]  # WORKSTATION#STREAM of WORKSTATION#STREAM.JOB
        for successor in (*following.get(current, ()), *following.get(stream, ())):
            if successor not in hops:
                hops[successor] = hops[current] + 1
                queue.append(successor)
    found = [
        DelayedDeadline(key, deadline, distance)
        for key, distance in hops.items()
        if distance > 0 and (deadline := deadlines.get(key)) is not None
    ]
    found.sort(key=lambda one: (one.hops, one.deadline, one.job_key))
    return tuple(found[:limit])

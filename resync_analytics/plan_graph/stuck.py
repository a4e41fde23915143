"""Stuck by our own model: a running job past the p99 of its own runtime distribution.

The p99 is that of the job's ordinary (log-normal) runtime tonight: a run beyond it has
entered the shop's hang tail, which is exactly what "stuck" means; the tail itself is not
part of the threshold (with the tail in, a hang would set its own bar). For each stuck job
the deadline jobs it delays are those a hang of it would make miss, with their chance of
being missed now (the simulation already knows how long it has run) and if it never ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from resync_analytics.plan_graph.simulate import RuntimeDistribution, Simulation
from resync_analytics.plan_graph.what_if import MissedDeadline, Scenario, what_if

STUCK_QUANTILE = 0.99


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

"""What-if on tonight's plan: a job hangs, fails or ends late; which deadlines are missed.

Each scenario pins the chosen job's end in every simulation and recomputes only the jobs
downstream of it, with the same runtime draws (common random numbers): the difference to
the base simulation is the scenario's effect, not sampling noise.

- hang: the job never ends tonight; every deadline behind it is missed, by an unbounded
  amount (``minutes_late`` None);
- fail: the job ends in error, is rerun after ``recovery_minutes`` (someone reacts) and runs
  its full runtime again;
- delay: the job ends ``minutes`` later than it would have.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np

from resync_analytics.plan_graph.graph import PlanDag
from resync_analytics.plan_graph.simulate import Simulation, propagate

ScenarioKind = Literal["hang", "fail", "delay"]
# A deadline counts as missed when it is missed in at least this share of simulations.
MISSED_PROBABILITY = 0.5
DEFAULT_RECOVERY_MINUTES = 30.0


@dataclass(frozen=True)
class Scenario:
    kind: ScenarioKind
    job_key: str
    minutes: float = 0.0
    recovery_minutes: float = DEFAULT_RECOVERY_MINUTES

    def __post_init__(self) -> None:
        if self.kind not in ("hang", "fail", "delay"):
            raise ValueError(f"unknown scenario {self.kind!r}: hang, fail or delay")
        if self.kind == "delay" and self.minutes <= 0:
            raise ValueError("a delay needs a positive number of minutes")

    def describe(self) -> str:
        if self.kind == "delay":
            return f"{self.job_key} ends {self.minutes:g} min late"
        if self.kind == "fail":
            return f"{self.job_key} fails and is rerun after {self.recovery_minutes:g} min"
        return f"{self.job_key} hangs"


@dataclass(frozen=True)
class MissedDeadline:
    """A deadline job missed in the scenario: the chance before and after, and by how
    many minutes (median over simulations; None: never, its predecessor hangs)."""

    job_key: str
    deadline: datetime | None
    probability_before: float
    probability_after: float
    minutes_late: float | None
    added_minutes: float | None


@dataclass(frozen=True)
class WhatIf:
    scenario: Scenario
    missed: tuple[MissedDeadline, ...]
    expected_minutes_lost: float  # mean over simulations of the added minutes late, summed

    @property
    def unbounded(self) -> bool:
        return any(m.minutes_late is None for m in self.missed)


def scenario_end(sim: Simulation, node: int, scenario: Scenario) -> np.ndarray:
    """The chosen job's end in every simulation under ``scenario``."""
    end = sim.end[node]
    if scenario.kind == "hang":
        return np.full_like(end, np.inf)
    if scenario.kind == "fail":
        return end + np.float32(scenario.recovery_minutes * 60.0) + sim.runtime[node]
    return end + np.float32(scenario.minutes * 60.0)


def what_if(
    sim: Simulation,
    scenario: Scenario,
    *,
    missed_probability: float = MISSED_PROBABILITY,
    downstream: np.ndarray | None = None,
) -> WhatIf:
    """The deadlines missed (at least ``missed_probability`` of simulations) if
    ``scenario`` happens, worst first; ``downstream`` (the job's descendants) may be passed
    when already known."""
    dag = sim.dag
    node = dag.node(scenario.job_key)
    below = dag.descendants(node) if downstream is None else downstream
    changed = propagate(
        dag,
        sim.runtime,
        sim.tonight,
        base=sim,
        active=below,
        fixed_end={node: scenario_end(sim, node, scenario)},
    )
    affected = below.copy()
    affected[node] = True
    return _compare(dag, sim, changed, affected, scenario, missed_probability)


def _compare(
    dag: PlanDag,
    before: Simulation,
    after: Simulation,
    affected: np.ndarray,
    scenario: Scenario,
    missed_probability: float,
) -> WhatIf:
    nodes = np.flatnonzero(affected & np.isfinite(dag.deadline))
    if not nodes.size:
        return WhatIf(scenario, (), 0.0)
    deadline = dag.deadline[nodes].astype(np.float32)[:, None]
    late_before = before.end[nodes] - deadline
    late_after = after.end[nodes] - deadline
    with np.errstate(invalid="ignore"):
        added = np.maximum(late_after, 0) - np.maximum(late_before, 0)
    p_before = (late_before > 0).mean(axis=1)
    p_after = (late_after > 0).mean(axis=1)
    median_late = np.median(late_after, axis=1)
    median_added = np.median(added, axis=1)
    finite_added = np.where(np.isfinite(added), added, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a hang: no finite minutes at all
        lost = float(np.nansum(np.nanmean(finite_added, axis=1))) / 60.0
    missed = [
        MissedDeadline(
            job_key=dag.keys[node],
            deadline=dag.at(float(dag.deadline[node])),
            probability_before=float(p_before[row]),
            probability_after=float(p_after[row]),
            minutes_late=float(median_late[row]) / 60 if np.isfinite(median_late[row]) else None,
            added_minutes=float(median_added[row]) / 60 if np.isfinite(median_added[row]) else None,
        )
        for row, node in enumerate(nodes.tolist())
        if p_after[row] >= missed_probability
    ]
    missed.sort(key=lambda m: -(np.inf if m.minutes_late is None else m.minutes_late))
    return WhatIf(scenario, tuple(missed), lost)


@dataclass(frozen=True)
class SinglePointOfFailure:
    """A job whose failure tonight would cost the most: the deadlines it would make miss
    and the expected minutes late it would add over all deadlines."""

    job_key: str
    outcome: WhatIf


def path_centrality(sim: Simulation, *, max_sims: int = 200) -> np.ndarray:
    """Per node: over all deadline jobs, the summed share of simulations it lay on the chain
    that set their start (how many deadlines' paths it carries)."""
    dag = sim.dag
    sims = min(sim.sims, max_sims)
    targets = np.flatnonzero(np.isfinite(dag.deadline))
    weight = np.zeros(dag.size)
    chunk = max(1, 400_000 // sims)
    for first in range(0, targets.size, chunk):
        part = targets[first : first + chunk]
        cols = np.tile(np.arange(sims), part.size)
        current = np.repeat(part, sims)
        while current.size:
            previous = sim.driver[current, cols]
            moving = previous >= 0
            cols, current = cols[moving], previous[moving].astype(np.int64)
            weight += np.bincount(current, minlength=dag.size)
    return weight / sims


def single_points_of_failure(
    sim: Simulation,
    safe_end: np.ndarray,
    *,
    top: int = 3,
    candidates: int = 20,
    recovery_minutes: float = DEFAULT_RECOVERY_MINUTES,
) -> list[SinglePointOfFailure]:
    """Tonight's ``top`` jobs whose failure would cost the most expected minutes late over
    all deadlines. Evaluating a failure of every job would cost a simulation each, so the
    ``candidates`` evaluated exactly are those on the most deadlines' paths and those with
    the least slack before a deadline (half each). A job nothing waits for is none: its
    failure costs its own deadline only."""
    dag = sim.dag
    centrality = path_centrality(sim)
    awaited = np.bincount(dag.pred, minlength=dag.size) > 0
    with np.errstate(invalid="ignore"):
        slack = np.where(np.isfinite(safe_end), safe_end - sim.end.mean(axis=1), np.inf)
    pool: list[int] = []
    by_centrality = np.argsort(-centrality, kind="stable")
    by_slack = np.argsort(slack, kind="stable")
    for ranking, usable in ((by_centrality, centrality > 0), (by_slack, np.isfinite(slack))):
        for node in ranking[: candidates // 2 + candidates % 2].tolist():
            if usable[node] and awaited[node] and node not in pool:
                pool.append(node)
    results = [
        SinglePointOfFailure(
            dag.keys[node],
            what_if(sim, Scenario("fail", dag.keys[node], recovery_minutes=recovery_minutes)),
        )
        for node in pool
    ]
    results.sort(key=lambda one: (-one.outcome.expected_minutes_lost, -len(one.outcome.missed)))
    return [one for one in results[:top] if one.outcome.expected_minutes_lost > 0]

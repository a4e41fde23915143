"""Latest safe ends, critical paths and hot lists of the jobs with a deadline.

Latest safe end (WSA's critical start, one step later): computed backwards from every
deadline, ``latest_safe_end(pred) = min over successors (latest_safe_end(succ) -
runtime(succ))`` with a job's own deadline as a bound. The runtime used is one high quantile
(``SAFE_END_QUANTILE``, the p90 of the job's ordinary log-normal runtime), not the per-sim
draws: an operator needs one instant per job ("end by 02:10 or a deadline is at risk"), and
the p90 is the figure the risk reasons already quote. The hang tail is left out of it: it is
what the slack protects against.

Critical path of a deadline job: in each simulation, following ``driver`` back from the job
gives the chain of predecessors that actually set its start. A predecessor's share is how
often it lay on that chain; the critical path walks back from the job through the
predecessor with the highest share at each step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from resync_analytics.plan_graph.graph import PlanDag
from resync_analytics.plan_graph.simulate import RuntimeDistribution, Simulation

SAFE_END_QUANTILE = 0.9
# Job states worth naming in a hot list even off the most likely path (lower case).
TROUBLE_STATES = frozenset({"error", "held", "late", "running_long"})
# Tracing every simulation's path costs sims x depth per job: this many simulations suffice
# for shares to the nearest percent or two.
PATH_SIMS = 200


def latest_safe_end(
    dag: PlanDag, runtimes: RuntimeDistribution, quantile: float = SAFE_END_QUANTILE
) -> np.ndarray:
    """Per node, seconds after the origin by which it must end so that every deadline
    downstream (and its own) can still be met with p``quantile`` runtimes; +inf when no
    deadline depends on it."""
    safe = np.where(np.isnan(dag.deadline), np.inf, dag.deadline)
    needed = runtimes.quantile(quantile)
    # Levels from the deepest: a successor's value is final before its predecessors read it.
    for depth in range(dag.levels - 1, 0, -1):
        lo, hi = dag.edge_bounds[depth], dag.edge_bounds[depth + 1]
        if hi > lo:
            succ = dag.succ[lo:hi]
            np.minimum.at(safe, dag.pred[lo:hi], safe[succ] - needed[succ])
    return safe


def predecessor_csr(dag: PlanDag) -> tuple[np.ndarray, np.ndarray]:
    """``sources[offsets[i]:offsets[i + 1]]`` are node ``i``'s predecessors."""
    order = np.argsort(dag.succ, kind="stable")
    offsets = np.zeros(dag.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(dag.succ, minlength=dag.size), out=offsets[1:])
    return offsets, dag.pred[order]


def path_shares(
    sim: Simulation, targets: Sequence[int] | np.ndarray, *, max_sims: int = PATH_SIMS
) -> list[dict[int, float]]:
    """Per target, the share of simulations each upstream node lay on the chain that set
    the target's start. All targets of a chunk are traced together, one step back a
    time."""
    targets = np.asarray(targets, dtype=np.int64)
    sims = min(sim.sims, max_sims)
    driver = sim.driver[:, :sims]
    out: list[dict[int, float]] = []
    chunk = max(1, 200_000 // sims)
    for first in range(0, targets.size, chunk):
        part = targets[first : first + chunk]
        rows = np.repeat(np.arange(part.size), sims)
        cols = np.tile(np.arange(sims), part.size)
        current = np.repeat(part, sims)
        seen_rows, seen_nodes = [], []
        while current.size:
            previous = driver[current, cols]
            moving = previous >= 0
            rows, cols, current = rows[moving], cols[moving], previous[moving].astype(np.int64)
            seen_rows.append(rows)
            seen_nodes.append(current)
        shares: list[dict[int, float]] = [{} for _ in range(part.size)]
        if seen_rows:
            key = np.concatenate(seen_rows) * sim.dag.size + np.concatenate(seen_nodes)
            unique, counts = np.unique(key, return_counts=True)
            for value, count in zip(unique.tolist(), counts.tolist(), strict=True):
                row, node = divmod(value, sim.dag.size)
                shares[row][node] = count / sims
        out.extend(shares)
    return out


def critical_path(
    dag: PlanDag, target: int, shares: Mapping[int, float], csr: tuple[np.ndarray, np.ndarray]
) -> list[int]:
    """Node numbers from the first job of the target's critical path to the target."""
    offsets, sources = csr
    path = [target]
    node = target
    while True:
        candidates = sources[offsets[node] : offsets[node + 1]]
        best = max(candidates.tolist(), key=lambda p: shares.get(p, 0.0), default=None)
        if best is None or shares.get(best, 0.0) <= 0.0:
            return path[::-1]
        path.append(best)
        node = best


@dataclass(frozen=True)
class HotJob:
    """A predecessor that drives a deadline job's risk: how often it was on the path that
    set the start (``path_share``), its slack (latest safe end minus its median end,
    seconds; negative: already expected too late) and its state tonight, if troubling."""

    job_key: str
    path_share: float
    slack_seconds: float
    state: str | None


@dataclass(frozen=True)
class DeadlineRisk:
    """Tonight's risk of one deadline job as the graph sees it."""

    job_key: str
    deadline: datetime | None
    late_probability: float
    median_end: datetime | None
    latest_safe_end: datetime | None
    critical_path: tuple[str, ...]
    hot: tuple[HotJob, ...]


def ancestors(node: int, csr: tuple[np.ndarray, np.ndarray], size: int) -> np.ndarray:
    """Boolean mask of every node ``node`` waits for, transitively."""
    offsets, sources = csr
    seen = np.zeros(size, dtype=bool)
    frontier = np.array([node], dtype=np.int64)
    while frontier.size:
        counts = offsets[frontier + 1] - offsets[frontier]
        starts = np.repeat(offsets[frontier] - np.cumsum(counts) + counts, counts)
        found = sources[starts + np.arange(int(counts.sum()), dtype=np.int64)]
        found = np.unique(found[~seen[found]])
        seen[found] = True
        frontier = found
    return seen


def deadline_risks(
    sim: Simulation,
    runtimes: RuntimeDistribution,
    *,
    targets: Iterable[str] | None = None,
    states: Mapping[str, str] | None = None,
    hot_size: int = 5,
    safe: np.ndarray | None = None,
) -> dict[str, DeadlineRisk]:
    """Per job with a deadline (or the ``targets`` among them): late probability, critical
    path, latest safe end and hot list. ``states`` maps job keys to their state tonight (lower
    case; ``TROUBLE_STATES`` are named in the hot list even off the likeliest path)."""
    dag = sim.dag
    index = dag.index()
    safe = latest_safe_end(dag, runtimes) if safe is None else safe
    if targets is None:
        chosen = np.flatnonzero(np.isfinite(dag.deadline))
    else:
        chosen = np.array([index[key] for key in targets if key in index], dtype=np.int64)
        chosen = chosen[np.isfinite(dag.deadline[chosen])]
    if not chosen.size:
        return {}
    late = sim.late_probability()
    median_end = np.median(sim.end[chosen], axis=1)
    csr = predecessor_csr(dag)
    trouble = {
        key: state for key, state in (states or {}).items() if state.lower() in TROUBLE_STATES
    }
    troubled = np.array([index[key] for key in trouble if key in index], dtype=np.int64)
    all_shares = path_shares(sim, chosen)
    ends = None
    out: dict[str, DeadlineRisk] = {}
    for position, (node, shares) in enumerate(zip(chosen.tolist(), all_shares, strict=True)):
        ranked = sorted(shares.items(), key=lambda item: -item[1])[:hot_size]
        hot_nodes = [n for n, _ in ranked]
        if troubled.size:
            upstream = troubled[ancestors(node, csr, dag.size)[troubled]]
            hot_nodes += [int(n) for n in upstream if int(n) not in hot_nodes]
        if hot_nodes:
            if ends is None:
                ends = {}
            for n in hot_nodes:
                if n not in ends:
                    ends[n] = float(np.median(sim.end[n]))
        hot = tuple(
            HotJob(
                dag.keys[n],
                shares.get(n, 0.0),
                float(safe[n] - ends[n]) if ends is not None else float("nan"),
                trouble.get(dag.keys[n]),
            )
            for n in hot_nodes
        )
        out[dag.keys[node]] = DeadlineRisk(
            job_key=dag.keys[node],
            deadline=dag.at(float(dag.deadline[node])),
            late_probability=float(late[node]),
            median_end=dag.at(float(median_end[position])),
            latest_safe_end=dag.at(float(safe[node])),
            critical_path=tuple(dag.keys[i] for i in critical_path(dag, node, shares, csr)),
            hot=hot,
        )
    return out

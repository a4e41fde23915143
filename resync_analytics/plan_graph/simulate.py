"""Monte Carlo of tonight's plan over its DAG: every job's start, end and lateness.

A job starts at the latest of its predecessors' ends and its own earliest start (and not
before now); it runs for a runtime drawn from its distribution: tonight's log-normal of the
runtime model (``resync_analytics.maintenance.runtimes``) or, as often as the shop's runs
land far beyond their model, its median times one of those tail ratios (a hang).

Simulations are columns: ``start``, ``end`` and ``runtime`` are ``(n_jobs, n_sims)`` float32
arrays of seconds after the plan's origin, computed one topological level at a time. A
level's edges are contiguous and sorted by successor, so the latest predecessor end of every
successor of the level is one ``np.maximum.reduceat`` over the gathered ends, and which
predecessor set it (``driver``, kept for the critical path) a second one over their numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtri

from resync_analytics.maintenance.runtimes import RuntimeModel
from resync_analytics.plan_graph.graph import PlanDag

# A job with no history runs as long as the shop's median job, with this wide a spread.
UNKNOWN_LOG_SIGMA = 1.0


@dataclass(frozen=True)
class RuntimeDistribution:
    """Per node: log-normal ``log_mu``/``log_sigma`` of tonight's runtime; shop-wide: the
    ``tail_share`` of runs that land far beyond their model and their ``tail_ratios``
    (runtime over the model's median)."""

    log_mu: np.ndarray
    log_sigma: np.ndarray
    tail_share: float = 0.0
    tail_ratios: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def quantile(self, q: float) -> np.ndarray:
        """The ordinary (log-normal) runtime quantile per node. The hang tail is left out
        on purpose: it is the risk a slack protects against, not part of the slack."""
        return np.exp(self.log_mu + float(ndtri(q)) * self.log_sigma)

    def sample(self, rng: np.random.Generator, sims: int) -> np.ndarray:
        """``(n, sims)`` float32 runtimes in seconds."""
        n = self.log_mu.size
        mu = self.log_mu.astype(np.float32)[:, None]
        sigma = self.log_sigma.astype(np.float32)[:, None]
        draws = rng.standard_normal((n, sims), dtype=np.float32)
        draws *= sigma
        draws += mu
        np.exp(draws, out=draws)
        if self.tail_share > 0 and self.tail_ratios.size:
            if self.tail_share <= 0.05:
                # A binomial count of hung cells, placed uniformly (a repeated cell is rare
                # at such shares), instead of one uniform draw per cell.
                count = rng.binomial(n * sims, self.tail_share)
                rows, cols = np.divmod(rng.integers(0, n * sims, count), sims)
            else:
                rows, cols = np.nonzero(rng.random((n, sims)) < self.tail_share)
                count = rows.size
            ratios = rng.choice(self.tail_ratios.astype(np.float32), size=count)
            draws[rows, cols] = np.exp(mu[rows, 0]) * ratios
        return draws


def runtime_distribution(
    model: RuntimeModel, model_keys: Sequence[str], plan_keys: Sequence[str]
) -> RuntimeDistribution:
    """Tonight's runtime model (rows are ``model_keys``, the history's job categories)
    reordered to the plan's nodes. A job with no history runs like the shop's median job
    with a wide spread (``UNKNOWN_LOG_SIGMA``), never for zero seconds."""
    position = {key: row for row, key in enumerate(model_keys)}
    rows = np.array([position.get(key, -1) for key in plan_keys], dtype=np.int64)
    mu_all = model.jobs["log_mu"].to_numpy(dtype=float)
    sigma_all = model.jobs["log_sigma"].to_numpy(dtype=float)
    known = rows >= 0
    mu = np.full(len(plan_keys), np.nan)
    sigma = np.full(len(plan_keys), np.nan)
    mu[known], sigma[known] = mu_all[rows[known]], sigma_all[rows[known]]
    usable = np.isfinite(mu) & np.isfinite(sigma)
    fallback = float(np.nanmedian(mu_all)) if np.isfinite(mu_all).any() else np.log(60.0)
    mu = np.where(usable, mu, fallback)
    sigma = np.where(usable, sigma, UNKNOWN_LOG_SIGMA)
    return RuntimeDistribution(mu, sigma, model.tail.share, model.tail.ratios)


@dataclass(frozen=True)
class Tonight:
    """What is already known tonight, per node (seconds after the origin, NaN: not yet):
    when a job started and when it ended, and ``now`` (no job still to start starts
    before it)."""

    started_at: np.ndarray
    ended_at: np.ndarray
    now: float = float("-inf")

    @classmethod
    def nothing_yet(cls, size: int, now: float = float("-inf")) -> Tonight:
        return cls(np.full(size, np.nan), np.full(size, np.nan), now)


@dataclass(frozen=True)
class Simulation:
    """``start``, ``end``, ``runtime`` ``(n, sims)`` and ``driver`` (the predecessor node
    whose end set the start; -1: the job's own earliest start, now, or its real start)."""

    dag: PlanDag
    runtime: np.ndarray
    start: np.ndarray
    end: np.ndarray
    driver: np.ndarray
    floor: np.ndarray
    tonight: Tonight

    @property
    def sims(self) -> int:
        return int(self.end.shape[1])

    def lateness(self) -> np.ndarray:
        """``(n, sims)`` seconds each job ends after its deadline (NaN: no deadline)."""
        return self.end - self.dag.deadline.astype(np.float32)[:, None]

    def late_probability(self) -> np.ndarray:
        """Share of simulations a job ends after its deadline (0 without a deadline)."""
        with np.errstate(invalid="ignore"):
            late = self.end > self.dag.deadline.astype(np.float32)[:, None]
        return late.mean(axis=1)

    def end_quantile(self, q: float) -> np.ndarray:
        return np.quantile(self.end, q, axis=1)


def simulate(
    dag: PlanDag,
    runtimes: RuntimeDistribution,
    *,
    sims: int = 400,
    seed: int = 0,
    tonight: Tonight | None = None,
) -> Simulation:
    """Propagate ``sims`` runtime draws through the plan."""
    if sims < 1:
        raise ValueError("at least one simulation is needed")
    if runtimes.log_mu.size != dag.size:
        raise ValueError(f"{runtimes.log_mu.size} runtimes for a plan of {dag.size} jobs")
    state = tonight or Tonight.nothing_yet(dag.size)
    rng = np.random.default_rng(seed)
    runtime = runtimes.sample(rng, sims)
    _condition_running(runtime, runtimes, state, rng)
    return propagate(dag, runtime, state)


def _condition_running(
    runtime: np.ndarray, runtimes: RuntimeDistribution, state: Tonight, rng: np.random.Generator
) -> None:
    """A running job has already run ``now - started_at``: redraw the runtimes it has
    already outlived (a few times). A job beyond nearly every draw is in the unknown part
    of its tail: it runs on for an exponential share of what it has run so far (a run that
    has hung an hour is expected to take about another hour, not to end now)."""
    running = np.flatnonzero(np.isfinite(state.started_at) & np.isnan(state.ended_at))
    if not running.size or not np.isfinite(state.now):
        return
    elapsed = (state.now - state.started_at[running]).astype(np.float32)[:, None]
    part = RuntimeDistribution(
        runtimes.log_mu[running],
        runtimes.log_sigma[running],
        runtimes.tail_share,
        runtimes.tail_ratios,
    )
    block = runtime[running]
    for _ in range(8):
        short = block <= elapsed
        if not short.any():
            break
        block = np.where(short, part.sample(rng, runtime.shape[1]), block)
    short = block <= elapsed
    if short.any():
        lasting = elapsed * (1.0 + rng.exponential(1.0, block.shape).astype(np.float32))
        block = np.where(short, lasting, block)
    runtime[running] = block


def start_floor(dag: PlanDag, tonight: Tonight) -> np.ndarray:
    """Earliest possible start per node: its own earliest start and now (origin if none)."""
    floor = np.nan_to_num(dag.earliest_start, nan=0.0)
    return np.maximum(floor, tonight.now)


def propagate(
    dag: PlanDag,
    runtime: np.ndarray,
    tonight: Tonight,
    *,
    base: Simulation | None = None,
    active: np.ndarray | None = None,
    fixed_end: Mapping[int, np.ndarray] | None = None,
) -> Simulation:
    """Starts and ends for the given runtimes, level by level.

    With ``base`` and ``active`` (a node mask), only active nodes are recomputed and every
    other node keeps ``base``'s values: a what-if touches only the jobs downstream of the
    job it changes. ``fixed_end`` pins a node's end per simulation (a hang: infinity)."""
    n, sims = runtime.shape
    floor = start_floor(dag, tonight).astype(np.float32)
    if base is None:
        start = np.repeat(floor[:, None], sims, axis=1)
        end = np.empty_like(start)
        driver = np.full((n, sims), -1, dtype=np.int32)
        pred, succ, level = dag.pred, dag.succ, dag.level
        nodes = np.arange(n)
    else:
        start, end, driver = base.start.copy(), base.end.copy(), base.driver.copy()
        mask = np.ones(n, dtype=bool) if active is None else active
        keep = mask[dag.succ]
        pred, succ, level = dag.pred[keep], dag.succ[keep], dag.level
        nodes = np.flatnonzero(mask)
    bounds = np.searchsorted(level[succ], np.arange(dag.levels + 1), side="left")
    node_order = nodes[np.argsort(level[nodes], kind="stable")]
    node_bounds = np.searchsorted(level[node_order], np.arange(dag.levels + 1), side="left")
    started = np.isfinite(tonight.started_at)
    ended = np.isfinite(tonight.ended_at)
    pinned = dict(fixed_end or {})
    for node, values in pinned.items():  # also when the node itself is not recomputed
        end[node] = values

    for depth in range(dag.levels):
        lo, hi = bounds[depth], bounds[depth + 1]
        if hi > lo:
            _join_predecessors(pred[lo:hi], succ[lo:hi], start, end, driver, floor)
        members = node_order[node_bounds[depth] : node_bounds[depth + 1]]
        if not members.size:
            continue
        real = members[started[members]]
        if real.size:  # a job that started did so when it did
            start[real] = tonight.started_at[real].astype(np.float32)[:, None]
            driver[real] = -1
        end[members] = start[members] + runtime[members]
        done = members[ended[members]]
        if done.size:
            end[done] = tonight.ended_at[done].astype(np.float32)[:, None]
        if pinned:
            for node in members[np.isin(members, list(pinned))]:
                end[node] = pinned[int(node)]
    return Simulation(dag, runtime, start, end, driver, floor, tonight)


def _join_predecessors(
    pred: np.ndarray,
    succ: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    driver: np.ndarray,
    floor: np.ndarray,
) -> None:
    """One level: each successor starts at the latest of its predecessors' ends and its
    floor; ``driver`` records the predecessor that was latest (-1: the floor). Most jobs
    wait for one job only: they take its end as is, and only joins pay for reductions."""
    heads = np.flatnonzero(np.r_[True, succ[1:] != succ[:-1]])
    sizes = np.diff(np.r_[heads, succ.size])
    single = sizes == 1
    if single.any():
        one = heads[single]
        _start_after(succ[one], end[pred[one]], pred[one], start, driver, floor)
    if not single.all():
        joined = np.repeat(~single, sizes)
        pred, succ = pred[joined], succ[joined]
        heads = np.flatnonzero(np.r_[True, succ[1:] != succ[:-1]])
        sizes = np.diff(np.r_[heads, succ.size])
        ends = end[pred]
        latest = np.maximum.reduceat(ends, heads, axis=0)
        hit = ends >= np.repeat(latest, sizes, axis=0)
        who = np.maximum.reduceat(
            np.where(hit, pred.astype(np.int32)[:, None], np.int32(-1)), heads, axis=0
        )
        _start_after(succ[heads], latest, who, start, driver, floor)


def _start_after(
    targets: np.ndarray,
    latest: np.ndarray,
    who: np.ndarray,
    start: np.ndarray,
    driver: np.ndarray,
    floor: np.ndarray,
) -> None:
    own = floor[targets][:, None]
    start[targets] = np.maximum(latest, own)
    who = who if who.ndim == 2 else who.astype(np.int32)[:, None]
    driver[targets] = np.where(latest >= own, who, -1)

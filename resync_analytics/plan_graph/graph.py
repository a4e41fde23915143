"""The plan's dependency graph as arrays: nodes, job edges, topological levels.

Built from ``PlanNode``s and ``PlanEdge``s. Only ``job`` and ``job_stream`` edges carry time
(a successor waits for its predecessor's end); ``resource`` and ``file`` edges name no job.
A ``job_stream`` predecessor (``WS#STREAM``) stands for every job of that stream in the plan.
Edges to jobs outside the plan (ended on an earlier day, or not in this plan) and edges TWS
already reports ``satisfied`` or ``released`` (the successor no longer waits) constrain
nothing tonight and are counted, not kept.

Everything downstream works level by level: a node's level is one more than its deepest
predecessor's, so every edge points from a lower level to a higher one and a level's nodes
can be computed together with array operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from resync_core.plan_graph import PlanEdge, PlanNode

_TIMED_KINDS = frozenset({"job", "job_stream"})
_NO_LONGER_WAITING = frozenset({"satisfied", "released"})


class PlanGraphCycleError(ValueError):
    """The plan's job edges form a cycle, so no job of it could ever start."""

    def __init__(self, cycle: Sequence[str]) -> None:
        self.cycle = tuple(cycle)
        super().__init__("dependency cycle in the plan: " + " -> ".join(self.cycle))


@dataclass(frozen=True)
class PlanDag:
    """The plan as arrays. Node ``i`` is ``keys[i]``; times are seconds after ``origin``
    (NaN: none). Edges ``pred[e] -> succ[e]`` are sorted by (level of successor, successor),
    so each level's edges are one contiguous slice (``edge_bounds[level]`` to
    ``edge_bounds[level + 1]``)."""

    keys: tuple[str, ...]
    origin: datetime
    earliest_start: np.ndarray
    deadline: np.ndarray
    pred: np.ndarray
    succ: np.ndarray
    level: np.ndarray
    edge_bounds: np.ndarray
    dropped_edges: int

    @property
    def size(self) -> int:
        return len(self.keys)

    @property
    def levels(self) -> int:
        return int(self.level.max()) + 1 if self.size else 0

    def index(self) -> dict[str, int]:
        """Job key -> node number."""
        return {key: position for position, key in enumerate(self.keys)}

    def node(self, key: str) -> int:
        """The node number of ``key``; a clear error for a job not in the plan."""
        try:
            return self.keys.index(key)
        except ValueError:
            raise KeyError(f"job {key!r} is not in the plan's graph") from None

    def at(self, seconds: float) -> datetime | None:
        """The instant ``seconds`` after the origin (None for NaN or infinity)."""
        if not np.isfinite(seconds):
            return None
        return datetime.fromtimestamp(self.origin.timestamp() + float(seconds), UTC)

    def successors(self) -> tuple[np.ndarray, np.ndarray]:
        """CSR of successors: ``targets[offsets[i]:offsets[i + 1]]`` follow node ``i``."""
        order = np.argsort(self.pred, kind="stable")
        offsets = np.zeros(self.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.pred, minlength=self.size), out=offsets[1:])
        return offsets, self.succ[order]

    def descendants(self, node: int) -> np.ndarray:
        """Boolean mask of the nodes that (transitively) wait for ``node`` (not itself)."""
        offsets, targets = self.successors()
        seen = np.zeros(self.size, dtype=bool)
        frontier = np.array([node], dtype=np.int64)
        while frontier.size:
            nxt = targets[_csr_slices(offsets, frontier)]
            nxt = np.unique(nxt[~seen[nxt]])
            seen[nxt] = True
            frontier = nxt
        return seen


def _csr_slices(offsets: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions of every entry of ``rows`` in a CSR array (concatenated, vectorised)."""
    counts = offsets[rows + 1] - offsets[rows]
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(offsets[rows] - np.cumsum(counts) + counts, counts)
    return starts + np.arange(total, dtype=np.int64)


def _seconds(moment: datetime | None, origin: datetime) -> float:
    if moment is None:
        return float("nan")
    if moment.tzinfo is None:
        raise ValueError(f"plan times must be timezone-aware, got {moment!r}")
    return (moment - origin).total_seconds()


def build_dag(
    nodes: Sequence[PlanNode], edges: Sequence[PlanEdge], origin: datetime | None = None
) -> PlanDag:
    """The plan's DAG. ``origin`` (default: the earliest earliest start) is time zero.

    Raises ``PlanGraphCycleError`` naming the jobs of a cycle, and ``ValueError`` for a job
    listed twice or a naive datetime."""
    keys = tuple(node.job_key for node in nodes)
    index = {key: position for position, key in enumerate(keys)}
    if len(index) != len(keys):
        seen: set[str] = set()
        twice = next(key for key in keys if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise ValueError(f"job {twice!r} is listed twice in the plan")
    if origin is None:
        starts = [node.earliest_start for node in nodes if node.earliest_start is not None]
        origin = min(starts) if starts else datetime(1970, 1, 1, tzinfo=UTC)
    earliest = np.array([_seconds(node.earliest_start, origin) for node in nodes], dtype=float)
    deadline = np.array([_seconds(node.deadline, origin) for node in nodes], dtype=float)

    by_stream: dict[str, list[int]] = {}
    for position, key in enumerate(keys):
        by_stream.setdefault(key.rsplit(".", 1)[0], []).append(position)
    pred: list[int] = []
    succ: list[int] = []
    dropped = 0
    for edge in edges:
        if edge.kind not in _TIMED_KINDS:
            continue
        if edge.status in _NO_LONGER_WAITING:
            dropped += 1
            continue
        after = index.get(edge.successor_key)
        if edge.kind == "job_stream":
            before = [p for p in by_stream.get(edge.predecessor_key, ()) if p != after]
        else:
            one = index.get(edge.predecessor_key)
            before = [] if one is None else [one]
        if after is None or not before:
            dropped += 1
            continue
        pred.extend(before)
        succ.extend([after] * len(before))
    pairs = np.unique(np.array([pred, succ], dtype=np.int64).reshape(2, -1), axis=1)
    return _levelled(keys, origin, earliest, deadline, pairs[0], pairs[1], dropped)


def dag_from_arrays(
    keys: Sequence[str],
    pred: np.ndarray,
    succ: np.ndarray,
    *,
    origin: datetime,
    earliest_start: np.ndarray | None = None,
    deadline: np.ndarray | None = None,
) -> PlanDag:
    """A DAG straight from node numbers (benchmarks and tests of 100k-job plans, where
    building a ``PlanEdge`` per edge would dominate the cost)."""
    n = len(keys)
    pairs = np.unique(np.array([pred, succ], dtype=np.int64).reshape(2, -1), axis=1)
    if pairs.size and (pairs.min() < 0 or pairs.max() >= n):
        raise ValueError("edge endpoints must be node numbers below the number of keys")
    return _levelled(
        tuple(keys),
        origin,
        np.full(n, np.nan) if earliest_start is None else np.asarray(earliest_start, float),
        np.full(n, np.nan) if deadline is None else np.asarray(deadline, float),
        pairs[0],
        pairs[1],
        0,
    )


def _levelled(
    keys: tuple[str, ...],
    origin: datetime,
    earliest: np.ndarray,
    deadline: np.ndarray,
    pred: np.ndarray,
    succ: np.ndarray,
    dropped: int,
) -> PlanDag:
    """Kahn's algorithm a level at a time: the frontier's out-edges lower their successors'
    in-degree together; nodes left with predecessors at the end lie on or behind a cycle."""
    n = len(keys)
    if np.any(pred == succ):
        raise PlanGraphCycleError([keys[int(pred[pred == succ][0])]] * 2)
    order = np.argsort(pred, kind="stable")
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(pred, minlength=n), out=offsets[1:])
    targets = succ[order]
    indegree = np.bincount(succ, minlength=n)
    level = np.full(n, -1, dtype=np.int64)
    frontier = np.flatnonzero(indegree == 0)
    depth = 0
    while frontier.size:
        level[frontier] = depth
        reached = targets[_csr_slices(offsets, frontier)]
        indegree -= np.bincount(reached, minlength=n)
        candidates = np.unique(reached)
        frontier = candidates[indegree[candidates] == 0]
        depth += 1
    if np.any(level < 0):
        raise PlanGraphCycleError(_a_cycle(keys, pred, succ, level < 0))
    edge_order = np.lexsort((succ, level[succ]))
    pred, succ = pred[edge_order], succ[edge_order]
    levels = depth
    edge_bounds = np.searchsorted(level[succ], np.arange(levels + 1), side="left")
    return PlanDag(keys, origin, earliest, deadline, pred, succ, level, edge_bounds, dropped)


def _a_cycle(
    keys: tuple[str, ...], pred: np.ndarray, succ: np.ndarray, stuck: np.ndarray
) -> list[str]:
    """One cycle among the ``stuck`` nodes: walk back along stuck predecessors until a node
    repeats (every stuck node has one, so the walk must close)."""
    inside = stuck[pred] & stuck[succ]
    back = dict(zip(succ[inside].tolist(), pred[inside].tolist(), strict=True))
    node = int(np.flatnonzero(stuck)[0])
    path: list[int] = []
    seen: dict[int, int] = {}
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = back[node]
    cycle = path[seen[node] :][::-1]
    return [keys[i] for i in [*cycle, cycle[0]]]

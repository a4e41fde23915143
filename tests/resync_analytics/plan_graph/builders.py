"""Small hand-built plans whose answers are known: nodes, edges and runtimes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

import numpy as np

from resync_analytics.plan_graph import RuntimeDistribution, build_dag
from resync_analytics.plan_graph.graph import PlanDag
from resync_core.plan_graph import PlanEdge, PlanNode

ORIGIN = datetime(2026, 3, 2, tzinfo=UTC)
DAY = date(2026, 3, 2)


def key(name: str, stream: str = "NIGHTLY") -> str:
    return f"FTA01#{stream}.{name}"


def plan(
    names: Sequence[str],
    edges: Sequence[tuple[str, str]],
    *,
    deadlines: Mapping[str, float] | None = None,
    earliest: Mapping[str, float] | None = None,
) -> PlanDag:
    """A plan of jobs ``names`` (stream NIGHTLY) with job edges ``(before, after)``;
    ``deadlines`` and ``earliest`` starts in minutes after the origin."""
    deadlines, earliest = deadlines or {}, earliest or {}

    def at(minutes: float | None) -> datetime | None:
        return None if minutes is None else ORIGIN + timedelta(minutes=minutes)

    nodes = [
        PlanNode(key(name), at(earliest.get(name, 0.0)), at(deadlines.get(name))) for name in names
    ]
    plan_edges = [PlanEdge(DAY, key(a), key(b), "job", True) for a, b in edges]
    return build_dag(nodes, plan_edges, origin=ORIGIN)


def fixed_runtimes(dag: PlanDag, minutes: Mapping[str, float]) -> RuntimeDistribution:
    """Runtimes that hardly vary: ``minutes`` per job name (the part after the dot)."""
    values = np.array([minutes[k.rsplit(".", 1)[1]] * 60.0 for k in dag.keys])
    return RuntimeDistribution(np.log(values), np.full(values.size, 1e-9))


def lognormal_runtimes(
    dag: PlanDag, median_minutes: Mapping[str, float], sigma: float
) -> RuntimeDistribution:
    values = np.array([median_minutes[k.rsplit(".", 1)[1]] * 60.0 for k in dag.keys])
    return RuntimeDistribution(np.log(values), np.full(values.size, sigma))

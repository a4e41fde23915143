"""The plan's dependency graph: the domain types that cross layers.

The TWS adapter reads a job's predecessors from the plan (``JobInPlanV2.dependencies`` and
``GET /plan/job/{id}/predecessors``) into ``PlanEdge``s; the PostgreSQL adapter stores them per
plan day; predictive maintenance (``resync_analytics.plan_graph``) propagates runtimes along
them to each job's estimated start, its critical path and its latest safe end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

# What a successor waits for. ``job`` and ``job_stream`` edges link plan nodes; ``resource``
# and ``file`` edges name a resource or file the successor needs (``predecessor_key`` is then
# the resource or file as TWS names it, ``WORKSTATION#NAME`` or ``WORKSTATION#/path``, not a
# job key, and no runtime flows along the edge).
EdgeKind = Literal["job", "job_stream", "resource", "file"]

# TWS's own view of the dependency right now (the spec's dependency status, in lower case).
EdgeStatus = Literal["satisfied", "unsatisfied", "released", "unknown"]


@dataclass(frozen=True)
class PlanEdge:
    """``successor_key`` cannot start before ``predecessor_key`` ends (for job edges).

    Keys are job keys ``WORKSTATION#STREAM.JOB``; a ``job_stream`` predecessor is the stream
    key ``WORKSTATION#STREAM`` (the successor waits for every job of it). ``internal`` is true
    when both ends belong to the same job stream instance (TWS's internal predecessor).
    """

    plan_day: date
    predecessor_key: str
    successor_key: str
    kind: EdgeKind
    internal: bool
    status: EdgeStatus = "unknown"


@dataclass(frozen=True)
class PlanNode:
    """A job of the plan as the graph needs it: when it may start at the earliest and the
    deadline it must meet, if any (both timezone-aware)."""

    job_key: str
    earliest_start: datetime | None
    deadline: datetime | None

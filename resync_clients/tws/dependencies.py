"""From a job's TWS dependencies to the plan graph's edges (``resync_core.plan_graph``).

TWS names a predecessor by workstation, job stream and job; the graph keys jobs the way the
rest of the project does (``WORKSTATION#STREAM.JOB``, see ``records.job_key``), so an edge
joins the runs stored for both ends. Only job, job-stream, resource and file dependencies
become edges: a prompt or an internetwork dependency names nothing the graph can hold.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import NamedTuple

from resync_clients.tws.models import Dependency, JobInPlan
from resync_clients.tws.records import bare_name, job_key
from resync_core.plan_graph import EdgeKind, EdgeStatus, PlanEdge

_STATUS: dict[str, EdgeStatus] = {"SATISFIED": "satisfied", "UNSATISFIED": "unsatisfied"}
_JOB_KINDS = frozenset({"INTERNAL", "EXTERNAL_JOB"})


def plan_day_of(job: JobInPlan) -> date | None:
    """The plan day a job belongs to: the UTC date of its scheduled time (plan days run
    midnight to midnight UTC); None when TWS sent no ``schedTime``."""
    return None if job.sched_time is None else _as_utc(job.sched_time).date()


def _as_utc(value: datetime) -> datetime:
    # The spec's instants are UTC; one sent without an offset is read as UTC.
    if value.tzinfo is UTC:
        return value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def graph_dependency_count(job: JobInPlan) -> int:
    """How many of the job's dependencies are graph edges, per its ``dependenciesStats``
    (which queries fill): job, job-stream, resource and file ones."""
    stats = job.dependencies_stats
    if stats is None:
        return 0
    return (
        (stats.number_of_job_dependencies or 0)
        + (stats.number_of_job_stream_dependencies or 0)
        + (stats.number_of_resource_dependencies or 0)
        + (stats.number_of_file_dependencies or 0)
    )


def plan_edges(job: JobInPlan, plan_day: date | None = None) -> list[PlanEdge]:
    """The edges into ``job`` from its ``dependencies`` (empty for a job read by a query:
    TWS fills them only when one job is read). ``plan_day`` defaults to ``plan_day_of``;
    a job without one yields no edge. One edge per predecessor and kind, first status wins.
    """
    day = plan_day or plan_day_of(job)
    if day is None:
        return []
    successor = job_key(job)
    edges: dict[tuple[str, str], PlanEdge] = {}
    for dependency in _flatten(job.dependencies):
        found = _edge_end(job, dependency)
        if found is None:
            continue
        predecessor, kind = found
        internal = dependency.dependency_type == "INTERNAL"
        edge = PlanEdge(day, predecessor, successor, kind, internal, _status(dependency))
        edges.setdefault((predecessor, kind), edge)
    return list(edges.values())


class UnreadDependencies(NamedTuple):
    """A job whose ``dependenciesStats`` count graph dependencies that its ``dependencies``
    list does not hold (a query result): reading the job alone gives them. (A named tuple:
    a full plan read makes one per job, and these are the cheapest to make.)"""

    job_id: str
    job_key: str
    plan_day: date
    sched_time: datetime  # UTC
    started: bool
    resolved: bool = False  # TWS counts none of its dependencies unresolved


def unread_dependencies(job: JobInPlan) -> UnreadDependencies | None:
    """``job``'s reference when its graph dependencies still have to be read, else None
    (none counted, already listed, or no plan day)."""
    # Called for every job of a (100k-job) plan read: the cheap checks come first.
    if job.dependencies or job.sched_time is None or graph_dependency_count(job) == 0:
        return None
    sched = _as_utc(job.sched_time)
    stats = job.dependencies_stats
    resolved = stats is not None and stats.number_of_unresolved_dependencies == 0
    return UnreadDependencies(
        job.id, job_key(job), sched.date(), sched, bool(job.jobruns), resolved
    )


def jobs_to_read(
    candidates: Iterable[UnreadDependencies],
    wired: Collection[tuple[date, str]],
    limit: int,
) -> list[UnreadDependencies]:
    """At most ``limit`` of ``candidates`` whose ``(plan_day, job_key)`` is not in ``wired``
    (jobs whose edges are stored), those yet to start first and soonest scheduled first:
    their predecessors decide when tonight's work can start. One per job and day."""
    open_jobs = {
        (c.plan_day, c.job_key): c for c in candidates if (c.plan_day, c.job_key) not in wired
    }
    ordered = sorted(open_jobs.values(), key=lambda c: (c.started, c.sched_time, c.job_key))
    return ordered[: max(limit, 0)]


def _flatten(dependencies: Iterable[Dependency]) -> Iterator[Dependency]:
    # A JOIN is satisfied by some of its members; each member is still a predecessor.
    for dependency in dependencies:
        if dependency.dependency_type == "JOIN":
            yield from _flatten(dependency.members)
        else:
            yield dependency


def _edge_end(job: JobInPlan, dependency: Dependency) -> tuple[str, EdgeKind] | None:
    kind = dependency.dependency_type
    if kind in _JOB_KINDS:
        if not dependency.job_name:
            return None
        if kind == "INTERNAL":
            # Same stream instance: TWS may leave the stream fields out.
            workstation = dependency.job_stream_workstation or job.job_stream_workstation
            stream = dependency.job_stream_name or job.job_stream_name
        else:
            workstation, stream = dependency.job_stream_workstation, dependency.job_stream_name
        if not workstation or not stream:
            return None
        return f"{bare_name(workstation)}#{bare_name(stream)}.{dependency.job_name}", "job"
    if kind == "EXTERNAL_JOBSTREAM":
        if not dependency.job_stream_workstation or not dependency.job_stream_name:
            return None
        workstation = bare_name(dependency.job_stream_workstation)
        return f"{workstation}#{bare_name(dependency.job_stream_name)}", "job_stream"
    if kind == "RESOURCE" and dependency.name:
        return _on_workstation(dependency.workstation, dependency.name), "resource"
    if kind == "FILE" and dependency.file is not None and dependency.file.name:
        return _on_workstation(dependency.file.workstation, dependency.file.name), "file"
    return None


def _on_workstation(workstation: str | None, name: str) -> str:
    # TWS's own notation for a resource or file of a workstation: WS#NAME.
    return f"{bare_name(workstation)}#{name}" if workstation else name


def _status(dependency: Dependency) -> EdgeStatus:
    if dependency.dependency_status in _STATUS:
        return _STATUS[dependency.dependency_status]
    if dependency.satisfied is not None:
        return "satisfied" if dependency.satisfied else "unsatisfied"
    return "unknown"

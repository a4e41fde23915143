"""JSON shapes of the REST API v2 (JobInPlanV2, JobRunInstanceV2, WorkstationInPlanV2).

Every value follows the spec's schema: no nulls (absent fields are omitted), instants as
``...T..:..:..mmmZ``, durations as ISO 8601. :class:`JobRecord` exposes the same fields lazily
so that an OQL filter over 200k jobs only computes the fields it reads.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from resync_simulator import ids
from resync_simulator.model import (
    COMMON_STATUS,
    JobState,
    Run,
    Workstation,
    iso_duration,
    iso_instant,
)
from resync_simulator.plan import Plan

JOBS_PATH = "/twsd/api/v2/plan/job"


@dataclass(frozen=True, slots=True)
class _StreamText:
    name: str
    folder: str
    id: str
    workstation_path: str
    key_prefix: str
    sched_time: str
    deadline: str


class PlanText:
    """Strings shared by every job of a plan, computed once per plan (streams, workstations)."""

    def __init__(self, plan: Plan) -> None:
        ent = plan.enterprise
        self.ws_paths = ["/" + ws.name for ws in ent.workstations]
        self.ws_ids = [ws.id for ws in ent.workstations]
        self.ws_task_types = [
            "executable" if ws.agent_kind == "dynamic" else ("windows" if ws.os == "WINDOWS"
                                                             else "unix")
            for ws in ent.workstations
        ]  # fmt: skip
        tag = ent.seed_tag
        self.job_id_prefix = f"{tag:08x}-{plan.day:04x}-4000-a000-"
        self.run_id_prefix = f"{tag:08x}-{plan.day:04x}-"
        self.streams = [
            _StreamText(
                name=st.name,
                folder=st.folder,
                id=ids.stream_id(tag, plan.day, st.index),
                workstation_path=self.ws_paths[st.workstation],
                key_prefix=f"{ent.workstations[st.workstation].name}#{st.name}.",
                sched_time=iso_instant(plan.day_start + st.start_offset),
                deadline=iso_instant(plan.day_start + st.deadline_offset),
            )
            for st in ent.streams
        ]


def plan_text(plan: Plan) -> PlanText:
    text = getattr(plan, "_text", None)
    if text is None:
        text = PlanText(plan)
        plan._text = text  # type: ignore[attr-defined]
    return text


class JobView:
    """One job of a plan seen at an instant; computes and memoises its derived values."""

    __slots__ = ("_state", "index", "job", "now", "plan", "stream", "text")

    def __init__(self, plan: Plan, index: int, now: float, base_url: str = "") -> None:
        self.plan = plan
        self.index = index
        self.now = now
        self.job = plan.enterprise.jobs[index]
        self.text = plan_text(plan)
        self.stream = self.text.streams[self.job.stream]
        self._state: JobState | None = None

    @property
    def state(self) -> JobState:
        if self._state is None:
            self._state = self.plan.state_of(self.index, self.now)
        return self._state

    @property
    def job_id(self) -> str:
        return f"{self.text.job_id_prefix}{self.index:012x}"

    def key(self) -> str:
        return self.stream.key_prefix + self.job.name


def _composite(state: JobState) -> dict[str, Any]:
    out: dict[str, Any] = {
        "status": state.status,
        "canceled": state.status == "CANCL",
        "error": state.error,
        "started": state.started,
        "cancelPending": False,
    }
    if state.substatus:
        out["substatus"] = state.substatus
    return out


def _run_dict(view: JobView, run: Run, last: bool) -> dict[str, Any]:
    plan, now = view.plan, view.now
    if last:
        state = view.state
    else:
        status = run.final_status
        state = JobState(status, COMMON_STATUS[status], None, True, status != "SUCC")
    ended = now >= run.end
    elapsed = (run.end if ended else now) - run.start
    estimate = plan.expected_duration(view.job)
    time_info: dict[str, Any] = {
        "estimatedDuration": iso_duration(estimate),
        "actualStartTime": iso_instant(run.start),
        "elapsedTime": iso_duration(elapsed),
    }
    out: dict[str, Any] = {
        "id": f"{view.text.run_id_prefix}{run.attempt:04x}-b000-{view.index:012x}",
        "name": view.job.name,
        "jobId": view.job_id,
        "jobKey": view.key(),
        "actualWorkstation": view.text.ws_paths[run.workstation],
        "jobNumber": run.job_number,
        "compositeStatus": _composite(state),
        "commonStatus": state.common,
        "rerunType": run.rerun_type,
        "lastInRerunChain": last,
        "confirmed": last and plan.instances[view.index].status_override is not None,
        "runAttempt": run.attempt,
        "submittedTime": iso_instant(run.start - 1.0),
        "timeInfo": time_info,
        "maxDurationGone": elapsed > 5 * estimate + 300,
        "minDurationNotReached": False,
    }
    if ended:
        time_info["actualEndTime"] = iso_instant(run.end)
        out["returnCode"] = run.return_code
    return out


def _jobruns(view: JobView) -> list[dict[str, Any]]:
    runs = view.plan.instances[view.index].runs
    now = view.now
    if not runs or runs[0].start > now:
        return []
    started = [run for run in runs if run.start <= now]
    last = len(started) - 1
    return [_run_dict(view, run, i == last) for i, run in enumerate(started)]


def _definition(view: JobView) -> dict[str, Any]:
    job = view.job
    return {
        "name": job.name,
        "folder": "/",
        "workstation": view.text.ws_paths[job.workstation],
        "task": {"type": view.text.ws_task_types[job.workstation], "command": job.script},
        "isCommand": job.is_command,
        "userLogins": [job.user],
        "recoveryOption": "RERUN" if job.recovery_rerun else "STOP",
        "estimatedDuration": iso_duration(view.plan.expected_duration(job)),
    }


def _stats(view: JobView) -> dict[str, Any]:
    job = view.job
    jobs = len(job.predecessors) + len(job.external_predecessors)
    streams = len(job.stream_predecessors)
    resources = len(job.resources)
    total = jobs + streams + resources + len(job.files)
    unresolved = view.plan.unresolved_dependencies(view.index, view.now) if total else 0
    # Resources and files resolve together (at the stream's start): before it, the resource
    # ones are among the unresolved.
    waiting_resources = (
        resources if unresolved and view.now < view.plan.stream_start(job.stream) else 0
    )
    return {
        "numberOfDependencies": total,
        "numberOfJobDependencies": jobs,
        "numberOfJobStreamDependencies": streams,
        "numberOfInternetworkDependencies": 0,
        "numberOfPromptDependencies": 0,
        "numberOfResourceDependencies": resources,
        "numberOfFileDependencies": len(job.files),
        "numberOfUnresolvedDependencies": unresolved,
        "numberOfNonResourceUnresolvedDependencies": unresolved - waiting_resources,
    }


def _dependency_status(satisfied: bool) -> dict[str, Any]:
    return {"dependencyStatus": "SATISFIED" if satisfied else "UNSATISFIED", "satisfied": satisfied}


def _stream_status(plan: Plan, stream_index: int, now: float) -> str:
    """A stream's internal status (JobStreamInPlanStatus) as its jobs' states make it."""
    if plan.stream_satisfied(stream_index, now):
        return "SUCC"
    stream = plan.enterprise.streams[stream_index]
    states = {plan.state_of(j, now).status for j in range(stream.first_job, stream.stop_job)}
    if states & {"ABEND", "FAIL"}:
        return "ABEND"
    if states & {"EXEC", "SUCC"}:
        return "EXEC"
    return "READY" if "READY" in states else "HOLD"


def dependencies(view: JobView) -> list[dict[str, Any]]:
    """The job's ``DependencyInPlanV2`` list, as ``GET /plan/job/{id}`` fills it (a query
    leaves it empty, as the spec says): internal and external job predecessors, whole
    job streams, resources and files, each with its status now."""
    plan, now, job = view.plan, view.now, view.job
    ent = plan.enterprise
    text = view.text
    inst = plan.instances[view.index]
    released = inst.released_at is not None and inst.released_at <= now
    started = now >= plan.stream_start(job.stream)
    out: list[dict[str, Any]] = []

    def common(kind: str, satisfied: bool) -> dict[str, Any]:
        sequence = len(out) + 1
        return {
            "dependencyType": kind,
            "id": f"{view.job_id}:{sequence}",
            **_dependency_status(satisfied or released),
            "depSequence": sequence,
            "mandatory": True,
        }

    for pred in job.job_predecessors:
        pred_job = ent.jobs[pred]
        stream = text.streams[pred_job.stream]
        item = common("INTERNAL" if pred_job.stream == job.stream else "EXTERNAL_JOB",
                      plan.job_satisfied(pred, now))  # fmt: skip
        item.update(
            conditional=False,
            critical=job.critical,
            jobId=f"{text.job_id_prefix}{pred:012x}",
            jobName=pred_job.name,
            predecessorStatus=_composite(plan.state_of(pred, now)),
            jobStreamWorkstation=stream.workstation_path,
            jobStreamFolder=stream.folder,
            jobStreamName=stream.name,
            jobStreamSchedTime=stream.sched_time,
            jobSuccId=view.job_id,
        )
        if item["dependencyType"] == "EXTERNAL_JOB":
            item.update(
                jobStreamId=stream.id,
                jobStreamSuccId=view.stream.id,
                jobWorkstationName=ent.workstations[pred_job.workstation].name,
                pending=False,
                zombie=False,
            )
        out.append(item)
    for stream_index in job.stream_predecessors:
        stream = text.streams[stream_index]
        item = common("EXTERNAL_JOBSTREAM", plan.stream_satisfied(stream_index, now))
        item.update(
            conditional=False,
            critical=job.critical,
            jobStreamId=stream.id,
            jobStreamName=stream.name,
            jobStreamWorkstation=stream.workstation_path,
            jobStreamSchedTime=stream.sched_time,
            jobStreamFolder=stream.folder,
            jobStreamSuccId=view.stream.id,
            jobSuccId=view.job_id,
            pending=False,
            zombie=False,
            predecessorStatus={"status": _stream_status(plan, stream_index, now)},
        )
        out.append(item)
    ws_path = text.ws_paths[job.workstation]
    ws_id = text.ws_ids[job.workstation]
    for name in job.resources:
        item = common("RESOURCE", started)
        item.update(folder="/", name=name, originalName=name, workstation=ws_path,
                    workstationId=ws_id, quantity=1, quantityHeld=1 if started else 0,
                    available=10)  # fmt: skip
        out.append(item)
    for path in job.files:
        item = common("FILE", started)
        item["file"] = {
            "name": path,
            "workstation": ws_path,
            "workstationId": ws_id,
            "planId": plan.plan_id,
            "status": "Exists" if started else "Not Checked",
        }
        if started:
            item["timeLastChecked"] = iso_instant(plan.stream_start(job.stream))
        out.append(item)
    return out


def _time_restrictions(view: JobView) -> dict[str, Any]:
    return {
        "startTime": view.stream.sched_time,
        "deadlineTime": view.stream.deadline,
        "maxDuration": iso_duration(5 * view.plan.expected_duration(view.job) + 300),
        "lateAction": "continue",
        "timeDependent": True,
        "deadlineSatisfied": not view.plan.is_late(view.index, view.now),
    }


def _end_time(view: JobView) -> str | None:
    if view.state.status not in ("SUCC", "ABEND", "FAIL", "CANCL"):
        return None
    started = view.plan.instances[view.index].started_runs(view.now)
    if not started:
        return None
    return iso_instant(min(started[-1].end, view.now))


def _priority(view: JobView) -> int:
    return 0 if view.plan.instances[view.index].held else view.job.priority


def _status_flags(view: JobView) -> dict[str, Any]:
    runs = view.plan.instances[view.index].runs
    late = view.plan.is_late(view.index, view.now)
    return {
        "jobLate": late,
        "deadlineHasPassed": late,
        "restarted": len(runs) > 1 and runs[1].start <= view.now,
        "jobStreamCancelled": False,
    }


def _options(view: JobView) -> dict[str, Any]:
    return {
        "critical": view.job.critical,
        "requiresConfirmation": False,
        "every": False,
        "noOperation": False,
    }


# Field name → how to compute it. Order is the order of keys in the JSON.
JOB_FIELDS: dict[str, Callable[[JobView], Any]] = {
    "id": lambda v: v.job_id,
    "planId": lambda v: v.plan.plan_id,
    "flowNodeType": lambda v: "JOB",
    "name": lambda v: v.job.name,
    "key": JobView.key,
    "folder": lambda v: v.stream.folder,
    "workstationId": lambda v: v.text.ws_ids[v.job.workstation],
    "workstation": lambda v: v.text.ws_paths[v.job.workstation],
    "jobStreamId": lambda v: v.stream.id,
    "jobStreamName": lambda v: v.stream.name,
    "jobStreamWorkstation": lambda v: v.stream.workstation_path,
    "position": lambda v: v.job.position + 1,
    "priority": _priority,
    "origPriority": lambda v: v.job.priority,
    "schedTime": lambda v: v.stream.sched_time,
    "timeZone": lambda v: "UTC",
    "jobDefinition": _definition,
    "jobOptions": _options,
    "jobStatusFlags": _status_flags,
    "lastRunCompositeStatus": lambda v: _composite(v.state),
    "lastRunCommonStatus": lambda v: v.state.common,
    "jobruns": _jobruns,
    "timeRestrictions": _time_restrictions,
    "dependencies": lambda v: [],
    "dependenciesStats": _stats,
    "endTime": _end_time,
    "archived": lambda v: False,
}

# Top-level fields holding objects (OQL may address their sub-fields); others are scalars.
JOB_OBJECT_FIELDS = frozenset(
    {
        "jobDefinition",
        "jobOptions",
        "jobStatusFlags",
        "lastRunCompositeStatus",
        "jobruns",
        "timeRestrictions",
        "dependencies",
        "dependenciesStats",
    }
)


def job_dict(view: JobView) -> dict[str, Any]:
    """The JobInPlanV2 object of the job."""
    job = view.job
    text = view.text
    stream = view.stream
    state = view.state
    out: dict[str, Any] = {
        "id": view.job_id,
        "planId": view.plan.plan_id,
        "flowNodeType": "JOB",
        "name": job.name,
        "key": stream.key_prefix + job.name,
        "folder": stream.folder,
        "workstationId": text.ws_ids[job.workstation],
        "workstation": text.ws_paths[job.workstation],
        "jobStreamId": stream.id,
        "jobStreamName": stream.name,
        "jobStreamWorkstation": stream.workstation_path,
        "position": job.position + 1,
        "priority": _priority(view),
        "origPriority": job.priority,
        "schedTime": stream.sched_time,
        "timeZone": "UTC",
        "jobDefinition": _definition(view),
        "jobOptions": _options(view),
        "jobStatusFlags": _status_flags(view),
        "lastRunCompositeStatus": _composite(state),
        "lastRunCommonStatus": state.common,
        "jobruns": _jobruns(view),
        "timeRestrictions": _time_restrictions(view),
        "dependencies": [],
        "dependenciesStats": _stats(view),
        "archived": False,
    }
    end = _end_time(view)
    if end is not None:
        out["endTime"] = end
    return out


class JobRecord:
    """OQL record over a :class:`JobView`: fields are computed on first access."""

    __slots__ = ("_cache", "view")

    def __init__(self, view: JobView) -> None:
        self.view = view
        self._cache: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._cache:
            return self._cache[key]
        compute = JOB_FIELDS.get(key)
        value = default if compute is None else compute(self.view)
        if value is None:
            value = default
        self._cache[key] = value
        return value


# ------------------------------------------------------------------------ workstations


def is_linked(ws: Workstation, seed_tag: int, now: float) -> bool:
    """Workstations with an ``unlink_rate`` drop their link for a few minutes in some hours."""
    if ws.unlink_rate <= 0:
        return True
    hour = int(now // 3600)
    rng = random.Random(seed_tag * 1_000_003 + ws.index * 100_003 + hour)
    if rng.random() >= ws.unlink_rate:
        return True
    outage = rng.uniform(300, 2400)
    return (now - hour * 3600) >= outage


def workstation_states(ws: Workstation, linked: bool) -> list[str]:
    if ws.type == "POOL":
        return ["LINKED", "ONLINE"]
    if not linked:
        return ["IS_INITED"]
    if ws.type == "MANAGER":
        return ["MASTER", "LINKED", "FULLY_LINKED", "IS_INITED", "JOBMAN_UP", "WRITER_UP",
                "MONMAN", "RUNNING", "ONLINE"]  # fmt: skip
    if ws.type == "FTA":
        return ["LINKED", "FULLY_LINKED", "TCP_IP_LINKED", "IS_INITED", "JOBMAN_UP",
                "WRITER_UP", "RUNNING", "ONLINE"]  # fmt: skip
    return ["LINKED", "BROKER", "IS_INITED", "JOBMAN_UP", "RUNNING", "ONLINE"]


def workstation_dict(ws: Workstation, plan: Plan, now: float, linked: bool) -> dict[str, Any]:
    return {
        "id": ws.id,
        "planId": plan.plan_id,
        "folder": "/",
        "name": ws.name,
        "key": ws.name,
        "runNumber": plan.day % 100_000,
        "activeStates": workstation_states(ws, linked),
        "activeFlags": ["AUTO_LINK", "FULL_STATUS"] if ws.type != "POOL" else [],
        "type": ws.type,
        "hostType": "MASTER" if ws.type == "MANAGER" else "WORKSTATION",
        "os": ws.os,
        "timeZone": "UTC",
        "nodeName": ws.host or ws.name.lower(),
        "tcpPort": ws.tcp_port,
        "domainName": ws.domain,
        "limit": ws.limit,
        "fence": 0,
        "version": ws.version,
        "timeStarted": iso_instant(plan.day_start + 60),
        "ignore": False,
        "archived": False,
    }


def workstation_record(data: dict[str, Any]) -> dict[str, Any]:
    """The OQL view of a workstation adds ``jobmanUp`` (a documented OQL field)."""
    record = dict(data)
    record["jobmanUp"] = "JOBMAN_UP" in data["activeStates"]
    return record

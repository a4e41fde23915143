"""Typed views of the TWS REST API v2 objects this project reads.

Only the fields we use are declared; everything else in the product's (large) objects is
ignored, and every declared field has a default, so the models survive both newer product
versions (extra fields) and sparse answers (missing fields). Attribute names are snake_case;
the JSON keys are the API's camelCase (``job_stream_name`` ↔ ``jobStreamName``).

Status values are plain strings, not enums: the product adds values between versions
(z/OS states, new substatuses) and an unknown status must not make a whole page unreadable.
The constants below name the values we compare against.

The API objects are ``msgspec`` structs decoded straight from the response bytes
(``parse_json``): it validates while it parses and skips the fields we do not declare
without building them, so a 10k-job page costs less than a plain ``json.loads`` of it, where
a pydantic model took twice as long. A 200k-job plan is read at the speed of the network.

Durations (``format: duration``) are read as Java writes them, negative components included
(``PT-0.5S``, ``P1DT-1H``; see ``durations``). One that cannot be read becomes ``None`` and is
reported to the caller of ``parse_json``; it never makes the page it is on unreadable. Only a
page that fails the fast decode pays for that second, lenient pass.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

import msgspec
from pydantic import BaseModel, ConfigDict

from resync_clients.tws.durations import parse_duration

# CommonStatusV2 values (the DWC "Status" column).
COMMON_STATUS_ERROR = "ERROR"
COMMON_STATUS_RUNNING = "RUNNING"
COMMON_STATUS_SUCCESSFUL = "SUCCESSFUL"
COMMON_STATUS_HELD = "HELD"

# activeStates values that mean a workstation is linked (any of them). The OQL manual spells
# FULLYLINKED, the JSON enum FULLY_LINKED; accept both.
LINKED_STATES = frozenset(
    {"LINKED", "FULLY_LINKED", "FULLYLINKED", "DIRECTLY_LINKED", "HOST_LINKED"}
)


class _TWSModel(msgspec.Struct, rename="camel", frozen=True, gc=False):
    """Base of the API objects: camelCase keys, immutable, unknown keys ignored.

    ``gc=False``: these objects never form reference cycles, and keeping tens of thousands
    of them out of the cycle collector's reach saves it repeated full scans of a large page.
    Subclasses repeat ``frozen=True`` (msgspec inherits it anyway) so type checkers see them
    frozen too.
    """


class CompositeStatus(_TWSModel, frozen=True):
    """``JobInPlanCompositeStatusV2``: the engine's internal status of a job or run."""

    status: str | None = None
    """Internal status: SUCC, ABEND, EXEC, HOLD, READY, FAIL, CANCL, ..."""
    substatus: str | None = None
    canceled: bool = False
    error: bool = False
    started: bool = False
    cancel_pending: bool = False


class TimeInfo(_TWSModel, frozen=True):
    """``TimeInfoV2``: when a run started and ended, and how long it took or should take."""

    actual_start_time: datetime | None = None
    actual_end_time: datetime | None = None
    elapsed_time: timedelta | None = None
    estimated_duration: timedelta | None = None


class JobRun(_TWSModel, frozen=True):
    """``JobRunInstanceV2``: one run (or rerun) of a job; ``id`` is the ``run_id`` of joblogs.

    ``run_attempt`` is exactly what TWS sent: the spec declares a plain integer, so 0 or a
    negative number is decoded as it is, never rejected (and never makes the page unreadable).
    Deciding what such a value means is the consumer's job; ``records.job_run_records``
    replaces a value below 1 by the run's place in its rerun chain (1-based).
    """

    id: str
    job_id: str | None = None
    name: str | None = None
    job_number: int | None = None
    actual_workstation: str | None = None
    return_code: int | None = None
    composite_status: CompositeStatus | None = None
    common_status: str | None = None
    rerun_type: str | None = None
    """REGULAR, RERUN, RECOVERY, RECOVERY_RERUN, RERUN_EVERY, RERUN_FROM or RERUN_STEP."""
    last_in_rerun_chain: bool = False
    run_attempt: int | None = None
    step: str | None = None
    confirmed: bool = False
    submitted_time: datetime | None = None
    time_info: TimeInfo | None = None
    max_duration_gone: bool = False
    min_duration_not_reached: bool = False


class JobOptions(_TWSModel, frozen=True):
    """``JobInPlanOptions``: flags the scheduler sets on a job."""

    critical: bool = False
    requires_confirmation: bool = False
    every: bool = False
    no_operation: bool = False


class JobStatusFlags(_TWSModel, frozen=True):
    """``JobInPlanStatusFlags``: read-only flags the engine sets while the job lives."""

    job_late: bool = False
    deadline_has_passed: bool = False
    restarted: bool = False


class TimeRestrictions(_TWSModel, frozen=True):
    """``TimeRestrictionsInPlanV2``: the time window the job must respect."""

    start_time: datetime | None = None
    deadline_time: datetime | None = None
    latest_start_time: datetime | None = None
    max_duration: timedelta | None = None
    min_duration: timedelta | None = None


class DependencyFile(_TWSModel, frozen=True):
    """``FileInPlanV2`` of a file dependency: the file and the workstation it is looked for on."""

    name: str | None = None
    workstation: str | None = None


class Dependency(_TWSModel, frozen=True):
    """``DependencyInPlanV2``: one thing a job (or job stream) waits for.

    ``dependency_type`` says which fields mean something: INTERNAL and EXTERNAL_JOB name a
    job (``job_name`` in ``job_stream_workstation#job_stream_name``), EXTERNAL_JOBSTREAM a
    stream, RESOURCE a resource (``name`` on ``workstation``), FILE a ``file``, JOIN groups
    ``members``; PROMPT and INTERNETWORK are read but carry nothing the plan graph uses.
    """

    dependency_type: str
    dependency_status: str | None = None
    """SATISFIED, UNSATISFIED, UNDECIDED or UNBOUND."""
    satisfied: bool | None = None
    job_id: str | None = None
    job_name: str | None = None
    job_stream_id: str | None = None
    job_stream_name: str | None = None
    job_stream_workstation: str | None = None
    name: str | None = None
    workstation: str | None = None
    file: DependencyFile | None = None
    members: tuple[Dependency, ...] = ()


class DependenciesStats(_TWSModel, frozen=True):
    """``DependenciesStatsV2``: how many dependencies of each kind a job has (queries fill
    these even though they leave ``dependencies`` itself empty)."""

    number_of_dependencies: int | None = None
    number_of_job_dependencies: int | None = None
    number_of_job_stream_dependencies: int | None = None
    number_of_resource_dependencies: int | None = None
    number_of_file_dependencies: int | None = None
    number_of_unresolved_dependencies: int | None = None


class JobInPlan(_TWSModel, frozen=True):
    """``JobInPlanV2``: a job in the plan with its runs; ``id`` is the ``job_id`` of actions.

    ``dependencies`` is filled by ``GET /plan/job/{id}`` only: the spec says a query leaves
    it empty, while ``dependencies_stats`` comes with both.
    """

    id: str
    name: str
    key: str | None = None
    folder: str | None = None
    workstation: str | None = None
    job_stream_id: str | None = None
    job_stream_name: str | None = None
    job_stream_workstation: str | None = None
    plan_id: str | None = None
    priority: int | None = None
    sched_time: datetime | None = None
    last_run_composite_status: CompositeStatus | None = None
    last_run_common_status: str | None = None
    job_options: JobOptions | None = None
    job_status_flags: JobStatusFlags | None = None
    time_restrictions: TimeRestrictions | None = None
    jobruns: tuple[JobRun, ...] = ()
    flow_node_type: str | None = None
    """JOB or JOBSTREAM (the nodes of ``/predecessors`` and ``/successors`` may be either)."""
    dependencies: tuple[Dependency, ...] = ()
    dependencies_stats: DependenciesStats | None = None

    @property
    def current_run(self) -> JobRun | None:
        """The latest run of the rerun chain (``lastInRerunChain``), else the last run listed."""
        for run in reversed(self.jobruns):
            if run.last_in_rerun_chain:
                return run
        return self.jobruns[-1] if self.jobruns else None

    @property
    def status(self) -> str | None:
        """The common status (``lastRunCommonStatus``), e.g. ERROR, RUNNING, SUCCESSFUL."""
        return self.last_run_common_status

    @property
    def internal_status(self) -> str | None:
        """The engine's internal status (``lastRunCompositeStatus.status``), e.g. ABEND."""
        composite = self.last_run_composite_status
        return composite.status if composite is not None else None

    @property
    def critical(self) -> bool:
        return self.job_options is not None and self.job_options.critical

    @property
    def late(self) -> bool:
        return self.job_status_flags is not None and self.job_status_flags.job_late


class Workstation(_TWSModel, frozen=True):
    """``WorkstationInPlanV2``: a workstation (agent, FTA, pool...) in the plan."""

    id: str
    name: str
    key: str | None = None
    folder: str | None = None
    type: str | None = None
    """AGENT, POOL, D-POOL, FTA, MANAGER, X-AGENT, ..."""
    os: str | None = None
    domain_name: str | None = None
    node_name: str | None = None
    tcp_port: int | None = None
    limit: int | None = None
    fence: int | None = None
    version: str | None = None
    time_started: datetime | None = None
    ignore: bool = False
    active_states: tuple[str, ...] = ()
    active_flags: tuple[str, ...] = ()

    @property
    def linked(self) -> bool:
        """True when the engine reports the workstation linked (any LINKED-like state)."""
        return not LINKED_STATES.isdisjoint(self.active_states)


class JobPage(_TWSModel, frozen=True):
    """One page of ``GET /plan/job``: the jobs plus the total ``count`` and paging links."""

    count: int | None = None
    results: tuple[JobInPlan, ...] = ()
    next: str | None = None
    previous: str | None = None


class FlowNodeList(_TWSModel, frozen=True):
    """``ListResponseV21`` of ``/plan/job/{id}/predecessors`` and ``/successors``: the plan
    nodes found (one answer, no paging links)."""

    count: int | None = None
    results: tuple[JobInPlan, ...] = ()


class WorkstationPage(_TWSModel, frozen=True):
    """One page of ``GET /plan/workstation``."""

    count: int | None = None
    results: tuple[Workstation, ...] = ()
    next: str | None = None
    previous: str | None = None


class JobCount(_TWSModel, frozen=True):
    """``GroupedCountResponse`` of ``GET /plan/job/count``.

    ``grouped_count`` keeps the product's nested shape (group value → count or sub-groups),
    which the spec leaves open.
    """

    count: int
    grouped_count: dict[str, Any] = msgspec.field(default_factory=dict)


class ActionResult(_TWSModel, frozen=True):
    """``ResourceResponseV2`` returned by a job action: the affected (or new) object."""

    id: str | None = None
    url: str | None = None


ModelT = TypeVar("ModelT", bound=_TWSModel)

APIObjectError = msgspec.DecodeError
"""Raised by ``parse_json`` and ``from_mapping`` for a body that is not JSON or does not fit
the model (``msgspec.ValidationError`` is a subclass); the message names the path."""


def parse_json(
    model: type[ModelT], body: bytes | str, *, invalid: list[str] | None = None
) -> ModelT:
    """``model`` decoded from a JSON body.

    Lax, like the product's own clients: a number sent as a string, or a duration sent as
    seconds, is accepted; a missing ``id`` or a string where an object belongs is not.
    A duration that cannot be read is set to None and described in ``invalid`` (appended to,
    when given), e.g. ``"elapsedTime='PT1X'"``. Raises ``APIObjectError`` for anything else.
    """
    try:
        return msgspec.json.decode(body, type=model, strict=False)
    except msgspec.ValidationError:
        # JSON is fine but something does not fit: repair the durations and try once more.
        return _convert_repairing(model, msgspec.json.decode(body), invalid)


def from_mapping(model: type[ModelT], data: Any, *, invalid: list[str] | None = None) -> ModelT:
    """``model`` from already-decoded JSON data (dicts with the API's camelCase keys).

    Unreadable durations are handled as in ``parse_json``; ``data`` itself is not changed.
    """
    try:
        return msgspec.convert(data, type=model, strict=False)
    except msgspec.ValidationError:
        return _convert_repairing(model, msgspec.json.decode(msgspec.json.encode(data)), invalid)


def _convert_repairing(model: type[ModelT], data: Any, invalid: list[str] | None) -> ModelT:
    """Convert ``data`` after reading every duration the Java way (unreadable ones → None).

    A page broken elsewhere still raises, naming the broken place as the fast pass would.
    """
    found: list[str] = []
    _repair_durations(data, found)
    result = msgspec.convert(data, type=model, strict=False)
    if invalid is not None:
        invalid.extend(found)
    return result


def _repair_durations(data: Any, invalid: list[str]) -> None:
    """Replace, in place, each duration value by its seconds (or None when unreadable)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(value for value in item if isinstance(value, dict | list))
            continue
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            if key in _DURATION_KEYS and value is not None:
                item[key] = _duration_seconds(key, value, invalid)
            elif isinstance(value, dict | list):
                stack.append(value)


def _duration_seconds(key: str, value: Any, invalid: list[str]) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    parsed = parse_duration(value) if isinstance(value, str) else None
    if parsed is None:
        invalid.append(f"{key}={str(value)[:40]!r}")
        return None
    return parsed.total_seconds()


def _duration_keys() -> frozenset[str]:
    """The JSON names of every duration field the models declare."""
    keys: set[str] = set()
    for model in _TWSModel.__subclasses__():
        for info in msgspec.structs.fields(model):
            if info.type == timedelta | None or info.type is timedelta:
                keys.add(info.encode_name)
    return frozenset(keys)


_DURATION_KEYS = _duration_keys()


class Joblog(BaseModel):
    """A job log as read from TWS, possibly cut at a byte cap.

    ``data`` is the raw bytes (joblogs are not reliably UTF-8). ``truncated`` is True when TWS
    had more than ``data`` holds. ``from_line``/``to_line`` echo the requested line window
    (1-based, inclusive), ``None`` when the whole log was asked for.
    """

    model_config = ConfigDict(frozen=True)

    run_id: str | None
    data: bytes
    truncated: bool = False
    from_line: int | None = None
    to_line: int | None = None

    @property
    def text(self) -> str:
        """``data`` decoded as UTF-8 with invalid bytes replaced (never raises)."""
        return self.data.decode("utf-8", errors="replace")

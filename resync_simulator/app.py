"""The simulator's HTTP API: the TWS REST API v2 under ``/twsd/api/v2`` and controls under ``/sim``.

Built with :func:`create_app`; served by :mod:`resync_simulator.server`. Every
response body of the product's API follows the schemas of the product's OpenAPI spec; errors
are ``{"messages": ["AWS...E text"]}``.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from resync_core import oql as oql_lang
from resync_simulator import ids
from resync_simulator.auth import Authenticator
from resync_simulator.config import FaultConfig
from resync_simulator.engine import ACTIONS, ActionRejected, SimulationEngine
from resync_simulator.faults import FaultInjector, FaultState
from resync_simulator.model import iso_instant
from resync_simulator.oql_eval import compile_like, compile_query, sort_records
from resync_simulator.plan import Plan
from resync_simulator.render import (
    JOB_FIELDS,
    JOB_OBJECT_FIELDS,
    JobView,
    is_linked,
    workstation_dict,
    workstation_record,
)

logger = logging.getLogger(__name__)

API = "/twsd/api/v2"
_JSON = "application/json"
_TEXT = "text/plain; charset=utf-8"
_WORKSTATION_FIELDS = frozenset(
    {"id", "planId", "folder", "name", "key", "runNumber", "activeStates", "activeFlags", "type",
     "hostType", "os", "timeZone", "nodeName", "tcpPort", "domainName", "limit", "fence",
     "version", "timeStarted", "ignore", "archived", "jobmanUp"}
)  # fmt: skip


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# The spec types limit, offset, from_line, to_line and depth as int32: larger is a bad request.
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
Int32 = Annotated[int, Query(ge=_INT32_MIN, le=_INT32_MAX)]


class ConditionsBody(BaseModel):
    """``ConditionsV2``: the optional body of confirm-succ and confirm-abend."""

    model_config = ConfigDict(extra="allow", strict=True)
    conditions: list[str] | None = None


class RerunBody(BaseModel):
    """``RerunDetailsV2``: the optional body of a rerun (read for its types, not acted on)."""

    model_config = ConfigDict(extra="allow", strict=True)
    jobDefinitionDbIdentifier: str | None = Field(
        default=None, pattern=r"(\w{8,8}-)(\w{4,4}-){3,3}(\w{12,12})"
    )
    jobDefinitionDbKey: str | None = None
    userLogin: str | None = None
    variables: dict[str, str] | None = None
    priority: int | None = Field(default=None, ge=_INT32_MIN, le=_INT32_MAX)
    startTime: str | None = None
    asap: bool | None = None
    stepName: str | None = None
    skipCheckForJobSuccessorRerun: bool | None = None
    rerunJobOnTermination: bool | None = None
    rerunJobOnSameWorkstation: bool | None = None
    jobDefinitionInPlan: dict[str, Any] | None = None
    successorsInfo: dict[str, Any] | None = None
    successorsInformation: dict[str, Any] | None = None


class AnyObjectBody(BaseModel):
    """Actions whose spec defines no body: ``{}`` (or any object) is accepted and ignored."""

    model_config = ConfigDict(extra="allow")


_ACTION_BODIES: dict[str, type[BaseModel]] = {
    "confirm-succ": ConditionsBody,
    "confirm-abend": ConditionsBody,
}


def _validation_message(errors: list[Any]) -> str:
    """One line naming where each problem is (``query.limit``, ``body.conditions.0``)."""
    parts = []
    for error in errors[:3]:
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "AWSBIO027E The request is not valid: " + "; ".join(parts) + "."


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"messages": [message]}, status_code=status, headers=headers)


def _json(data: Any) -> Response:
    return Response(orjson.dumps(data), media_type=_JSON)


# ------------------------------------------------------------------------------ OQL helpers


def _parse_oql(
    text: str | None, scalars: frozenset[str], objects: frozenset[str]
) -> oql_lang.Query:
    if not text:
        return oql_lang.Query()
    try:
        query = oql_lang.parse_query(text)
    except oql_lang.OQLSyntaxError as exc:
        raise ApiError(400, f"AWSBIO022E OQL_FILTER_SYNTAX_ERROR: {exc}") from None
    names = [name for name, _ in query.order_by]
    stack = [query.where] if query.where is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, oql_lang.Comparison):
            names.append(node.field)
        else:
            stack.extend(node.operands)
    for name in names:
        head, _, rest = name.partition(".")
        if (head not in scalars and head not in objects) or (rest and head not in objects):
            raise ApiError(400, f"AWSBIO022E OQL_FILTER_SYNTAX_ERROR: unknown field {name!r}")
    return query


def _plan_filter(text: str | None) -> Callable[[JobView], bool] | None:
    """``[/wsfolder/]WS#[/jsfolder/]JS.JOB`` with ``@`` wildcards (README §1.1)."""
    if not text or text in ("/@/@#/@/@.@", "@#@.@"):
        return None
    ws_part, sep, rest = text.partition("#")
    if not sep:
        ws_part, rest = "@", text
    stream_part, dot, job_part = rest.rpartition(".")
    if not dot:
        stream_part, job_part = rest, "@"
    ws_pattern = compile_like(ws_part.rsplit("/", 1)[-1] or "@")
    stream_pattern = compile_like(stream_part.rsplit("/", 1)[-1] or "@")
    job_pattern = compile_like(job_part or "@")

    def matches(view: JobView) -> bool:
        return bool(
            job_pattern.fullmatch(view.job.name)
            and stream_pattern.fullmatch(view.stream.name)
            and ws_pattern.fullmatch(view.stream.workstation_path[1:])
        )

    return matches


def _page_links(request: Request, total: int, offset: int, limit: int) -> dict[str, str]:
    links: dict[str, str] = {}
    base = str(request.url.replace(query="")).rstrip("?")
    params = dict(request.query_params)
    if offset + limit < total:
        links["next"] = base + "?" + urlencode({**params, "offset": offset + limit, "limit": limit})
    if offset > 0:
        previous = max(0, offset - limit)
        links["previous"] = base + "?" + urlencode({**params, "offset": previous, "limit": limit})
    return links


def _include_count(request: Request) -> bool:
    return request.headers.get("include-count", "true").strip().lower() != "false"


def _check_paging(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise ApiError(400, "AWSBIO023E The limit and offset parameters cannot be negative.")


# ------------------------------------------------------------------------------ the app


class _Selections:
    """Remembers the last few filtered selections so paging does not re-filter every page."""

    def __init__(self) -> None:
        self._entries: dict[tuple[Any, ...], list[int]] = {}

    def get(self, key: tuple[Any, ...], compute: Callable[[], list[int]]) -> list[int]:
        found = self._entries.get(key)
        if found is None:
            found = compute()
            if len(self._entries) >= 8:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = found
        return found


class AdvanceRequest(BaseModel):
    seconds: float = Field(ge=0)


class InjectRequest(BaseModel):
    job_name: str | None = None
    template_id: str | None = None


def create_app(engine: SimulationEngine) -> FastAPI:
    """The ASGI app serving ``engine`` (faults from ``engine.config.faults``)."""
    config = engine.config
    auth = Authenticator(config.users, config.api_keys)
    faults = FaultState(config.faults, config.seed)
    auth.token_ttl_seconds = config.faults.token_ttl_seconds
    selections = _Selections()
    app = FastAPI(title="TWS REST API v2 simulator", docs_url=None, redoc_url=None,
                  openapi_url=None)  # fmt: skip
    app.state.engine = engine
    app.state.faults = faults

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # The product answers malformed parameters with 400 and its own error body.
        return _error(400, _validation_message(list(exc.errors())))

    @app.middleware("http")
    async def _authenticate(request: Request, call_next):
        path = request.url.path
        if path.startswith(("/twsd", "/sim")):
            failure = auth.check(request.headers.get("authorization"), request.method)
            if failure is not None:
                headers = (
                    {"WWW-Authenticate": 'Basic realm="twsd"'} if failure.status == 401 else {}
                )
                return _error(failure.status, failure.message, headers)
        return await call_next(request)

    def plan_or_error(plan_id: str | None, status: int = 400) -> Plan:
        # The spec lists 400 (not 404) for the queries that take a plan_id: a bad parameter.
        plan = engine.plan(plan_id)
        if plan is None:
            raise ApiError(status, f"AWSBIO030E The plan {plan_id!r} was not found.")
        return plan

    def job_or_404(job_id: str) -> tuple[Plan, int]:
        found = engine.find_job(job_id)
        if found is None:
            raise ApiError(404, f"AWSBIO006E The job with key {job_id!r} was not found in plan.")
        return found

    def selected_jobs(plan: Plan, oql_text: str | None, plan_filter: str | None) -> list[int]:
        query = _parse_oql(oql_text, frozenset(JOB_FIELDS) - JOB_OBJECT_FIELDS,
                           JOB_OBJECT_FIELDS)  # fmt: skip
        name_filter = _plan_filter(plan_filter)
        if query.where is None and not query.order_by and name_filter is None:
            return list(range(len(plan.instances)))
        key = (plan.plan_id, oql_text, plan_filter, engine.now, engine.mutations)
        return selections.get(key, lambda: engine.select_jobs(plan, query, name_filter))

    api = APIRouter(prefix=API)

    # -------------------------------------------------------------------- jobs
    @api.get("/plan/job")
    def query_jobs(
        request: Request,
        oql: str | None = None,
        plan_filter: str | None = None,
        plan_id: str | None = None,
        limit: Int32 = 10000,
        offset: Int32 = 0,
    ) -> Response:
        _check_paging(limit, offset)
        with engine.lock():
            plan = plan_or_error(plan_id)
            selected = selected_jobs(plan, oql, plan_filter)
            now = engine.now
            page = [engine.job_json(plan, i, now) for i in selected[offset : offset + limit]]
        head = b'{"count":%d,' % len(selected) if _include_count(request) else b"{"
        tail = b"".join(
            b',"%s":%s' % (k.encode(), orjson.dumps(v))
            for k, v in _page_links(request, len(selected), offset, limit).items()
        )
        return Response(head + b'"results":[' + b",".join(page) + b"]" + tail + b"}",
                        media_type=_JSON)  # fmt: skip

    @api.get("/plan/job/count")
    def count_jobs(
        plan_filter: str = "/@/@#/@/@.@",
        grouping_filters: str | None = None,
        plan_id: str | None = None,
    ) -> Response:
        groups = [g.strip() for g in (grouping_filters or "").split(",") if g.strip()]
        unknown = [g for g in groups if g not in ("workstation", "status", "folder")]
        if unknown:
            raise ApiError(400, f"AWSBIO024E Unknown grouping filter {unknown[0]!r}.")
        with engine.lock():
            plan = plan_or_error(plan_id)
            selected = selected_jobs(plan, None, plan_filter)
            grouped: dict[str, int] = {}
            if groups:
                now = engine.now
                for index in selected:
                    view = JobView(plan, index, now)
                    parts = {
                        "workstation": view.text.ws_paths[view.job.workstation],
                        "status": view.state.status,
                        "folder": view.stream.folder,
                    }
                    label = ",".join(parts[g] for g in groups)
                    grouped[label] = grouped.get(label, 0) + 1
        body: dict[str, Any] = {"count": len(selected)}
        if groups:
            body["groupedCount"] = grouped
        return _json(body)

    @api.get("/plan/job/joblog")
    async def joblog_by_query(
        request: Request,
        oql: str | None = None,
        plan_filter: str | None = None,
        plan_id: str | None = None,
        contentOnly: str | None = None,
        follow: str | None = None,
        from_line: Int32 | None = None,
        to_line: Int32 | None = None,
    ) -> Response:
        with engine.lock():
            plan = plan_or_error(plan_id)
            selected = selected_jobs(plan, oql, plan_filter)
            run_id = None
            for index in selected:
                runs = list(engine.iter_runs(plan, index))
                if runs:
                    run_id = runs[-1][0]
                    break
        if run_id is None:
            raise ApiError(404, "AWSBIO031E No job run instance matches the filter.")
        return await _joblog_response(run_id, contentOnly, follow, from_line, to_line)

    @api.get("/plan/job/run/{run_id}/joblog")
    async def joblog(
        run_id: str,
        contentOnly: str | None = None,
        follow: str | None = None,
        from_line: Int32 | None = None,
        to_line: Int32 | None = None,
        plan_id: str | None = None,
    ) -> Response:
        return await _joblog_response(run_id, contentOnly, follow, from_line, to_line)

    async def _joblog_response(
        run_id: str,
        content_only: str | None,
        follow: str | None,
        from_line: int | None,
        to_line: int | None,
    ) -> Response:
        if (from_line is not None and from_line < 1) or (to_line is not None and to_line < 1):
            raise ApiError(400, "AWSBIO025E from_line and to_line start at 1.")
        if from_line is not None and to_line is not None and to_line < from_line:
            raise ApiError(400, "AWSBIO025E to_line must not be smaller than from_line.")
        strip = (content_only or "").lower() == "true"
        snapshot = await asyncio.to_thread(engine.joblog, run_id)
        if snapshot is None:
            raise ApiError(404, f"AWSBIO007E No job run instance with id {run_id!r} was found.")

        def visible(lines: tuple[bytes, ...], header: int, trailer: int) -> list[bytes]:
            shown = list(lines)
            if strip:
                shown = shown[header : len(shown) - trailer]
            first = (from_line or 1) - 1
            last = to_line if to_line is not None else len(shown)
            return shown[first:last]

        if (follow or "").lower() != "true" or not snapshot.running:
            body = b"".join(visible(snapshot.lines, snapshot.header_lines,
                                    snapshot.trailer_lines))  # fmt: skip
            return Response(body, media_type=_TEXT)

        async def stream() -> AsyncIterator[bytes]:
            sent = 0
            current = snapshot
            while True:
                # While running there is no trailer yet; once ended, the full log is known.
                lines = visible(current.lines, current.header_lines, current.trailer_lines)
                if len(lines) > sent:
                    yield b"".join(lines[sent:])
                    sent = len(lines)
                if not current.running or (to_line is not None and sent >= to_line):
                    return
                await asyncio.sleep(0.05)
                latest = await asyncio.to_thread(engine.joblog, run_id)
                if latest is None:
                    return
                current = latest

        return StreamingResponse(stream(), media_type=_TEXT)

    @api.get("/plan/job/{job_id}")
    def get_job(job_id: str, plan_id: str | None = None) -> Response:
        with engine.lock():
            plan, index = job_or_404(job_id)
            return Response(engine.job_json_with_dependencies(plan, index, engine.now),
                            media_type=_JSON)  # fmt: skip

    def _related(job_id: str, depth: int | None, forward: bool) -> Response:
        """Jobs up to ``depth`` levels away (default 1), across job streams; ``depth`` below 1
        walks no level. The spec lists no 400 for these two operations, so a depth below 1 is
        not an error.

        A predecessor job stream is listed as its final jobs: ``FlowNodeInPlanV2`` is a
        ``oneOf`` of job and job stream in which a job stream also validates as a job (no
        property tells them apart), so only job nodes fit the spec. The job's own
        ``dependencies`` (``GET /plan/job/{id}``) name the stream itself.
        """
        with engine.lock():
            plan, index = job_or_404(job_id)
            related = engine.related_jobs(index, 1 if depth is None else depth, forward)
            now = engine.now
            results = [engine.job_json(plan, j, now) for j in related]
        return Response(b'{"count":%d,"results":[%s]}' % (len(results), b",".join(results)),
                        media_type=_JSON)  # fmt: skip

    @api.get("/plan/job/{job_id}/predecessors")
    def predecessors(
        job_id: str, depth: Int32 | None = None, plan_id: str | None = None
    ) -> Response:
        return _related(job_id, depth, forward=False)

    @api.get("/plan/job/{job_id}/successors")
    def successors(job_id: str, depth: Int32 | None = None, plan_id: str | None = None) -> Response:
        return _related(job_id, depth, forward=True)

    # -------------------------------------------------------------------- actions
    async def _require_json(request: Request, schema: type[BaseModel] = AnyObjectBody) -> None:
        """415 without a JSON content type; 400 unless the body (if any) fits ``schema``."""
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != _JSON:
            raise ApiError(415, "AWSBIO415E Unsupported media type: send Content-Type: "
                                "application/json.")  # fmt: skip
        body = await request.body()
        if body.strip():
            try:
                parsed = orjson.loads(body)
            except orjson.JSONDecodeError:
                raise ApiError(400, "AWSBIO027E The request body is not valid JSON.") from None
            if not isinstance(parsed, dict):
                raise ApiError(400, "AWSBIO027E The request body must be a JSON object.")
            try:
                schema.model_validate_json(body)
            except ValidationError as exc:
                errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
                raise ApiError(400, _validation_message(errors)) from None

    def _action_route(action: str) -> None:
        async def run_action(job_id: str, request: Request) -> Response:
            await _require_json(request, _ACTION_BODIES.get(action, AnyObjectBody))
            try:
                found = await asyncio.to_thread(engine.act, job_id, action)
            except ActionRejected as exc:
                raise ApiError(400, f'AWSBIN076E The action "{action}" cannot be performed: '
                                    f"{exc}.") from None  # fmt: skip
            if not found:
                raise ApiError(404, f"AWSBIO006E The job with key {job_id!r} was not found.")
            return _json({"id": job_id, "url": f"{request.base_url}twsd/api/v2/plan/job/{job_id}"})

        api.put(f"/plan/job/{{job_id}}/action/{action}", name=f"job_{action}")(run_action)

    for action in ACTIONS:
        _action_route(action)

    @api.put("/plan/job/run/{run_id}/action/rerun")
    async def rerun(run_id: str, request: Request) -> Response:
        await _require_json(request, RerunBody)
        try:
            new_run = await asyncio.to_thread(engine.rerun, run_id)
        except ActionRejected as exc:
            raise ApiError(
                400, f'AWSBIN076E The action "rerun" cannot be performed: {exc}.'
            ) from None
        if new_run is None:
            raise ApiError(404, f"AWSBIO007E No job run instance with id {run_id!r} was found.")
        key = ids.parse_run_id(new_run, engine.enterprise.seed_tag)
        assert key is not None  # the engine just issued it
        job_id = ids.job_id(engine.enterprise.seed_tag, key.day, key.job)
        return _json({"id": new_run, "url": f"{request.base_url}twsd/api/v2/plan/job/{job_id}"})

    # -------------------------------------------------------------------- workstations
    def _workstation_rows(plan: Plan) -> list[dict[str, Any]]:
        now = engine.now
        tag = plan.enterprise.seed_tag
        return [workstation_dict(ws, plan, now, is_linked(ws, tag, now))
                for ws in plan.enterprise.workstations]  # fmt: skip

    @api.get("/plan/workstation")
    def query_workstations(
        request: Request,
        oql: str | None = None,
        plan_filter: str | None = None,
        plan_id: str | None = None,
        limit: Int32 = 10000,
        offset: Int32 = 0,
    ) -> Response:
        _check_paging(limit, offset)
        query = _parse_oql(oql, _WORKSTATION_FIELDS, frozenset())
        with engine.lock():
            rows = _workstation_rows(plan_or_error(plan_id))
        if plan_filter and plan_filter not in ("@", "/@/@"):
            pattern = compile_like(plan_filter.rsplit("/", 1)[-1] or "@")
            rows = [r for r in rows if pattern.fullmatch(r["name"])]
        predicate = compile_query(query)
        pairs = [(r, workstation_record(r)) for r in rows]
        pairs = [(r, rec) for r, rec in pairs if predicate(rec)]
        if query.order_by:
            order = {id(rec): r for r, rec in pairs}
            pairs = [
                (order[id(rec)], rec) for rec in sort_records(query, [rec for _, rec in pairs])
            ]
        body: dict[str, Any] = {}
        if _include_count(request):
            body["count"] = len(pairs)
        body["results"] = [r for r, _ in pairs[offset : offset + limit]]
        body.update(_page_links(request, len(pairs), offset, limit))
        return _json(body)

    @api.get("/plan/workstation/{workstation_id}")
    def get_workstation(workstation_id: str, plan_id: str | None = None) -> Response:
        with engine.lock():
            for row in _workstation_rows(plan_or_error(plan_id, 404)):
                if workstation_id in (row["id"], row["name"]):
                    return _json(row)
        raise ApiError(404, f"AWSBIO032E The workstation {workstation_id!r} was not found.")

    app.include_router(api)

    # -------------------------------------------------------------------- controls
    sim = APIRouter(prefix="/sim")

    @sim.get("/status")
    def status() -> Response:
        with engine.lock():
            plans = engine.available_days()
            return _json(
                {
                    "now": iso_instant(engine.now),
                    "planId": engine.current.plan_id,
                    "scenario": engine.scenario.name,
                    "seed": config.seed,
                    "jobs": len(engine.enterprise.jobs),
                    "workstations": len(engine.enterprise.workstations),
                    "hosts": engine.enterprise.hosts(),
                    "availablePlans": [f"PLAN_{_day_text(d)}" for d in plans],
                }
            )

    @sim.post("/clock/advance")
    def advance(body: AdvanceRequest) -> Response:
        now = engine.advance(body.seconds)
        return _json({"now": iso_instant(now)})

    @sim.post("/inject")
    def inject(body: InjectRequest) -> Response:
        try:
            run_id = engine.inject(body.job_name, body.template_id)
        except KeyError as exc:
            raise ApiError(404, str(exc.args[0])) from None
        truth = engine.ground_truth(run_id)
        return _json({"run_id": run_id, "job_id": truth.job_id if truth else None,
                      "ground_truth": asdict(truth) if truth else None})  # fmt: skip

    @sim.get("/faults")
    def get_faults() -> Response:
        return _json(faults.faults.model_dump())

    @sim.put("/faults")
    def put_faults(body: FaultConfig) -> Response:
        faults.set(body)
        auth.token_ttl_seconds = body.token_ttl_seconds
        auth.reset_token_clock()
        return _json(body.model_dump())

    @sim.delete("/faults")
    def reset_faults() -> Response:
        cleared = FaultConfig()
        faults.set(cleared)
        auth.token_ttl_seconds = None
        auth.reset_token_clock()
        return _json(cleared.model_dump())

    @sim.get("/ground-truth/{run_id}")
    def ground_truth(run_id: str) -> Response:
        truth = engine.ground_truth(run_id)
        if truth is None:
            raise ApiError(404, f"no run {run_id!r}")
        return _json(asdict(truth))

    @sim.get("/metrics")
    def metrics(
        host: str,
        start: datetime | None = None,
        end: datetime | None = None,
        step: float = Query(default=300.0, gt=0),
        format: str = "json",
    ) -> Response:
        try:
            samples = engine.host_metrics(
                host,
                start.timestamp() if start else None,
                end.timestamp() if end else None,
                step,
            )
        except KeyError as exc:
            raise ApiError(404, str(exc.args[0])) from None
        if format == "csv":
            from resync_simulator.metrics import write_csv

            out = io.StringIO()
            write_csv(samples, out)
            return Response(out.getvalue(), media_type="text/csv")
        return _json(
            {
                "host": host,
                "step": step,
                "samples": [
                    {"timestamp": iso_instant(s.timestamp), "cpu": s.cpu_percent,
                     "memory": s.memory_percent, "disk": s.disk_percent,
                     "runningJobs": s.running_jobs}
                    for s in samples
                ],
            }
        )  # fmt: skip

    app.include_router(sim)
    return FaultInjector(app, faults)  # type: ignore[return-value]


def _day_text(day: int) -> str:
    from datetime import UTC
    from datetime import datetime as dt

    return dt.fromtimestamp(day * 86400, UTC).strftime("%Y%m%d")

"""The simulated TWS engine: clock, current and past plans, operator actions, joblogs.

:class:`SimulationEngine` is what the HTTP app calls and what tests may call directly
(``sim.engine``). All public methods are thread-safe (one re-entrant lock).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TextIO

import orjson

from resync_core.oql import Comparison, Op, Query
from resync_simulator import ids
from resync_simulator.config import SimulatorConfig
from resync_simulator.enterprise import Enterprise, generate_enterprise
from resync_simulator.format_change import (
    application_of,
    check_application,
    first_night_fail_rates,
    restyle_lines,
)
from resync_simulator.metrics import HostMetricSample, host_series, write_csv
from resync_simulator.model import FINAL_STATUSES, Run, to_datetime
from resync_simulator.oql_eval import compile_query, sort_records
from resync_simulator.plan import Plan, Storm, day_of_plan_id
from resync_simulator.render import JobRecord, JobView, dependencies, job_dict, plan_text

logger = logging.getLogger(__name__)

ACTIONS = ("hold", "release", "cancel", "confirm-succ", "confirm-abend")


class ActionRejected(Exception):
    """The action is not valid for the job's state (the API answers AWSBIN076E)."""


@dataclass(frozen=True)
class GroundTruthInfo:
    """What a rendered joblog's failure really is (None fields for a successful run)."""

    run_id: str
    job_id: str
    job_name: str
    job_stream: str
    workstation: str
    status: str
    return_code: int | None
    template_id: str | None
    category: str | None
    error_line: int | None
    entities: tuple[str, ...]


@dataclass(frozen=True)
class JoblogSnapshot:
    """A joblog as visible now: all lines if the run ended, header and output so far if not."""

    lines: tuple[bytes, ...]
    header_lines: int  # leading banner lines (dropped by contentOnly)
    trailer_lines: int  # trailing banner lines, 0 while running
    running: bool


@dataclass(frozen=True)
class _RunRef:
    plan: Plan
    job: int
    run: Run
    run_id: str


class SimulationEngine:
    """Deterministic simulated enterprise for ``config`` (same seed, same answers)."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.scenario = config.resolved_scenario()
        self._lock = threading.RLock()
        started = time.perf_counter()
        self.enterprise: Enterprise = generate_enterprise(config.seed, config.job_count)
        if config.format_change is not None:
            check_application(self.enterprise, config.format_change)
        self._clock_base = config.start_time.timestamp()
        self._clock_real = time.monotonic()
        self._plans: dict[int, Plan] = {}  # plans that were current: edited, not regenerable
        per_plan_budget = max(2, 20_000_000 // max(1, config.job_count))
        self._cache_size = max(2, min(config.history_days + 2, per_plan_budget))
        self._generated: OrderedDict[int, Plan] = OrderedDict()
        self._joblogs: OrderedDict[tuple[str, str | None, float], object] = OrderedDict()
        self._rng = random.Random(config.seed * 7_919 + 1)
        self._mutations = 0
        self.current = self._build_current(int(self._clock_base // 86400))
        logger.info(
            "simulated enterprise ready: %d jobs, %d workstations, plan %s (%.2fs)",
            len(self.enterprise.jobs),
            len(self.enterprise.workstations),
            self.current.plan_id,
            time.perf_counter() - started,
        )

    # ------------------------------------------------------------------ clock and plans
    @property
    def now(self) -> float:
        """Simulated time, epoch seconds (UTC)."""
        with self._lock:
            value = self._clock_base
            if self.config.clock_rate:
                value += (time.monotonic() - self._clock_real) * self.config.clock_rate
            self._roll_plan(value)
            return value

    def now_datetime(self) -> datetime:
        return to_datetime(self.now)

    def advance(self, seconds: float) -> float:
        """Move the simulated clock forward; jobs progress accordingly. Returns the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            current = self.now
            self._clock_base = current + seconds
            self._clock_real = time.monotonic()
            self._mutations += 1
            return self.now

    def _build_current(self, day: int) -> Plan:
        storm = None
        if self.scenario.storm_after_seconds is not None and not self._plans:
            storm = Storm(
                at=self._clock_base + self.scenario.storm_after_seconds,
                count=self.scenario.storm_jobs,
                template_id=self.scenario.storm_template,
            )
        plan = Plan(self.enterprise, day, storm, fail_rates=self._fail_rates(day))
        self._plans[day] = plan
        return plan

    def _roll_plan(self, now: float) -> None:
        day = int(now // 86400)
        if day > self.current.day:
            logger.info("plan %s ends; building the plan of the next day", self.current.plan_id)
            self.current = self._build_current(day)
            for old in [d for d in self._plans if d < day - 7]:
                del self._plans[old]

    def available_days(self) -> list[int]:
        """Plan days that can be queried: the backfill window and every plan that was current."""
        with self._lock:
            first = self.current.day - self.config.history_days
            days = set(range(first, self.current.day + 1)) | set(self._plans)
            return sorted(days)

    def plan(self, plan_id: str | None = None) -> Plan | None:
        """``None``/``"current"`` → current plan; ``PLAN_YYYYMMDD`` → that day, if available."""
        with self._lock:
            now = self.now
            if plan_id in (None, "", "current", self.current.plan_id):
                return self.current
            day = day_of_plan_id(plan_id)
            if day is None:
                return None
            return self._plan_for_day(day, now)

    def _plan_for_day(self, day: int, now: float) -> Plan | None:
        if day in self._plans:
            return self._plans[day]
        if day not in self.available_days() or day * 86400 > now:
            return None
        plan = self._generated.get(day)
        if plan is None:
            plan = Plan(self.enterprise, day, fail_rates=self._fail_rates(day))
            self._generated[day] = plan
            while len(self._generated) > self._cache_size:
                self._generated.popitem(last=False)
        else:
            self._generated.move_to_end(day)
        return plan

    def _fail_rates(self, day: int) -> dict[int, float]:
        return first_night_fail_rates(self.enterprise, self.config.format_change, day)

    # ------------------------------------------------------------------ lookups
    def find_job(self, job_id: str) -> tuple[Plan, int] | None:
        with self._lock:
            parsed = ids.parse_job_id(job_id, self.enterprise.seed_tag)
            if parsed is None:
                return None
            day, index = parsed
            plan = self._plan_for_day(day, self.now) if day != self.current.day else self.current
            if plan is None or index >= len(self.enterprise.jobs):
                return None
            return plan, index

    def _find_run(self, run_id: str) -> _RunRef | None:
        key = ids.parse_run_id(run_id, self.enterprise.seed_tag)
        if key is None or key.job >= len(self.enterprise.jobs):
            return None
        now = self.now
        plan = self.current if key.day == self.current.day else self._plan_for_day(key.day, now)
        if plan is None:
            return None
        run = plan.run_for_attempt(key.job, key.attempt)
        if run is None or run.start > now:
            return None
        return _RunRef(plan, key.job, run, run_id)

    def job_view(self, plan: Plan, index: int, base_url: str = "") -> JobView:
        return JobView(plan, index, self.now, base_url)

    def select_jobs(self, plan: Plan, query: Query, name_filter: object = None) -> list[int]:
        """Indices of the plan's jobs matching ``query`` (and ``name_filter(view)``), sorted."""
        with self._lock:
            now = self.now
            predicate = compile_query(query) if query.where is not None else None
            selected: list[int] = []
            records: list[JobRecord] = []
            # A lookup by job id touches only those jobs, as the product's database index does;
            # every other filter scans the plan.
            by_id = _indices_for_ids(plan, query)
            candidates = range(len(plan.instances)) if by_id is None else by_id
            for index in candidates:
                view = JobView(plan, index, now)
                if name_filter is not None and not name_filter(view):  # type: ignore[operator]
                    continue
                record = JobRecord(view)
                if predicate is not None and not predicate(record):
                    continue
                selected.append(index)
                if query.order_by:
                    records.append(record)
            if query.order_by:
                return [r.view.index for r in sort_records(query, records)]
            return selected

    def job_json(self, plan: Plan, index: int, now: float) -> bytes:
        """The job's JobInPlanV2 JSON; settled jobs are serialised once and then reused."""
        cached = plan.json_cache.get(index)
        version = plan.stream_versions[self.enterprise.jobs[index].stream]
        if cached is not None and cached[0] == version:
            return cached[1]
        data = orjson.dumps(job_dict(JobView(plan, index, now)))
        if plan.is_settled(index, now):
            plan.json_cache[index] = (version, data)
        return data

    def job_json_with_dependencies(self, plan: Plan, index: int, now: float) -> bytes:
        """The job's JobInPlanV2 JSON with its ``dependencies`` filled, as a single-job read
        returns it (queries leave them out; the spec says so)."""
        view = JobView(plan, index, now)
        data = job_dict(view)
        data["dependencies"] = dependencies(view)
        return orjson.dumps(data)

    def related_jobs(self, index: int, depth: int, forward: bool) -> list[int]:
        """The jobs up to ``depth`` levels before (or after, ``forward``) job ``index`` in
        the plan's graph, nearest first; a whole-stream dependency counts as the stream's
        final jobs."""
        edges = self.enterprise.graph_successors if forward else self.enterprise.graph_predecessors
        seen: dict[int, None] = {}
        frontier = [index]
        for _ in range(max(depth, 0)):
            frontier = list(dict.fromkeys(
                n for j in frontier for n in edges[j] if n not in seen and n != index
            ))  # fmt: skip
            if not frontier:
                break
            seen.update(dict.fromkeys(frontier))
        return list(seen)

    def iter_runs(self, plan: Plan, index: int) -> Iterator[tuple[str, Run]]:
        with self._lock:
            now = self.now
            for run in plan.instances[index].started_runs(now):
                yield ids.run_id(self.enterprise.seed_tag, plan.day, index, run.attempt), run

    # ------------------------------------------------------------------ actions
    def act(self, job_id: str, action: str) -> bool:
        """Apply ``action`` (one of :data:`ACTIONS`) to a job of the current plan.

        Returns False when the job is unknown; raises :class:`ActionRejected` when the action
        is not valid in the job's state (or the job is in a past plan).
        """
        with self._lock:
            found = self.find_job(job_id)
            if found is None:
                return False
            plan, index = found
            if plan is not self.current:
                raise ActionRejected("the job belongs to a plan that is no longer current")
            now = self.now
            inst = plan.instances[index]
            status = plan.state_of(index, now).status
            if action == "hold":
                if status not in ("HOLD", "READY") or inst.held:
                    raise ActionRejected(f"cannot hold a job in status {status}")
                inst.held = True
            elif action == "release":
                if status != "HOLD":
                    raise ActionRejected(f"cannot release a job in status {status}")
                inst.held = False
                inst.released_at = now
            elif action == "cancel":
                if status in ("SUCC", "CANCL"):
                    raise ActionRejected(f"cannot cancel a job in status {status}")
                inst.canceled_at = now
            elif action == "confirm-succ":
                if status not in ("EXEC", "ABEND", "FAIL"):
                    raise ActionRejected(f"cannot confirm SUCC for a job in status {status}")
                inst.status_override, inst.override_at = "SUCC", now
            elif action == "confirm-abend":
                if status not in ("EXEC", "SUCC"):
                    raise ActionRejected(f"cannot confirm ABEND for a job in status {status}")
                inst.status_override, inst.override_at = "ABEND", now
            else:
                raise ValueError(f"unknown action {action!r}")
            plan.reschedule_stream(self.enterprise.jobs[index].stream, now)
            self._mutations += 1
            logger.info("action %s on %s", action, self.enterprise.jobs[index].name)
            return True

    def rerun(self, run_id: str) -> str | None:
        """Rerun the job of ``run_id`` now; returns the new run id (None: unknown run).

        Only SUCC, ABEND or FAIL jobs of the current plan can be rerun (conman's rule).
        """
        with self._lock:
            ref = self._find_run(run_id)
            if ref is None:
                return None
            if ref.plan is not self.current:
                raise ActionRejected("the run belongs to a plan that is no longer current")
            now = self.now
            status = ref.plan.state_of(ref.job, now).status
            if status not in FINAL_STATUSES:
                raise ActionRejected(f"cannot rerun a job in status {status}")
            inst = ref.plan.instances[ref.job]
            inst.runs = inst.started_runs(now)
            attempt = max(run.attempt for run in inst.runs) + 1
            job = self.enterprise.jobs[ref.job]
            inst.runs.append(ref.plan.make_run(job, attempt, now, "RERUN"))
            inst.status_override = None
            inst.held = False
            ref.plan.reschedule_stream(job.stream, now)
            self._mutations += 1
            return ids.run_id(self.enterprise.seed_tag, ref.plan.day, ref.job, attempt)

    def inject(self, job_name: str | None = None, template_id: str | None = None) -> str:
        """Make a job of the current plan fail now with a failure template; returns the run id.

        Without ``job_name`` a running job is chosen (any job if none runs); without
        ``template_id`` the template is drawn like a natural failure. Raises ``KeyError`` for
        an unknown job name or template.
        """
        from resync_simulator.failures import FAILURE_TEMPLATES, pick_failure
        from resync_simulator.plan import failure_status

        with self._lock:
            plan, now = self.current, self.now
            if template_id is None:
                template = pick_failure(self._rng)
            else:
                matches = [t for t in FAILURE_TEMPLATES if t.template_id == template_id]
                if not matches:
                    raise KeyError(f"no failure template {template_id!r}")
                template = matches[0]
            if job_name is not None:
                candidates = [j.index for j in self.enterprise.jobs if j.name == job_name]
                if not candidates:
                    raise KeyError(f"no job named {job_name!r}")
            else:
                candidates = [
                    i for i in range(len(plan.instances))
                    if plan.state_of(i, now).status == "EXEC"
                ] or list(range(len(plan.instances)))  # fmt: skip
            index = candidates[0] if job_name is not None else self._rng.choice(candidates)
            inst = plan.instances[index]
            inst.runs = inst.started_runs(now)
            running = inst.runs[-1] if inst.runs and inst.runs[-1].end > now else None
            job = self.enterprise.jobs[index]
            if running is not None:
                run = running
            else:
                attempt = (max(r.attempt for r in inst.runs) + 1) if inst.runs else 1
                start = max(now - self._rng.uniform(5, 120), inst.runs[-1].end if inst.runs
                            else now - 120)  # fmt: skip
                run = plan.make_run(job, attempt, min(start, now), "RERUN" if attempt > 1
                                    else "REGULAR")  # fmt: skip
                inst.runs.append(run)
            run.end = now
            run.final_status = failure_status(template)
            run.return_code = template.return_code
            run.template_id = template.template_id
            inst.status_override = None
            inst.canceled_at = None
            inst.held = False
            plan.reschedule_stream(job.stream, now)
            self._mutations += 1
            new_id = ids.run_id(self.enterprise.seed_tag, plan.day, index, run.attempt)
            logger.info("injected %s into %s (%s)", template.template_id, job.name, new_id)
            return new_id

    # ------------------------------------------------------------------ joblogs
    def _render(self, ref: _RunRef):
        from resync_simulator.failures import FAILURE_TEMPLATES
        from resync_simulator.joblogs import JobContext, render_joblog

        key = (ref.run_id, ref.run.template_id, ref.run.end)
        cached = self._joblogs.get(key)
        if cached is not None:
            self._joblogs.move_to_end(key)
            return cached
        ent = self.enterprise
        job = ent.jobs[ref.job]
        stream = ent.streams[job.stream]
        ws = ent.workstations[ref.run.workstation]
        template = None
        if ref.run.template_id is not None:
            template = next(t for t in FAILURE_TEMPLATES if t.template_id == ref.run.template_id)
        context = JobContext(
            workstation=ws.name,
            job_stream=stream.name,
            job_name=job.name,
            job_number=ref.run.job_number,
            user=job.user,
            script=job.script,
            sched_time=to_datetime(ref.plan.day_start + stream.start_offset),
            start_time=to_datetime(ref.run.start),
            end_time=to_datetime(ref.run.end),
            return_code=ref.run.return_code,
            agent_kind=ws.agent_kind,
        )
        change = self.config.format_change
        application = application_of(ent, ref.job)
        restyle = None
        if change is not None and change.applies(application, ref.plan.day):
            restyle = partial(restyle_lines, application=application)
        rng = random.Random(f"{ent.seed}:{ref.run_id}")
        rendered = render_joblog(context, template, rng, restyle)
        self._joblogs[key] = rendered
        while len(self._joblogs) > self.config.joblog_cache_size:
            self._joblogs.popitem(last=False)
        return rendered

    def joblog(self, run_id: str) -> JoblogSnapshot | None:
        """The joblog of a started run as visible now (None: unknown or not started run)."""
        with self._lock:
            ref = self._find_run(run_id)
            if ref is None:
                return None
            lines = tuple(self._render(ref).data.splitlines(keepends=True))
            header, trailer = _banner_extent(lines)
            now = self.now
            if now >= ref.run.end:
                return JoblogSnapshot(lines, header, trailer, running=False)
            # While running: the header, then the output produced so far, no trailer yet.
            body = len(lines) - header - trailer
            fraction = (now - ref.run.start) / max(1e-9, ref.run.end - ref.run.start)
            shown = header + int(body * max(0.0, min(1.0, fraction)))
            return JoblogSnapshot(lines[:shown], header, 0, running=True)

    def ground_truth(self, run_id: str) -> GroundTruthInfo | None:
        """The truth behind a run's joblog (None: unknown run)."""
        with self._lock:
            ref = self._find_run(run_id)
            if ref is None:
                return None
            rendered = self._render(ref)
            truth = rendered.ground_truth
            job = self.enterprise.jobs[ref.job]
            status = ref.plan.state_of(ref.job, self.now).status
            if ref.plan.instances[ref.job].runs[-1] is not ref.run:
                status = ref.run.final_status
            return GroundTruthInfo(
                run_id=run_id,
                job_id=ids.job_id(self.enterprise.seed_tag, ref.plan.day, ref.job),
                job_name=job.name,
                job_stream=self.enterprise.streams[job.stream].name,
                workstation=self.enterprise.workstations[ref.run.workstation].name,
                status=status,
                return_code=ref.run.return_code if self.now >= ref.run.end else None,
                template_id=truth.template_id if truth else None,
                category=truth.category if truth else None,
                error_line=truth.error_line if truth else None,
                entities=tuple(truth.entities) if truth else (),
            )

    # ------------------------------------------------------------------ host metrics
    def host_metrics(
        self,
        host: str,
        start: float | None = None,
        end: float | None = None,
        step: float = 300.0,
    ) -> list[HostMetricSample]:
        """CPU/memory/disk samples of ``host`` (a workstation name or host name).

        Defaults: the whole backfill window up to now. Raises ``KeyError`` for an unknown host,
        ``ValueError`` for a non-positive step.
        """
        if step <= 0:
            raise ValueError("step must be positive")
        with self._lock:
            ws = next(
                (w for w in self.enterprise.workstations
                 if w.host is not None and host in (w.name, w.host)),
                None,
            )  # fmt: skip
            if ws is None:
                raise KeyError(f"no host {host!r}")
            now = self.now
            days = self.available_days()
            start = days[0] * 86400.0 if start is None else start
            end = now if end is None else end
            plans = [
                plan
                for day in range(int(start // 86400) - 1, int(min(end, now) // 86400) + 1)
                if (plan := self._plan_for_day(day, now)) is not None
            ]
            return host_series(plans, ws.index, ws.host or ws.name, ws.limit,
                               self.enterprise.seed_tag, start, end, step, now,
                               epoch_day=float(days[0]))  # fmt: skip

    def export_metrics_csv(
        self,
        out: TextIO,
        hosts: Iterable[str] | None = None,
        start: float | None = None,
        end: float | None = None,
        step: float = 300.0,
    ) -> int:
        """Write the series of ``hosts`` (default: every host) as CSV; returns the row count."""
        names = list(hosts) if hosts is not None else self.enterprise.hosts()
        samples = [s for name in names for s in self.host_metrics(name, start, end, step)]
        return write_csv(samples, out)

    @property
    def mutations(self) -> int:
        """Increases with every change that can alter query results (clock, actions)."""
        return self._mutations

    def lock(self) -> threading.RLock:
        return self._lock


def _banner_extent(lines: tuple[bytes, ...]) -> tuple[int, int]:
    """Line counts of the leading and trailing banner blocks (framed by ``====`` rules)."""
    rules = [i for i, line in enumerate(lines) if _is_rule(line)]
    if len(rules) < 2:
        return 0, 0
    header = rules[1] + 1
    trailer = 0
    if len(rules) >= 4 and rules[-2] >= header:
        trailer = len(lines) - rules[-2]
    return header, trailer


def _is_rule(line: bytes) -> bool:
    stripped = line.strip()
    return len(stripped) >= 10 and set(stripped) == {ord("=")}


def _indices_for_ids(plan: Plan, query: Query) -> list[int] | None:
    """Job indices named by a bare ``id = ...`` / ``id IN [...]`` filter, else None."""
    where = query.where
    if not isinstance(where, Comparison) or where.field != "id":
        return None
    values: tuple[object, ...]
    if where.op is Op.EQ:
        values = (where.value,)
    elif where.op is Op.IN and isinstance(where.value, tuple):
        values = where.value
    else:
        return None
    prefix = plan_text(plan).job_id_prefix
    indices: set[int] = set()
    for value in values:
        text = str(value)
        if not text.startswith(prefix):
            continue
        try:
            index = int(text[len(prefix) :], 16)
        except ValueError:
            continue
        if 0 <= index < len(plan.instances):
            indices.add(index)
    return sorted(indices)

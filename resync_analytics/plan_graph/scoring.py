"""Tonight's per-job risks, re-scored along the plan's dependency graph.

``plan_model`` fits today's runtime model (with its hang tail) on the same history window
as ``score_tonight`` and runs the Monte Carlo over the plan's DAG; ``apply_plan_graph``
replaces each deadline job's per-job late probability by the graph's and adds its critical
path, latest safe end and hot list. A job the graph knows no deadline for keeps its per-job
risk, and with no stored edges the caller keeps today's scores unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from resync_analytics.maintenance.history import DAY_SECONDS, epoch_seconds
from resync_analytics.maintenance.risk import (
    MaintenanceConfig,
    human_duration,
    month_end_history,
    score_tonight,
    scoring_window,
)
from resync_analytics.maintenance.runtimes import estimate_runtimes
from resync_analytics.plan_graph.critical_path import DeadlineRisk, deadline_risks, latest_safe_end
from resync_analytics.plan_graph.graph import PlanDag, build_dag
from resync_analytics.plan_graph.simulate import (
    RuntimeDistribution,
    Simulation,
    Tonight,
    runtime_distribution,
    simulate,
)
from resync_analytics.plan_graph.stuck import stuck_jobs
from resync_core.plan_graph import PlanEdge, PlanNode
from resync_core.risk import JobRisk, PlannedJob, RiskReason

# Reasons the graph's late probability replaces: the per-job model's words about lateness.
_LATE_KINDS = frozenset({"late_risk", "late_exposure"})
LATE_REASON_FROM = 0.05
_STATE_WORDS = {"error": "in error", "running_long": "running far beyond its usual runtime"}


@dataclass(frozen=True)
class PlanGraphConfig:
    """``sims`` Monte Carlo draws (seeded: a rerun scores the same), ``hot_size`` jobs in a
    hot list."""

    sims: int = 400
    seed: int = 0
    hot_size: int = 5


@dataclass(frozen=True)
class PlanModel:
    """Tonight's plan as a DAG with its runtime distributions, simulation and safe ends."""

    dag: PlanDag
    runtimes: RuntimeDistribution
    simulation: Simulation
    safe_end: np.ndarray


def plan_nodes(
    stored: Sequence[PlanNode], planned: Sequence[PlannedJob] | None = None
) -> list[PlanNode]:
    """The plan's nodes: those stored for the day, overridden by the plan's own schedule and
    deadlines where TWS was read."""
    nodes = {node.job_key: node for node in stored}
    for job in planned or ():
        nodes[job.job_key] = PlanNode(job.job_key, job.sched_time, job.deadline_time)
    return [nodes[key] for key in sorted(nodes)]


def plan_model(
    history: pd.DataFrame,
    tonight: datetime,
    nodes: Sequence[PlanNode],
    edges: Sequence[PlanEdge],
    *,
    config: MaintenanceConfig | None = None,
    graph: PlanGraphConfig | None = None,
    state: Tonight | None = None,
    now: datetime | None = None,
) -> PlanModel:
    """Simulate the plan starting at ``tonight`` (the DAG's origin) with the runtime model
    fitted on the history window ``score_tonight`` uses. ``state`` says what already
    happened; or ``now`` (during the plan's day) reads it from the history's runs of that
    day. Raises ``PlanGraphCycleError`` for a cyclic plan."""
    cfg = config or MaintenanceConfig()
    settings = graph or PlanGraphConfig()
    window = scoring_window(history, tonight, cfg)
    dag = build_dag(nodes, edges, origin=tonight)
    older = month_end_history(history, tonight, cfg)
    model = estimate_runtimes(window, epoch_seconds(tonight), cfg.runtime, older)
    keys = [str(key) for key in window["job_key"].cat.categories]
    runtimes = runtime_distribution(model, keys, dag.keys)
    if state is None and now is not None:
        state = tonight_state(history, dag, now)
    sim = simulate(dag, runtimes, sims=settings.sims, seed=settings.seed, tonight=state)
    return PlanModel(dag, runtimes, sim, latest_safe_end(dag, runtimes))


def score_tonight_along_graph(
    history: pd.DataFrame,
    tonight: datetime,
    config: MaintenanceConfig,
    pattern_templates: Mapping[str, str] | None,
    planned: Sequence[PlannedJob] | None,
    stored_nodes: Sequence[PlanNode],
    edges: Sequence[PlanEdge],
    graph: PlanGraphConfig | None = None,
    now: datetime | None = None,
) -> list[JobRisk]:
    """``score_tonight``, then along the plan's graph when it has job edges; without any,
    exactly today's per-job scores. Scored during the plan's day (``now``), what already
    ran that day (in ``history``) is kept and the hot lists name the jobs in error, late or
    stuck. Raises ``PlanGraphCycleError`` for a cyclic plan."""
    risks = score_tonight(history, tonight, config, pattern_templates, planned)
    if not risks or not any(edge.kind in ("job", "job_stream") for edge in edges):
        return risks
    settings = graph or PlanGraphConfig()
    nodes = plan_nodes(stored_nodes, planned)
    live = during_plan_day(tonight, now)
    model = plan_model(history, tonight, nodes, edges, config=config, graph=settings, now=live)
    states = None
    if live is not None:
        stuck = stuck_jobs(model.simulation, model.runtimes, deadlines=False)
        states = job_states(history, model.dag, live, [job.job_key for job in stuck])
    return apply_plan_graph(risks, model, states=states, hot_size=settings.hot_size)


def apply_plan_graph(
    risks: Sequence[JobRisk],
    plan: PlanModel,
    *,
    states: Mapping[str, str] | None = None,
    hot_size: int = 5,
) -> list[JobRisk]:
    """``risks`` with the graph's view of every job that has a deadline in the plan, highest
    score first."""
    index = plan.dag.index()
    targets = [risk.job_key for risk in risks if risk.job_key in index]
    details = deadline_risks(
        plan.simulation,
        plan.runtimes,
        targets=targets,
        states=states,
        hot_size=hot_size,
        safe=plan.safe_end,
    )
    out = [
        _with_graph(risk, details[risk.job_key], plan.simulation.sims)
        if risk.job_key in details
        else risk
        for risk in risks
    ]
    out.sort(key=lambda risk: -risk.score)
    return out


def _with_graph(risk: JobRisk, detail: DeadlineRisk, sims: int) -> JobRisk:
    p_late = detail.late_probability
    score = 1.0 - (1.0 - risk.failure_probability) * (1.0 - p_late)
    reasons = [reason for reason in risk.reasons if reason.kind not in _LATE_KINDS]
    if p_late >= LATE_REASON_FROM:
        reasons.append(RiskReason("late_risk", _late_text(detail), p_late))
    elif not reasons:
        reasons.append(RiskReason("late_exposure", _late_text(detail), p_late))
    document: dict[str, Any] = {
        "late_probability": p_late,
        "per_job_late_probability": risk.late_probability,
        "deadline": _iso(detail.deadline),
        "median_end": _iso(detail.median_end),
        "simulations": sims,
        "hot": [
            {
                "job_key": hot.job_key,
                "path_share": round(hot.path_share, 4),
                "slack_seconds": round(hot.slack_seconds, 1)
                if np.isfinite(hot.slack_seconds)
                else None,
                "state": hot.state,
            }
            for hot in detail.hot
        ],
    }
    return dataclasses.replace(
        risk,
        score=score,
        late_probability=p_late,
        reasons=tuple(reasons),
        critical_path=detail.critical_path,
        latest_safe_end=detail.latest_safe_end,
        plan_graph=document,
    )


def _late_text(detail: DeadlineRisk) -> str:
    """The graph's late risk in words: chance, deadline, median end, and what drives it."""
    text = f"{detail.late_probability:.0%} chance to miss its {_hm(detail.deadline)} UTC deadline"
    text += f" along the plan's dependencies: usual end {_hm(detail.median_end)}"
    drivers = [hot for hot in detail.hot if hot.path_share >= 0.2]
    if drivers:
        top = drivers[0]
        text += f", most often waiting for {top.job_key} ({top.path_share:.0%} of simulations"
        if np.isfinite(top.slack_seconds):
            text += (
                f", {human_duration(top.slack_seconds)} of slack"
                if top.slack_seconds >= 0
                else f", {human_duration(-top.slack_seconds)} behind"
            )
        text += ")"
    troubled = [hot for hot in detail.hot if hot.state]
    if troubled:
        text += "; upstream " + ", ".join(
            f"{hot.job_key} is {_STATE_WORDS.get(hot.state or '', hot.state)}" for hot in troubled
        )
    return text


def _hm(moment: datetime | None) -> str:
    return "--:--" if moment is None else f"{moment.astimezone(UTC):%H:%M}"


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def during_plan_day(tonight: datetime, now: datetime | None) -> datetime | None:
    """``now`` when it falls in the plan day starting at ``tonight``, else None (before the
    day nothing has happened; after it the day is history)."""
    if now is None or not 0 <= (now - tonight).total_seconds() < DAY_SECONDS:
        return None
    return now


def _latest_attempts(
    history: pd.DataFrame, dag: PlanDag
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Node, start, end (seconds after the origin) and failed flag of each job's latest
    attempt scheduled in the plan's day."""
    origin = dag.origin.timestamp()
    sched = history["sched_time"].to_numpy()
    day = history[(sched >= origin) & (sched < origin + DAY_SECONDS)]
    day = day.sort_values(["sched_time", "run_attempt"], kind="stable")
    latest = day.drop_duplicates("job_key", keep="last")
    positions = pd.Index(dag.keys).get_indexer(pd.Index(latest["job_key"].astype(str)))
    known = positions >= 0
    return (
        positions[known],
        latest["start_time"].to_numpy()[known] - origin,
        latest["end_time"].to_numpy()[known] - origin,
        latest["failed"].to_numpy()[known],
    )


def tonight_state(history: pd.DataFrame, dag: PlanDag, now: datetime | None) -> Tonight:
    """What the run history already says about the plan's day (its origin to a day later):
    each job's latest attempt started and ended when it did. A job whose latest attempt
    failed counts as not started (it waits for a rerun); an end after ``now`` is not known
    yet. ``now`` None: nothing has happened yet."""
    moment = float("-inf") if now is None else now.timestamp() - dag.origin.timestamp()
    started = np.full(dag.size, np.nan)
    ended = np.full(dag.size, np.nan)
    if now is None or history.empty:
        return Tonight(started, ended, moment)
    rows, start, end, failed = _latest_attempts(history, dag)
    with np.errstate(invalid="ignore"):
        begun = ~failed & (start <= moment)
        done = begun & (end <= moment)
    started[rows] = np.where(begun, start, np.nan)
    ended[rows] = np.where(done, end, np.nan)
    return Tonight(started, ended, moment)


def job_states(
    history: pd.DataFrame, dag: PlanDag, now: datetime, running_long: Iterable[str] = ()
) -> dict[str, str]:
    """Jobs in trouble at ``now``, for the hot lists: ``error`` (its latest attempt of the
    day failed), ``late`` (not ended and past its deadline) and ``running_long`` (the given
    stuck jobs). A held job is TWS's word; the run history does not know it."""
    moment = now.timestamp() - dag.origin.timestamp()
    states: dict[str, str] = {}
    ended = np.zeros(dag.size, dtype=bool)
    if not history.empty:
        rows, _, end, failed = _latest_attempts(history, dag)
        with np.errstate(invalid="ignore"):
            ended[rows] = ~failed & (end <= moment)
        states.update((dag.keys[row], "error") for row in rows[failed].tolist())
    with np.errstate(invalid="ignore"):
        overdue = np.flatnonzero(~ended & (dag.deadline < moment))
    for node in overdue.tolist():
        states.setdefault(dag.keys[node], "late")
    states.update((key, "running_long") for key in running_long)
    return states

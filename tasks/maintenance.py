"""Tasks of predictive maintenance: load history, score tonight, store, announce, report.

One task run handles every job: the models are vectorised over the whole shop.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pandas as pd
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from resync_analytics.charts.reports import runtime_section
from resync_analytics.maintenance import (
    MaintenanceConfig,
    reasons_document,
    risk_scores,
    run_history_frame,
    score_tonight,
)
from resync_analytics.maintenance.plan_day import alerts_to_send, failed_patterns, plan_start
from resync_analytics.maintenance.report import report_markdown, risk_table
from resync_analytics.plan_graph import (
    PlanGraphCycleError,
    SinglePointOfFailure,
    single_points_of_failure,
)
from resync_analytics.plan_graph.scoring import (
    during_plan_day,
    plan_model,
    plan_nodes,
    score_tonight_along_graph,
)
from resync_clients.events import JOB_AT_RISK, DomainEvent, job_resource_id
from resync_clients.postgres.outbox import enqueue_events
from resync_clients.postgres.plan_graph import load_plan_edges, load_plan_nodes
from resync_clients.postgres.risk_scores import replace_risk_scores
from resync_clients.postgres.run_history import pattern_templates, read_run_history
from resync_clients.tws.errors import TWSError
from resync_clients.tws.records import planned_job
from resync_core.plan_graph import PlanEdge, PlanNode
from resync_core.risk import JobRisk, PlannedJob
from resync_core.settings import Settings
from tasks.poll import tws_client
from tasks.resources import get_store
from tasks.retry import DATABASE_RETRIES, retry_if_transient

REPORT_KEY = "maintenance-report"
TABLE_KEY = "jobs-at-risk"


@task(name="load-run-history", **DATABASE_RETRIES)
def load_run_history(settings: Settings, since: datetime, until: datetime) -> pd.DataFrame:
    """Every stored run scheduled in ``[since, until)``, as a run-history frame."""
    with get_store(settings).connection() as conn:
        history = run_history_frame(read_run_history(conn, since=since, until=until))
    get_run_logger().info(
        "loaded %d runs of %d jobs since %s",
        len(history),
        history["job_key"].nunique(),
        since.date().isoformat(),
    )
    return history


# One repeat for a TWS that stayed unavailable: reading the plan is safe to repeat.
@task(
    name="read-tonights-plan",
    retries=1,
    retry_delay_seconds=5,
    retry_condition_fn=retry_if_transient,
)
async def read_planned_jobs(settings: Settings) -> list[PlannedJob] | None:
    """The jobs of the current plan that have not started yet, with their schedule and
    deadline; None when TWS cannot be read (the scoring then takes the recently active jobs,
    so a TWS outage costs precision, not the report)."""
    logger = get_run_logger()
    if not settings.tws_url:
        logger.info("no TWS configured (RESYNC_TWS_URL): scoring the recently active jobs")
        return None
    planned: list[PlannedJob] = []
    try:
        async with tws_client(settings) as tws:
            async for page in tws.query_job_pages():
                planned.extend(p for p in map(planned_job, page.results) if p is not None)
            incomplete = list(tws.incomplete_reads)
    except TWSError as exc:
        logger.warning("tonight's plan could not be read (%s); scoring recent jobs instead", exc)
        return None
    if incomplete:
        # Part of a plan would silently leave jobs unscored: the recent jobs cover them all.
        logger.warning(
            "tonight's plan was read only in part (%s); scoring recent jobs instead", incomplete[0]
        )
        return None
    logger.info("%d job(s) of the current plan have not started yet", len(planned))
    return planned


@task(name="score-tonight")
def score_jobs_for_plan(
    settings: Settings,
    history: pd.DataFrame,
    plan_day: date,
    config: MaintenanceConfig,
    planned: list[PlannedJob] | None = None,
    graph: tuple[list[PlanNode], list[PlanEdge]] | None = None,
) -> list[JobRisk]:
    """Risk of each job failing or finishing late in ``plan_day``'s plan: the ``planned``
    ones when known, else every recently active one; along the plan's ``graph`` (stored
    nodes, edges) when it has edges."""
    with get_store(settings).connection() as conn:
        templates = pattern_templates(conn, failed_patterns(history))
    nodes, edges = graph or ([], [])
    logger = get_run_logger()
    try:
        risks = score_tonight_along_graph(
            history,
            plan_start(plan_day),
            config,
            templates,
            planned,
            nodes,
            edges,
            now=datetime.now(UTC),
        )
    except PlanGraphCycleError as exc:
        logger.warning("%s; scoring each job on its own instead", exc)
        risks = score_tonight(history, plan_start(plan_day), config, templates, planned)
    logger.info(
        "scored %d jobs for %s%s; highest %.2f",
        len(risks),
        plan_day.isoformat(),
        f" along {len(edges)} plan edges" if edges else "",
        risks[0].score if risks else 0.0,
    )
    return risks


@task(name="find-single-points-of-failure")
def find_single_points_of_failure(
    history: pd.DataFrame,
    plan_day: date,
    config: MaintenanceConfig,
    planned: list[PlannedJob] | None,
    graph: tuple[list[PlanNode], list[PlanEdge]],
) -> list[SinglePointOfFailure] | None:
    """Tonight's three jobs whose failure would cost the most deadline minutes, simulated
    along the plan's ``graph`` (seeded as the scoring, so it sees the same nights); None
    when the graph has no job edges (nothing to say) or a cycle (the scoring warned)."""
    nodes, edges = graph
    if not any(edge.kind in ("job", "job_stream") for edge in edges):
        return None
    tonight = plan_start(plan_day)
    try:
        model = plan_model(
            history,
            tonight,
            plan_nodes(nodes, planned),
            edges,
            config=config,
            now=during_plan_day(tonight, datetime.now(UTC)),
        )
    except PlanGraphCycleError:
        return None
    points = single_points_of_failure(model.simulation, model.safe_end, top=3)
    get_run_logger().info(
        "single points of failure of %s: %s",
        plan_day.isoformat(),
        ", ".join(point.job_key for point in points) or "none",
    )
    return points


@task(name="load-plan-graph", **DATABASE_RETRIES)
def load_plan_graph(settings: Settings, plan_day: date) -> tuple[list[PlanNode], list[PlanEdge]]:
    """The stored dependency graph of ``plan_day``: its nodes and edges (both empty when no
    edges are stored: the scoring then stays per job)."""
    with get_store(settings).connection() as conn:
        edges = load_plan_edges(conn, plan_day)
        nodes = load_plan_nodes(conn, plan_day) if edges else []
    get_run_logger().info(
        "plan graph of %s: %d edge(s), %d stored node(s)",
        plan_day.isoformat(),
        len(edges),
        len(nodes),
    )
    return nodes, edges


def at_risk_event(risk: JobRisk, plan_day: date) -> DomainEvent:
    """``resync.job.at_risk`` for one job and plan day (a rerun sends the same event id)."""
    workstation, rest = risk.job_key.split("#", 1)
    job_stream, job = rest.rsplit(".", 1)
    return DomainEvent(
        name=JOB_AT_RISK,
        resource_id=job_resource_id(workstation, job_stream, job),
        idempotency_key=f"at_risk:{risk.job_key}:{plan_day.isoformat()}",
        payload={
            "job_key": risk.job_key,
            "plan_day": plan_day.isoformat(),
            "score": round(risk.score, 4),
            "failure_probability": round(risk.failure_probability, 4),
            "late_probability": round(risk.late_probability, 4),
            "reasons": reasons_document(risk)["reasons"],
        },
        occurred_at=datetime.now(UTC),
        resource_labels={"tws.workstation": workstation, "tws.jobstream": job_stream},
    )


@task(name="store-risk-scores", **DATABASE_RETRIES)
def store_risk_scores(
    settings: Settings,
    plan_day: date,
    risks: Sequence[JobRisk],
    *,
    min_score: float,
    alert_score: float,
    max_events: int,
) -> int:
    """Store the scores of ``plan_day`` that reach ``min_score`` and, in the same
    transaction, enqueue an at-risk event for the (at most ``max_events``) new risks at or
    above ``alert_score``; chronically late jobs are reported, not announced every night.
    Returns the number of events newly enqueued."""
    kept, alerts = alerts_to_send(
        risks, min_score=min_score, alert_score=alert_score, max_events=max_events
    )
    with get_store(settings).connection() as conn, conn.transaction():
        result = replace_risk_scores(conn, plan_day, risk_scores(kept))
        enqueued = enqueue_events(conn, [at_risk_event(risk, plan_day) for risk in alerts])
    get_run_logger().info(
        "stored %d risk score(s) (%d new, %d changed); %d at-risk event(s) enqueued",
        len(kept),
        result.inserted,
        result.updated,
        enqueued,
    )
    return enqueued


@task(name="publish-maintenance-report")
def publish_maintenance_report(
    risks: Sequence[JobRisk],
    plan_day: date,
    *,
    alert_score: float,
    history_runs: int,
    history: pd.DataFrame | None = None,
    failure_points: Sequence[SinglePointOfFailure] | None = None,
) -> str:
    """Publish the markdown report (with tonight's single points of failure when the plan
    graph gave ``failure_points``, and the runtime trends of the top risks when given their
    ``history``) and the table of the riskiest jobs as artifacts."""
    markdown = report_markdown(
        risks,
        plan_day,
        alert_score=alert_score,
        history_runs=history_runs,
        failure_points=failure_points,
    )
    trends = "" if history is None else runtime_section(risks, history, plan_start(plan_day))
    markdown += f"\n\n{trends}" if trends else ""
    create_markdown_artifact(
        key=REPORT_KEY, markdown=markdown, description="Jobs likely to fail or run late tonight"
    )
    create_table_artifact(
        key=TABLE_KEY,
        table=risk_table(risks),
        description=f"The 200 riskiest jobs for the plan of {plan_day.isoformat()}",
    )
    return markdown

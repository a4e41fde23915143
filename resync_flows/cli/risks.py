"""``resync-flows risks``: which jobs are likely to fail or finish late tonight, and why."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer

from resync_core.risk import RiskScore
from resync_core.settings import load_settings
from resync_flows.cli.flow_runs import check_database, database_errors, quiet_expected_failures

app = typer.Typer(
    help="Predictive maintenance: tonight's riskiest jobs, with the reasons behind each score.",
    no_args_is_help=True,
)

PlanDay = Annotated[
    str | None,
    typer.Option(
        help="Plan day YYYY-MM-DD (show: the latest scored; score: the day of the plan's next "
        "jobs, or tomorrow without TWS)."
    ),
]
DatabaseUrl = Annotated[str | None, typer.Option(help="PostgreSQL URL (RESYNC_DATABASE_URL).")]


def _plan_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter("expected a date as YYYY-MM-DD", param_hint="--plan-day") from None


def _print(rows: list[RiskScore], day: date, as_json: bool) -> None:
    if as_json:
        for row in rows:
            typer.echo(json.dumps(_json_object(row, day)))
        return
    if not rows:
        typer.echo(f"no job at risk stored for the plan of {day.isoformat()}")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Tonight's risks — plan of {day.isoformat()}", show_lines=True)
    # Job keys and conman commands are copied from here: wrapped, never cut short.
    table.add_column("job", overflow="fold")
    for column in ("risk", "fail", "late"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("why", overflow="fold")
    for row in rows:
        document = row.reasons
        table.add_row(
            row.job_key,
            f"{float(row.score):.0%}",
            f"{document['failure_probability']:.0%}",
            f"{document['late_probability']:.0%}",
            "\n".join(
                [reason["text"] for reason in document["reasons"]]
                + [f"→ {action}" for action in document.get("actions", [])[:1]]
            )
            or "—",
        )
    Console().print(table)


def _graph_fields(row: RiskScore) -> dict[str, Any]:
    """The plan graph's view of a job, as ``--json`` states it: its critical path (job keys,
    first to last, the job itself last; empty without a deadline or stored edges) and its
    latest safe end (ISO-8601, null without)."""
    return {
        "critical_path": list(row.critical_path),
        "latest_safe_end": row.latest_safe_end.isoformat() if row.latest_safe_end else None,
    }


def _json_object(row: RiskScore, day: date) -> dict[str, Any]:
    document = row.reasons
    return {
        "job_key": row.job_key,
        "plan_day": day.isoformat(),
        "score": round(float(row.score), 4),
        "failure_probability": round(document["failure_probability"], 4),
        "late_probability": round(document["late_probability"], 4),
        "chronically_late": bool(document.get("chronically_late")),
        "reasons": [reason["text"] for reason in document["reasons"]],
        "actions": document.get("actions", []),
        **_graph_fields(row),
    }


def _explain(row: RiskScore, day: date, as_json: bool) -> None:
    """One job's score in full: its numbers, reasons and actions, and along the plan's graph
    its deadline, usual end, latest safe end, critical path and hot list."""
    graph = row.reasons.get("plan_graph") or {}
    if as_json:
        typer.echo(
            json.dumps(
                {
                    **_json_object(row, day),
                    "deadline": graph.get("deadline"),
                    "median_end": graph.get("median_end"),
                    "hot": graph.get("hot", []),
                }
            )
        )
        return
    document = row.reasons
    lines = [
        f"{row.job_key} — plan of {day.isoformat()}: risk {float(row.score):.0%} "
        f"(fail {document['failure_probability']:.0%}, late {document['late_probability']:.0%})"
    ]
    if graph:
        lines.append(
            f"deadline {_clock(graph.get('deadline'))}, usual end {_clock(graph.get('median_end'))}"
            f", latest safe end {_clock(row.latest_safe_end)} "
            f"({graph.get('simulations', '?')} simulations along the plan's dependencies)"
        )
        lines.append("critical path: " + " → ".join(row.critical_path))
        hot = graph.get("hot", [])
        if hot:
            lines.append("drives its risk:")
        for job in hot:
            slack = job.get("slack_seconds")
            lines.append(
                f"  {job['job_key']}: on the path in {job['path_share']:.0%} of simulations"
                + ("" if slack is None else f", slack {_signed_minutes(slack)}")
                + (f", {job['state']}" if job.get("state") else "")
            )
    else:
        lines.append("no plan graph for this score: scored on its own (no edges stored)")
    lines.append("why:")
    lines += [f"  - {reason['text']}" for reason in document["reasons"]]
    lines += [f"  → {action}" for action in document.get("actions", [])]
    typer.echo("\n".join(lines))


def _clock(moment: datetime | str | None) -> str:
    if moment is None:
        return "—"
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return f"{value.astimezone(UTC):%H:%M} UTC"


def _signed_minutes(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes}m" if minutes >= 0 else f"{-minutes}m behind"


def _show(
    database_url: str | None,
    day: date | None,
    limit: int,
    as_json: bool,
    job: str | None = None,
) -> None:
    from resync_clients.postgres.risk_scores import (
        latest_scored_day,
        risk_score_of,
        top_risk_scores,
    )
    from resync_clients.store import open_store

    settings = load_settings(database_url=database_url)
    with open_store(settings) as store:
        store.ensure_schema()
        with store.connection() as conn:
            day = day or latest_scored_day(conn)
            if day is None:
                typer.echo("no risk scores yet: run `resync-flows risks score` first", err=True)
                raise typer.Exit(1)
            if job is not None:
                one = risk_score_of(conn, day, job)
                if one is None:
                    typer.echo(
                        f"no stored score for {job} in the plan of {day.isoformat()} (not in "
                        "the plan, or below the stored minimum)",
                        err=True,
                    )
                    raise typer.Exit(1)
                _explain(one, day, as_json)
                return
            rows = top_risk_scores(conn, day, limit)
    _print(rows, day, as_json)


@app.command("show")
def show(
    plan_day: PlanDay = None,
    limit: Annotated[int, typer.Option(min=1, max=100000, help="At most this many jobs.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    job: Annotated[
        str | None,
        typer.Option(
            "--job",
            help="Explain one job (WS#STREAM.JOB): its critical path, latest safe end and "
            "the jobs that drive its risk.",
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Show the stored scores of a plan day, riskiest first (--job: one job explained)."""
    _show(database_url, _plan_day(plan_day), limit, as_json, job)


@app.command("score")
def score(
    plan_day: PlanDay = None,
    lookback_days: Annotated[
        int, typer.Option(min=3, max=366, help="History the models learn from.")
    ] = 28,
    limit: Annotated[int, typer.Option(min=1, max=100000, help="Then show this many.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Score a plan day now (the before-batch flow, run in this process), then show it.

    With RESYNC_TWS_URL set, the jobs of the current plan still to run are scored, with the
    plan's deadlines; without it (or when TWS cannot be read), the recently active jobs."""
    import asyncio
    import os

    from resync_core.settings import get_settings

    day = _plan_day(plan_day)
    load_settings(database_url=database_url)  # a bad URL stops here, with its message
    if database_url is not None:
        os.environ["RESYNC_DATABASE_URL"] = database_url
    get_settings.cache_clear()
    # An unreachable database stops here, before Prefect starts and logs the failed run.
    check_database(get_settings())
    from flows.maintenance import MaintenanceParameters, predict_tonight_risks

    with quiet_expected_failures(*database_errors()):
        outcome = asyncio.run(
            predict_tonight_risks(MaintenanceParameters(plan_day=day, lookback_days=lookback_days))
        )
    _show(database_url, outcome.plan_day, limit, as_json)


_DURATION = re.compile(r"^\s*(?:(?P<h>\d+(?:\.\d+)?)h)?\s*(?:(?P<m>\d+(?:\.\d+)?)m?)?\s*$")


def _delay(text: str) -> tuple[str, float]:
    """``WS#STREAM.JOB=30m`` (also ``=1h30m``, ``=2h``, ``=45``) -> (job key, minutes)."""
    job, sep, amount = text.rpartition("=")
    match = _DURATION.match(amount)
    minutes = 0.0
    if match and (match["h"] or match["m"]):
        minutes = float(match["h"] or 0) * 60 + float(match["m"] or 0)
    if not sep or not job or minutes <= 0:
        raise typer.BadParameter(
            "expected JOB=DURATION, e.g. FTA01#NIGHTLY.LOAD=30m or =1h30m", param_hint="--delay"
        )
    return job, minutes


def _scenario(hang: str | None, fail: str | None, delay: str | None, recovery: float) -> Any:
    from resync_analytics.plan_graph import Scenario

    chosen = [option for option in (hang, fail, delay) if option]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of --hang JOB, --fail JOB, --delay JOB=30m")
    if hang:
        return Scenario("hang", hang)
    if fail:
        return Scenario("fail", fail, recovery_minutes=recovery)
    job, minutes = _delay(delay or "")
    return Scenario("delay", job, minutes=minutes)


def _plan_simulation(
    settings: Any, day: date | None, lookback_days: int, sims: int, at: datetime | None = None
) -> Any:
    """The plan day's stored graph, simulated with the runtime model of the history before
    it and, at ``at`` (default: now) during that day, what already happened (its runs)."""
    from datetime import timedelta

    from resync_analytics.maintenance import MaintenanceConfig, run_history_frame
    from resync_analytics.maintenance.plan_day import history_window, plan_start
    from resync_analytics.plan_graph.scoring import PlanGraphConfig, plan_model
    from resync_clients.postgres.plan_graph import load_plan_edges, load_plan_nodes
    from resync_clients.postgres.risk_scores import latest_scored_day
    from resync_clients.postgres.run_history import read_run_history
    from resync_clients.store import open_store

    with open_store(settings) as store:
        store.ensure_schema()
        with store.connection() as conn:
            day = day or latest_scored_day(conn) or datetime.now(UTC).date()
            edges = load_plan_edges(conn, day)
            if not edges:
                typer.echo(
                    f"no dependency graph stored for the plan of {day.isoformat()}: the poller "
                    "stores it as it reads the plan",
                    err=True,
                )
                raise typer.Exit(1)
            nodes = load_plan_nodes(conn, day)
            config = MaintenanceConfig(lookback_days=float(lookback_days))
            # Back far enough for the month ends the runtime model learns from.
            since, until = history_window(
                day, max(config.lookback_days, config.runtime.month_end_lookback_days)
            )
            history = run_history_frame(
                read_run_history(conn, since=since, until=until + timedelta(days=1))
            )
    tonight = plan_start(day)
    now = at or datetime.now(UTC)
    model = plan_model(
        history,
        tonight,
        nodes,
        edges,
        config=config,
        graph=PlanGraphConfig(sims=sims),
        now=now if tonight <= now < tonight + timedelta(days=1) else None,
    )
    return day, model


At = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="Assume it is this instant (ISO-8601, e.g. 2026-03-02T02:30Z; default: now): "
        "during the plan's day, what ran before it is taken as done.",
    ),
]
RuntimeLookbackDays = Annotated[
    int, typer.Option(min=3, max=366, help="History the runtime model learns from.")
]
Sims = Annotated[int, typer.Option(min=50, max=5000, help="Monte Carlo draws.")]


def _instant(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter("expected an ISO-8601 instant", param_hint="--at") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command("what-if")
def what_if(
    hang: Annotated[str | None, typer.Option(help="This job (WS#STREAM.JOB) never ends.")] = None,
    fail: Annotated[
        str | None, typer.Option(help="This job fails and is rerun after --recovery minutes.")
    ] = None,
    delay: Annotated[
        str | None, typer.Option(help="This job ends late: JOB=30m (or =1h30m).")
    ] = None,
    worst: Annotated[
        bool,
        typer.Option(
            "--worst",
            help="Instead: tonight's three jobs whose failure would cost the most minutes "
            "late over all deadlines (single points of failure).",
        ),
    ] = False,
    recovery: Annotated[
        float, typer.Option(min=0, help="Minutes until a failed job is rerun (--fail).")
    ] = 30.0,
    plan_day: PlanDay = None,
    at: At = None,
    lookback_days: RuntimeLookbackDays = 28,
    sims: Sims = 400,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Which deadlines would be missed, and by how much, if a job hangs, fails or ends late.

    Runs the plan's stored dependency graph with each job's runtime distribution, then again
    with the scenario (same draws): a deadline counts as missed in at least half of them."""
    from resync_analytics.plan_graph import PlanGraphCycleError, single_points_of_failure
    from resync_analytics.plan_graph import what_if as run_what_if

    scenario = None
    if worst:
        if hang or fail or delay:
            raise typer.BadParameter("--worst goes alone, without --hang, --fail or --delay")
    else:
        scenario = _scenario(hang, fail, delay, recovery)
    day = _plan_day(plan_day)
    moment = _instant(at)
    settings = load_settings(database_url=database_url)
    try:
        day, model = _plan_simulation(settings, day, lookback_days, sims, moment)
        if scenario is None:
            worst_jobs = single_points_of_failure(
                model.simulation, model.safe_end, recovery_minutes=recovery
            )
            _print_worst(worst_jobs, day, model.simulation.sims, as_json)
            return
        outcome = run_what_if(model.simulation, scenario)
    except PlanGraphCycleError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except KeyError as exc:
        typer.echo(f"{exc.args[0]} of {day.isoformat() if day else 'the plan'}", err=True)
        raise typer.Exit(1) from None
    _print_what_if(outcome, day, model.simulation.sims, as_json)


def _print_worst(worst: list[Any], day: date, sims: int, as_json: bool) -> None:
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "plan_day": day.isoformat(),
                    "simulations": sims,
                    "single_points_of_failure": [
                        {
                            "job_key": one.job_key,
                            "expected_minutes_lost": round(one.outcome.expected_minutes_lost, 1),
                            "missed": [_missed_object(m) for m in one.outcome.missed],
                        }
                        for one in worst
                    ],
                }
            )
        )
        return
    if not worst:
        typer.echo(f"plan of {day.isoformat()}: no single failure would cost a deadline")
        return
    lines = [f"Tonight's single points of failure (plan of {day.isoformat()}, {sims} sims):"]
    for rank, one in enumerate(worst, 1):
        missed = ", ".join(m.job_key for m in one.outcome.missed) or "no deadline missed outright"
        lines.append(
            f"{rank}. {one.job_key}: a failure costs {one.outcome.expected_minutes_lost:.0f} "
            f"min late in all (expected); misses {missed}"
        )
    typer.echo("\n".join(lines))


def _missed_object(m: Any) -> dict[str, Any]:
    return {
        "job_key": m.job_key,
        "deadline": m.deadline.isoformat() if m.deadline else None,
        "probability_before": round(m.probability_before, 4),
        "probability_after": round(m.probability_after, 4),
        "minutes_late": None if m.minutes_late is None else round(m.minutes_late, 1),
        "added_minutes": None if m.added_minutes is None else round(m.added_minutes, 1),
    }


@app.command("stuck")
def stuck(
    plan_day: PlanDay = None,
    at: At = None,
    lookback_days: RuntimeLookbackDays = 28,
    sims: Sims = 400,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Running jobs past the p99 of their own runtime, how far beyond, and the deadline
    jobs each delays (those it would make miss if it never ended)."""
    from resync_analytics.plan_graph import PlanGraphCycleError, stuck_jobs

    settings = load_settings(database_url=database_url)
    moment = _instant(at) or datetime.now(UTC)
    try:
        day, model = _plan_simulation(settings, _plan_day(plan_day), lookback_days, sims, moment)
    except PlanGraphCycleError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    if not math.isfinite(model.simulation.tonight.now):
        typer.echo(f"{moment.isoformat()} is outside the plan of {day.isoformat()}: none runs")
        return
    found = stuck_jobs(model.simulation, model.runtimes)
    if as_json:
        for job in found:
            typer.echo(
                json.dumps(
                    {
                        "job_key": job.job_key,
                        "plan_day": day.isoformat(),
                        "started_at": job.started_at.isoformat() if job.started_at else None,
                        "elapsed_seconds": round(job.elapsed_seconds, 1),
                        "p99_seconds": round(job.p99_seconds, 1),
                        "beyond_seconds": round(job.beyond_seconds, 1),
                        "times_p99": round(job.times_p99, 2),
                        "delays": [_missed_object(m) for m in job.delays],
                    }
                )
            )
        return
    if not found:
        typer.echo(f"no running job is past its p99 at {moment:%Y-%m-%d %H:%M} UTC")
        return
    from resync_analytics.maintenance import human_duration

    for job in found:
        typer.echo(
            f"{job.job_key}: running {human_duration(job.elapsed_seconds)}, "
            f"{human_duration(job.beyond_seconds)} past its p99 of "
            f"{human_duration(job.p99_seconds)} ({job.times_p99:.1f}x)"
        )
        for m in job.delays:
            typer.echo(
                f"  delays {m.job_key} (deadline {_clock(m.deadline)}; "
                f"{m.probability_before:.0%} likely missed now, certain if it never ends)"
            )


def _print_what_if(outcome: Any, day: date, sims: int, as_json: bool) -> None:
    scenario = outcome.scenario
    missed = [_missed_object(m) for m in outcome.missed]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "plan_day": day.isoformat(),
                    "scenario": {
                        "kind": scenario.kind,
                        "job_key": scenario.job_key,
                        "minutes": scenario.minutes if scenario.kind == "delay" else None,
                        "recovery_minutes": scenario.recovery_minutes
                        if scenario.kind == "fail"
                        else None,
                    },
                    "simulations": sims,
                    "missed": missed,
                    "expected_minutes_lost": round(outcome.expected_minutes_lost, 1),
                }
            )
        )
        return
    head = f"What if {scenario.describe()} (plan of {day.isoformat()}, {sims} simulations):"
    if not missed:
        typer.echo(f"{head}\nno deadline would be missed")
        return
    lines = [head, f"{len(missed)} deadline(s) would be missed:"]
    for m in missed:
        late = "never ends" if m["minutes_late"] is None else f"{m['minutes_late']:.0f} min late"
        lines.append(
            f"  {m['job_key']}  deadline {_clock(m['deadline'])}: {late} "
            f"(chance {m['probability_before']:.0%} → {m['probability_after']:.0%})"
        )
    typer.echo("\n".join(lines))

"""The end-to-end demo: a simulated TWS shop, every flow once, and what they found.

Runs on the embedded defaults only (embedded PostgreSQL in its own data directory, the
built-in simulator on loopback, Prefect's ephemeral API), so it works on a fresh machine and
never touches a real TWS or the user's own database.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resync_core.settings import get_settings

if TYPE_CHECKING:
    from resync_clients.postgres.reports import ErrorTemplateCount

# Failure templates injected "tonight", one per kind of trouble an operator meets.
TONIGHT_FAILURES = (
    "fnf.trigger_file",
    "disk.oracle_extend",
    "oom.java_heap",
    "cmd.jobmanrc",
    "perm.sftp_put",
    "net.oracle_tns",
    "auth.oracle",
    "busy.ora_54",
)
DEMO_SEED = 2026
# The application whose joblogs change format on the last night of the history (a new
# vendor's release), for the quality watch to notice the next morning.
CHANGED_APPLICATION = "CRM"


@dataclass
class DemoReport:
    """What the demo found, for the summary."""

    schema_version: int = 0
    store_location: str = ""
    simulator_url: str = ""
    history_runs: int = 0
    metric_samples: int = 0
    plan_jobs: int = 0
    failures_tonight: int = 0
    incidents: list[dict[str, Any]] = field(default_factory=list)
    capacity_risks: list[dict[str, Any]] = field(default_factory=list)
    at_risk_jobs: list[dict[str, Any]] = field(default_factory=list)
    learning: dict[str, Any] = field(default_factory=dict)
    patterns: list[ErrorTemplateCount] = field(default_factory=list)
    quality: dict[str, Any] = field(default_factory=dict)
    resolution: list[dict[str, Any]] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)


StepRunner = Callable[[str, Callable[[], Any]], Any]


@contextmanager
def demo_environment(data_dir: Path) -> Iterator[None]:
    """Point the process settings at the demo's own data directory (embedded PostgreSQL)."""
    saved = {name: os.environ.get(name) for name in _DEMO_VARIABLES}
    for name in _DEMO_VARIABLES:
        os.environ.pop(name, None)
    os.environ["RESYNC_DATA_DIR"] = str(data_dir)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


_DEMO_VARIABLES = (
    "RESYNC_DATA_DIR",
    "RESYNC_DATABASE_URL",
    "RESYNC_TWS_URL",
    "RESYNC_TWS_USERNAME",
    "RESYNC_TWS_PASSWORD",
    "RESYNC_TWS_API_KEY",
    "RESYNC_LLM_MODEL",
)


def run_demo(step: StepRunner, *, data_dir: Path, history_days: int = 30) -> DemoReport:
    """Run every flow once against a simulated shop; ``step(title, fn)`` shows progress."""
    from resync_simulator import SimulatorConfig, run_simulator
    from resync_simulator.format_change import LogFormatChange
    from tasks.resources import close_store, get_store

    report = DemoReport()
    with demo_environment(data_dir):
        close_store()
        store = step("Starting PostgreSQL (embedded) and applying migrations", get_store)
        report.store_location = store.location
        report.schema_version = store.schema_version()

        config = SimulatorConfig(
            seed=DEMO_SEED,
            scenario="default",
            backfill_days=history_days,
            clock_rate=0,
            # Tonight is tonight: history windows ("the last 7 days") line up with the clock.
            start=_tonight(),
            format_change=LogFormatChange(
                application=CHANGED_APPLICATION, from_day=(_tonight() - timedelta(days=1)).date()
            ),
        )
        with ExitStack() as stack:
            sim = step(
                "Starting the TWS simulator (REST API v2 on loopback)",
                lambda: stack.enter_context(run_simulator(config)),
            )
            report.simulator_url = sim.base_url
            user, password = sim.basic_auth
            os.environ.update(
                RESYNC_TWS_URL=sim.base_url,
                RESYNC_TWS_USERNAME=user,
                RESYNC_TWS_PASSWORD=password,
            )
            get_settings.cache_clear()
            _run_flows(step, sim, report, history_days)
        close_store()
    return report


def _run_flows(step: StepRunner, sim: Any, report: DemoReport, history_days: int) -> None:
    from flows.backfill import backfill_history
    from flows.incident import analyze_incidents
    from flows.metrics import import_metrics
    from flows.poller import poll_tws

    engine = sim.engine
    today = engine.plan().day

    def import_host_metrics() -> int:
        with tempfile.TemporaryDirectory(prefix="resync-demo-") as directory:
            path = Path(directory) / "host-metrics.csv"
            with path.open("w", encoding="utf-8") as out:
                engine.export_metrics_csv(out, step=1800.0)
            return import_metrics(path)

    step(f"Importing {history_days} days of host CPU, memory and disk history", import_host_metrics)
    report.metric_samples = _count("metric_samples")

    past_plans = [f"PLAN_{_plan_date(engine, day)}" for day in range(today - history_days, today)]
    summary = step(
        f"Backfilling {history_days} days of job history (runs, failures, joblogs)",
        lambda: asyncio.run(backfill_history(past_plans)),
    )
    report.history_runs = summary.runs

    first = step("First full poll of today's plan", lambda: asyncio.run(poll_tws(full=True)))
    report.plan_jobs = first.jobs_read

    def tonight() -> list[str]:
        engine.advance(timedelta(minutes=20).total_seconds())
        injected = [engine.inject(template_id=template) for template in TONIGHT_FAILURES]
        asyncio.run(poll_tws())
        return injected

    injected = step("Simulating tonight: jobs ABEND, the poller catches them", tonight)
    report.failures_tonight = len(injected)

    outcomes = step(
        "Analysing tonight's failures into incidents (root cause, steps, rerun)",
        lambda: asyncio.run(analyze_incidents(injected)),
    )
    report.incidents = [_incident_row(outcome) for outcome in outcomes]

    for title, runner in _optional_flows():
        step(title, partial(runner, report))

    step(
        "Learning: operators judge tonight's incidents, the same failures strike again",
        lambda: _learn_from_feedback(engine, outcomes, report),
    )
    step(
        f"Watching last night's quality ({CHANGED_APPLICATION} joblogs changed format)",
        lambda: _watch_quality(report, history_days),
    )
    step("Measuring time to resolution", lambda: _time_to_resolution(report))


def _watch_quality(report: DemoReport, history_days: int) -> None:
    """The nightly quality watch for last night, the first in the new format. The first half
    of the history teaches it the shop's templates, the second half is its baseline."""
    from flows.watch_quality import WatchParameters, watch_quality
    from resync_clients.postgres.quality import stored_figures
    from tasks.resources import get_store

    night = (_tonight() - timedelta(days=1)).date()
    weeks = max(1, history_days // 14)
    outcome = asyncio.run(
        watch_quality(WatchParameters(night=night, baseline_weeks=weeks, weeks=weeks))
    )
    with get_store().connection() as conn:
        figures = stored_figures(conn, period="night", since=night)
    report.quality = {
        "night": night,
        "application": CHANGED_APPLICATION,
        "events": outcome.events_sent,
        "degraded": [
            {
                "measure": f.measure,
                "scope": f.scope,
                "value": f.value,
                "usual": (f.usual_low, f.usual_high),
                "p_value": f.p_value,
                "drivers": list(f.drivers),
                "count": f.count,
            }
            for f in figures
            if f.degraded and f.period_start == night
        ],
    }


def _time_to_resolution(report: DemoReport) -> None:
    """The ``resync-flows report value`` figures (hours from ABEND to rerun and to verdict)
    of the last two weeks, per category, learned first step or not together."""
    from resync_analytics.quality import time_to_resolution
    from resync_analytics.quality.resolution import EITHER
    from resync_clients.postgres.quality import resolution_times
    from tasks.resources import get_store

    with get_store().connection() as conn:
        summaries = time_to_resolution(
            lambda since, until: resolution_times(conn, since=since, until=until),
            weeks=2,
            today=datetime.now(UTC).date(),
        )
    report.resolution = [asdict(s) for s in summaries if s.incidents and s.learned == EITHER]


# Minutes the simulated night shift spends on one incident, from reading it to the rerun.
OPERATOR_MINUTES_PER_INCIDENT = 6

# What the simulated night shift writes when it closes an incident it agrees with.
DEMO_RESOLUTIONS = {
    "file_not_found": "Upstream transfer was late: re-sent the file from the partner's outbox, "
    "then reran the job.",
    "disk_full": "DBA added a 4 GB datafile to the tablespace (ALTER TABLESPACE ... ADD "
    "DATAFILE), then reran.",
    "out_of_memory": "Raised the heap to -Xmx6g in the job's properties and reran.",
    "command_not_found": "Agent profile lost the tool's PATH after patching; restored "
    "/etc/profile.d/etl.sh and reran.",
    "permission_denied": "Partner re-granted write access on the inbound folder; reran.",
    "network": "Listener was down after the DB restart; DBA started it (lsnrctl start), reran.",
    "authentication": "Password of the batch account had expired; reset it in the vault and reran.",
    "resource_busy": "Waited for the online reorganisation to release its lock, then reran.",
}


def _learn_from_feedback(engine: Any, outcomes: list[Any], report: DemoReport) -> None:
    """Operators record a verdict and a resolution on each of tonight's incidents (right when
    the simulator's ground truth agrees), the learning flow fits them, and the first failures
    of tonight happen again: their new incidents start with what fixed them last time."""
    from flows.incident import analyze_incidents
    from flows.learning import learn_from_feedback
    from flows.poller import poll_tws
    from resync_clients.postgres.incidents import record_feedback
    from resync_clients.postgres.reports import first_steps as read_first_steps
    from resync_simulator.engine import ActionRejected
    from tasks.resources import get_store

    with get_store().connection() as conn:
        for outcome in outcomes:
            truth = engine.ground_truth(outcome.run_ids[0])
            right = truth is not None and truth.category == outcome.category
            # The operator reads the incident, fixes the cause and reruns the job within
            # minutes, on the simulated clock the ABEND happened on.
            engine.advance(OPERATOR_MINUTES_PER_INCIDENT * 60)
            if right:
                with contextlib.suppress(ActionRejected):
                    engine.rerun(outcome.run_ids[0])
            record_feedback(
                conn,
                outcome.incident_id,
                verdict="fixed" if right else "wrong",
                resolution=DEMO_RESOLUTIONS.get(outcome.category) if right else None,
                operator="night-shift",
                resolve=True,
                recorded_at=engine.now_datetime(),
            )
    learned = learn_from_feedback()

    engine.advance(timedelta(minutes=30).total_seconds())
    again = [engine.inject(template_id=template) for template in TONIGHT_FAILURES[:3]]
    asyncio.run(poll_tws())
    repeated = asyncio.run(analyze_incidents(again))
    with get_store().connection() as conn:
        first_steps = read_first_steps(conn, [outcome.incident_id for outcome in repeated])
    report.learning = {
        "verdicts": learned.verdicts,
        "categories": learned.categories,
        "repeated": len(repeated),
        "first_steps": first_steps,
    }


def _tonight() -> datetime:
    """Today 06:00 UTC (yesterday's if that is still ahead): the night batch is done."""
    now = datetime.now(UTC)
    start = now.replace(hour=6, minute=0, second=0, microsecond=0)
    return start if start <= now else start - timedelta(days=1)


def _count(table: str) -> int:
    from resync_clients.postgres.reports import table_count
    from tasks.resources import get_store

    with get_store().connection() as conn:
        return table_count(conn, table)


def _plan_date(engine: Any, day: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(day * 86400, tz=UTC).strftime("%Y%m%d")


def _incident_row(outcome: Any) -> dict[str, Any]:
    from resync_clients.postgres.reports import incident_summary
    from tasks.resources import get_store

    with get_store().connection() as conn:
        row = incident_summary(conn, outcome.incident_id)
    summary = asdict(row) if row else {}
    return summary | {"incident_id": outcome.incident_id, "runs": outcome.affected_runs}


def _optional_flows() -> list[tuple[str, Callable[[DemoReport], None]]]:
    """Flows beyond decision support, in the order an operator's night would run them."""
    return [
        ("Mining error patterns from a month of failed joblogs", _mine_patterns),
        ("Forecasting host capacity six weeks ahead (CPU, memory, disk)", _forecast_capacity),
        ("Predicting which jobs may fail or finish late tonight", _predict_risks),
    ]


def _predict_risks(report: DemoReport) -> None:
    from flows.maintenance import predict_tonight_risks
    from resync_clients.postgres.reports import risk_scores_for
    from tasks.resources import get_store

    # The jobs of today's plan still to run (the evening batch), read from the simulator.
    outcome = asyncio.run(predict_tonight_risks())
    plan_day = outcome.plan_day
    with get_store().connection() as conn:
        scores = risk_scores_for(conn, plan_day)
    report.at_risk_jobs = [
        {
            "job_key": one.job_key,
            "score": float(one.score),
            "fail": float(one.reasons["failure_probability"]),
            "late": float(one.reasons["late_probability"]),
            "reasons": [r["text"] for r in one.reasons["reasons"]],
            "actions": list(one.reasons.get("actions", [])),
            # Late night after night is a known problem; the summary leads with new ones.
            "known": bool(one.reasons.get("chronically_late")),
            # Only the everyday risk of any job: counted, not listed.
            "everyday": not one.reasons.get("stands_out", True),
            "news": float(one.reasons.get("news", one.score)),
        }
        for one in scores
    ]
    report.at_risk_jobs.sort(key=lambda job: -job["news"])


def _forecast_capacity(report: DemoReport) -> None:
    from flows.capacity import CapacityParameters, forecast_capacity
    from resync_clients.postgres.reports import threshold_forecasts
    from tasks.resources import get_store

    asyncio.run(forecast_capacity(CapacityParameters()))
    with get_store().connection() as conn:
        forecasts = threshold_forecasts(conn)
    forecasts.sort(key=lambda forecast: forecast.threshold_eta)
    report.capacity_risks = [
        {
            "host": forecast.details.get("host"),
            "metric": forecast.details.get("metric"),
            "now": float(forecast.details.get("last_value") or 0),
            "threshold": float(forecast.threshold),
            "eta": forecast.threshold_eta,
            "range": _date_range(forecast.threshold_eta_lower, forecast.threshold_eta_upper),
            "drivers": [d["job_key"] for d in forecast.details.get("drivers", [])[:3]],
        }
        for forecast in forecasts
    ]


def _date_range(earliest: datetime | None, latest: datetime | None) -> str:
    first = f"{earliest:%m-%d}" if earliest else "?"
    last = f"{latest:%m-%d}" if latest else "later"
    return f"{first} – {last}"


def _mine_patterns(report: DemoReport) -> None:
    from flows.patterns import mine_error_patterns
    from resync_clients.postgres.reports import top_error_templates
    from tasks.resources import get_store

    asyncio.run(mine_error_patterns(lookback_days=31))
    with get_store().connection() as conn:
        counts = top_error_templates(conn, limit=8)
    report.patterns = [replace(count, template=count.template[:110]) for count in counts]


def timed_step(announce: Callable[[str], None], done: Callable[[str, float], None]) -> StepRunner:
    """A ``StepRunner`` that announces each step and reports its duration."""

    def run(title: str, fn: Callable[[], Any]) -> Any:
        announce(title)
        started = time.monotonic()
        result = fn()
        done(title, time.monotonic() - started)
        return result

    return run

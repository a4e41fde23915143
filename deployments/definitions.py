"""Every deployment of resync-flows, built once with Prefect's own ``flow.to_deployment``.

``resync-flows serve`` hands these ``RunnerDeployment`` objects to ``prefect.serve``;
``python -m deployments.render`` writes ``prefect.yaml`` (for ``prefect deploy --all`` and
workers) from the same objects, so a schedule, trigger or parameter is changed here only.

Entrypoints are module paths (``flows.poller.poll_tws``): the flows ship in the installed
package, so a worker on any host (process, docker or kubernetes) imports them without a copy
of the source tree and without pull steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.events import DeploymentEventTrigger
from prefect.events.schemas.automations import Posture
from prefect.flows import Flow
from prefect.schedules import Cron, Interval, Schedule

from flows.backfill import backfill_history
from flows.capacity import forecast_capacity
from flows.incident import analyze_incidents, incident_analysis
from flows.learning import learn_from_feedback
from flows.maintenance import predict_tonight_risks
from flows.metrics import import_metrics, sample_host_metrics
from flows.patterns import mine_error_patterns
from flows.poller import poll_tws
from flows.watch_quality import watch_quality
from resync_clients.events import JOB_ABEND
from resync_core.settings import Settings
from tasks.tws_slots import TWS_API_LIMIT  # re-exported: the limit the deployments declare

# The process work pool every deployment targets; docker and kubernetes pools take the same
# deployments with other job variables (docs/operations.md).
WORK_POOL = "resync"
DEFAULT_QUEUE = "default"


# What deployed runs carry, so an operator can filter the UI and automations on them.
PROJECT_TAG = "resync"

# One run at a time; a run due while one still works is cancelled, not queued: the next run
# reads all the data anyway (poller, samplers, the scheduled analyses).
ONE_AT_A_TIME = ConcurrencyLimitConfig(
    limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
)

# Interval schedules count from a fixed instant, so cycles fall on whole multiples of the
# interval and prefect.yaml renders the same text every time.
INTERVAL_ANCHOR = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class DeploymentOptions:
    """What a site tunes about its deployments (defaults = the settings' defaults).

    ``metrics_hosts`` names the hosts that run a worker for their own host-metrics sampler;
    empty means one sampler on whichever worker takes it. Cron times are in ``timezone``.
    """

    poll_interval_seconds: float = 30.0
    timezone: str = "UTC"
    metrics_samples: int = 6
    metrics_sample_interval_seconds: float = 10.0
    metrics_hosts: tuple[str, ...] = ()
    tws_api_slots: int = 4
    # Nightly: patterns first, so the forecast night sees the day's failures.
    pattern_mining_cron: str = "45 0 * * *"
    capacity_forecast_cron: str = "30 1 * * *"
    # Before the evening batch window: tonight's risks while there is time to act on them.
    maintenance_cron: str = "0 17 * * *"
    # After the day's feedback, before the next day's incidents.
    learning_cron: str = "15 1 * * *"
    # After the night's learning and forecasts: the quality of the answers they gave.
    quality_watch_cron: str = "45 1 * * *"

    def __post_init__(self) -> None:
        if self.poll_interval_seconds <= 0 or self.metrics_sample_interval_seconds <= 0:
            raise ValueError("intervals must be positive")
        if self.metrics_samples < 1 or self.tws_api_slots < 1:
            raise ValueError("metrics_samples and tws_api_slots must be at least 1")
        for host in self.metrics_hosts:
            if not host or not all(c.isalnum() or c in "-_." for c in host):
                raise ValueError(f"host name {host!r} must be letters, digits, '-', '_' or '.'")

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> DeploymentOptions:
        """Options from the project settings (poll interval, schedule time zone)."""
        values: dict[str, Any] = {
            "poll_interval_seconds": settings.poll_interval_seconds,
            "timezone": settings.schedule_timezone,
        }
        return cls(**(values | overrides))

    @property
    def metrics_schedule_seconds(self) -> float:
        """One sampler run covers ``samples * interval``; the next starts when it ends."""
        return self.metrics_samples * self.metrics_sample_interval_seconds

    def every(self, seconds: float) -> Schedule:
        return Interval(seconds, anchor_date=INTERVAL_ANCHOR, timezone=self.timezone)

    def at(self, cron: str) -> Schedule:
        return Cron(cron, timezone=self.timezone)


def incident_trigger() -> DeploymentEventTrigger:
    """Analyse every ABEND: one run per ``tws.job.abend`` event, evaluated per job resource
    (one bucket per ``tws.job.<ws>.<stream>.<job>``), with the event's run id as parameter;
    Prefect renders the Jinja template when the trigger fires."""
    return DeploymentEventTrigger(
        name="analyse-abend",
        description="A TWS job ABENDed: analyse its joblog into an incident report.",
        enabled=True,
        match={"prefect.resource.id": "tws.job.*"},
        expect={JOB_ABEND},
        for_each={"prefect.resource.id"},
        posture=Posture.Reactive,
        threshold=1,
        within=0,
        parameters={"request": {"run_id": "{{ event.payload.run_id }}"}},
    )


def global_limits(
    options: DeploymentOptions | None = None,
) -> tuple[GlobalConcurrencyLimitCreate, ...]:
    """The global concurrency limits the deployed flows rely on (created by deployments.setup)."""
    options = options or DeploymentOptions()
    return (GlobalConcurrencyLimitCreate(name=TWS_API_LIMIT, limit=options.tws_api_slots),)


def build_deployments(
    options: DeploymentOptions | None = None, *, work_pool: str | None = WORK_POOL
) -> list[RunnerDeployment]:
    """Every deployment of the project, in a stable order.

    ``work_pool=None`` gives them unbound, as ``prefect.serve`` wants them (it runs them
    in-process); otherwise they target ``work_pool`` as ``prefect deploy`` creates them.
    Call it from synchronous code: inside a running event loop it raises ``RuntimeError``.
    """
    o = options or DeploymentOptions()

    def deploy(
        flow: Flow[..., Any],
        name: str,
        description: str,
        tags: list[str],
        work_queue: str = DEFAULT_QUEUE,
        **settings: Any,
    ) -> RunnerDeployment:
        deployment = flow.to_deployment(
            name=name,
            description=description,
            tags=[PROJECT_TAG, *tags],
            enforce_parameter_schema=True,
            entrypoint_type=EntrypointType.MODULE_PATH,
            work_pool_name=work_pool,
            work_queue_name=work_queue if work_pool else None,
            **settings,
        )
        # Inside a running event loop to_deployment hands back a coroutine instead.
        if not isinstance(deployment, RunnerDeployment):
            deployment.close()
            raise RuntimeError("build_deployments() must be called outside an event loop")
        return deployment

    sampler = (
        "Sample CPU, memory and disk of the host whose worker runs it "
        f"({o.metrics_samples} samples, {o.metrics_sample_interval_seconds:g}s apart)."
    )
    sampling = {"samples": o.metrics_samples, "interval_seconds": o.metrics_sample_interval_seconds}
    # Without named hosts one sampler measures whichever worker takes it; with them, each host
    # gets a deployment on a work queue of its own that only that host's worker polls.
    hosts: list[tuple[str, list[str], str | None, str]] = [
        (f"host-{host}", [f"host:{host}"], host, f"host-{host}") for host in o.metrics_hosts
    ] or [("this-host", [], None, DEFAULT_QUEUE)]

    return [
        deploy(
            poll_tws,
            "poller",
            "Follow the TWS plan: store job runs and transitions, analyse failed joblogs, "
            "announce tws.job.* events.",
            ["tws", "poller"],
            parameters={"full": False},
            schedules=[o.every(o.poll_interval_seconds)],
            # Overlapping cycles would only wait on the poller lock; the next one catches up.
            concurrency_limit=ONE_AT_A_TIME,
        ),
        deploy(
            backfill_history,
            "manual",
            "Load past plans (job runs, failed joblogs) into PostgreSQL: the history forecasts "
            "and anomaly detection learn from. Manual runs only.",
            ["tws", "backfill"],
        ),
        *(
            deploy(
                sample_host_metrics,
                name,
                sampler,
                ["metrics", *host_tags],
                work_queue=queue,
                parameters={**sampling, "host": host},
                schedules=[o.every(o.metrics_schedule_seconds)],
                concurrency_limit=ONE_AT_A_TIME,
            )
            for name, host_tags, host, queue in hosts
        ),
        deploy(
            import_metrics,
            "import-history",
            "Import a metric-history CSV (a file on the worker's host) for a host where no "
            "sampler runs. Manual runs only.",
            ["metrics"],
        ),
        deploy(
            incident_analysis,
            "on-abend",
            "Decision support: root cause, error line and fix steps of an ABENDed job; started "
            "by every tws.job.abend event, or by hand with a run id.",
            ["incident"],
            triggers=[incident_trigger()],
        ),
        deploy(
            mine_error_patterns,
            "nightly",
            "Mine the error lines of recent failed runs into templates; announce new ones "
            "(resync.pattern.new) and those whose rate jumps (resync.pattern.surge).",
            ["patterns"],
            schedules=[o.at(o.pattern_mining_cron)],
            concurrency_limit=ONE_AT_A_TIME,
        ),
        deploy(
            forecast_capacity,
            "nightly",
            "Forecast CPU, memory and disk of every host with intervals, date the threshold "
            "crossings, name the growing jobs (resync.capacity.risk).",
            ["capacity"],
            schedules=[o.at(o.capacity_forecast_cron)],
            concurrency_limit=ONE_AT_A_TIME,
        ),
        deploy(
            predict_tonight_risks,
            "before-batch",
            "Predictive maintenance: which jobs are likely to fail or finish late in tonight's "
            "plan, and why (resync.job.at_risk, maintenance-report).",
            ["maintenance"],
            schedules=[o.at(o.maintenance_cron)],
            concurrency_limit=ONE_AT_A_TIME,
        ),
        deploy(
            learn_from_feedback,
            "nightly",
            "Learn from operator feedback: recalibrate the confidence of each category's "
            "diagnoses, report the resolutions that worked (learning-report).",
            ["learning"],
            schedules=[o.at(o.learning_cron)],
            concurrency_limit=ONE_AT_A_TIME,
        ),
        deploy(
            watch_quality,
            "nightly",
            "Watch the product's own answers: data, prediction and target drift of last night "
            "against the weeks before, time to resolution (resync.quality.degraded, "
            "quality-report).",
            ["quality"],
            schedules=[o.at(o.quality_watch_cron)],
            concurrency_limit=ONE_AT_A_TIME,
        ),
        deploy(
            analyze_incidents,
            "batch",
            "Analyse many failed runs at once (a storm, a backlog): one incident per distinct "
            "cause. Manual runs only.",
            ["incident"],
        ),
    ]

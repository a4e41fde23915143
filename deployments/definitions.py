"""Every deployment of resync-flows, described once.

``prefect.yaml`` (for ``prefect deploy --all`` and workers) is rendered from these definitions
by ``python -m deployments.render``, and ``resync-flows serve`` builds its in-process
deployments from them, so a schedule, trigger or parameter is changed here and nowhere else.

Entrypoints are module paths (``flows.poller.poll_tws``): the flows ship in the installed
package, so a worker on any host (process, docker or kubernetes) imports them without a copy
of the source tree and without pull steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from resync_clients.events import JOB_ABEND
from resync_flows.settings import Settings

# The process work pool every deployment targets; docker and kubernetes pools take the same
# deployments with other job variables (docs/operations.md).
WORK_POOL = "resync"
DEFAULT_QUEUE = "default"

# Global concurrency limit taken by tasks that call the TWS REST API, across every flow run
# on every host: the engine serves the UI and conman users too, and must not be flooded.
TWS_API_LIMIT = "tws-api"

# What deployed runs carry, so an operator can filter the UI and automations on them.
PROJECT_TAG = "resync"

CollisionStrategy = Literal["ENQUEUE", "CANCEL_NEW"]


@dataclass(frozen=True)
class IntervalSchedule:
    """Run every ``seconds``; ``timezone`` anchors the intervals (and DST handling)."""

    seconds: float
    timezone: str


@dataclass(frozen=True)
class CronSchedule:
    """Run at the times of a five-field ``cron`` expression in ``timezone``."""

    cron: str
    timezone: str


Schedule = IntervalSchedule | CronSchedule


@dataclass(frozen=True)
class EventTrigger:
    """Start a run for every event named in ``expect`` on a resource matching ``match``.

    ``for_each`` evaluates the trigger per distinct value of these resource labels (one run
    per TWS job, not one bucket for all jobs). ``parameters`` may use Jinja templates over
    the event, e.g. ``{{ event.payload.run_id }}``; Prefect renders them when it fires.
    """

    name: str
    expect: tuple[str, ...]
    match: Mapping[str, str]
    for_each: tuple[str, ...]
    parameters: Mapping[str, Any]
    description: str = ""


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment: which flow, when it runs, with what, and how many at once.

    ``concurrency_limit`` caps the deployment's simultaneous runs; ``collision_strategy``
    says what happens to a run over the cap (wait, or be cancelled: right for a poller whose
    next cycle catches up anyway).
    """

    name: str
    entrypoint: str
    description: str
    tags: tuple[str, ...]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    schedule: Schedule | None = None
    triggers: tuple[EventTrigger, ...] = ()
    concurrency_limit: int | None = None
    collision_strategy: CollisionStrategy = "ENQUEUE"
    work_queue: str = DEFAULT_QUEUE

    @property
    def flow_module(self) -> str:
        return self.entrypoint.rsplit(".", 1)[0]

    @property
    def flow_function(self) -> str:
        return self.entrypoint.rsplit(".", 1)[1]


@dataclass(frozen=True)
class GlobalLimit:
    """A Prefect global concurrency limit: at most ``limit`` slots held at once."""

    name: str
    limit: int
    description: str


@dataclass(frozen=True)
class DeploymentOptions:
    """What a site tunes about its deployments (defaults = the settings' defaults).

    ``metrics_hosts`` names the hosts that run a worker for their own host-metrics sampler;
    empty means one sampler on whichever worker takes it.
    """

    poll_interval_seconds: float = 30.0
    timezone: str = "UTC"
    metrics_samples: int = 6
    metrics_sample_interval_seconds: float = 10.0
    metrics_hosts: tuple[str, ...] = ()
    tws_api_slots: int = 4
    # Nightly, in ``timezone``: patterns first, so the forecast night sees the day's failures.
    pattern_mining_cron: str = "45 0 * * *"
    capacity_forecast_cron: str = "30 1 * * *"
    # Before the evening batch window: tonight's risks while there is time to act on them.
    maintenance_cron: str = "0 17 * * *"
    # After the day's feedback, before the next day's incidents.
    learning_cron: str = "15 1 * * *"

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


def plain_data(value: Any) -> Any:
    """``value`` with mappings and tuples turned into dicts and lists (for YAML and the API)."""
    if isinstance(value, Mapping):
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(item) for item in value]
    return value


def incident_trigger() -> EventTrigger:
    """Analyse every ABEND: one run per ABEND event, evaluated per job resource."""
    return EventTrigger(
        name="analyse-abend",
        description="A TWS job ABENDed: analyse its joblog into an incident report.",
        expect=(JOB_ABEND,),
        match={"prefect.resource.id": "tws.job.*"},
        for_each=("prefect.resource.id",),
        parameters={"request": {"run_id": "{{ event.payload.run_id }}"}},
    )


def _metrics_deployments(options: DeploymentOptions) -> list[DeploymentSpec]:
    schedule = IntervalSchedule(options.metrics_schedule_seconds, options.timezone)
    common = {
        "samples": options.metrics_samples,
        "interval_seconds": options.metrics_sample_interval_seconds,
    }
    description = (
        "Sample CPU, memory and disk of the host whose worker runs it "
        f"({options.metrics_samples} samples, {options.metrics_sample_interval_seconds:g}s apart)."
    )
    if not options.metrics_hosts:
        return [
            DeploymentSpec(
                name="this-host",
                entrypoint="flows.metrics.sample_host_metrics",
                description=description,
                tags=(PROJECT_TAG, "metrics"),
                parameters={**common, "host": None},
                schedule=schedule,
                concurrency_limit=1,
                collision_strategy="CANCEL_NEW",
            )
        ]
    # One deployment per host, each on its own work queue: only that host's worker polls it.
    return [
        DeploymentSpec(
            name=f"host-{host}",
            entrypoint="flows.metrics.sample_host_metrics",
            description=description,
            tags=(PROJECT_TAG, "metrics", f"host:{host}"),
            parameters={**common, "host": host},
            schedule=schedule,
            concurrency_limit=1,
            collision_strategy="CANCEL_NEW",
            work_queue=f"host-{host}",
        )
        for host in options.metrics_hosts
    ]


def _scheduled_analysis(
    *, name: str, entrypoint: str, description: str, topic: str, schedule: Schedule
) -> DeploymentSpec:
    """A scheduled analysis flow: one run at a time; a run due while one still works is
    dropped, since the next one reads all the data anyway."""
    return DeploymentSpec(
        name=name,
        entrypoint=entrypoint,
        description=description,
        tags=(PROJECT_TAG, topic),
        schedule=schedule,
        concurrency_limit=1,
        collision_strategy="CANCEL_NEW",
    )


def deployment_specs(options: DeploymentOptions | None = None) -> tuple[DeploymentSpec, ...]:
    """Every deployment of the project, in a stable order."""
    options = options or DeploymentOptions()
    return (
        DeploymentSpec(
            name="poller",
            entrypoint="flows.poller.poll_tws",
            description="Follow the TWS plan: store job runs and transitions, analyse failed "
            "joblogs, announce tws.job.* events.",
            tags=(PROJECT_TAG, "tws", "poller"),
            parameters={"full": False},
            schedule=IntervalSchedule(options.poll_interval_seconds, options.timezone),
            # Overlapping cycles would only wait on the poller lock; the next one catches up.
            concurrency_limit=1,
            collision_strategy="CANCEL_NEW",
        ),
        DeploymentSpec(
            name="manual",
            entrypoint="flows.backfill.backfill_history",
            description="Load past plans (job runs, failed joblogs) into PostgreSQL: the history "
            "forecasts and anomaly detection learn from. Manual runs only.",
            tags=(PROJECT_TAG, "tws", "backfill"),
        ),
        *_metrics_deployments(options),
        DeploymentSpec(
            name="import-history",
            entrypoint="flows.metrics.import_metrics",
            description="Import a metric-history CSV (a file on the worker's host) for a host "
            "where no sampler runs. Manual runs only.",
            tags=(PROJECT_TAG, "metrics"),
        ),
        DeploymentSpec(
            name="on-abend",
            entrypoint="flows.incident.incident_analysis",
            description="Decision support: root cause, error line and fix steps of an ABENDed "
            "job; started by every tws.job.abend event, or by hand with a run id.",
            tags=(PROJECT_TAG, "incident"),
            triggers=(incident_trigger(),),
        ),
        _scheduled_analysis(
            name="nightly",
            entrypoint="flows.patterns.mine_error_patterns",
            description="Mine the error lines of recent failed runs into templates; announce "
            "new ones (resync.pattern.new).",
            topic="patterns",
            schedule=CronSchedule(options.pattern_mining_cron, options.timezone),
        ),
        _scheduled_analysis(
            name="nightly",
            entrypoint="flows.capacity.forecast_capacity",
            description="Forecast CPU, memory and disk of every host with intervals, date the "
            "threshold crossings, name the growing jobs (resync.capacity.risk).",
            topic="capacity",
            schedule=CronSchedule(options.capacity_forecast_cron, options.timezone),
        ),
        _scheduled_analysis(
            name="before-batch",
            entrypoint="flows.maintenance.predict_tonight_risks",
            description="Predictive maintenance: which jobs are likely to fail or finish late "
            "in tonight's plan, and why (resync.job.at_risk, maintenance-report).",
            topic="maintenance",
            schedule=CronSchedule(options.maintenance_cron, options.timezone),
        ),
        _scheduled_analysis(
            name="nightly",
            entrypoint="flows.learning.learn_from_feedback",
            description="Learn from operator feedback: recalibrate the confidence of each "
            "category's diagnoses, report the resolutions that worked (learning-report).",
            topic="learning",
            schedule=CronSchedule(options.learning_cron, options.timezone),
        ),
        DeploymentSpec(
            name="batch",
            entrypoint="flows.incident.analyze_incidents",
            description="Analyse many failed runs at once (a storm, a backlog): one incident "
            "per distinct cause. Manual runs only.",
            tags=(PROJECT_TAG, "incident"),
        ),
    )


def global_limits(options: DeploymentOptions | None = None) -> tuple[GlobalLimit, ...]:
    """The global concurrency limits the deployed flows rely on."""
    options = options or DeploymentOptions()
    return (
        GlobalLimit(
            name=TWS_API_LIMIT,
            limit=options.tws_api_slots,
            description="Task runs calling the TWS REST API at once, across all hosts.",
        ),
    )

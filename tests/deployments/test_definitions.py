"""The deployment catalog: which flow runs when, on what event, with what, how many at once."""

from __future__ import annotations

import asyncio
import copy
import importlib
import pkgutil
from datetime import timedelta

import pytest
from prefect.client.schemas.objects import ConcurrencyLimitStrategy
from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule
from prefect.deployments.runner import RunnerDeployment
from prefect.flows import Flow, load_flow_from_entrypoint
from prefect.server.events.actions import RunDeployment
from prefect.utilities.schema_tools.hydration import HydrationContext, hydrate

import flows
from deployments.definitions import (
    DEFAULT_QUEUE,
    PROJECT_TAG,
    TWS_API_LIMIT,
    WORK_POOL,
    DeploymentOptions,
    build_deployments,
    global_limits,
)
from resync_clients.events import JOB_ABEND
from resync_core.settings import load_settings


def by_key(deployments: list[RunnerDeployment]) -> dict[str, RunnerDeployment]:
    return {f"{d.flow_name}/{d.name}": d for d in deployments}


def test_each_deployment_runs_its_flow_on_its_schedule() -> None:
    deployments = by_key(build_deployments())
    expected = {
        "poll-tws/poller": ("flows.poller.poll_tws", timedelta(seconds=30)),
        "backfill-tws-history/manual": ("flows.backfill.backfill_history", None),
        "sample-host-metrics/this-host": (
            "flows.metrics.sample_host_metrics",
            timedelta(seconds=60),
        ),
        "import-metric-history/import-history": ("flows.metrics.import_metrics", None),
        "incident-analysis/on-abend": ("flows.incident.incident_analysis", None),
        "mine-error-patterns/nightly": ("flows.patterns.mine_error_patterns", "45 0 * * *"),
        "forecast-capacity/nightly": ("flows.capacity.forecast_capacity", "30 1 * * *"),
        "predict-tonight-risks/before-batch": (
            "flows.maintenance.predict_tonight_risks",
            "0 17 * * *",
        ),
        "learn-from-feedback/nightly": ("flows.learning.learn_from_feedback", "15 1 * * *"),
        "watch-quality/nightly": ("flows.watch_quality.watch_quality", "45 1 * * *"),
        "incident-analysis-batch/batch": ("flows.incident.analyze_incidents", None),
    }
    assert list(deployments) == list(expected)
    for key, (entrypoint, when) in expected.items():
        deployment = deployments[key]
        assert deployment.entrypoint == entrypoint, key
        schedules = [s.schedule for s in deployment.schedules or []]
        if when is None:
            assert schedules == [], key
        elif isinstance(when, timedelta):
            (schedule,) = schedules
            assert isinstance(schedule, IntervalSchedule) and schedule.interval == when, key
        else:
            (schedule,) = schedules
            assert isinstance(schedule, CronSchedule) and schedule.cron == when, key
        assert all(s.active for s in deployment.schedules or []), key
        assert PROJECT_TAG in deployment.tags, key
        assert deployment.description, key
        assert deployment.enforce_parameter_schema, key
        assert (deployment.work_pool_name, deployment.work_queue_name) == (
            WORK_POOL,
            DEFAULT_QUEUE,
        ), key


def test_abend_trigger_starts_one_incident_analysis_per_job_with_the_run_id() -> None:
    deployments = by_key(build_deployments())
    (trigger,) = deployments["incident-analysis/on-abend"].triggers
    assert trigger.name == "analyse-abend" and trigger.enabled
    assert trigger.expect == {JOB_ABEND}
    assert trigger.for_each == {"prefect.resource.id"}
    assert trigger.posture == "Reactive"
    assert trigger.threshold == 1 and trigger.within == timedelta(0)
    assert trigger.match.root == {"prefect.resource.id": "tws.job.*"}
    assert trigger.parameters == {"request": {"run_id": "{{ event.payload.run_id }}"}}
    assert [key for key, d in deployments.items() if d.triggers] == ["incident-analysis/on-abend"]


def test_trigger_parameters_rendered_by_prefect_from_an_event_validate_against_the_flow() -> None:
    incident = by_key(build_deployments())["incident-analysis/on-abend"]
    flow = load_flow_from_entrypoint(incident.entrypoint)
    (trigger,) = incident.triggers
    # What the server's RunDeployment action does with the trigger's parameters when it fires.
    parameters = copy.deepcopy(trigger.parameters)
    RunDeployment._upgrade_v1_templates(parameters)
    event = {"payload": {"run_id": "RUN-123"}, "resource": {"prefect.resource.id": "tws.job.a"}}
    rendered = hydrate(
        parameters,
        HydrationContext(raise_on_error=True, render_jinja=True, jinja_context={"event": event}),
    )
    assert flow.validate_parameters(rendered)["request"].run_id == "RUN-123"


def test_default_parameters_validate_against_each_flow() -> None:
    for deployment in build_deployments():
        flow = load_flow_from_entrypoint(deployment.entrypoint)
        # What the UI's form and the API validate before a run is created (manual-only
        # deployments have none: the operator fills the form).
        if deployment.parameters:
            flow.validate_parameters(dict(deployment.parameters))
    poller = by_key(build_deployments())["poll-tws/poller"]
    assert poller.parameters == {"full": False}


@pytest.mark.parametrize(
    "key",
    [
        "poll-tws/poller",
        "sample-host-metrics/this-host",
        "mine-error-patterns/nightly",
        "forecast-capacity/nightly",
        "predict-tonight-risks/before-batch",
        "learn-from-feedback/nightly",
    ],
)
def test_scheduled_runs_go_one_at_a_time_and_overlaps_are_cancelled_not_queued(key: str) -> None:
    deployment = by_key(build_deployments())[key]
    assert deployment.concurrency_limit == 1
    assert deployment.concurrency_options is not None
    assert deployment.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.CANCEL_NEW


def test_manual_and_event_deployments_have_no_concurrency_cap() -> None:
    deployments = by_key(build_deployments())
    for key in (
        "incident-analysis/on-abend",
        "incident-analysis-batch/batch",
        "backfill-tws-history/manual",
        "import-metric-history/import-history",
    ):
        assert deployments[key].concurrency_limit is None, key


def test_every_flow_of_the_project_has_a_deployment() -> None:
    deployed = {d.entrypoint for d in build_deployments()}
    found = set()
    for module_info in pkgutil.iter_modules(flows.__path__):
        module = importlib.import_module(f"flows.{module_info.name}")
        for attribute, value in vars(module).items():
            if isinstance(value, Flow) and value.fn.__module__ == module.__name__:
                found.add(f"flows.{module_info.name}.{attribute}")
    assert found - deployed == set(), "flows without a deployment: add them to definitions.py"
    assert deployed - found == set(), "deployments of flows that do not exist"


def test_default_options_are_the_settings_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path):
    monkeypatch.delenv("RESYNC_POLL_INTERVAL_SECONDS", raising=False)
    monkeypatch.delenv("RESYNC_SCHEDULE_TIMEZONE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert DeploymentOptions.from_settings(load_settings()) == DeploymentOptions()


def test_schedules_follow_the_settings_time_zone_and_poll_interval() -> None:
    settings = load_settings(schedule_timezone="Europe/Berlin", poll_interval_seconds=5)
    deployments = build_deployments(DeploymentOptions.from_settings(settings))
    poller = by_key(deployments)["poll-tws/poller"]
    assert [s.schedule.interval for s in poller.schedules] == [timedelta(seconds=5)]
    timezones = {s.schedule.timezone for d in deployments for s in d.schedules or []}
    assert timezones == {"Europe/Berlin"}


def test_each_metrics_host_gets_its_own_deployment_and_work_queue() -> None:
    options = DeploymentOptions(metrics_hosts=("db01", "app02"))
    samplers = [d for d in build_deployments(options) if d.flow_name == "sample-host-metrics"]
    assert [(s.name, s.work_queue_name, s.parameters["host"]) for s in samplers] == [
        ("host-db01", "host-db01", "db01"),
        ("host-app02", "host-app02", "app02"),
    ]
    assert "host:db01" in samplers[0].tags
    with pytest.raises(ValueError, match="host name"):
        DeploymentOptions(metrics_hosts=("bad host",))


def test_served_deployments_are_not_bound_to_a_work_pool() -> None:
    for deployment in build_deployments(work_pool=None):
        assert deployment.work_pool_name is None and deployment.work_queue_name is None


def test_tws_api_global_limit_is_declared_with_the_configured_slots() -> None:
    assert [(limit.name, limit.limit) for limit in global_limits()] == [(TWS_API_LIMIT, 4)]
    limits = global_limits(DeploymentOptions(tws_api_slots=2))
    assert [(limit.name, limit.limit) for limit in limits] == [(TWS_API_LIMIT, 2)]


def test_building_deployments_inside_an_event_loop_is_refused() -> None:
    # Prefect's to_deployment would hand back coroutines there, not deployments.
    async def build() -> list[RunnerDeployment]:
        return build_deployments()

    with pytest.raises(RuntimeError, match="outside an event loop"):
        asyncio.run(build())

"""The deployment definitions as Prefect objects: triggers, schedules and runner deployments.

``runner_deployments()`` is what ``resync-flows serve`` hands to ``prefect.serve``; the same
objects describe what ``prefect deploy --all`` creates from ``prefect.yaml``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from deployments.definitions import (
    WORK_POOL,
    CronSchedule,
    DeploymentSpec,
    EventTrigger,
    IntervalSchedule,
    Schedule,
    plain_data,
)

if TYPE_CHECKING:
    from prefect.client.schemas.objects import ConcurrencyLimitConfig
    from prefect.client.schemas.schedules import CronSchedule as PrefectCron
    from prefect.client.schemas.schedules import IntervalSchedule as PrefectInterval
    from prefect.deployments.runner import RunnerDeployment
    from prefect.events import DeploymentEventTrigger
    from prefect.flows import Flow


def prefect_trigger(trigger: EventTrigger) -> DeploymentEventTrigger:
    """The trigger as Prefect's ``DeploymentEventTrigger`` (reactive, one event fires it)."""
    from prefect.events import DeploymentEventTrigger
    from prefect.events.schemas.automations import Posture

    return DeploymentEventTrigger(
        name=trigger.name,
        description=trigger.description,
        enabled=True,
        match=dict(trigger.match),
        expect=set(trigger.expect),
        for_each=set(trigger.for_each),
        posture=Posture.Reactive,
        threshold=1,
        within=0,
        parameters=plain_data(trigger.parameters),
    )


def prefect_schedule(schedule: Schedule) -> PrefectInterval | PrefectCron:
    """The schedule as Prefect's interval or cron schedule, in its time zone."""
    from datetime import timedelta

    from prefect.client.schemas.schedules import CronSchedule as PrefectCron
    from prefect.client.schemas.schedules import IntervalSchedule as PrefectInterval

    if isinstance(schedule, IntervalSchedule):
        return PrefectInterval(
            interval=timedelta(seconds=schedule.seconds), timezone=schedule.timezone
        )
    if isinstance(schedule, CronSchedule):
        return PrefectCron(cron=schedule.cron, timezone=schedule.timezone)
    raise TypeError(f"unknown schedule {schedule!r}")


def concurrency_config(spec: DeploymentSpec) -> ConcurrencyLimitConfig | None:
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

    if spec.concurrency_limit is None:
        return None
    return ConcurrencyLimitConfig(
        limit=spec.concurrency_limit,
        collision_strategy=ConcurrencyLimitStrategy(spec.collision_strategy),
    )


def load_flow(spec: DeploymentSpec) -> Flow[Any, Any]:
    """Import the spec's flow from its module path; ``TypeError`` if it is not a flow."""
    from prefect.flows import Flow
    from prefect.utilities.importtools import import_object

    flow = import_object(spec.entrypoint)
    if not isinstance(flow, Flow):
        raise TypeError(f"{spec.entrypoint} is not a Prefect flow")
    return flow


def runner_deployment(spec: DeploymentSpec, *, for_work_pool: bool = False) -> RunnerDeployment:
    """The spec as a ``RunnerDeployment``: served in-process, or (``for_work_pool``) bound to
    the work pool and queue as ``prefect deploy`` would create it."""
    from prefect.deployments.runner import EntrypointType

    schedules = [prefect_schedule(spec.schedule)] if spec.schedule is not None else []
    return load_flow(spec).to_deployment(
        name=spec.name,
        schedules=schedules,
        triggers=[prefect_trigger(trigger) for trigger in spec.triggers],
        parameters=plain_data(spec.parameters),
        description=spec.description,
        tags=list(spec.tags),
        concurrency_limit=concurrency_config(spec),
        enforce_parameter_schema=True,
        entrypoint_type=EntrypointType.MODULE_PATH,
        work_pool_name=WORK_POOL if for_work_pool else None,
        work_queue_name=spec.work_queue if for_work_pool else None,
    )

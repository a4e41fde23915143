"""The ``prefect.yaml`` form of the deployment definitions (what ``prefect deploy`` reads)."""

from __future__ import annotations

from typing import Any

import yaml

from deployments.definitions import (
    WORK_POOL,
    CronSchedule,
    DeploymentOptions,
    DeploymentSpec,
    EventTrigger,
    IntervalSchedule,
    Schedule,
    deployment_specs,
    global_limits,
    plain_data,
)

HEADER = """\
# Deployments of resync-flows, generated from deployments/definitions.py by
#     python -m deployments.render
# Do not edit by hand: change the definitions and render again (a test compares the two).
#
# Before `prefect deploy --all`, create the work pool and the global concurrency limit once:
#     python -m deployments.setup        (or: prefect work-pool create {pool} --type process
#                                              prefect gcl create {limits})
# Credentials never go here: workers read RESYNC_* variables from their environment (or the
# pool's job variables referencing Prefect Secret blocks); see docs/operations.md.
"""


def schedule_entry(schedule: Schedule) -> dict[str, Any]:
    if isinstance(schedule, IntervalSchedule):
        return {"interval": schedule.seconds, "timezone": schedule.timezone, "active": True}
    if isinstance(schedule, CronSchedule):
        return {"cron": schedule.cron, "timezone": schedule.timezone, "active": True}
    raise TypeError(f"unknown schedule {schedule!r}")


def trigger_entry(trigger: EventTrigger) -> dict[str, Any]:
    return {
        "type": "event",
        "name": trigger.name,
        "description": trigger.description,
        "enabled": True,
        "match": dict(trigger.match),
        "expect": list(trigger.expect),
        "for_each": list(trigger.for_each),
        "posture": "Reactive",
        "threshold": 1,
        "within": 0,
        "parameters": plain_data(trigger.parameters),
    }


def deployment_entry(spec: DeploymentSpec) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": spec.name,
        "entrypoint": spec.entrypoint,
        "description": spec.description,
        "tags": list(spec.tags),
        "parameters": plain_data(spec.parameters),
        "enforce_parameter_schema": True,
        "schedules": [schedule_entry(spec.schedule)] if spec.schedule else [],
        "triggers": [trigger_entry(trigger) for trigger in spec.triggers],
        "work_pool": {"name": WORK_POOL, "work_queue_name": spec.work_queue, "job_variables": {}},
    }
    if spec.concurrency_limit is not None:
        entry["concurrency_limit"] = {
            "limit": spec.concurrency_limit,
            "collision_strategy": spec.collision_strategy,
        }
    return entry


def prefect_yaml_document(options: DeploymentOptions | None = None) -> dict[str, Any]:
    """The ``prefect.yaml`` content as data."""
    return {
        "name": "resync-flows",
        # Flows come from the installed package (module-path entrypoints): nothing to build,
        # push or pull.
        "build": None,
        "push": None,
        "pull": [],
        "deployments": [deployment_entry(spec) for spec in deployment_specs(options)],
    }


class _NoAliasDumper(yaml.SafeDumper):
    # Shared sub-objects would otherwise become &id001 anchors, which hide the real values.
    def ignore_aliases(self, data: Any) -> bool:
        return True


def render_prefect_yaml(options: DeploymentOptions | None = None) -> str:
    """The text of ``prefect.yaml`` for ``options`` (deterministic: same options, same text)."""
    limits = " ".join(f"{limit.name} --limit {limit.limit}" for limit in global_limits(options))
    body = yaml.dump(
        prefect_yaml_document(options),
        Dumper=_NoAliasDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )
    return HEADER.format(pool=WORK_POOL, limits=limits) + "\n" + body

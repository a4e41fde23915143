"""Write ``prefect.yaml`` from the deployments of ``deployments.definitions``, or check it.

    python -m deployments.render                     # rewrite ./prefect.yaml
    python -m deployments.render --check             # exit 1 when ./prefect.yaml is stale
    python -m deployments.render --metrics-host db01 --metrics-host app02

Each entry is the ``RunnerDeployment``'s own fields; schedules and triggers are Prefect's
serialisation of its schedule and trigger objects, in the shape ``prefect deploy`` reads back.
The poll interval and the schedule time zone come from the settings (RESYNC_POLL_INTERVAL_SECONDS,
RESYNC_SCHEDULE_TIMEZONE); the repository's file is rendered with their defaults.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml
from prefect.client.schemas.actions import DeploymentScheduleCreate, DeploymentScheduleUpdate
from prefect.deployments.runner import RunnerDeployment

from deployments.definitions import DeploymentOptions, build_deployments, global_limits
from resync_core.settings import SettingsError, load_settings

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


def deployment_entry(deployment: RunnerDeployment) -> dict[str, Any]:
    """One ``deployments:`` item of prefect.yaml for a deployment bound to a work pool."""
    entry: dict[str, Any] = {
        "name": deployment.name,
        "entrypoint": deployment.entrypoint,
        "description": deployment.description,
        "tags": list(deployment.tags),
        "parameters": deployment.parameters,
        "enforce_parameter_schema": deployment.enforce_parameter_schema,
        "schedules": [_schedule_entry(s) for s in deployment.schedules or []],
        # Only what the definition states (plus the type), not every default of the model.
        "triggers": [
            {"type": t.type, **t.model_dump(mode="json", exclude_unset=True)}
            for t in deployment.triggers
        ],
        "work_pool": {
            "name": deployment.work_pool_name,
            "work_queue_name": deployment.work_queue_name,
            "job_variables": deployment.job_variables,
        },
    }
    if deployment.concurrency_limit is not None:
        options = deployment.concurrency_options
        entry["concurrency_limit"] = {
            "limit": deployment.concurrency_limit,
            "collision_strategy": options.collision_strategy.value if options else "ENQUEUE",
        }
    return entry


def _schedule_entry(item: DeploymentScheduleCreate | DeploymentScheduleUpdate) -> dict[str, Any]:
    # RunnerDeployment types its schedules as creates or updates; an update may leave out the
    # schedule itself, which prefect.yaml cannot express.
    if item.schedule is None:
        raise ValueError("a deployment schedule without its schedule cannot be rendered")
    return {**item.schedule.model_dump(mode="json"), "active": item.active}


class _NoAliasDumper(yaml.SafeDumper):
    # Shared sub-objects would otherwise become &id001 anchors, which hide the real values.
    def ignore_aliases(self, data: Any) -> bool:
        return True


def render_prefect_yaml(options: DeploymentOptions | None = None) -> str:
    """The text of ``prefect.yaml`` for ``options`` (deterministic: same options, same text)."""
    entries = [deployment_entry(d) for d in build_deployments(options)]
    document = {
        "name": "resync-flows",
        # Flows come from the installed package (module-path entrypoints): nothing to build,
        # push or pull.
        "build": None,
        "push": None,
        "pull": [],
        "deployments": entries,
    }
    body = yaml.dump(
        document,
        Dumper=_NoAliasDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )
    pool = entries[0]["work_pool"]["name"]
    limits = " ".join(f"{limit.name} --limit {limit.limit}" for limit in global_limits(options))
    return HEADER.format(pool=pool, limits=limits) + "\n" + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deployments.render", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--output", type=Path, default=Path("prefect.yaml"))
    parser.add_argument(
        "--check", action="store_true", help="Do not write; exit 1 when the file differs."
    )
    parser.add_argument(
        "--metrics-host",
        action="append",
        default=[],
        help="A host with its own metrics sampler deployment and work queue (repeatable).",
    )
    parser.add_argument(
        "--tws-api-slots", type=int, default=None, help="Size of the tws-api global limit."
    )
    args = parser.parse_args(argv)

    try:
        overrides: dict[str, Any] = {"metrics_hosts": tuple(args.metrics_host)}
        if args.tws_api_slots is not None:
            overrides["tws_api_slots"] = args.tws_api_slots
        options = DeploymentOptions.from_settings(load_settings(), **overrides)
    except (SettingsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    text = render_prefect_yaml(options)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(
                f"{args.output} is not what the deployment definitions give; "
                "run: python -m deployments.render",
                file=sys.stderr,
            )
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

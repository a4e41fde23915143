"""Write ``prefect.yaml`` from the deployment definitions, or check that it is current.

    python -m deployments.render                     # rewrite ./prefect.yaml
    python -m deployments.render --check             # exit 1 when ./prefect.yaml is stale
    python -m deployments.render --metrics-host db01 --metrics-host app02

The poll interval and the schedule time zone come from the settings (RESYNC_POLL_INTERVAL_SECONDS,
RESYNC_SCHEDULE_TIMEZONE); the repository's file is rendered with their defaults.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deployments.definitions import DeploymentOptions
from deployments.prefect_yaml import render_prefect_yaml
from resync_flows.settings import SettingsError, load_settings


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
        settings = load_settings()
        overrides = {"metrics_hosts": tuple(args.metrics_host)}
        if args.tws_api_slots is not None:
            overrides["tws_api_slots"] = args.tws_api_slots
        options = DeploymentOptions.from_settings(settings, **overrides)
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

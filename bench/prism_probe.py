"""Probe: drive the TWS client and the poller against Stoplight Prism mocks of the TWS spec.

Prism (a spec-driven mock nobody here wrote) serves the product's OpenAPI spec
(``WA_API3_v2.json``) in several modes; a recording proxy sits between it and us. Per mode,
every main ``TWSClient`` call runs under a hard timeout, then ``resync-flows poll --once``
runs against the same mock on a fresh PostgreSQL database. Each call is judged
(``tws_probe.verdict``): ok, clear error (a ``TWSError`` with a readable message) or
problem (hang, crash, unbounded paging, a silently wrong result, a request that breaks the
spec, a spec-valid answer refused).

Modes (``--modes``): ``static`` (the spec's examples), ``strict`` (``--errors``: Prism
rejects requests that break the spec, 406 for an unacceptable Accept), ``dynamic-N``
(``-d --seed N``: random spec-valid answers, one per seed), ``strict-dynamic-N`` (both),
``prefer-404``/``prefer-500`` (static with ``Prefer: code=N`` on every request; the spec
defines no 500, so Prism answers that one with a 404 problem), ``paged-N`` (``dynamic-N``
with each page rewritten by the proxy as the only one, so the poller gets past paging).

    make probe-client                     # installs Prism under .probe/, runs this with --gate
    .venv/bin/python -m bench.prism_probe [--modes static,strict] [--no-poll] [--json FILE]

Prints a table (mode, calls, ok, clear errors, problems) and the problems. With ``--gate``
it exits 1 when there is any problem, and 2 when Prism is not installed; without it, a
missing Prism is reported and skipped (``make bench`` runs every script here).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg

from bench.tws_probe.calls import probe_client, unprobed_methods
from bench.tws_probe.mock import PrismMock, RecordingProxy
from bench.tws_probe.poll import probe_poll
from bench.tws_probe.verdict import Outcome

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PRISM = REPO / ".probe" / "node_modules" / ".bin" / "prism"
DEFAULT_SPEC = REPO.parent / "shared" / "tws-api" / "WA_API3_v2.json"
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_SEEDS = (2, 3, 6)


@dataclass(frozen=True)
class Mode:
    """One way of running the mock: Prism's flags and the ``Prefer`` header to add."""

    name: str
    prism_args: tuple[str, ...]
    prefer: str | None = None
    fix_paging: bool = False


def all_modes(seeds: tuple[int, ...]) -> list[Mode]:
    modes = [Mode("static", ()), Mode("strict", ("--errors",))]
    modes += [Mode(f"dynamic-{seed}", ("-d", "--seed", str(seed))) for seed in seeds]
    modes += [Mode(f"strict-dynamic-{seeds[-1]}", ("--errors", "-d", "--seed", str(seeds[-1])))]
    modes += [Mode("prefer-404", (), "code=404"), Mode("prefer-500", (), "code=500")]
    # The same random answers as single, self-consistent pages, so the poller gets past
    # paging to its joblog and storage steps.
    modes += [Mode(f"paged-{seed}", ("-d", "--seed", str(seed)), fix_paging=True) for seed in seeds]
    return modes


class Watchdog:
    """Ends the probe when a call blocks the event loop itself (``wait_for`` cannot fire)."""

    def __init__(self, limit: float, report: list[Outcome]) -> None:
        self.limit = limit
        self.report = report
        self.current: tuple[str, str, float] | None = None
        threading.Thread(target=self._watch, daemon=True).start()

    def on_call(self, mode: str):  # type: ignore[no-untyped-def]
        def update(name: str, started: float | None) -> None:
            self.current = (mode, name, started) if started is not None else None

        return update

    def _watch(self) -> None:
        while True:
            time.sleep(1.0)
            current = self.current
            if current and time.monotonic() - current[2] > self.limit:
                mode, name, _ = current
                self.report.append(
                    Outcome(mode, name, "problem", "blocked the event loop; probe ended", "hang")
                )
                print_report(self.report, sys.stdout)
                sys.stdout.flush()
                os._exit(3)


def print_report(outcomes: list[Outcome], out) -> None:  # type: ignore[no-untyped-def]
    modes = list(dict.fromkeys(outcome.mode for outcome in outcomes))
    header = f"{'mode':<20} {'calls':>5} {'ok':>5} {'clear errors':>12} {'problems':>8}"
    print(header, file=out)
    print("-" * len(header), file=out)
    totals = [0, 0, 0, 0]
    for mode in [*modes, "TOTAL"]:
        mine = [o for o in outcomes if o.mode == mode or mode == "TOTAL"]
        row = [
            len(mine),
            sum(o.verdict == "ok" for o in mine),
            sum(o.verdict == "clear" for o in mine),
            sum(o.verdict == "problem" for o in mine),
        ]
        if mode == "TOTAL":
            print("-" * len(header), file=out)
            row = totals
        else:
            totals = [a + b for a, b in zip(totals, row, strict=True)]
        print(f"{mode:<20} {row[0]:>5} {row[1]:>5} {row[2]:>12} {row[3]:>8}", file=out)
    problems = [o for o in outcomes if o.verdict == "problem"]
    print(f"\nproblems ({len(problems)}):", file=out)
    for outcome in problems:
        print(f"  {outcome.line()}", file=out)


def code_version() -> str:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=20
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    watched = ["resync_clients/tws", "tasks/poll.py", "flows/poller.py"]
    dirty = git("status", "--short", "--", *watched).splitlines()
    return f"{git('log', '-1', '--format=%h %s')[:90]}; {len(dirty)} uncommitted client file(s)"


def database_reachable(url: str) -> str | None:
    try:
        with psycopg.connect(url, connect_timeout=5):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def run(args: argparse.Namespace) -> int:
    prism, spec = Path(args.prism), Path(args.spec)
    if not prism.exists():
        print(f"prism not installed at {prism}: run `make probe-client` (it installs it)")
        return 2 if args.gate else 0
    if not spec.exists():
        print(f"spec not found at {spec}: pass --spec")
        return 2
    seeds = tuple(int(s) for s in args.seeds.split(",") if s)
    modes = all_modes(seeds or DEFAULT_SEEDS)
    if args.modes:
        wanted = args.modes.split(",")
        unknown = set(wanted) - {mode.name for mode in modes}
        if unknown:
            print(f"unknown mode(s): {', '.join(sorted(unknown))}")
            return 2
        modes = [mode for mode in modes if mode.name in wanted]
    poll_skip = None if args.no_poll else database_reachable(args.database_url)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)

    # The client logs its retries and tolerated oddities: keep them in a file, not the table.
    logging.basicConfig(
        filename=workdir / "client.log",
        filemode="w",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        force=True,
    )
    print(f"code: {code_version()}")
    print(f"spec: {spec}; prism: {prism}; call timeout {args.call_timeout:g}s")
    if poll_skip:
        print(f"poll skipped: PostgreSQL at {args.database_url} not reachable ({poll_skip})")

    servers: dict[tuple[str, ...], PrismMock] = {}
    for mode in modes:
        if mode.prism_args not in servers:
            servers[mode.prism_args] = PrismMock(prism, spec, mode.prism_args, workdir)
    last_use = {mode.prism_args: index for index, mode in enumerate(modes)}
    outcomes: list[Outcome] = []
    watchdog = Watchdog(args.call_timeout + 60, outcomes)
    proxy = RecordingProxy()
    proxy.start()
    try:
        for server in servers.values():
            server.start()  # all at once: each takes ~20 s to read the 215-path spec
        for index, mode in enumerate(modes):
            server = servers[mode.prism_args]
            server.wait_ready()
            proxy.target, proxy.prefer, proxy.fix_paging = server.url, mode.prefer, mode.fix_paging
            started = time.monotonic()
            outcomes += asyncio.run(
                probe_client(
                    mode.name,
                    proxy,
                    call_timeout=args.call_timeout,
                    on_call=watchdog.on_call(mode.name),
                )
            )
            if not args.no_poll and not poll_skip:
                outcomes.append(
                    probe_poll(
                        mode.name,
                        proxy,
                        args.database_url,
                        timeout=args.poll_timeout,
                        workdir=workdir,
                    )
                )
            mine = [o for o in outcomes if o.mode == mode.name]
            print(
                f"  {mode.name}: {len(mine)} call(s), "
                f"{sum(o.verdict == 'problem' for o in mine)} problem(s), "
                f"{time.monotonic() - started:.0f}s",
                flush=True,
            )
            if last_use[mode.prism_args] == index:
                server.stop()
    finally:
        for server in servers.values():
            server.stop()
        proxy.stop()

    print()
    print_report(outcomes, sys.stdout)
    unprobed = unprobed_methods()
    if unprobed:
        print(f"\nclient methods not probed yet: {', '.join(unprobed)}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps([asdict(o) for o in outcomes], indent=1))
        print(f"details: {args.json}")
    problems = sum(outcome.verdict == "problem" for outcome in outcomes)
    return 1 if problems and args.gate else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prism", default=str(DEFAULT_PRISM), help="the prism executable")
    parser.add_argument("--spec", default=str(DEFAULT_SPEC), help="the TWS OpenAPI spec")
    parser.add_argument("--modes", default="", help="comma-separated modes (default: all)")
    parser.add_argument(
        "--seeds", default=",".join(map(str, DEFAULT_SEEDS)), help="seeds of the dynamic modes"
    )
    parser.add_argument("--no-poll", action="store_true", help="skip `poll --once` per mode")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("RESYNC_PROBE_DATABASE_URL", DEFAULT_DATABASE),
        help="a PostgreSQL URL allowed to CREATE/DROP DATABASE (one per poll)",
    )
    parser.add_argument("--call-timeout", type=float, default=45.0, help="seconds per call")
    parser.add_argument("--poll-timeout", type=float, default=240.0, help="seconds per poll")
    parser.add_argument("--workdir", default=str(REPO / "bench" / "results" / "prism_probe"))
    parser.add_argument("--json", default=str(REPO / "bench" / "results" / "prism_probe.json"))
    parser.add_argument("--gate", action="store_true", help="exit 1 on any problem")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()

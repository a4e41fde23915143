"""End-to-end latency: from an ABEND in TWS to the stored recommendation, through Prefect.

A real Prefect server (its scheduler on), the poller every 5 s (``resync-flows poll``, cycles in
one process; or ``--poller served``: a scheduled deployment, one process per cycle),
``resync-flows serve`` running the ABEND-triggered incident analysis, the simulator in a child
process and PostgreSQL (embedded, or ``--database-url``). Injects ABENDs one at a time, at a
random phase of the poll interval, and measures injection → ``recommendations.created_at``.
Each analysis then pauses to propose a rerun; the benchmark rejects it, as an operator would,
so the run ends.

Baseline, measured in the same run: the work itself without orchestration (one poll cycle and
one incident analysis called in-process). Prints p50, p95 and their ratio to the baseline.

    .venv/bin/python -m bench.e2e [--injections 20] [--poll-interval 5] [--poller served|loop]

Goal: p50 under 10 s. Each deployment run starts a Python process (3-5 s on a small machine),
which a served poller pays on every cycle: compare the two modes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from resync_clients.postgres.embedded import EmbeddedPostgres
from resync_clients.store import Store, open_store
from resync_core.settings import get_settings, load_settings
from resync_simulator.failures import FAILURE_TEMPLATES
from resync_simulator.plan import failure_status
from resync_simulator.server import SimulatorConfig, run_simulator_process
from tests.e2e.stack import PrefectStack, prefect_server, started_process

GOAL_P50_SECONDS = 10.0
RESULT_WAIT_SECONDS = 90.0
ABEND_TEMPLATES = [t.template_id for t in FAILURE_TEMPLATES if failure_status(t) == "ABEND"]


def resync_script() -> str:
    return str(Path(sys.executable).with_name("resync-flows"))


def set_process_environment(environment: dict[str, str], api_url: str) -> None:
    """This process runs flows too (first poll, baseline): same settings as the served runs."""
    os.environ.update(environment)
    os.environ["PREFECT_API_URL"] = api_url
    # Before Prefect is first imported: the flow logs of this process are not the result.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    get_settings.cache_clear()


def first_full_poll() -> None:
    """Read the whole plan once before any trigger exists (its old failures start nothing)."""
    from flows.poller import poll_tws

    asyncio.run(poll_tws(full=True))


def inject_abend(base_url: str, auth: tuple[str, str], rng: random.Random) -> str:
    response = httpx.post(
        base_url + "/sim/inject",
        json={"template_id": rng.choice(ABEND_TEMPLATES)},
        auth=auth,
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["run_id"]


def recommendation_time(store: Store, run_id: str) -> datetime | None:
    with store.connection() as conn:
        row = conn.execute(
            "SELECT min(r.created_at) AS at FROM recommendations r"
            " JOIN incident_runs ir ON ir.incident_id = r.incident_id WHERE ir.run_id = %s",
            (run_id,),
        ).fetchone()
    return row["at"] if row else None


async def reject_paused_analysis(run_id: str, wait_seconds: float = 30.0) -> bool:
    """Answer the run's rerun proposal with "no", so its process ends."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState
    from prefect.client.schemas.filters import FlowRunFilterStateType as StateTypeFilter
    from prefect.client.schemas.objects import StateType
    from prefect.flow_runs import aresume_flow_run

    deadline = time.monotonic() + wait_seconds
    async with get_client() as client:
        while time.monotonic() < deadline:
            paused = await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(type=StateTypeFilter(any_=[StateType.PAUSED]))
                )
            )
            for flow_run in paused:
                if flow_run.parameters.get("request", {}).get("run_id") == run_id:
                    await aresume_flow_run(
                        flow_run.id, run_input={"approve": False, "operator": "bench"}
                    )
                    return True
            await asyncio.sleep(0.5)
    return False


async def wait_until_triggers_are_live(timeout: float = 120.0) -> None:
    """Until serve has registered the ABEND trigger (its automation exists)."""
    from prefect.client.orchestration import get_client

    from deployments.definitions import incident_trigger

    name = incident_trigger().name
    deadline = time.monotonic() + timeout
    async with get_client() as client:
        while not await client.read_automations_by_name(name):
            if time.monotonic() > deadline:
                raise RuntimeError("resync-flows serve did not register its triggers in time")
            await asyncio.sleep(0.5)
    # The runner starts polling for runs right after registering; give it a cycle.
    await asyncio.sleep(2)


def measure_latencies(
    store: Store, simulator_url: str, auth: tuple[str, str], count: int, interval: float
) -> list[float]:
    rng = random.Random(7)
    latencies: list[float] = []
    for number in range(1, count + 1):
        # A random phase against the poll interval, as real ABENDs have.
        time.sleep(rng.uniform(0, interval))
        injected_at = datetime.now(UTC)
        run_id = inject_abend(simulator_url, auth, rng)
        deadline = time.monotonic() + RESULT_WAIT_SECONDS
        stored_at = None
        while stored_at is None and time.monotonic() < deadline:
            time.sleep(0.1)
            stored_at = recommendation_time(store, run_id)
        if stored_at is None:
            print(f"  injection {number}: no recommendation within {RESULT_WAIT_SECONDS:.0f}s")
            continue
        latency = (stored_at - injected_at).total_seconds()
        latencies.append(latency)
        print(f"  injection {number:2d}: {latency:5.1f} s  (run {run_id})")
        asyncio.run(reject_paused_analysis(run_id))
    return latencies


def baseline_seconds(store: Store, simulator_url: str, auth: tuple[str, str]) -> float:
    """One poll cycle plus one incident analysis, called in this process (no orchestration)."""
    from flows.incident import IncidentRequest, incident_analysis
    from flows.poller import poll_tws

    run_id = inject_abend(simulator_url, auth, random.Random(11))
    started = time.perf_counter()
    asyncio.run(poll_tws())
    asyncio.run(incident_analysis(IncidentRequest(run_id=run_id, propose_rerun=False)))
    elapsed = time.perf_counter() - started
    flush_run_logs()
    if recommendation_time(store, run_id) is None:
        raise RuntimeError("the baseline analysis stored no recommendation")
    return elapsed


def flush_run_logs() -> None:
    """Send this process's flow-run logs now, while the server still runs."""
    from prefect.logging.handlers import APILogHandler

    asyncio.run(APILogHandler.aflush())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@contextlib.contextmanager
def database(url: str | None, directory: Path):
    if url:
        yield url
        return
    with EmbeddedPostgres(directory / "postgres") as embedded:
        yield embedded.url


def serve_commands(stack: PrefectStack, poller: str) -> list[tuple[str, list[str]]]:
    script = resync_script()
    only = ["--only", "incident-analysis/on-abend"]
    if poller == "served":
        only += ["--only", "poll-tws/poller"]
    commands = [("serve", [script, "serve", "--poll-seconds", "1", *only])]
    if poller == "loop":
        commands.append(("poll", [script, "poll"]))
    return commands


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--injections", type=int, default=20)
    parser.add_argument("--poll-interval", type=float, default=5.0)
    parser.add_argument("--poller", choices=["served", "loop"], default="loop")
    parser.add_argument(
        "--database-url",
        default=None,
        help="A dedicated, disposable database (its tables are created and written); "
        "default: an embedded PostgreSQL in a temporary directory.",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="resync-bench-e2e-") as temp:
        directory = Path(temp)
        config = SimulatorConfig(seed=99, scenario="small", clock_rate=0)
        with (
            database(args.database_url, directory) as database_url,
            run_simulator_process(config) as simulator,
            prefect_server(directory / "prefect-home") as stack,
        ):
            user, password = simulator.basic_auth
            environment = {
                "RESYNC_DATABASE_URL": database_url,
                "RESYNC_TWS_URL": simulator.base_url,
                "RESYNC_TWS_USERNAME": user,
                "RESYNC_TWS_PASSWORD": password,
                "RESYNC_DATA_DIR": str(directory / "data"),
                "RESYNC_POLL_INTERVAL_SECONDS": str(args.poll_interval),
            }
            set_process_environment(environment, stack.api_url)
            with open_store(load_settings()) as store:
                store.upgrade()
                print("first full poll ...")
                first_full_poll()
                print(f"serving (poller: {args.poller}, every {args.poll_interval:g} s) ...")
                with contextlib.ExitStack() as processes:
                    for name, command in serve_commands(stack, args.poller):
                        processes.enter_context(
                            started_process(
                                command,
                                {**stack.env, **environment},
                                stack.home / f"{name}.log",
                            )
                        )
                        if name == "serve":
                            asyncio.run(wait_until_triggers_are_live())
                    latencies = measure_latencies(
                        store,
                        simulator.base_url,
                        simulator.basic_auth,
                        args.injections,
                        args.poll_interval,
                    )
                if not latencies:
                    print(stack.logs())
                    return 1
                baseline = baseline_seconds(store, simulator.base_url, simulator.basic_auth)

    p50 = statistics.median(latencies)
    p95 = percentile(latencies, 0.95)
    print(
        f"ABEND -> stored recommendation over {len(latencies)}/{args.injections} injections "
        f"(poll every {args.poll_interval:g} s, poller {args.poller}):"
    )
    print(f"  p50 {p50:.1f} s   p95 {p95:.1f} s   max {max(latencies):.1f} s")
    print(f"  baseline (poll cycle + analysis in-process): {baseline:.2f} s")
    print(f"  ratio p50/baseline {p50 / baseline:.1f}x   p95/baseline {p95 / baseline:.1f}x")
    print(f"  goal p50 < {GOAL_P50_SECONDS:.0f} s: {'met' if p50 < GOAL_P50_SECONDS else 'MISSED'}")
    return 0 if len(latencies) == args.injections else 1


if __name__ == "__main__":
    sys.exit(main())

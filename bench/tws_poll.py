"""Benchmark: read a whole 200k-job plan through ``TWSClient`` vs a raw httpx loop.

The simulator runs in a child process (its own interpreter, so its JSON rendering does not
share this process's GIL). In the same run, against the same server and pages:

- raw:    httpx GET of every page by offset, ``json.loads`` of each body, nothing else;
- client: ``TWSClient.query_job_pages`` (typed models, retries, breaker, next-page
  prefetch), the path the poller and the backfill take;
- the same without prefetch, to show what the pipelining buys;
- ``TWSClient.query_jobs``, one job at a time through an async generator (a convenience for
  small queries: its per-job step costs ~5 us, ~1 s per 200k jobs).

Prints jobs/s for each and the client/raw time ratio (goal: at most 1.5, for the poller's
path). The client decodes pages with msgspec straight into its typed structs, which skips the
fields it does not use; that is cheaper than the baseline's ``json.loads`` building every one,
so a ratio below 1 is expected: the client then waits on the server, not on parsing.

    .venv/bin/python -m bench.tws_poll [--scenario large] [--page-size 10000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Callable

import httpx

from resync_clients.tws.client import TWSClient, TWSClientConfig
from resync_simulator.server import SimulatorConfig, run_simulator_process

USERNAME, PASSWORD = "resync", "resync-sim"


async def raw_loop(base_url: str, page_size: int) -> int:
    """The baseline: fetch pages by offset and json.loads them; count the jobs."""
    seen = 0
    async with httpx.AsyncClient(
        base_url=f"{base_url}/twsd/api/v2/",
        auth=(USERNAME, PASSWORD),
        timeout=httpx.Timeout(120.0),
    ) as http:
        offset = 0
        while True:
            response = await http.get(
                "plan/job", params={"limit": page_size, "offset": offset, "plan_id": "current"}
            )
            response.raise_for_status()
            results = json.loads(response.content)["results"]
            if not results:
                return seen
            seen += len(results)
            offset += len(results)


def client_config(base_url: str, page_size: int, prefetch: bool = True) -> TWSClientConfig:
    return TWSClientConfig(
        base_url=base_url,
        username=USERNAME,
        password=PASSWORD,
        page_size=page_size,
        timeout_seconds=120.0,
        prefetch_pages=prefetch,
    )


async def client_loop(base_url: str, page_size: int, prefetch: bool) -> int:
    seen = 0
    async with TWSClient(client_config(base_url, page_size, prefetch)) as tws:
        async for page in tws.query_job_pages():
            seen += len(page.results)
    return seen


async def client_job_loop(base_url: str, page_size: int) -> int:
    seen = 0
    async with TWSClient(client_config(base_url, page_size)) as tws:
        async for _job in tws.query_jobs():
            seen += 1
    return seen


def timed(run: Callable[[], Awaitable[int]]) -> tuple[int, float]:
    started = time.perf_counter()
    jobs = asyncio.run(run())
    return jobs, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--page-size", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    with run_simulator_process(SimulatorConfig(seed=args.seed, scenario=args.scenario)) as sim:
        base_url = sim.base_url
        contenders: dict[str, Callable[[], Awaitable[int]]] = {
            "raw httpx + json.loads": lambda: raw_loop(base_url, args.page_size),
            "TWSClient": lambda: client_loop(base_url, args.page_size, prefetch=True),
            "TWSClient, no prefetch": lambda: client_loop(base_url, args.page_size, False),
            "TWSClient.query_jobs": lambda: client_job_loop(base_url, args.page_size),
        }
        best: dict[str, float] = {}
        counts: dict[str, int] = {}
        asyncio.run(raw_loop(base_url, args.page_size))  # warm the server's caches once
        for _ in range(args.rounds):  # interleaved so drift hits every contender alike
            for name, run in contenders.items():
                jobs, seconds = timed(run)
                counts[name] = jobs
                best[name] = min(best.get(name, seconds), seconds)

    if len(set(counts.values())) != 1:
        raise SystemExit(f"contenders read different job counts: {counts}")
    jobs = next(iter(counts.values()))
    print(
        f"scenario {args.scenario}: {jobs} jobs, pages of {args.page_size}, best of {args.rounds}"
    )
    for name, seconds in best.items():
        print(f"  {name:<24} {seconds:7.2f} s  {jobs / seconds:10.0f} jobs/s")
    baseline = best["raw httpx + json.loads"]
    print(f"  ratio TWSClient / raw: {best['TWSClient'] / baseline:.2f}x (goal <= 1.5x)")
    for name in ("TWSClient, no prefetch", "TWSClient.query_jobs"):
        print(f"  ratio {name} / raw: {best[name] / baseline:.2f}x")


if __name__ == "__main__":
    main()

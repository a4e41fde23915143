"""Benchmark: what learning the plan's dependency graph costs the poller's plan read.

In one run, on the same pages of a simulated plan (rendered once, JSON bytes in memory):

- baseline: decode each page into the client's models and turn every job into run records
  (what the poller did per cycle before the graph);
- graph:    the same plus the graph's per-job work (edges a job carries, or a reference when
  its dependencies were only counted).

Prints both times and their ratio, then how many single-job reads the plan's graph needs and
how many cycles that takes at the poller's per-cycle cap (the requests a cycle adds).

    .venv/bin/python -m bench.plan_graph_read [--jobs 100000] [--page-size 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import math
import time

import orjson

from resync_clients.tws.dependencies import plan_edges, unread_dependencies
from resync_clients.tws.models import JobPage, parse_json
from resync_clients.tws.records import job_run_records
from resync_simulator.config import SimulatorConfig
from resync_simulator.engine import SimulationEngine
from tasks.poll import PLAN_GRAPH_READS_PER_CYCLE


def _pages(jobs: int, page_size: int) -> list[bytes]:
    engine = SimulationEngine(SimulatorConfig(seed=7, jobs=jobs, scenario="large", clock_rate=0))
    engine.advance(6 * 3600)  # the night batch is under way: runs, waiting jobs, both
    plan, now = engine.current, engine.now
    pages = []
    for start in range(0, jobs, page_size):
        rows = [engine.job_json(plan, i, now) for i in range(start, min(jobs, start + page_size))]
        pages.append(b'{"count":%d,"results":[%s]}' % (jobs, b",".join(rows)))
    return pages


def _baseline(pages: list[bytes]) -> int:
    runs = 0
    for body in pages:
        for job in parse_json(JobPage, body).results:
            runs += len(job_run_records(job, plan_id="current"))
    return runs


def _with_graph(pages: list[bytes]) -> int:
    unread = 0
    for body in pages:
        for job in parse_json(JobPage, body).results:
            job_run_records(job, plan_id="current")
            if job.dependencies:
                plan_edges(job)
            elif unread_dependencies(job) is not None:
                unread += 1
    return unread


def _best_of_both(pages: list[bytes], rounds: int) -> tuple[float, float, int, int]:
    """Best time of each, rounds interleaved (and the collector paused) so that machine load
    and memory state weigh on both alike."""
    best = {_baseline: math.inf, _with_graph: math.inf}
    results = {_baseline: 0, _with_graph: 0}
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            for function in (_baseline, _with_graph):
                started = time.perf_counter()
                results[function] = function(pages)
                best[function] = min(best[function], time.perf_counter() - started)
                gc.collect()
    finally:
        gc.enable()
    return best[_baseline], best[_with_graph], results[_baseline], results[_with_graph]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pages = _pages(args.jobs, args.page_size)
    base_seconds, graph_seconds, runs, unread = _best_of_both(pages, args.rounds)
    print(f"plan of {args.jobs} jobs in {len(pages)} page(s); {runs} run record(s)")
    print(f"baseline (decode + run records): {base_seconds:.3f} s")
    print(f"with the graph's per-job work:   {graph_seconds:.3f} s")
    print(f"ratio graph/baseline:            {graph_seconds / base_seconds:.3f}")
    cycles = math.ceil(unread / PLAN_GRAPH_READS_PER_CYCLE)
    print(
        f"jobs whose dependencies a query only counts: {unread} "
        f"({unread / args.jobs:.0%}); single-job reads per cycle at most "
        f"{PLAN_GRAPH_READS_PER_CYCLE}: the day's graph is complete after {cycles} cycle(s), "
        "then a cycle reads only jobs new to the plan"
    )
    print(
        orjson.dumps({"ratio": round(graph_seconds / base_seconds, 3), "unread": unread}).decode()
    )


if __name__ == "__main__":
    main()

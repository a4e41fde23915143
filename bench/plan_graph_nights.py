"""Graph late risk on the simulator's own nights, against the schedulers' statistic.

    python -m bench.plan_graph_nights                  # 3,000-job shops, 100k-job timing
    python -m bench.plan_graph_nights --jobs 1500 --timing-jobs 0

Data: the simulated shop (``resync_simulator``: its plans with in-stream, cross-stream job
and whole-stream dependencies, weekday and month-end seasonality, growth, failures with
recovery reruns, hung runs), each night's runs as the poller stores them
(``resync_simulator.history``) and each night's truth: a job is late when it ended after
its stream's deadline. Jobs that never ran that night (an ABEND upstream and no rerun) have
no outcome and are left out of both forecasts' scores alike.

Every evaluation night is scored as the product scores it before the batch: the plan's
nodes and edges as the poller stores them, the runtime model fitted on the runs scheduled
strictly before the night (``resync_analytics.plan_graph.scoring.plan_model``: the same
window and model as ``predict-tonight-risks``), and the Monte Carlo over the DAG. In the same
run, on the same job-nights:

- the schedulers' statistic: "mean + k sd of the last 50 runs" summed along the critical
  path, read as a probability with a normal approximation of the path's end
  (``path_statistic_probability``; k is then a bias, not a threshold), and its yes/no form
  (``path_statistic_late``, k a threshold);
- the product's per-job lateness model (``score_tonight``, graph-blind), for context.

Honesty: k (both forms) is chosen on a tuning shop (another enterprise seed, other nights)
and the figures printed first are on the held-out shop's nights, which include two month
ends. Nothing in the product is fitted to either shop beyond what it learns from the runs
before each night. Also prints the 100k-job graph scoring time (``bench.plan_graph``'s
timing path, on its synthetic plan).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

from bench import plan_graph as synthetic
from resync_analytics.maintenance import run_history_frame, score_tonight
from resync_analytics.maintenance.evaluation import (
    PredictionScore,
    ReliabilityBin,
    reliability_table,
    score_predictions,
)
from resync_analytics.maintenance.history import weekday_and_month_end
from resync_analytics.plan_graph.evaluation import path_statistic_late, path_statistic_probability
from resync_analytics.plan_graph.scoring import PlanGraphConfig, plan_model
from resync_core.plan_graph import PlanEdge, PlanNode
from resync_simulator.enterprise import Enterprise, generate_enterprise
from resync_simulator.history import job_key_of, plan_history_rows, plan_outcomes
from resync_simulator.plan import Plan

DAY = 86_400.0
HISTORY_NIGHTS = 60
KS = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0)


def day_number(moment: date) -> int:
    return int(datetime(moment.year, moment.month, moment.day, tzinfo=UTC).timestamp() // DAY)


# (enterprise seed, first and last evaluation night); each shop has HISTORY_NIGHTS before.
TUNING = (21, date(2026, 9, 18), date(2026, 10, 8))
HELD_OUT = (31, date(2026, 10, 20), date(2026, 12, 6))


@dataclass
class Shop:
    """A simulated enterprise, its plans night by night and their runs as one history."""

    enterprise: Enterprise
    plans: dict[int, Plan]
    history: pd.DataFrame
    keys: list[str]


def simulated_shop(seed: int, jobs: int, first: int, last: int) -> Shop:
    enterprise = generate_enterprise(seed, jobs)
    plans = {day: Plan(enterprise, day) for day in range(first - HISTORY_NIGHTS, last + 1)}
    rows = [row for plan in plans.values() for row in plan_history_rows(plan)]
    history = run_history_frame(pd.DataFrame(rows))
    keys = [job_key_of(enterprise, job.index) for job in enterprise.jobs]
    return Shop(enterprise, plans, history, keys)


def plan_graph(shop: Shop, day: int) -> tuple[list[PlanNode], list[PlanEdge]]:
    """The night's nodes and edges as the poller stores them before the batch starts."""
    enterprise = shop.enterprise
    start = day * DAY
    plan_day = datetime.fromtimestamp(start, UTC).date()
    nodes: list[PlanNode] = []
    edges: list[PlanEdge] = []
    for job in enterprise.jobs:
        stream = enterprise.streams[job.stream]
        key = shop.keys[job.index]
        nodes.append(
            PlanNode(
                key,
                datetime.fromtimestamp(start + stream.start_offset, UTC),
                datetime.fromtimestamp(start + stream.deadline_offset, UTC),
            )
        )
        for pred in job.predecessors:
            edges.append(PlanEdge(plan_day, shop.keys[pred], key, "job", True))
        for pred in job.external_predecessors:
            edges.append(PlanEdge(plan_day, shop.keys[pred], key, "job", False))
        for other in job.stream_predecessors:
            upstream = enterprise.streams[other]
            ws = enterprise.workstations[upstream.workstation].name
            edges.append(PlanEdge(plan_day, f"{ws}#{upstream.name}", key, "job_stream", False))
    return nodes, edges


def last_runs(history: pd.DataFrame, keys: Sequence[str], runs: int = 50) -> np.ndarray:
    """``(len(keys), runs)`` durations of each job's last successful runs, latest last."""
    ok = history[~history["failed"] & (history["duration_seconds"] > 0)]
    ok = ok.sort_values("sched_time", kind="stable")
    node = pd.Index(keys).get_indexer(pd.Index(ok["job_key"].astype(str)))
    back = ok.groupby("job_key", observed=True).cumcount(ascending=False).to_numpy()
    keep = (node >= 0) & (back < runs)
    out = np.full((len(keys), runs), np.nan)
    out[node[keep], runs - 1 - back[keep]] = ok["duration_seconds"].to_numpy()[keep]
    return out


@dataclass
class Scored:
    """One entry per job-night that has an outcome."""

    late: list[np.ndarray] = field(default_factory=list)
    graph: list[np.ndarray] = field(default_factory=list)
    per_job: list[np.ndarray] = field(default_factory=list)
    statistic: dict[float, list[np.ndarray]] = field(default_factory=dict)
    yes_no: dict[float, list[np.ndarray]] = field(default_factory=dict)
    night: list[np.ndarray] = field(default_factory=list)

    def array(self, name: str, k: float | None = None) -> np.ndarray:
        parts = getattr(self, name) if k is None else getattr(self, name)[k]
        return np.concatenate(parts)


def score_nights(shop: Shop, first: int, last: int, sims: int, ks: Sequence[float]) -> Scored:
    scored = Scored(statistic={k: [] for k in ks}, yes_no={k: [] for k in ks})
    for day in range(first, last + 1):
        tonight = datetime.fromtimestamp(day * DAY, UTC)
        past = shop.history[shop.history["sched_time"].to_numpy() < day * DAY]
        nodes, edges = plan_graph(shop, day)
        model = plan_model(past, tonight, nodes, edges, graph=PlanGraphConfig(sims=sims, seed=day))
        dag = model.dag
        outcomes = plan_outcomes(shop.plans[day])
        known = np.array([key in outcomes for key in dag.keys])
        late = np.array([outcomes[key].late for key in dag.keys if key in outcomes])
        scored.late.append(late)
        scored.night.append(np.full(late.size, day))
        scored.graph.append(model.simulation.late_probability()[known])
        recent = last_runs(past, dag.keys)
        for k in ks:
            scored.statistic[k].append(path_statistic_probability(dag, recent, k)[known])
            scored.yes_no[k].append(path_statistic_late(dag, recent, k)[known])
        per_job = {risk.job_key: risk.late_probability for risk in score_tonight(past, tonight)}
        scored.per_job.append(
            np.array([per_job.get(key, 0.0) for key in np.array(dag.keys)[known]])
        )
    return scored


def month_end_flags(nights: np.ndarray) -> np.ndarray:
    return weekday_and_month_end(nights * DAY)[1]


def print_table(name: str, table: Sequence[ReliabilityBin]) -> None:
    print(f"  reliability, {name} (bin: job-nights, mean predicted, observed late):")
    for row in table:
        print(
            f"    [{row.low:.2f}, {row.high:.2f})  n={row.count:6d}  "
            f"{row.predicted:.3f}  {row.observed:.3f}"
        )


def line(label: str, score: PredictionScore) -> str:
    return (
        f"  {label:<40} Brier {score.brier:.5f}  skill {score.brier_skill:+.3f}  "
        f"AUC {score.auc:.3f}"
    )


def report(title: str, scored: Scored, k: float, k_yes_no: float, *, tables: bool) -> None:
    late = scored.array("late")
    graph = scored.array("graph")
    statistic = scored.array("statistic", k)
    yes_no = scored.array("yes_no", k_yes_no)
    per_job = scored.array("per_job")
    nights = scored.array("night")
    month_end = month_end_flags(nights)
    print(
        f"{title}: {np.unique(nights).size} nights ({np.unique(nights[month_end]).size} month-end),"
        f" {late.size:,} job-nights, {int(late.sum()):,} late (base-rate Brier "
        f"{score_predictions(late, graph).base_brier:.5f})"
    )
    print(line("graph Monte Carlo (product)", score_predictions(late, graph)))
    print(line(f"mean+k·sd path, normal approx (k={k:g})", score_predictions(late, statistic)))
    print(line(f"mean+k·sd path, yes/no (k={k_yes_no:g})", score_predictions(late, yes_no)))
    print(line("per-job lateness model (graph-blind)", score_predictions(late, per_job)))
    if tables:
        print_table("graph Monte Carlo", reliability_table(late, graph))
        print_table(f"mean+k·sd path, normal approx (k={k:g})", reliability_table(late, statistic))
    print("  month-end nights, mean predicted vs observed late rate:")
    print("    night        job-nights  observed  graph  statistic  yes/no  per-job")
    for day in np.unique(nights[month_end]):
        chosen = nights == day
        print(
            f"    {datetime.fromtimestamp(day * DAY, UTC):%Y-%m-%d}  {int(chosen.sum()):10d}"
            f"  {late[chosen].mean():8.3f}  {graph[chosen].mean():5.3f}"
            f"  {statistic[chosen].mean():9.3f}  {yes_no[chosen].mean():6.3f}"
            f"  {per_job[chosen].mean():7.3f}"
        )
    for label, chosen in (("all month-end", month_end), ("all other", ~month_end)):
        print(
            f"    {label:<13}{int(chosen.sum()):11d}  {late[chosen].mean():8.3f}"
            f"  {graph[chosen].mean():5.3f}  {statistic[chosen].mean():9.3f}"
            f"  {yes_no[chosen].mean():6.3f}  {per_job[chosen].mean():7.3f}"
        )
    if month_end.any():
        print(
            line(
                "month-end job-nights, graph", score_predictions(late[month_end], graph[month_end])
            )
        )
        print(
            line(
                "month-end job-nights, statistic",
                score_predictions(late[month_end], statistic[month_end]),
            )
        )


def evaluate(setup: tuple[int, date, date], jobs: int, sims: int, ks: Sequence[float]) -> Scored:
    seed, first, last = setup
    started = time.perf_counter()
    shop = simulated_shop(seed, jobs, day_number(first), day_number(last))
    scored = score_nights(shop, day_number(first), day_number(last), sims, ks)
    dependencies = sum(
        1 for job in shop.enterprise.jobs if job.external_predecessors or job.stream_predecessors
    )
    print(
        f"  (shop seed {seed}: {jobs:,} jobs in {len(shop.enterprise.streams)} streams, "
        f"{dependencies} cross-stream dependencies, {len(shop.history):,} runs; "
        f"{time.perf_counter() - started:.0f} s)"
    )
    return scored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=3000)
    parser.add_argument("--sims", type=int, default=400)
    parser.add_argument("--timing-jobs", type=int, default=100_000, help="0: no timing")
    args = parser.parse_args(argv)
    print("tuning shop:")
    tuning = evaluate(TUNING, args.jobs, args.sims, KS)
    late = tuning.array("late")
    k = min(KS, key=lambda k: score_predictions(late, tuning.array("statistic", k)).brier)
    k_yes_no = min(KS, key=lambda k: score_predictions(late, tuning.array("yes_no", k)).brier)
    print("held-out shop:")
    held = evaluate(HELD_OUT, args.jobs, args.sims, sorted({k, k_yes_no}))
    print()
    report("HELD-OUT shop", held, k, k_yes_no, tables=True)
    print()
    print(
        "tuning shop, the statistic's Brier by k (normal approx / yes-no): "
        + ", ".join(
            f"k={k:g} {score_predictions(late, tuning.array('statistic', k)).brier:.5f}"
            f"/{score_predictions(late, tuning.array('yes_no', k)).brier:.5f}"
            for k in KS
        )
    )
    report("tuning shop", tuning, k, k_yes_no, tables=False)
    if args.timing_jobs:
        print()
        synthetic.timing(args.timing_jobs, args.sims)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Graph late-risk benchmark: scoring a synthetic 100k-job plan along its DAG, and how good
its late probabilities are against the schedulers' "mean + k sd along the critical path".

    python -m bench.plan_graph                 # 100k jobs, 400 simulations
    python -m bench.plan_graph --jobs 20000    # smaller

The plan: streams of 5-30 jobs (each job waits for one of the three before it in its stream,
a fifth of them for a second one: fan-out and fan-in), a third of the streams following a
job of an earlier stream (cross-stream follows), streams scheduled over six hours, and a
deadline on a tenth of the jobs with a job-specific slack. True runtimes are log-normal per
job, with a shop-wide night factor and a 0.5% hang tail (3-30x the median).

Timing, measured in the same run: graph scoring (DAG, Monte Carlo, latest safe ends,
critical paths and hot lists of every deadline job) against today's per-job scoring (the
runtime and lateness models of ``resync_analytics.maintenance`` over 28 nights of the same
jobs). Goal: under 60 s for 100k jobs.

Quality: today's runtime model is fitted on 50 nights of history; both forecasts are scored
on 20 later nights never used for anything else. The statistic's k is chosen on a tuning
plan (another seed) and reported on the held-out plan, figure first.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from resync_analytics.maintenance.evaluation import PredictionScore, score_predictions
from resync_analytics.maintenance.history import run_history_frame
from resync_analytics.maintenance.lateness import estimate_late_risk
from resync_analytics.maintenance.runtimes import estimate_runtimes
from resync_analytics.plan_graph import (
    RuntimeDistribution,
    Tonight,
    deadline_risks,
    latest_safe_end,
    runtime_distribution,
    simulate,
)
from resync_analytics.plan_graph.evaluation import (
    LateForecastComparison,
    compare_late_forecasts,
    path_statistic_late,
)
from resync_analytics.plan_graph.graph import PlanDag, dag_from_arrays
from resync_analytics.plan_graph.simulate import propagate

TONIGHT = datetime(2026, 3, 2, tzinfo=UTC)
DAY = 86_400.0
HANG_SHARE = 0.005


@dataclass(frozen=True)
class SyntheticPlan:
    dag: PlanDag
    median: np.ndarray  # true median runtime per job, seconds
    sigma: np.ndarray  # true log spread per job


def synthetic_plan(jobs: int, seed: int) -> SyntheticPlan:
    rng = np.random.default_rng(seed)
    sizes: list[int] = []
    while sum(sizes) < jobs:
        sizes.append(int(rng.integers(5, 31)))
    sizes[-1] -= sum(sizes) - jobs
    sizes = [s for s in sizes if s > 0]
    stream = np.repeat(np.arange(len(sizes)), sizes)
    first = np.r_[0, np.cumsum(sizes)[:-1]]
    position = np.arange(jobs) - first[stream]
    keys = [f"WS{s % 200:03d}#S{s:05d}.J{p:02d}" for s, p in zip(stream, position, strict=True)]
    # In-stream: one of the three jobs before, a fifth also a second one (fan-in).
    inner = np.flatnonzero(position > 0)
    back = np.minimum(rng.integers(1, 4, inner.size), position[inner])
    pred = [inner - back]
    succ = [inner]
    extra = inner[(rng.random(inner.size) < 0.2) & (position[inner] >= 2)]
    pred.append(extra - rng.integers(1, position[extra] + 1))
    succ.append(extra)
    # Cross-stream: a third of the streams wait for a job of one of the 300 streams before.
    streams = len(sizes)
    follows = np.flatnonzero((rng.random(streams) < 1 / 3) & (np.arange(streams) > 0))
    earlier = follows - rng.integers(1, np.minimum(follows, 300) + 1)
    upstream = first[earlier] + rng.integers(0, np.array(sizes)[earlier])
    pred.append(upstream)
    succ.append(first[follows] + rng.integers(0, np.array(sizes)[follows]))
    stream_start = rng.uniform(0, 6 * 3600, streams)
    median = np.exp(rng.normal(np.log(120), 1.0, jobs))
    sigma = rng.uniform(0.1, 0.5, jobs)
    dag = dag_from_arrays(
        keys,
        np.concatenate(pred),
        np.concatenate(succ),
        origin=TONIGHT,
        earliest_start=stream_start[stream],
    )
    # Deadlines on a tenth of the jobs: the median-runtime end plus a job-specific slack.
    typical = propagate(dag, median.astype(np.float32)[:, None], Tonight.nothing_yet(jobs))
    end = typical.end[:, 0].astype(float)
    chosen = rng.random(jobs) < 0.1
    slack = (end - stream_start[stream]) * rng.uniform(0.0, 0.6, jobs) + rng.uniform(0, 900, jobs)
    deadline = np.where(chosen, end + slack, np.nan)
    dag = dag_from_arrays(
        keys,
        dag.pred,
        dag.succ,
        origin=TONIGHT,
        earliest_start=dag.earliest_start,
        deadline=deadline,
    )
    return SyntheticPlan(dag, median, sigma)


def true_runtimes(plan: SyntheticPlan, nights: int, rng: np.random.Generator) -> np.ndarray:
    """``(jobs, nights)`` runtimes as the shop really runs them."""
    n = plan.dag.size
    night_factor = np.exp(rng.normal(0, 0.08, nights))[None, :]
    runs = (
        plan.median[:, None]
        * night_factor
        * np.exp(rng.normal(0, 1, (n, nights)) * plan.sigma[:, None])
    )
    hung = rng.random((n, nights)) < HANG_SHARE
    runs[hung] *= rng.uniform(3, 30, hung.sum())
    return runs


def history_frame(plan: SyntheticPlan, runs: np.ndarray) -> pd.DataFrame:
    """The runs as the run-history frame today's models learn from (one a night), with the
    starts and ends the plan's dependencies really gave them that night."""
    n, nights = runs.shape
    realised = propagate(plan.dag, runs.astype(np.float32), Tonight.nothing_yet(n))
    job = np.repeat(np.arange(n), nights)
    night = np.tile(np.arange(nights, 0, -1), n)  # the last column is last night
    day_start = TONIGHT.timestamp() - night * DAY
    sched = day_start + np.nan_to_num(plan.dag.earliest_start)[job]
    duration = runs.ravel()
    deadline = day_start + plan.dag.deadline[job]
    return run_history_frame(
        pd.DataFrame(
            {
                "job_key": pd.Categorical.from_codes(job, categories=pd.Index(list(plan.dag.keys))),
                "workstation": "WS000",
                "sched_time": sched,
                "start_time": day_start + realised.start.ravel().astype(float),
                "end_time": day_start + realised.end.ravel().astype(float),
                "deadline_time": deadline,
                "duration_seconds": duration,
                "failed": False,
                "run_attempt": 1,
                "error_pattern": None,
            }
        )
    )


def fitted_distribution(plan: SyntheticPlan, history: pd.DataFrame) -> RuntimeDistribution:
    model = estimate_runtimes(history, TONIGHT.timestamp())
    categories = list(history["job_key"].cat.categories)
    return runtime_distribution(model, categories, plan.dag.keys)


def timing(jobs: int, sims: int) -> None:
    plan = synthetic_plan(jobs, seed=11)
    rng = np.random.default_rng(12)
    history = history_frame(plan, true_runtimes(plan, 28, rng))
    print(
        f"plan: {jobs:,} jobs, {plan.dag.pred.size:,} edges, {plan.dag.levels} levels, "
        f"{int(np.isfinite(plan.dag.deadline).sum()):,} deadlines; history {len(history):,} runs"
    )
    started = time.perf_counter()
    model = estimate_runtimes(history, TONIGHT.timestamp())
    estimate_late_risk(history, model, TONIGHT.timestamp())
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    runtimes = runtime_distribution(model, list(history["job_key"].cat.categories), plan.dag.keys)
    dag = dag_from_arrays(
        plan.dag.keys,
        plan.dag.pred,
        plan.dag.succ,
        origin=TONIGHT,
        earliest_start=plan.dag.earliest_start,
        deadline=plan.dag.deadline,
    )
    built = time.perf_counter()
    sim = simulate(dag, runtimes, sims=sims)
    simulated = time.perf_counter()
    safe = latest_safe_end(dag, runtimes)
    risks = deadline_risks(sim, runtimes, safe=safe)
    graph = time.perf_counter() - started
    print(f"per-job scoring (runtime + lateness models) {baseline:7.2f} s   (baseline)")
    print(
        f"graph scoring ({sims} sims)                 {graph:7.2f} s   (DAG {built - started:.2f}"
        f" s, Monte Carlo {simulated - built:.2f} s, safe ends + {len(risks):,} critical paths "
        f"{time.perf_counter() - simulated:.2f} s)"
    )
    print(f"ratio graph / per-job scoring: {graph / baseline:.2f}")


def quality(
    jobs: int, sims: int, seed: int, ks: list[float]
) -> tuple[dict[float, LateForecastComparison], PredictionScore]:
    """Both forecasts on 20 held-out nights of one plan: {k: comparison}, and the score of
    today's per-job lateness model on the same nights."""
    plan = synthetic_plan(jobs, seed=seed)
    rng = np.random.default_rng(seed + 1)
    past = true_runtimes(plan, 50, rng)
    history = history_frame(plan, past)
    runtimes = fitted_distribution(plan, history)
    sim = simulate(plan.dag, runtimes, sims=sims, seed=seed)
    p_graph = sim.late_probability()
    nights = 20
    truth = propagate(
        plan.dag,
        true_runtimes(plan, nights, rng).astype(np.float32),
        Tonight.nothing_yet(plan.dag.size),
    )
    has_deadline = np.isfinite(plan.dag.deadline)
    late = truth.end[has_deadline] > plan.dag.deadline[has_deadline, None]
    last_runs = past  # the same 50 nights, latest last
    out = {}
    for k in ks:
        p_stat = path_statistic_late(plan.dag, last_runs, k)[has_deadline]
        out[k] = compare_late_forecasts(
            late,
            np.repeat(p_graph[has_deadline, None], nights, axis=1),
            np.repeat(p_stat[:, None], nights, axis=1),
        )
    # Today's per-job lateness model on the same nights, for context (graph-blind).
    model = estimate_runtimes(history, TONIGHT.timestamp())
    by_code = estimate_late_risk(history, model, TONIGHT.timestamp())["late_probability"]
    # The model's rows follow the history's job categories, not the plan's node order.
    categories = pd.Index(history["job_key"].cat.categories.astype(str))
    p_job = by_code.to_numpy()[categories.get_indexer(pd.Index(plan.dag.keys))]
    per_job = score_predictions(
        late.ravel(), np.repeat(p_job[has_deadline, None], nights, axis=1).ravel()
    )
    return out, per_job


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--sims", type=int, default=400)
    parser.add_argument("--quality-jobs", type=int, default=20_000)
    args = parser.parse_args(argv)
    ks = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0]
    tuning, tuning_per_job = quality(args.quality_jobs, args.sims, seed=21, ks=ks)
    best_k = min(ks, key=lambda k: tuning[k].baseline.brier)
    held_all, held_per_job = quality(args.quality_jobs, args.sims, seed=31, ks=[best_k])
    held = held_all[best_k]
    print(
        f"HELD-OUT plan ({args.quality_jobs:,} jobs, 20 unseen nights), k={best_k:g} chosen "
        "on a tuning plan:"
    )
    print(
        f"  Brier graph {held.graph.brier:.4f}  vs  mean+k·sd path {held.baseline.brier:.4f}"
        f"  (ratio {held.brier_ratio:.2f}; base rate Brier {held.graph.base_brier:.4f}; "
        f"AUC graph {held.graph.auc:.3f} vs {held.baseline.auc:.3f}; "
        f"{held.graph.count:,} deadline-nights, {held.graph.positives:,} late)"
    )
    print(
        f"  today's per-job lateness model (graph-blind): Brier {held_per_job.brier:.4f}, "
        f"AUC {held_per_job.auc:.3f}"
    )
    print("  reliability of the graph's late probabilities (bin: n, predicted, observed):")
    for row in held.graph_table:
        print(
            f"    [{row.low:.2f}, {row.high:.2f}) n={row.count:6d}  "
            f"{row.predicted:.3f}  {row.observed:.3f}"
        )
    print(
        "  the statistic (0/1): "
        + "; ".join(
            f"said {'late' if row.low >= 0.5 else 'on time'}: n={row.count} "
            f"observed {row.observed:.3f}"
            for row in held.baseline_table
        )
    )
    print(
        "tuning plan, the statistic's Brier by k: "
        + ", ".join(f"k={k:g} {tuning[k].baseline.brier:.4f}" for k in ks)
    )
    tuned = tuning[best_k]
    print(
        f"tuning plan: Brier graph {tuned.graph.brier:.4f} vs statistic {tuned.baseline.brier:.4f}"
        f" vs per-job model {tuning_per_job.brier:.4f}"
    )
    timing(args.jobs, args.sims)
    print(
        f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

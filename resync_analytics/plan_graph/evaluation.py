"""How good the graph's late probabilities are, against the schedulers' own statistic.

Schedulers' tools predict a job's end as the sum along its critical path of "mean + k sd of
the last 50 runs" of each job and call it late when that end passes the deadline. Here that
statistic is computed on the same DAG (a one-draw propagation with those runtimes, so the
longest path counts, as in the tools) and both forecasts are scored in the same run, on the
same outcomes: Brier score and a reliability table each. The statistic gives a yes/no, so
its "probability" is 0 or 1; ``path_statistic_probability`` is its fairest probabilistic
reading (a normal approximation of the critical path's end), for a Brier score that does not
punish the statistic merely for speaking in yes/no.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from resync_analytics.maintenance.evaluation import (
    PredictionScore,
    ReliabilityBin,
    reliability_table,
    score_predictions,
)
from resync_analytics.plan_graph.graph import PlanDag
from resync_analytics.plan_graph.simulate import Tonight, propagate

HISTORY_RUNS = 50


def last_runs_mean_sd(last_runs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per job: mean and sd of its last ``HISTORY_RUNS`` runtimes (rows of ``last_runs``,
    NaN-padded, latest last); 0 for a job with no run, sd 0 with a single run."""
    recent = np.asarray(last_runs, dtype=float)[:, -HISTORY_RUNS:]
    counted = np.sum(np.isfinite(recent), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.nansum(recent, axis=1)
        mean = np.where(counted > 0, total / np.maximum(counted, 1), 0.0)
        square = np.nansum((recent - mean[:, None]) ** 2, axis=1)
        sd = np.where(counted > 1, np.sqrt(square / np.maximum(counted - 1, 1)), 0.0)
    return mean, sd


def mean_k_sd_runtime(last_runs: np.ndarray, k: float) -> np.ndarray:
    """Per job: mean + k sd of its last ``HISTORY_RUNS`` runtimes (rows of ``last_runs``,
    NaN-padded, latest last); 0 for a job with no run."""
    mean, sd = last_runs_mean_sd(last_runs)
    return mean + k * sd


def path_statistic_late(
    dag: PlanDag, last_runs: np.ndarray, k: float, tonight: Tonight | None = None
) -> np.ndarray:
    """Per job: 1.0 when the "mean + k sd along the critical path" end passes its deadline,
    else 0.0 (0 without a deadline)."""
    runtime = mean_k_sd_runtime(last_runs, k).astype(np.float32)[:, None]
    state = tonight or Tonight.nothing_yet(dag.size)
    end = propagate(dag, runtime, state).end[:, 0]
    with np.errstate(invalid="ignore"):
        return (end > dag.deadline).astype(float)


@dataclass(frozen=True)
class LateForecastComparison:
    """The graph's late probabilities and the path statistic, scored on the same outcomes."""

    graph: PredictionScore
    baseline: PredictionScore
    graph_table: tuple[ReliabilityBin, ...]
    baseline_table: tuple[ReliabilityBin, ...]

    @property
    def brier_ratio(self) -> float:
        """Graph Brier over baseline Brier: below 1, the graph is better."""
        return self.graph.brier / self.baseline.brier if self.baseline.brier > 0 else np.nan


def compare_late_forecasts(
    outcomes: np.ndarray, graph_probability: np.ndarray, baseline_probability: np.ndarray
) -> LateForecastComparison:
    """Brier and reliability of both forecasts of the same yes/no outcomes (one entry per
    deadline job and night)."""
    y = np.asarray(outcomes, dtype=bool).ravel()
    graph = np.asarray(graph_probability, dtype=float).ravel()
    baseline = np.asarray(baseline_probability, dtype=float).ravel()
    if not (y.size == graph.size == baseline.size):
        raise ValueError("outcomes and both forecasts must have the same length")
    if np.any((graph < 0) | (graph > 1)) or np.any((baseline < 0) | (baseline > 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    return LateForecastComparison(
        score_predictions(y, graph),
        score_predictions(y, baseline),
        tuple(reliability_table(y, graph)),
        tuple(reliability_table(y, baseline)),
    )


def path_statistic_probability(
    dag: PlanDag, last_runs: np.ndarray, k: float, tonight: Tonight | None = None
) -> np.ndarray:
    """Per job: the statistic as a probability. Its end (``mean + k sd`` summed along the
    critical path, as ``path_statistic_late``) is read as the mean of a normal whose variance
    is the sum of the runtime variances along that same path, so
    ``P(late) = Phi((end - deadline) / path sd)``; ``k`` then shifts the forecast (a bias
    chosen on tuning nights), it is no longer a threshold. 0 without a deadline."""
    mean, sd = last_runs_mean_sd(last_runs)
    runtime = (mean + k * sd).astype(np.float32)[:, None]
    state = tonight or Tonight.nothing_yet(dag.size)
    run = propagate(dag, runtime, state)
    end, driver = run.end[:, 0].astype(float), run.driver[:, 0]
    # The path's variance, level by level: a job's own plus that of the job it waited for.
    variance = sd**2
    waiting = np.isnan(state.started_at)
    variance = np.where(np.isfinite(state.ended_at), 0.0, variance)
    order = np.argsort(dag.level, kind="stable")
    bounds = np.searchsorted(dag.level[order], np.arange(dag.levels + 1), side="left")
    for depth in range(1, dag.levels):
        members = order[bounds[depth] : bounds[depth + 1]]
        before = driver[members]
        chained = members[(before >= 0) & waiting[members]]
        variance[chained] += variance[driver[chained]]
    spread = np.sqrt(variance)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (end - dag.deadline) / spread
        probability = np.where(spread > 0, ndtr(z), (end > dag.deadline).astype(float))
    return np.where(np.isfinite(dag.deadline), probability, 0.0)

"""How likely each job is to fail tonight, from its own record and its neighbours'.

Empirical Bayes: a job's failure probability is a Beta-binomial posterior mean, with recent
runs weighted more (exponential decay) and a prior taken from the job's workstation (itself
shrunk toward the whole shop). The prior's strength comes from the data: how much job failure
rates really differ beyond binomial noise (method of moments). A job with 2 failures in 28
runs is then neither ignored (as a global rate would) nor called a 7% job (as its raw rate
would). Rising failure rates are tested separately: the last days against the days before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from resync_analytics.maintenance.history import DAY_SECONDS


@dataclass(frozen=True)
class FailureModelConfig:
    """``half_life_days``: weight of a run halves every so many days of age.
    ``recent_days``: the window tested for a rising failure rate (p below ``rising_alpha``).
    ``workstation_prior_runs``: pseudo-runs that pull a workstation's rate to the shop's."""

    half_life_days: float = 14.0
    recent_days: float = 7.0
    rising_alpha: float = 0.01
    workstation_prior_runs: float = 50.0
    min_prior_strength: float = 2.0
    max_prior_strength: float = 5000.0


def _prior_strength(
    failures: np.ndarray, runs: np.ndarray, mean: float, cfg: FailureModelConfig
) -> float:
    """Pseudo-runs of the Beta prior: mean(1-mean) / between-job variance - 1."""
    usable = runs >= 5
    if usable.sum() < 10 or not 0.0 < mean < 1.0:
        return cfg.max_prior_strength
    rates = failures[usable] / runs[usable]
    noise = np.mean(mean * (1 - mean) / runs[usable])
    between = float(np.var(rates) - noise)
    if between <= 0:
        return cfg.max_prior_strength
    strength = mean * (1 - mean) / between - 1.0
    return float(np.clip(strength, cfg.min_prior_strength, cfg.max_prior_strength))


def estimate_failure_risk(
    history: pd.DataFrame, as_of: float, config: FailureModelConfig | None = None
) -> pd.DataFrame:
    """Per job (index: ``job`` category code), tonight's failure probability and its basis.

    ``history``: a run-history frame; first attempts scheduled before ``as_of`` (epoch s)
    count. Columns: ``runs``, ``failures``, ``recent_runs``, ``recent_failures``,
    ``probability``, ``prior``, ``rising_pvalue`` (NaN when not tested), ``last_failure``
    (epoch s), ``top_pattern`` and ``top_pattern_count`` (the most frequent error pattern).
    """
    cfg = config or FailureModelConfig()
    jobs = len(history["job_key"].cat.categories)
    first = history[(history["run_attempt"] == 1) & (history["sched_time"] < as_of)]
    codes = first["job_key"].cat.codes.to_numpy()
    failed = first["failed"].to_numpy(dtype=float)
    age = (as_of - first["sched_time"].to_numpy()) / DAY_SECONDS
    weight = 0.5 ** (age / cfg.half_life_days)
    recent = age <= cfg.recent_days

    def count(values: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=values, minlength=jobs)

    runs, failures = count(np.ones_like(failed)), count(failed)
    w_runs, w_failures = count(weight), count(weight * failed)
    recent_runs, recent_failures = count(recent.astype(float)), count(recent * failed)

    shop_rate = float(w_failures.sum() / w_runs.sum()) if w_runs.sum() > 0 else 0.0
    prior = _workstation_prior(first, codes, weight, failed, shop_rate, jobs, cfg)
    strength = _prior_strength(failures, runs, shop_rate, cfg)
    probability = (w_failures + strength * prior) / (w_runs + strength)

    earlier_runs, earlier_failures = runs - recent_runs, failures - recent_failures
    earlier_rate = (earlier_failures + strength * prior) / (earlier_runs + strength)
    tested = recent_failures >= 2
    pvalue = np.full(jobs, np.nan)
    pvalue[tested] = stats.binom.sf(
        recent_failures[tested] - 1, recent_runs[tested], earlier_rate[tested]
    )

    last_failure = np.full(jobs, np.nan)
    failed_rows = first["failed"].to_numpy()
    np.fmax.at(last_failure, codes[failed_rows], first["sched_time"].to_numpy()[failed_rows])
    top_pattern, top_count = _top_patterns(history[history["failed"]], jobs)
    return pd.DataFrame(
        {
            "runs": runs.astype(int),
            "failures": failures.astype(int),
            "recent_runs": recent_runs.astype(int),
            "recent_failures": recent_failures.astype(int),
            "probability": probability,
            "prior": prior,
            "shop_rate": shop_rate,
            "prior_strength": strength,
            "rising_pvalue": pvalue,
            "rising": pvalue < cfg.rising_alpha,
            "last_failure": last_failure,
            "top_pattern": top_pattern,
            "top_pattern_count": top_count,
        }
    )


def _workstation_prior(
    first: pd.DataFrame,
    codes: np.ndarray,
    weight: np.ndarray,
    failed: np.ndarray,
    shop_rate: float,
    jobs: int,
    cfg: FailureModelConfig,
) -> np.ndarray:
    """Each job's prior mean: its (latest) workstation's rate, shrunk to the shop's."""
    ws_codes = first["workstation"].cat.codes.to_numpy()
    stations = len(first["workstation"].cat.categories)
    ws_runs = np.bincount(ws_codes, weights=weight, minlength=stations)
    ws_failures = np.bincount(ws_codes, weights=weight * failed, minlength=stations)
    ws_rate = (ws_failures + cfg.workstation_prior_runs * shop_rate) / (
        ws_runs + cfg.workstation_prior_runs
    )
    job_ws = np.full(jobs, -1)
    order = np.argsort(first["sched_time"].to_numpy(), kind="stable")
    job_ws[codes[order]] = ws_codes[order]  # the last write per job is its latest run
    return np.where(job_ws >= 0, ws_rate[np.maximum(job_ws, 0)], shop_rate)


def _top_patterns(failed_runs: pd.DataFrame, jobs: int) -> tuple[np.ndarray, np.ndarray]:
    top = np.full(jobs, None, dtype=object)
    counts = np.zeros(jobs, dtype=int)
    known = failed_runs[failed_runs["error_pattern"].notna()]
    if known.empty:
        return top, counts
    sizes = (
        pd.DataFrame(
            {"job": known["job_key"].cat.codes.to_numpy(), "pattern": known["error_pattern"]}
        )
        .groupby(["job", "pattern"], sort=False)
        .size()
        .sort_values(ascending=False, kind="stable")
    )
    best = sizes[~sizes.index.get_level_values("job").duplicated()]
    job_codes = best.index.get_level_values("job").to_numpy()
    top[job_codes] = best.index.get_level_values("pattern").to_numpy()
    counts[job_codes] = best.to_numpy()
    return top, counts

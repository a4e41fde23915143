"""How long each job will run tonight: a robust per-job model of its log runtime.

Runtimes are log-normal-ish and multiplicative effects (a busy Monday, month-end close, a few
per cent of growth a week) are additive in logs, so everything here is fitted on
``log(duration)`` of successful runs:

- a shop-wide weekday effect (median deviation of each weekday from each job's median);
- a per-job month-end effect, shrunk toward none (one month-end night is weak evidence);
- a per-job linear trend, kept only when it is both significant and material, after
  winsorising outliers at 3 robust standard deviations (a stuck run must not fake growth);
- a robust spread (MAD) of what is left;
- the shop's tail: how often a run lands far beyond its model (a hung step, a lock wait) and
  by how much, which a log-normal spread fitted to ordinary nights cannot know.

Every step is a vectorised group-by over integer job codes: ~3M runs in a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from resync_analytics.maintenance.history import DAY_SECONDS, stream_codes, weekday_and_month_end

MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class RuntimeModelConfig:
    """``trend_min_runs`` runs and a t statistic of ``trend_min_t`` make a trend real;
    ``trend_min_weekly`` (fraction per week) makes it worth mentioning."""

    trend_min_runs: int = 8
    trend_min_t: float = 3.0
    trend_min_weekly: float = 0.005
    winsor_sigmas: float = 3.0
    min_sigma: float = 0.03
    weekday_min_runs: int = 50
    month_end_days_before: int = 2
    month_end_days_after: int = 1
    tail_z: float = 4.0


@dataclass(frozen=True)
class RuntimeTail:
    """Runs far beyond their model, shop-wide: ``share`` of all successful runs, and their
    ``ratios`` (runtime / the model's median for that run), sorted ascending."""

    share: float
    ratios: np.ndarray

    def exceeds(self, factor: np.ndarray) -> np.ndarray:
        """Fraction of tail runs longer than ``factor`` times the median (elementwise)."""
        if not self.ratios.size:
            return np.zeros_like(factor, dtype=float)
        above = self.ratios.size - np.searchsorted(self.ratios, factor, side="right")
        return above / self.ratios.size


@dataclass(frozen=True)
class RuntimeModel:
    """Tonight's runtime model per job (``jobs``, indexed by job code) and the shop's tail."""

    jobs: pd.DataFrame
    tail: RuntimeTail


def _group_median(values: np.ndarray, codes: np.ndarray, groups: int) -> np.ndarray:
    medians = pd.Series(values).groupby(codes).median()
    out = np.full(groups, np.nan)
    out[medians.index.to_numpy()] = medians.to_numpy()
    return out


def estimate_runtimes(
    history: pd.DataFrame, as_of: float, config: RuntimeModelConfig | None = None
) -> RuntimeModel:
    """Tonight's runtime model: per job (``jobs``, index: ``job`` category code) and the
    shop's tail of runs far beyond their model (``tail``).

    Tonight is the plan day starting at ``as_of`` (epoch s). Columns: ``successes``,
    ``median_seconds`` (usual), ``log_mu`` and ``log_sigma`` (tonight's log-normal runtime),
    ``predicted_seconds`` (median tonight), ``p90_seconds``, ``weekly_growth`` (fraction per
    week, 0 without a real trend), ``growth_tstat``, ``month_end_factor`` (NaN: never seen at
    month end), ``month_end_tonight``, ``last_seconds`` and ``last_z`` (robust z of the latest
    successful run against the model).
    """
    cfg = config or RuntimeModelConfig()
    jobs = len(history["job_key"].cat.categories)
    ok = (
        ~history["failed"].to_numpy()
        & (history["duration_seconds"].to_numpy() > 0)
        & (history["sched_time"].to_numpy() < as_of)
    )
    runs = history[ok]
    codes = runs["job_key"].cat.codes.to_numpy()
    y = np.log(runs["duration_seconds"].to_numpy())
    t = (runs["sched_time"].to_numpy() - as_of) / DAY_SECONDS  # days, negative: the past
    weekday, month_end = weekday_and_month_end(
        runs["sched_time"].to_numpy(),
        days_before=cfg.month_end_days_before,
        days_after=cfg.month_end_days_after,
    )
    n = np.bincount(codes, minlength=jobs).astype(float)

    # Shop-wide weekday effect, from ordinary (not month-end) nights.
    centre = _group_median(y, codes, jobs)
    deviation = y - centre[codes]
    weekday_effect = np.zeros(7)
    ordinary = ~month_end
    for day in range(7):
        chosen = ordinary & (weekday == day)
        if chosen.sum() >= cfg.weekday_min_runs:
            weekday_effect[day] = float(np.median(deviation[chosen]))
    y_adj = y - weekday_effect[weekday]

    # Per-job month-end effect, shrunk by one pseudo-night towards its stream's effect: a
    # month has one month end, and the jobs of a closing stream run long together, so the
    # stream's nights say more about a job's next month end than its own two or three.
    residual = y_adj - _group_median(y_adj, codes, jobs)[codes]
    me_nights = np.bincount(codes, weights=month_end.astype(float), minlength=jobs)
    me_sum = np.bincount(codes, weights=np.where(month_end, residual, 0.0), minlength=jobs)
    stream = stream_codes(history["job_key"].cat.categories)
    streams = int(stream.max()) + 1 if stream.size else 0
    stream_nights = np.bincount(stream, weights=me_nights, minlength=streams)
    stream_sum = np.bincount(stream, weights=me_sum, minlength=streams)
    stream_effect = (stream_sum / (stream_nights + 1.0))[stream]
    month_end_effect = np.where(
        me_nights > 0, (me_sum + stream_effect) / (me_nights + 1.0), stream_effect
    )
    y_adj = y_adj - np.where(month_end, month_end_effect[codes], 0.0)

    # Robust centre and spread, then winsorise before fitting a trend.
    median = _group_median(y_adj, codes, jobs)
    mad = _group_median(np.abs(y_adj - median[codes]), codes, jobs) * MAD_TO_SIGMA
    spread = np.maximum(np.nan_to_num(mad, nan=cfg.min_sigma), cfg.min_sigma)
    bound = cfg.winsor_sigmas * spread[codes]
    y_w = np.clip(y_adj, median[codes] - bound, median[codes] + bound)

    slope, intercept, tstat, t_mean, sxx = _ols_by_group(t, y_w, codes, jobs, n)
    weekly = np.expm1(7.0 * slope)
    trend = (
        (n >= cfg.trend_min_runs)
        & (np.abs(tstat) >= cfg.trend_min_t)
        & (np.abs(weekly) >= cfg.trend_min_weekly)
    )
    fitted = np.where(trend[codes], intercept[codes] + slope[codes] * t, median[codes])
    sigma = _group_median(np.abs(y_adj - fitted), codes, jobs) * MAD_TO_SIGMA
    sigma = np.maximum(np.nan_to_num(sigma, nan=cfg.min_sigma), cfg.min_sigma)
    # Extrapolating a trend to tonight (t = 0) adds the fit's own uncertainty.
    with np.errstate(divide="ignore", invalid="ignore"):
        extrapolation = np.where(trend, sigma**2 * (1.0 / n + t_mean**2 / sxx), 0.0)
    log_sigma = np.sqrt(sigma**2 + np.nan_to_num(extrapolation))

    tonight_weekday, tonight_me = weekday_and_month_end(
        np.array([as_of]),
        days_before=cfg.month_end_days_before,
        days_after=cfg.month_end_days_after,
    )
    base = np.where(trend, intercept, median)
    log_mu = base + weekday_effect[tonight_weekday[0]]
    if tonight_me[0]:
        log_mu = log_mu + month_end_effect

    residual = y_adj - fitted
    last_seconds, last_z = _latest_run(runs, codes, residual, sigma, jobs)
    beyond = residual > cfg.tail_z * sigma[codes]
    tail = RuntimeTail(
        share=float(beyond.mean()) if beyond.size else 0.0,
        ratios=np.sort(np.exp(residual[beyond])),
    )
    per_job = pd.DataFrame(
        {
            "successes": n.astype(int),
            "median_seconds": np.exp(median),
            "log_mu": log_mu,
            "log_sigma": log_sigma,
            "predicted_seconds": np.exp(log_mu),
            "p90_seconds": np.exp(log_mu + 1.2816 * log_sigma),
            "weekly_growth": np.where(trend, weekly, 0.0),
            "growth_tstat": tstat,
            "month_end_factor": np.where(me_nights > 0, np.exp(month_end_effect), np.nan),
            "month_end_tonight": bool(tonight_me[0]),
            "last_seconds": last_seconds,
            "last_z": last_z,
        }
    )
    return RuntimeModel(per_job, tail)


def _ols_by_group(
    t: np.ndarray, y: np.ndarray, codes: np.ndarray, groups: int, n: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Per-group least squares ``y = a + b t``: slope, intercept, t statistic of the slope,
    mean of t and its sum of squares (NaN where undefined)."""

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=values, minlength=groups)

    with np.errstate(divide="ignore", invalid="ignore"):
        t_mean = total(t) / n
        y_mean = total(y) / n
        dt = t - t_mean[codes]
        sxx = total(dt * dt)
        slope = total(dt * (y - y_mean[codes])) / sxx
        intercept = y_mean - slope * t_mean
        residual = y - intercept[codes] - slope[codes] * t
        variance = total(residual * residual) / (n - 2)
        stderr = np.sqrt(variance / sxx)
        tstat = np.where(stderr > 0, slope / stderr, np.where(slope != 0, np.inf, 0.0))
    slope = np.nan_to_num(slope)
    return slope, np.nan_to_num(intercept), np.nan_to_num(tstat), t_mean, sxx


def _latest_run(
    runs: pd.DataFrame, codes: np.ndarray, residual: np.ndarray, sigma: np.ndarray, jobs: int
) -> tuple[np.ndarray, np.ndarray]:
    """Duration and robust z of each job's latest successful run."""
    last_seconds = np.full(jobs, np.nan)
    last_z = np.full(jobs, np.nan)
    if not len(runs):
        return last_seconds, last_z
    order = np.argsort(runs["sched_time"].to_numpy(), kind="stable")
    last_seconds[codes[order]] = runs["duration_seconds"].to_numpy()[order]
    last_z[codes[order]] = residual[order] / sigma[codes[order]]
    return last_seconds, last_z

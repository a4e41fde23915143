"""How long each job will run tonight: a robust per-job model of its log runtime.

Runtimes are log-normal-ish and multiplicative effects (a busy Monday, month-end close, a few
per cent of growth a week) are additive in logs, so everything here is fitted on
``log(duration)`` of successful runs:

- a shop-wide weekday effect (median deviation of each weekday from each job's median);
- a per-job month-end effect, shrunk toward its stream's (one month-end night is weak
  evidence). Each month-end night is compared with the job's ordinary nights in the week
  before that month end, so growth does not pass for a month-end effect, and month ends
  older than the scoring window (``older`` runs, ``month_end_lookback_days``) still teach
  tonight's: a 28-day window holds no month end at all on the first night of the next one;
- a per-job linear trend, kept only when it is both significant and material, after
  winsorising outliers at 3 robust standard deviations (a stuck run must not fake growth);
- a robust spread (MAD) of what is left;
- the shop's tail: how often a run lands far beyond its model (a hung step, a lock wait) and
  by how much, which a log-normal spread fitted to ordinary nights cannot know.

Every step is a vectorised group-by over integer job codes: ~3M runs in a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    # Month ends are learned from this far back (runs older than the scoring window count
    # for them only): two month ends, whatever the months' lengths.
    month_end_lookback_days: float = 70.0
    month_end_baseline_days: int = 7
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
    """Tonight's runtime model per job (``jobs``, indexed by job code), the shop's tail and
    its ``weekday_effect`` (log, Monday first)."""

    jobs: pd.DataFrame
    tail: RuntimeTail
    weekday_effect: np.ndarray = field(default_factory=lambda: np.zeros(7))

    def night_effect(self, seconds: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """Log runtime effect of the night of each ``seconds`` (weekday, and month end with
        each job's ``codes`` own effect) relative to an ordinary Monday."""
        weekday, month_end = weekday_and_month_end(seconds)
        effect = self.jobs["month_end_effect"].to_numpy()[codes]
        return self.weekday_effect[weekday] + np.where(month_end, effect, 0.0)


def _group_median(values: np.ndarray, codes: np.ndarray, groups: int) -> np.ndarray:
    medians = pd.Series(values).groupby(codes).median()
    out = np.full(groups, np.nan)
    out[medians.index.to_numpy()] = medians.to_numpy()
    return out


def estimate_runtimes(
    history: pd.DataFrame,
    as_of: float,
    config: RuntimeModelConfig | None = None,
    older: pd.DataFrame | None = None,
) -> RuntimeModel:
    """Tonight's runtime model: per job (``jobs``, index: ``job`` category code) and the
    shop's tail of runs far beyond their model (``tail``).

    Tonight is the plan day starting at ``as_of`` (epoch s). Columns: ``successes``,
    ``median_seconds`` (usual), ``log_mu`` and ``log_sigma`` (tonight's log-normal runtime),
    ``predicted_seconds`` (median tonight), ``p90_seconds``, ``weekly_growth`` (fraction per
    week, 0 without a real trend), ``growth_tstat``, ``month_end_factor`` (NaN: never seen at
    month end), ``month_end_effect`` (log, shrunk; its stream's when never seen),
    ``month_end_tonight``, ``last_seconds`` and ``last_z`` (robust z of the latest
    successful run against the model).

    ``older``: runs from before ``history``'s window (any job categories); only their
    month-end nights and the ordinary nights just before those are used, for the month-end
    effect.
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
    me_nights, me_sum = _month_end_evidence(
        history, runs, older, as_of, codes, y_adj, month_end, weekday_effect, cfg
    )
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
            "month_end_effect": month_end_effect,
            "month_end_tonight": bool(tonight_me[0]),
            "last_seconds": last_seconds,
            "last_z": last_z,
        }
    )
    return RuntimeModel(per_job, tail, weekday_effect)


def _month_end_evidence(
    history: pd.DataFrame,
    runs: pd.DataFrame,
    older: pd.DataFrame | None,
    as_of: float,
    codes: np.ndarray,
    y_adj: np.ndarray,
    month_end: np.ndarray,
    weekday_effect: np.ndarray,
    cfg: RuntimeModelConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """Per job: how many month-end nights it ran and the sum of their log excess over the
    job's ordinary nights in the ``month_end_baseline_days`` before that month end (its
    window median without such nights), as the nights' median times their count. ``older``
    runs add the month ends of the ``month_end_lookback_days`` before the window."""
    jobs = len(history["job_key"].cat.categories)
    seconds = runs["sched_time"].to_numpy()
    if older is not None and len(older):
        ok = (
            ~older["failed"].to_numpy()
            & (older["duration_seconds"].to_numpy() > 0)
            & (older["sched_time"].to_numpy() < as_of)
            & (older["sched_time"].to_numpy() >= as_of - cfg.month_end_lookback_days * DAY_SECONDS)
        )
        old = older[ok]
        old_codes = history["job_key"].cat.categories.get_indexer(
            pd.Index(old["job_key"].astype(str))
        )
        known = old_codes >= 0
        old_seconds = old["sched_time"].to_numpy()[known]
        old_weekday, old_me = weekday_and_month_end(
            old_seconds,
            days_before=cfg.month_end_days_before,
            days_after=cfg.month_end_days_after,
        )
        old_y = np.log(old["duration_seconds"].to_numpy()[known]) - weekday_effect[old_weekday]
        codes = np.r_[codes, old_codes[known]]
        y_adj = np.r_[y_adj, old_y]
        month_end = np.r_[month_end, old_me]
        seconds = np.r_[seconds, old_seconds]
    window_median = _group_median(y_adj[: len(runs)], codes[: len(runs)], jobs)
    if not len(codes):
        return np.zeros(jobs), np.zeros(jobs)
    # Which month end a night belongs to (the 1st belongs to the month before), and which
    # month end an ordinary night is the baseline of (the days just before it).
    dates = pd.to_datetime(np.floor(seconds / DAY_SECONDS).astype("int64"), unit="D")
    months = (dates.year * 12 + dates.month).to_numpy()
    before = pd.Timedelta(days=cfg.month_end_days_after)
    closing = (dates - before).year * 12 + (dates - before).month
    ahead = dates + pd.Timedelta(days=cfg.month_end_days_before + cfg.month_end_baseline_days)
    near = (ahead.month.to_numpy() != dates.month.to_numpy()) & ~month_end
    period = np.where(month_end, closing.to_numpy(), np.where(near, months, -1))
    pair = codes.astype(np.int64) * 100_000 + period
    ordinary = pd.Series(y_adj[near]).groupby(pair[near]).median()
    baseline = ordinary.reindex(pair[month_end]).to_numpy()
    chosen_codes = codes[month_end]
    baseline = np.where(np.isnan(baseline), window_median[chosen_codes], baseline)
    excess = y_adj[month_end] - baseline
    # A job's month ends are summed as their median times their count: a run stuck on one
    # month-end night must not pass for a month-end effect.
    usable = np.isfinite(excess)
    excess, chosen_codes = excess[usable], chosen_codes[usable]
    nights = np.bincount(chosen_codes, minlength=jobs).astype(float)
    median = _group_median(excess, chosen_codes, jobs)
    total = np.where(nights > 0, np.nan_to_num(median) * nights, 0.0)
    return nights, total


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

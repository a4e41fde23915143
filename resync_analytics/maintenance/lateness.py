"""How likely each job is to finish after its deadline tonight.

A job's deadline and start are measured from its scheduled time, which makes them comparable
night to night. Tonight's start is taken to be like one of its recent usual starts on the same
kind of night (month end or not): they carry the delays its predecessors cause lately.
Tonight's runtime comes from the runtime model, so

    P(own) = mean over recent starts s of P(runtime > deadline - s)

with a runtime that is log-normal on ordinary nights and, as often as the shop's runs land far
beyond their model (a hang), drawn from that tail instead.

A hang before the job in its stream delays its start. Every job that usually starts before it
in the same stream hangs as often as the shop's runs do, and the hang must outlast the job's
slack, so a job deep in a long stream is more exposed than the stream's first:

    P(late) = 1 - (1 - P(own)) * prod over earlier jobs u of (1 - P(u hangs past the slack))

Starts delayed by such a hang are left out of the usual starts, which would otherwise count
the same risk twice. No deadline: no lateness risk.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr

from resync_analytics.maintenance.history import DAY_SECONDS, stream_codes, weekday_and_month_end
from resync_analytics.maintenance.runtimes import RuntimeModel


@dataclass(frozen=True)
class LatenessConfig:
    """``recent_starts``: how many of the latest starts represent tonight's. A start more
    than ``delayed_start_sigmas`` robust deviations (and ``delayed_start_min_seconds``) after
    the job's usual start was delayed by a hang, not usual. Hangs are counted among the
    ``max_jobs_before`` jobs that start last before a job in its stream."""

    recent_starts: int = 7
    delayed_start_sigmas: float = 4.0
    delayed_start_min_seconds: float = 600.0
    max_jobs_before: int = 500


def estimate_late_risk(
    history: pd.DataFrame,
    model: RuntimeModel,
    as_of: float,
    config: LatenessConfig | None = None,
    tonight_deadline_offset: np.ndarray | None = None,
) -> pd.DataFrame:
    """Per job (index: ``job`` category code): ``late_probability`` (0 without a deadline),
    ``deadline_offset``, ``usual_start_offset`` and the ``earliest_start_offset`` and
    ``latest_start_offset`` of its recent usual starts (seconds after the scheduled time),
    ``slack_seconds`` (deadline minus usual start minus tonight's median runtime),
    ``sched_of_day`` (seconds after midnight UTC of its latest scheduled time),
    ``late_nights`` of ``deadline_nights`` in the history, ``jobs_before`` (jobs that usually
    start before it in its stream) and ``upstream_hang_probability`` (the part of the risk
    that comes from a hang among those).

    ``tonight_deadline_offset`` (per job code, seconds after the scheduled time, NaN where
    unknown) is tonight's deadline as the plan states it; without it the latest run's counts.
    """
    cfg = config or LatenessConfig()
    runtimes = model.jobs
    jobs = len(history["job_key"].cat.categories)
    past = history[(history["sched_time"] < as_of) & history["deadline_time"].notna()]
    out = pd.DataFrame(
        {
            "late_probability": np.zeros(jobs),
            "deadline_offset": np.full(jobs, np.nan),
            "usual_start_offset": np.full(jobs, np.nan),
            "earliest_start_offset": np.full(jobs, np.nan),
            "latest_start_offset": np.full(jobs, np.nan),
            "slack_seconds": np.full(jobs, np.nan),
            "sched_of_day": np.full(jobs, np.nan),
            "late_nights": np.zeros(jobs, dtype=int),
            "deadline_nights": np.zeros(jobs, dtype=int),
            "jobs_before": np.zeros(jobs, dtype=int),
            "upstream_hang_probability": np.zeros(jobs),
        }
    )
    if past.empty:
        return out
    late_nights, nights = _late_history(past, jobs)
    out["late_nights"], out["deadline_nights"] = late_nights, nights

    first = past[(past["run_attempt"] == 1) & past["start_time"].notna()]
    first = first.sort_values("sched_time", ascending=False, kind="stable")
    codes = first["job_key"].cat.codes.to_numpy()
    start_offset = (first["start_time"] - first["sched_time"]).to_numpy()
    if not runtimes.empty:
        # A start waits for the stream's earlier jobs, which run as long as that night made
        # them: a start of a light Sunday says a month-end Monday starts later.
        scale = model.night_effect(np.array([as_of]), codes) - model.night_effect(
            first["sched_time"].to_numpy(), codes
        )
        start_offset = np.where(start_offset > 0, start_offset * np.exp(scale), start_offset)
    deadline_offset = (first["deadline_time"] - first["sched_time"]).to_numpy()
    rank = pd.Series(codes).groupby(codes).cumcount().to_numpy()

    latest = rank == 0
    deadline = np.full(jobs, np.nan)
    deadline[codes[latest]] = deadline_offset[latest]
    if tonight_deadline_offset is not None:
        deadline = np.where(np.isnan(tonight_deadline_offset), deadline, tonight_deadline_offset)
    out.loc[codes[latest], "sched_of_day"] = first["sched_time"].to_numpy()[latest] % DAY_SECONDS
    # Tonight's start is like recent starts of the same kind of night: a month-end night's
    # late starts (its predecessors ran long) say little about an ordinary night, and back.
    if not runtimes.empty:
        _, month_end = weekday_and_month_end(first["sched_time"].to_numpy())
        unlike = month_end != bool(runtimes["month_end_tonight"].iloc[0])
        order = np.lexsort((np.arange(len(codes)), unlike))
        codes, start_offset = codes[order], start_offset[order]
        rank = pd.Series(codes).groupby(codes).cumcount().to_numpy()
    starts = np.full((jobs, cfg.recent_starts), np.nan)
    keep = rank < cfg.recent_starts
    starts[codes[keep], rank[keep]] = start_offset[keep]
    starts = _without_delayed_starts(starts, cfg)

    mu = runtimes["log_mu"].to_numpy()[:, None]
    sigma = runtimes["log_sigma"].to_numpy()[:, None]
    available = deadline[:, None] - starts
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (np.log(np.maximum(available, 1.0)) - mu) / sigma
        ordinary = 1.0 - ndtr(z)
        beyond = model.tail.exceeds(np.nan_to_num(available / np.exp(mu), nan=np.inf))
        mixed = (1.0 - model.tail.share) * ordinary + model.tail.share * beyond
        p_each = np.where(available <= 0, 1.0, mixed)
    p_each = np.where(np.isnan(starts) | np.isnan(mu), np.nan, p_each)
    counted = np.sum(~np.isnan(p_each), axis=1)
    with np.errstate(invalid="ignore"):
        probability = np.where(counted > 0, np.nansum(p_each, axis=1) / np.maximum(counted, 1), 0.0)
        usual_start = np.nanmedian(np.where(counted[:, None] > 0, starts, 0.0), axis=1)
        earliest = np.nanmin(np.where(counted[:, None] > 0, starts, 0.0), axis=1)
        latest_start = np.nanmax(np.where(counted[:, None] > 0, starts, 0.0), axis=1)
    slack = deadline - usual_start - runtimes["predicted_seconds"].to_numpy()
    upstream, before = _upstream_hang_risk(
        history["job_key"].cat.categories,
        out["sched_of_day"].to_numpy() + usual_start,
        slack,
        runtimes["predicted_seconds"].to_numpy(),
        model,
        cfg,
    )
    probability = 1.0 - (1.0 - probability) * (1.0 - upstream)
    out["jobs_before"] = before
    out["upstream_hang_probability"] = np.where(np.isnan(deadline), 0.0, upstream)
    out["late_probability"] = np.where(np.isnan(deadline), 0.0, probability)
    out["deadline_offset"] = deadline
    out["usual_start_offset"] = np.where(counted > 0, usual_start, np.nan)
    out["earliest_start_offset"] = np.where(counted > 0, earliest, np.nan)
    out["latest_start_offset"] = np.where(counted > 0, latest_start, np.nan)
    out["slack_seconds"] = slack
    return out


def _without_delayed_starts(starts: np.ndarray, cfg: LatenessConfig) -> np.ndarray:
    """``starts`` without those far later than the job's usual start: a night when a
    predecessor hung is not a usual night; the chance of another hang is counted apart."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: jobs never started
        usual = np.nanmedian(starts, axis=1, keepdims=True)
        spread = 1.4826 * np.nanmedian(np.abs(starts - usual), axis=1, keepdims=True)
        delayed = starts - usual > np.maximum(
            cfg.delayed_start_sigmas * spread, cfg.delayed_start_min_seconds
        )
    return np.where(delayed, np.nan, starts)


def _upstream_hang_risk(
    job_keys: pd.Index,
    usual_start: np.ndarray,
    slack: np.ndarray,
    predicted_seconds: np.ndarray,
    model: RuntimeModel,
    cfg: LatenessConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """Per job: the chance that a job started before it in its stream hangs long enough to
    use up its slack, and how many jobs usually start before it there. Each earlier job
    hangs as often as the shop's runs do (the runtime tail's share) and then runs as long as
    those runs ran; a job late in a long stream is exposed to every hang before it, the
    stream's first job to none.

    Jobs are sorted by stream and usual start, and the k-th job before each is taken for
    k = 1, 2, ...: time and memory grow with the jobs times the longest stream (at most
    ``max_jobs_before``), never with the square of a stream."""
    risk = np.zeros(len(job_keys))
    before = np.zeros(len(job_keys), dtype=int)
    stream = stream_codes(job_keys)
    known = np.flatnonzero(~(np.isnan(usual_start) | np.isnan(slack) | np.isnan(predicted_seconds)))
    order = known[np.lexsort((usual_start[known], stream[known]))]
    stream, start = stream[order], usual_start[order]
    room, median = np.maximum(slack[order], 0.0), predicted_seconds[order]
    tail = model.tail
    hangs = bool(tail.share) and tail.ratios.size > 0
    log_survive = np.zeros(len(order))
    counted = np.zeros(len(order), dtype=int)
    for lag in range(1, min(cfg.max_jobs_before, len(order) - 1) + 1):
        same = stream[lag:] == stream[:-lag]
        if not same.any():
            break  # no stream has this many jobs
        earlier = same & (start[:-lag] < start[lag:])
        counted[lag:] += earlier
        if hangs:
            # The upstream run must exceed its own median by more than this job's slack.
            hang = tail.share * tail.exceeds(1.0 + room[lag:] / median[:-lag])
            log_survive[lag:] += np.where(earlier, np.log1p(-np.minimum(hang, 0.999999)), 0.0)
    risk[order] = -np.expm1(log_survive)
    before[order] = counted
    return risk, before


def _late_history(past: pd.DataFrame, jobs: int) -> tuple[np.ndarray, np.ndarray]:
    """Per job: plan nights that finished after the deadline, and nights with a deadline."""
    night = pd.DataFrame(
        {
            "job": past["job_key"].cat.codes.to_numpy(),
            "night": np.floor(past["sched_time"].to_numpy() / DAY_SECONDS),
            "end": past["end_time"].to_numpy(),
            "deadline": past["deadline_time"].to_numpy(),
        }
    )
    finished = night.groupby(["job", "night"], sort=False).agg(
        end=("end", "max"), deadline=("deadline", "max")
    )
    late = (finished["end"] > finished["deadline"]).to_numpy()
    job_codes = finished.index.get_level_values("job").to_numpy()
    ended = finished["end"].notna().to_numpy()
    return (
        np.bincount(job_codes, weights=late.astype(float), minlength=jobs).astype(int),
        np.bincount(job_codes, weights=ended.astype(float), minlength=jobs).astype(int),
    )

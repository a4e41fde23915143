"""How likely each job is to finish after its deadline tonight.

A job's deadline and start are measured from its scheduled time, which makes them comparable
night to night. Tonight's start is taken to be like one of its recent starts (they carry the
delays its predecessors cause lately) and tonight's runtime comes from the runtime model, so

    P(late) = mean over recent starts s of P(runtime > deadline - s)

with a runtime that is log-normal on ordinary nights and, as often as the shop's runs land far
beyond their model, drawn from that tail instead. Starts have a tail too (a predecessor that
hung or was rerun): as often as the shop's starts come far later than usual, the delay is
drawn from those delays and must fit in the slack. No deadline: no lateness risk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr

from analytics.maintenance.history import DAY_SECONDS
from analytics.maintenance.runtimes import RuntimeModel


@dataclass(frozen=True)
class LatenessConfig:
    """``recent_starts``: how many of the latest starts represent tonight's."""

    recent_starts: int = 7
    start_tail_sigmas: float = 4.0
    start_tail_min_seconds: float = 600.0


def estimate_late_risk(
    history: pd.DataFrame,
    model: RuntimeModel,
    as_of: float,
    config: LatenessConfig | None = None,
    tonight_deadline_offset: np.ndarray | None = None,
) -> pd.DataFrame:
    """Per job (index: ``job`` category code): ``late_probability`` (0 without a deadline),
    ``deadline_offset`` and ``usual_start_offset`` (seconds after the scheduled time),
    ``slack_seconds`` (deadline minus usual start minus tonight's median runtime),
    ``sched_of_day`` (seconds after midnight UTC of its latest scheduled time),
    ``late_nights`` of ``deadline_nights`` in the history.

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
            "slack_seconds": np.full(jobs, np.nan),
            "sched_of_day": np.full(jobs, np.nan),
            "late_nights": np.zeros(jobs, dtype=int),
            "deadline_nights": np.zeros(jobs, dtype=int),
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
    deadline_offset = (first["deadline_time"] - first["sched_time"]).to_numpy()
    rank = pd.Series(codes).groupby(codes).cumcount().to_numpy()

    latest = rank == 0
    deadline = np.full(jobs, np.nan)
    deadline[codes[latest]] = deadline_offset[latest]
    if tonight_deadline_offset is not None:
        deadline = np.where(np.isnan(tonight_deadline_offset), deadline, tonight_deadline_offset)
    out.loc[codes[latest], "sched_of_day"] = first["sched_time"].to_numpy()[latest] % DAY_SECONDS
    starts = np.full((jobs, cfg.recent_starts), np.nan)
    keep = rank < cfg.recent_starts
    starts[codes[keep], rank[keep]] = start_offset[keep]

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
    slack = deadline - usual_start - runtimes["predicted_seconds"].to_numpy()
    share, delays = _start_delay_tail(codes, start_offset, usual_start, cfg)
    if delays.size:
        beyond = delays.size - np.searchsorted(delays, np.nan_to_num(slack, nan=np.inf), "right")
        delayed = share * beyond / delays.size
        probability = 1.0 - (1.0 - probability) * (1.0 - delayed)
    out["late_probability"] = np.where(np.isnan(deadline), 0.0, probability)
    out["deadline_offset"] = deadline
    out["usual_start_offset"] = np.where(counted > 0, usual_start, np.nan)
    out["slack_seconds"] = slack
    return out


def _start_delay_tail(
    codes: np.ndarray, start_offset: np.ndarray, usual_start: np.ndarray, cfg: LatenessConfig
) -> tuple[float, np.ndarray]:
    """Shop-wide: the share of starts far later than the job's usual (recent) start, and
    those delays (seconds beyond it, sorted). Measured against the recent usual start, a
    stream that slowly drifts later is not mistaken for a tail."""
    if not start_offset.size:
        return 0.0, np.empty(0)
    delay = start_offset - usual_start[codes]
    spread = pd.Series(np.abs(delay)).groupby(codes).median()
    mad = np.zeros(len(usual_start))
    mad[spread.index.to_numpy()] = spread.to_numpy() * 1.4826
    threshold = np.maximum(cfg.start_tail_sigmas * mad[codes], cfg.start_tail_min_seconds)
    beyond = delay > threshold
    return float(beyond.mean()), np.sort(delay[beyond])


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

"""Anomalies in one metric series: robust, seasonal-aware, one report per episode.

1. Remove the season (daily/weekly profile, when the series shows one), so that the nightly
   batch peak is not an anomaly but a quiet night may be.
2. Score each point by a robust z-score of its residual against the trailing window before it
   (median and MAD: a few outliers in the window do not hide the next one).
3. Compare its deviation with how far the series usually strays around the same time of day
   on previous days (a short burst that comes every night at 02:00, give or take a few
   minutes, is routine even when too irregular to show as a seasonal profile).
4. Map the z-score into [0, 1] (``z = threshold`` gives 0.5) and flag points at or above 0.5.
5. Report one point per episode: where it started, with the episode's highest score. A level
   shift is flagged where it begins and fades as the window learns the new level.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resync_analytics.forecasting.models import seasonal_profile
from resync_analytics.forecasting.seasonality import detect_period
from resync_analytics.forecasting.series import RegularSeries

# MAD of a normal sample times this estimates its standard deviation.
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class DetectorConfig:
    """Tuning of ``detect_anomalies``; the defaults are meant for any metric series.

    ``threshold``: robust z-score at which a point is anomalous (score 0.5). Above the usual
    3.5 for modified z-scores: a detector run on every host metric every night must not page
    anyone for Gaussian noise (3.5 flags about one point a week of 5-minute samples).
    ``window``: trailing points the z-score is measured against (None: one day of steps,
    at least 30, at most a third of the series).
    ``cooldown``: flagged points closer than this many steps belong to one episode
    (None: half the window).
    ``scale_floor``: the spread never counts as less than this share of the whole series'
    robust spread, so a quiet stretch does not turn noise into alarms.
    ``burst_share``: the spread is at least this share of the window's standard deviation.
    ``routine_margin``: a deviation must exceed the usual excursion at this time of day on the
    previous ``routine_cycles`` days (median over days) by this factor.
    """

    threshold: float = 5.0
    window: int | None = None
    cooldown: int | None = None
    scale_floor: float = 0.25
    routine_margin: float = 2.0
    routine_cycles: int = 7
    burst_share: float = 0.5


@dataclass(frozen=True)
class Anomaly:
    """An anomalous episode: where it starts, its highest score in [0, 1], and its extent."""

    timestamp: pd.Timestamp
    score: float
    peak: pd.Timestamp
    end: pd.Timestamp


@dataclass(frozen=True)
class PointScores:
    """Per-point robust z-scores and [0, 1] scores (NaN during the warm-up)."""

    z: np.ndarray
    score: np.ndarray
    period: int | None
    window: int


def _window(series: RegularSeries, config: DetectorConfig) -> int:
    if config.window is not None:
        return max(3, config.window)
    per_day = round(pd.Timedelta(days=1) / series.step)
    return int(min(max(30, per_day), max(10, len(series) // 3)))


def _resolution(values: np.ndarray) -> float:
    # Smallest change the instrument reports: a one-step change is never an alarm by itself.
    steps = np.abs(np.diff(values))
    steps = steps[steps > 0]
    return float(steps.min()) if steps.size else 0.0


def _routine_period(step: pd.Timedelta) -> int | None:
    if step < pd.Timedelta(days=1):
        ratio = pd.Timedelta(days=1) / step
        return round(ratio) if abs(ratio - round(ratio)) < 1e-6 else None
    return 7 if step == pd.Timedelta(days=1) else None


def _routine_excursion(
    deviation: np.ndarray, step: pd.Timedelta, config: DetectorConfig
) -> np.ndarray | None:
    """Per point: the median over previous days of the largest deviation near that time."""
    period = _routine_period(step)
    if period is None or len(deviation) <= period:
        return None
    # Timing jitters from day to day: widen each day's excursions by ~ +-1/48 of a cycle.
    reach = max(1, period // 48)
    widened = (
        pd.Series(deviation).rolling(2 * reach + 1, center=True, min_periods=1).max().to_numpy()
    )
    cycles = min(config.routine_cycles, (len(deviation) - 1) // period)
    earlier = np.full((cycles, len(deviation)), np.nan)
    for back in range(1, cycles + 1):
        earlier[back - 1, back * period :] = widened[: len(deviation) - back * period]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # no earlier day yet: NaN
        return np.nanmedian(earlier, axis=0)


def score_points(series: RegularSeries, config: DetectorConfig | None = None) -> PointScores:
    """Robust z-score of every point against its trailing window, and its [0, 1] score."""
    config = config or DetectorConfig()
    values = series.values
    period = detect_period(values, series.step)
    residual = values.copy()
    if period:
        profile = seasonal_profile(values[None, :], period)[0]
        residual = values - profile[np.arange(len(values)) % period]
    window = _window(series, config)
    frame = pd.Series(residual)
    past = frame.shift(1)
    minimum = max(5, window // 2)
    centre = past.rolling(window, min_periods=minimum).median()
    spread = (past - centre).abs().rolling(window, min_periods=minimum).median() * MAD_TO_SIGMA
    overall = MAD_TO_SIGMA * float(np.median(np.abs(residual - np.median(residual))))
    floor = max(config.scale_floor * overall, _resolution(values), 1e-9 * (1 + abs(values).max()))
    # A series that bursts routinely has a small MAD but a large standard deviation: bursts
    # like the usual ones are not news, so the spread is at least a share of the latter.
    spread_sd = past.rolling(window, min_periods=minimum).std().to_numpy() * config.burst_share
    # np.maximum keeps NaN: no score until the window holds enough history.
    scale = np.maximum(np.maximum(spread.to_numpy(), spread_sd), floor)
    deviation = np.abs(residual - centre.to_numpy())
    z = deviation / scale
    # The routine comparison uses the raw values: the seasonal profile absorbs a jittering
    # burst on some days and not others, which would make yesterday look calmer than it was.
    raw_past = pd.Series(values).shift(1)
    raw_centre = raw_past.rolling(window, min_periods=minimum).median().to_numpy()
    raw_deviation = np.abs(values - raw_centre)
    routine = _routine_excursion(raw_deviation, series.step, config)
    if routine is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = config.threshold * raw_deviation / (config.routine_margin * routine)
        z = np.where(np.isfinite(relative), np.minimum(z, relative), z)
    score = z**2 / (z**2 + config.threshold**2)
    return PointScores(z=z, score=score, period=period, window=window)


def detect_anomalies(series: RegularSeries, config: DetectorConfig | None = None) -> list[Anomaly]:
    """The anomalous episodes of ``series`` in time order (empty for a well-behaved series)."""
    config = config or DetectorConfig()
    scores = score_points(series, config)
    flagged = np.flatnonzero(np.nan_to_num(scores.score) >= 0.5)
    if flagged.size == 0:
        return []
    cooldown = config.cooldown if config.cooldown is not None else max(1, scores.window // 2)
    breaks = np.flatnonzero(np.diff(flagged) > cooldown)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [flagged.size - 1]])
    anomalies = []
    for first, last in zip(starts, ends, strict=True):
        members = flagged[first : last + 1]
        peak = members[int(np.argmax(scores.score[members]))]
        anomalies.append(
            Anomaly(
                timestamp=series.index[members[0]],
                score=float(scores.score[peak]),
                peak=series.index[peak],
                end=series.index[members[-1]],
            )
        )
    return anomalies

"""Surges: a known error template failing far more runs tonight than it usually does a night.

Per template, tonight's count of failed runs is tested against the template's own nights over
the previous weeks (only nights since it was first seen). Two one-sided tests must agree:

- the exact conditional test of two Poisson rates: if tonight had the same rate as each of the
  ``n`` history nights, tonight's share of all ``T`` runs is Binomial(T, 1/(n+1)). Exact for
  small counts, and it accounts for the history rate being an estimate, not a known value;
- when the history nights vary more than a Poisson rate would (bursty failures), a negative
  binomial with the history's mean and variance, so a template that often spikes is judged
  against its own spikes.

A minimum count and a minimum ratio to the usual rate keep a template seen once or twice a night
from alarming however small its p-value. A template first seen tonight is never a surge (it
is ``resync.pattern.new``). Pure logic: the counts come from the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from scipy.stats import binom, nbinom


@dataclass(frozen=True)
class SurgeConfig:
    """``nights``: history nights compared against (four weeks); ``min_history_nights``:
    fewer nights since the template was first seen say too little; ``min_count`` and
    ``min_ratio``: tonight's count and its ratio to the usual rate that a surge needs at least;
    ``alpha``: the largest p-value that counts. It is per template and night, so with a few
    hundred templates a night a stable shop sees a false surge about once in months."""

    nights: int = 28
    min_history_nights: int = 3
    min_count: int = 3
    min_ratio: float = 3.0
    alpha: float = 1e-4

    def __post_init__(self) -> None:
        if self.nights < 1:
            raise ValueError("nights must be >= 1")
        if not 1 <= self.min_history_nights <= self.nights:
            raise ValueError("min_history_nights must be in [1, nights]")
        if self.min_count < 1:
            raise ValueError("min_count must be >= 1")
        if self.min_ratio < 1.0:
            raise ValueError("min_ratio must be >= 1")
        if not 0.0 < self.alpha < 1.0:
            raise ValueError("alpha must be in (0, 1)")


@dataclass(frozen=True)
class NightlyCounts:
    """One template's failed runs by night: ``by_night`` maps nights ago (0 = tonight) to a
    count (missing nights had none); ``first_seen_night``: how many nights ago it was first
    seen (0 = tonight)."""

    pattern_id: str
    first_seen_night: int
    by_night: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Surge:
    """``usual_rate``: mean failed runs a night over ``history_nights``; ``ratio``: tonight
    against that rate (a rate below one run in the history counts as one run in it)."""

    pattern_id: str
    tonight: int
    usual_rate: float
    history_nights: int
    ratio: float
    p_value: float


def find_surges(counts: Iterable[NightlyCounts], config: SurgeConfig | None = None) -> list[Surge]:
    """The templates whose count tonight is a surge, strongest (smallest p-value) first."""
    config = config or SurgeConfig()
    found = [s for c in counts if (s := night_surge(c, config)) is not None]
    return sorted(found, key=lambda s: (s.p_value, -s.ratio, s.pattern_id))


def night_surge(counts: NightlyCounts, config: SurgeConfig) -> Surge | None:
    """The surge of one template tonight, or None when tonight is within its usual range."""
    if any(n < 0 for n in counts.by_night.values()):
        raise ValueError(f"negative count for pattern {counts.pattern_id}")
    nights = min(config.nights, counts.first_seen_night)
    if nights < config.min_history_nights:
        return None  # new tonight (resync.pattern.new) or too young to have a usual rate
    tonight = counts.by_night.get(0, 0)
    history = [counts.by_night.get(night, 0) for night in range(1, nights + 1)]
    total = sum(history)
    rate = total / nights
    ratio = tonight / max(rate, 1.0 / nights)
    if tonight < config.min_count or ratio < config.min_ratio:
        return None
    p_value = _p_value(tonight, history)
    if p_value > config.alpha:
        return None
    return Surge(counts.pattern_id, tonight, rate, nights, ratio, p_value)


def _p_value(tonight: int, history: list[int]) -> float:
    nights = len(history)
    total = sum(history)
    # Conditional test: P(X >= tonight), X ~ Binomial(tonight + total, 1 / (nights + 1)).
    p_value = float(binom.sf(tonight - 1, tonight + total, 1.0 / (nights + 1)))
    if nights >= 2 and total > 0:
        mean = total / nights
        variance = sum((n - mean) ** 2 for n in history) / (nights - 1)
        if variance > mean:
            # Moment-matched negative binomial: mean = r(1-p)/p, variance = r(1-p)/p^2.
            p = mean / variance
            r = mean * p / (1.0 - p)
            p_value = max(p_value, float(nbinom.sf(tonight - 1, r, p)))
    return p_value

"""A share per night (hits out of a total) tested against the weeks before, and per week.

Used by every measure that counts: joblogs of no known message family, error lines of new
templates, runs of new jobs, wrong diagnoses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from scipy import stats

from resync_analytics.quality.config import WatchConfig, week_nights
from resync_analytics.quality.night_figure import night_figure, untested
from resync_analytics.quality.stats import share_increase, usual_range
from resync_core.quality import ALL, WEEK, QualityFigure

# (hits, total) per night
Counts = Mapping[date, tuple[int, int]]


def pooled(counts: Counts, nights: Sequence[date]) -> tuple[int, int]:
    """The hits and total of ``nights`` together."""
    hits = sum(counts.get(n, (0, 0))[0] for n in nights)
    return hits, sum(counts.get(n, (0, 0))[1] for n in nights)


def night_share_figure(
    measure: str,
    night: date,
    counts: Counts,
    config: WatchConfig,
    *,
    scope: str = ALL,
    drivers: Sequence[str] = (),
    details: Mapping[str, Any] | None = None,
) -> QualityFigure:
    """Tonight's share against the baseline's: degraded when Fisher's test says it rose and
    it rose by at least ``config.min_lift``. The usual range spans the baseline nights with
    at least ``config.min_count`` observations (a share of 1 out of 1 says nothing)."""
    baseline = config.baseline_nights(night)
    hits, total = counts.get(night, (0, 0))
    base_hits, base_total = pooled(counts, baseline)
    usual = usual_range(
        [h / t for h, t in (counts.get(n, (0, 0)) for n in baseline) if t >= config.min_count]
    )
    test = share_increase(hits, total, base_hits, base_total, min_count=config.min_count)
    share = hits / total if total else None
    base_share = base_hits / base_total if base_total else None
    degraded = (
        share is not None
        and base_share is not None
        and test.significant(config.alpha)
        and share - base_share >= config.min_lift
    )
    return night_figure(
        night,
        measure,
        scope=scope,
        value=share,
        count=total,
        usual=usual,
        test=test,
        degraded=degraded,
        drivers=drivers,
        details={
            "hits": hits,
            "baseline_share": base_share,
            "baseline_count": base_total,
            **untested(test),
            **(details or {}),
        },
    )


def weekly_share_figures(
    measure: str, counts: Counts, week_starts: Sequence[date], *, scope: str = ALL
) -> list[QualityFigure]:
    """The pooled share of each week (None in a week without observations)."""
    figures = []
    for start in week_starts:
        hits, total = pooled(counts, week_nights(start))
        figures.append(
            QualityFigure(
                period=WEEK,
                period_start=start,
                measure=measure,
                scope=scope,
                value=hits / total if total else None,
                count=total,
                details={"hits": hits},
            )
        )
    return figures


def surprising_drivers(
    night_items: Mapping[str, tuple[int, int]],
    base_share: float,
    limit: int,
    *,
    max_p: float = 0.01,
) -> list[str]:
    """The keys (jobs, workstations, categories) whose hits tonight the baseline share
    explains least: binomial tail P(X >= hits) below ``max_p``, most surprising first. A job
    with one unknown joblog out of two is not named; one with four out of four is."""
    p = min(max(base_share, 1e-6), 1.0 - 1e-6)
    tails = {
        key: float(stats.binom.sf(hits - 1, total, p))
        for key, (hits, total) in night_items.items()
        if hits > p * total
    }
    ranked = sorted((k for k, tail in tails.items() if tail < max_p), key=lambda k: (tails[k], k))
    return ranked[:limit]

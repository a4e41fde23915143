"""Prediction quality of capacity forecasts: do their intervals hold the values that arrived?

Per night: the share of forecast points whose actual value fell inside the interval, tested
against the interval's nominal level (exact binomial, one-sided); degraded when significant
and at least ``min_coverage_drop`` below nominal. Points of one series are correlated, so the
effect floor, not the p-value alone, keeps a noisy night from alarming. Per week: coverage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from statistics import fmean

from resync_analytics.quality.config import WatchConfig, week_nights
from resync_analytics.quality.night_figure import night_figure
from resync_analytics.quality.stats import share_below, usual_range
from resync_core.quality import ALL, WEEK, CoveragePoint, QualityFigure

FORECAST_COVERAGE = "forecast_coverage"


def _coverage(points: Sequence[CoveragePoint]) -> float:
    return sum(p.covered for p in points) / len(points)


def coverage_figures(
    night: date, points: Sequence[CoveragePoint], config: WatchConfig
) -> list[QualityFigure]:
    """Tonight's coverage test and each week's coverage."""
    by_night: dict[date, list[CoveragePoint]] = defaultdict(list)
    for point in points:
        by_night[point.timestamp.date()].append(point)
    tonight = by_night.get(night, [])
    baseline = config.baseline_nights(night)
    low, high = usual_range(
        [_coverage(by_night[n]) for n in baseline if len(by_night.get(n, [])) >= config.min_count]
    )
    value = _coverage(tonight) if tonight else None
    nominal = fmean(p.nominal for p in tonight) if tonight else None
    test = (
        share_below(
            sum(p.covered for p in tonight), len(tonight), nominal, min_count=config.min_count
        )
        if nominal is not None
        else None
    )
    degraded = bool(
        test
        and value is not None
        and nominal is not None
        and test.significant(config.alpha)
        and nominal - value >= config.min_coverage_drop
    )
    per_series: dict[str, list[CoveragePoint]] = defaultdict(list)
    for point in tonight:
        per_series[point.series_key].append(point)
    worst = sorted(per_series, key=lambda k: (_coverage(per_series[k]), k))
    figures = [
        night_figure(
            night,
            FORECAST_COVERAGE,
            value=value,
            count=len(tonight),
            usual=(low, high),
            test=test,
            degraded=degraded,
            drivers=worst[: config.max_drivers],
            details={"nominal": nominal, "series": len(per_series)},
        )
    ]
    for start in config.week_starts(night):
        week = [p for n in week_nights(start) for p in by_night.get(n, [])]
        figures.append(
            QualityFigure(
                period=WEEK,
                period_start=start,
                measure=FORECAST_COVERAGE,
                scope=ALL,
                value=_coverage(week) if week else None,
                count=len(week),
                details={"nominal": fmean(p.nominal for p in week) if week else None},
            )
        )
    return figures

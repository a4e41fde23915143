"""Prediction quality of tonight's risk scores: each score against what the job did that
plan day (failed or finished after its deadline).

Per night: the squared errors are tested against the weeks before (Mann-Whitney, one-sided);
degraded when significant and tonight's Brier score is above every baseline night's. Per week:
Brier score and reliability.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from statistics import fmean

from resync_analytics.learning.evaluation import brier_score, reliability_bins
from resync_analytics.quality.config import WatchConfig, week_nights
from resync_analytics.quality.night_figure import night_figure, untested
from resync_analytics.quality.stats import usual_range, values_larger
from resync_core.quality import ALL, WEEK, QualityFigure, RiskOutcome

RISK_BRIER = "risk_brier"


def _errors(outcomes: Sequence[RiskOutcome]) -> list[float]:
    return [(o.score - float(o.happened)) ** 2 for o in outcomes]


def risk_figures(
    night: date, outcomes: Sequence[RiskOutcome], config: WatchConfig
) -> list[QualityFigure]:
    """Tonight's Brier test and each week's Brier score and reliability."""
    by_night: dict[date, list[RiskOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_night[outcome.plan_day].append(outcome)
    baseline = config.baseline_nights(night)
    tonight = by_night.get(night, [])
    base_errors = [e for n in baseline for e in _errors(by_night.get(n, []))]
    low, high = usual_range(
        [
            fmean(_errors(by_night[n]))
            for n in baseline
            if len(by_night.get(n, [])) >= config.min_count
        ]
    )
    test = values_larger(_errors(tonight), base_errors, min_count=config.min_count)
    value = fmean(_errors(tonight)) if tonight else None
    degraded = (
        value is not None and high is not None and test.significant(config.alpha) and value > high
    )
    worst = sorted(tonight, key=lambda o: (-((o.score - float(o.happened)) ** 2), o.job_key))
    figures = [
        night_figure(
            night,
            RISK_BRIER,
            value=value,
            count=len(tonight),
            usual=(low, high),
            test=test,
            degraded=degraded,
            drivers=[o.job_key for o in worst[: config.max_drivers]],
            details={
                "events": sum(o.happened for o in tonight),
                "expected_events": sum(o.score for o in tonight),
                "baseline_brier": fmean(base_errors) if base_errors else None,
                **untested(test),
            },
        )
    ]
    for start in config.week_starts(night):
        week = [o for n in week_nights(start) for o in by_night.get(n, [])]
        scores, happened = [o.score for o in week], [o.happened for o in week]
        figures.append(
            QualityFigure(
                period=WEEK,
                period_start=start,
                measure=RISK_BRIER,
                scope=ALL,
                value=brier_score(scores, happened) if week else None,
                count=len(week),
                details={
                    "events": sum(happened),
                    "expected_events": sum(scores),
                    "reliability": [
                        [round(b.mean_confidence, 4), round(b.observed_accuracy, 4), b.count]
                        for b in reliability_bins(scores, happened, config.bins)
                    ],
                },
            )
        )
    return figures

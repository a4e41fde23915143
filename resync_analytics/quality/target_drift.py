"""Target drift: has the mix of what fails (categories) or of what operators say (verdicts)
moved from the weeks before?

Per night: chi-square test of tonight's counts against the baseline's (rare groups pooled);
degraded when significant and the mix moved by at least ``min_mix_shift`` (total variation).
The drivers are the groups most over-represented tonight. Per week: the mix itself.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from resync_analytics.learning.verdicts import VERDICT_ALIASES, normalize_verdict
from resync_analytics.quality.config import WatchConfig, week_nights
from resync_analytics.quality.night_figure import night_figure, untested
from resync_analytics.quality.stats import mix_change, total_variation, usual_range
from resync_core.feedback import FeedbackRecord
from resync_core.quality import ALL, WEEK, AnalysedFailure, QualityFigure

CATEGORY_MIX = "category_mix"
VERDICT_MIX = "verdict_mix"


def _verdict(text: str) -> str:
    try:
        verdict = normalize_verdict(text)
        return VERDICT_ALIASES.get(verdict, verdict)
    except ValueError:
        return text.strip().lower() or "(blank)"


def category_marks(failures: Iterable[AnalysedFailure]) -> list[tuple[date, str]]:
    return [(f.ended_at.date(), f.category) for f in failures if f.category is not None]


def verdict_marks(records: Iterable[FeedbackRecord]) -> list[tuple[date, str]]:
    return [(r.created_at.date(), _verdict(r.verdict)) for r in records]


def mix_figures(
    measure: str, night: date, marks: Sequence[tuple[date, str]], config: WatchConfig
) -> list[QualityFigure]:
    """Tonight's mix test and each week's mix (value: its distance from the week before)."""
    by_night: dict[date, Counter[str]] = defaultdict(Counter)
    for when, group in marks:
        by_night[when][group] += 1
    baseline = config.baseline_nights(night)
    base: Counter[str] = Counter()
    for n in baseline:
        base.update(by_night.get(n, Counter()))
    tonight = by_night.get(night, Counter())
    test, residuals = mix_change(tonight, base, min_count=config.min_count)
    shift = total_variation(tonight, base)
    usual = usual_range(
        [
            total_variation(by_night[n], base - by_night[n])
            for n in baseline
            if by_night[n].total() >= config.min_count
        ]
    )
    degraded = test.significant(config.alpha) and shift >= config.min_mix_shift
    drivers = [g for g, r in residuals.items() if r > 0][: config.max_drivers]
    total = sum(tonight.values())
    figures = [
        night_figure(
            night,
            measure,
            value=shift if total else None,
            count=total,
            usual=usual,
            test=test,
            degraded=degraded,
            drivers=drivers,
            details={
                "mix": {g: c / total for g, c in tonight.most_common()} if total else {},
                **untested(test),
            },
        )
    ]
    previous: Counter[str] | None = None
    for start in config.week_starts(night):
        week: Counter[str] = Counter()
        for n in week_nights(start):
            week.update(by_night.get(n, Counter()))
        count = sum(week.values())
        figures.append(
            QualityFigure(
                period=WEEK,
                period_start=start,
                measure=measure,
                scope=ALL,
                value=total_variation(week, previous) if previous and count else None,
                count=count,
                details={"mix": {g: c / count for g, c in week.most_common()} if count else {}},
            )
        )
        previous = week
    return figures


def target_drift_figures(
    night: date,
    failures: Sequence[AnalysedFailure],
    feedback: Sequence[FeedbackRecord],
    config: WatchConfig,
) -> list[QualityFigure]:
    return [
        *mix_figures(CATEGORY_MIX, night, category_marks(failures), config),
        *mix_figures(VERDICT_MIX, night, verdict_marks(feedback), config),
    ]

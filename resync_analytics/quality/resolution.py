"""Time to resolution: from an ABEND to the job's next successful run (the rerun the poller
saw) and to the first operator verdict, per category and week, with and without a learned
first step. This is the value the product delivers: less time from failure to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median

from resync_analytics.quality.config import WatchConfig, week_nights
from resync_core.quality import ALL, WEEK, QualityFigure, ResolutionTimes

HOURS_TO_RERUN = "hours_to_rerun"
HOURS_TO_VERDICT = "hours_to_verdict"
LEARNED = "learned"
NOT_LEARNED = "not learned"
EITHER = "all"


@dataclass(frozen=True)
class ResolutionSummary:
    """One week, category (``ALL``: every one) and learned split (``EITHER``: both)."""

    week_start: date
    category: str
    learned: str
    incidents: int
    rerun_ok: int
    median_hours_to_rerun: float | None
    verdicts: int
    median_hours_to_verdict: float | None


def _hours(start: datetime, end: datetime | None) -> float | None:
    if end is None or end < start:
        return None
    return (end - start).total_seconds() / 3600.0


def _summary(
    week_start: date, category: str, learned: str, members: Sequence[ResolutionTimes]
) -> ResolutionSummary:
    rerun = [h for m in members if (h := _hours(m.abend_at, m.rerun_ok_at)) is not None]
    verdict = [h for m in members if (h := _hours(m.abend_at, m.verdict_at)) is not None]
    return ResolutionSummary(
        week_start=week_start,
        category=category,
        learned=learned,
        incidents=len(members),
        rerun_ok=len(rerun),
        median_hours_to_rerun=median(rerun) if rerun else None,
        verdicts=len(verdict),
        median_hours_to_verdict=median(verdict) if verdict else None,
    )


def resolution_summaries(
    times: Sequence[ResolutionTimes], week_starts: Sequence[date]
) -> list[ResolutionSummary]:
    """Per week (of the ABEND), category and learned split, oldest week first; categories and
    splits without incidents that week are left out (``ALL``/``EITHER`` always listed)."""
    summaries = []
    for start in week_starts:
        nights = set(week_nights(start))
        week = [t for t in times if t.abend_at.date() in nights]
        categories = [ALL, *sorted({t.category for t in week})]
        for category in categories:
            members = [t for t in week if category == ALL or t.category == category]
            for learned, chosen in (
                (EITHER, members),
                (LEARNED, [t for t in members if t.learned]),
                (NOT_LEARNED, [t for t in members if not t.learned]),
            ):
                if chosen or (category == ALL and learned == EITHER):
                    summaries.append(_summary(start, category, learned, chosen))
    return summaries


# Reads the incidents whose first ABEND ended in [since, until): the store's resolution_times.
ResolutionReader = Callable[[datetime, datetime], Sequence[ResolutionTimes]]


def time_to_resolution(
    read: ResolutionReader, *, weeks: int, today: date
) -> list[ResolutionSummary]:
    """The summaries of the ``weeks`` calendar weeks ending with ``today``'s, from what
    ``read`` returns from the first of those weeks to the end of ``today`` (UTC)."""
    starts = WatchConfig(weeks=weeks).week_starts(today)
    since = datetime(starts[0].year, starts[0].month, starts[0].day, tzinfo=UTC)
    until = datetime(today.year, today.month, today.day, tzinfo=UTC) + timedelta(days=1)
    return resolution_summaries(read(since, until), starts)


def resolution_figures(summaries: Sequence[ResolutionSummary]) -> list[QualityFigure]:
    """The summaries as stored figures (scope ``category|learned``)."""
    figures = []
    for s in summaries:
        for measure, value, count in (
            (HOURS_TO_RERUN, s.median_hours_to_rerun, s.rerun_ok),
            (HOURS_TO_VERDICT, s.median_hours_to_verdict, s.verdicts),
        ):
            figures.append(
                QualityFigure(
                    period=WEEK,
                    period_start=s.week_start,
                    measure=measure,
                    scope=f"{s.category}|{s.learned}",
                    value=value,
                    count=count,
                    details={"incidents": s.incidents},
                )
            )
    return figures

"""Data drift: is tonight's input unlike the weeks before?

- ``unknown_family``: failed joblogs whose analysis found no known message family (category
  ``unknown`` or a confidence below ``low_confidence``), among the analysed ones;
- ``new_template``: failed runs whose error line's template (``job_runs.error_pattern``) no
  earlier failure had;
- ``new_job`` / ``new_workstation``: runs of jobs (workstations) first seen that night.

A log format change shows in the first two at once: its lines match no rule and mask into
templates never seen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from resync_analytics.quality.config import WatchConfig
from resync_analytics.quality.shares import (
    Counts,
    night_share_figure,
    pooled,
    surprising_drivers,
    weekly_share_figures,
)
from resync_core.quality import AnalysedFailure, NightRuns, QualityFigure

UNKNOWN_FAMILY = "unknown_family"
NEW_TEMPLATE = "new_template"
NEW_JOB = "new_job"
NEW_WORKSTATION = "new_workstation"
UNKNOWN_CATEGORY = "unknown"


def is_unknown(failure: AnalysedFailure, low_confidence: float) -> bool:
    return failure.category == UNKNOWN_CATEGORY or (failure.confidence or 0.0) < low_confidence


def _count(
    marked: Iterable[tuple[date, str, bool]],
) -> tuple[Counts, dict[date, dict[str, list[int]]]]:
    """Per night (hits, total), and per night and job [hits, total]."""
    nights: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    jobs: dict[date, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for night, job, hit in marked:
        nights[night][0] += hit
        nights[night][1] += 1
        jobs[night][job][0] += hit
        jobs[night][job][1] += 1
    return {n: (h, t) for n, (h, t) in nights.items()}, jobs


def unknown_marks(
    failures: Sequence[AnalysedFailure], low_confidence: float
) -> list[tuple[date, str, bool]]:
    """(night, job, no known family) of each analysed failure."""
    return [
        (f.ended_at.date(), f.job_key, is_unknown(f, low_confidence))
        for f in failures
        if f.category is not None
    ]


def new_template_marks(
    failures: Sequence[AnalysedFailure], known: Iterable[str] = ()
) -> list[tuple[date, str, bool]]:
    """(night, job, template never seen on an earlier night) of each failure with a template.
    Failures of the same night share what they knew at its start: a new format failing a
    hundred times in one night counts a hundred times, not once."""
    marks: list[tuple[date, str, bool]] = []
    seen: set[str] = set(known)
    ordered = sorted((f for f in failures if f.error_pattern), key=lambda f: f.ended_at)
    index = 0
    while index < len(ordered):
        night = ordered[index].ended_at.date()
        tonight = []
        while index < len(ordered) and ordered[index].ended_at.date() == night:
            tonight.append(ordered[index])
            index += 1
        marks.extend((night, f.job_key, f.error_pattern not in seen) for f in tonight)
        seen.update(f.error_pattern for f in tonight if f.error_pattern)
    return marks


def _share_figures(
    measure: str, marks: list[tuple[date, str, bool]], night: date, config: WatchConfig
) -> list[QualityFigure]:
    counts, jobs = _count(marks)
    base_hits, base_total = pooled(counts, config.baseline_nights(night))
    base_share = base_hits / base_total if base_total else 0.0
    tonight = {k: (v[0], v[1]) for k, v in jobs.get(night, {}).items()}
    # An application whose format changed shows as its workstation first, then its jobs.
    workstations: dict[str, tuple[int, int]] = {}
    for job, (hits, total) in tonight.items():
        ws = job.split("#", 1)[0]
        h, t = workstations.get(ws, (0, 0))
        workstations[ws] = (h + hits, t + total)
    drivers = [
        f"workstation {ws}"
        for ws in surprising_drivers(workstations, base_share, config.max_drivers)
    ]
    drivers += surprising_drivers(tonight, base_share, config.max_drivers)
    return [
        night_share_figure(measure, night, counts, config, drivers=drivers),
        *weekly_share_figures(measure, counts, config.week_starts(night)),
    ]


def data_drift_figures(
    night: date,
    failures: Sequence[AnalysedFailure],
    runs: Sequence[NightRuns],
    config: WatchConfig,
    *,
    known_templates: Iterable[str] = (),
) -> list[QualityFigure]:
    """Tonight's and each week's figures of the four data-drift measures.
    ``known_templates``: the templates of failures before the first of ``failures``."""
    template_marks = new_template_marks(failures, known_templates)
    figures = [
        *_share_figures(
            UNKNOWN_FAMILY, unknown_marks(failures, config.low_confidence), night, config
        ),
        *_share_figures(NEW_TEMPLATE, template_marks, night, config),
    ]
    by_night = {r.night: r for r in runs}
    for measure, field, names in (
        (NEW_JOB, "new_job_runs", "new_jobs"),
        (NEW_WORKSTATION, "new_workstation_runs", "new_workstations"),
    ):
        counts = {r.night: (getattr(r, field), r.runs) for r in runs}
        tonight = by_night.get(night)
        drivers = list(getattr(tonight, names))[: config.max_drivers] if tonight else []
        figures.append(night_share_figure(measure, night, counts, config, drivers=drivers))
        figures.extend(weekly_share_figures(measure, counts, config.week_starts(night)))
    return figures

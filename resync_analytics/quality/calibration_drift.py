"""Prediction drift of the analyser: its claimed confidence against operators' verdicts.

Per night and category, the share of diagnoses operators called wrong is tested against the
weeks before (Fisher); per week and category, the reliability of the claims and their expected
calibration error (ECE) and Brier score. The claim judged is the analyser's own (before
calibration), so a drift is the analyser's, not the calibration's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from statistics import fmean

from resync_analytics.learning.evaluation import (
    brier_score,
    expected_calibration_error,
    reliability_bins,
)
from resync_analytics.learning.verdicts import diagnosis_label
from resync_analytics.quality.config import WatchConfig, week_nights
from resync_analytics.quality.shares import night_share_figure
from resync_core.feedback import FeedbackRecord
from resync_core.quality import ALL, WEEK, QualityFigure

WRONG_DIAGNOSIS = "wrong_diagnosis"
CALIBRATION_ECE = "calibration_ece"


@dataclass(frozen=True)
class JudgedClaim:
    """One incident's diagnosis as judged: the night of the (latest) verdict."""

    night: date
    category: str
    claimed: float
    right: bool


def judged_claims(records: Iterable[FeedbackRecord]) -> list[JudgedClaim]:
    """One judged claim per incident whose diagnosis an operator judged (the latest verdict)."""
    latest: dict[int, FeedbackRecord] = {}
    for record in sorted(records, key=lambda r: (r.created_at, r.feedback_id)):
        if diagnosis_label(record.verdict) is not None:
            latest[record.incident_id] = record
    return [
        JudgedClaim(
            night=r.created_at.date(),
            category=r.category,
            claimed=min(1.0, max(0.0, r.claimed_confidence)),
            right=bool(diagnosis_label(r.verdict)),
        )
        for r in latest.values()
    ]


def _wrong_counts(claims: Iterable[JudgedClaim]) -> dict[date, tuple[int, int]]:
    counts: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for claim in claims:
        counts[claim.night][0] += not claim.right
        counts[claim.night][1] += 1
    return {n: (w, t) for n, (w, t) in counts.items()}


def calibration_figures(
    night: date, claims: Sequence[JudgedClaim], config: WatchConfig
) -> list[QualityFigure]:
    """Tonight's wrong-diagnosis test per category with verdicts tonight (and over all), and
    each week's ECE per category; the drivers of the overall figure are the categories whose
    right share fell most."""
    by_category: dict[str, list[JudgedClaim]] = defaultdict(list)
    for claim in claims:
        by_category[claim.category].append(claim)
    figures: list[QualityFigure] = []
    tonight_figures = []
    for category, members in sorted(by_category.items()):
        tonight = [c for c in members if c.night == night]
        if not tonight:
            continue
        figure = _wrong_figure(night, members, config, scope=category)
        tonight_figures.append(figure)
    drop = {
        f.scope: (f.value or 0.0) - (f.details.get("baseline_share") or 0.0)
        for f in tonight_figures
    }
    drivers = sorted((k for k, v in drop.items() if v > 0), key=lambda k: (-drop[k], k))
    figures.append(
        _wrong_figure(night, claims, config, scope=ALL, drivers=drivers[: config.max_drivers])
    )
    figures.extend(tonight_figures)
    for scope, members in [(ALL, list(claims)), *sorted(by_category.items())]:
        figures.extend(_weekly_ece(scope, members, config.week_starts(night), config.bins))
    return figures


def _wrong_figure(
    night: date,
    claims: Sequence[JudgedClaim],
    config: WatchConfig,
    *,
    scope: str,
    drivers: Sequence[str] = (),
) -> QualityFigure:
    tonight = [c for c in claims if c.night == night]
    figure = night_share_figure(
        WRONG_DIAGNOSIS,
        night,
        _wrong_counts(claims),
        config,
        scope=scope,
        drivers=drivers or ([scope] if scope != ALL else []),
        details={"mean_claimed": fmean(c.claimed for c in tonight) if tonight else None},
    )
    # Wrong more often than before is a drift only when it is a real fall of the right share.
    if figure.degraded and figure.value is not None:
        base = figure.details.get("baseline_share") or 0.0
        if figure.value - base < config.min_accuracy_drop:
            figure = replace(figure, degraded=False, drivers=())
    return figure


def _weekly_ece(
    scope: str, claims: Sequence[JudgedClaim], week_starts: Sequence[date], bins: int
) -> list[QualityFigure]:
    figures = []
    for start in week_starts:
        nights = set(week_nights(start))
        week = [c for c in claims if c.night in nights]
        confidences = [c.claimed for c in week]
        outcomes = [c.right for c in week]
        figures.append(
            QualityFigure(
                period=WEEK,
                period_start=start,
                measure=CALIBRATION_ECE,
                scope=scope,
                value=expected_calibration_error(confidences, outcomes, bins) if week else None,
                count=len(week),
                details={
                    "brier": brier_score(confidences, outcomes) if week else None,
                    "mean_claimed": fmean(confidences) if week else None,
                    "accuracy": sum(outcomes) / len(week) if week else None,
                    "reliability": [
                        [round(b.mean_confidence, 4), round(b.observed_accuracy, 4), b.count]
                        for b in reliability_bins(confidences, outcomes, bins)
                    ],
                },
            )
        )
    return figures

"""One night's quality watch: every measure of tonight against the weeks before, and of
each reported week, from what the store holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from resync_analytics.quality.calibration_drift import calibration_figures, judged_claims
from resync_analytics.quality.config import WatchConfig
from resync_analytics.quality.coverage_drift import coverage_figures
from resync_analytics.quality.data_drift import data_drift_figures
from resync_analytics.quality.resolution import (
    ResolutionSummary,
    resolution_figures,
    resolution_summaries,
)
from resync_analytics.quality.risk_drift import risk_figures
from resync_analytics.quality.target_drift import target_drift_figures
from resync_core.quality import NIGHT, QualityFigure, QualityInputs


@dataclass(frozen=True)
class QualityWatch:
    night: date
    config: WatchConfig
    figures: tuple[QualityFigure, ...]
    resolutions: tuple[ResolutionSummary, ...] = field(default=())

    @property
    def tonight(self) -> list[QualityFigure]:
        return [f for f in self.figures if f.period == NIGHT]

    @property
    def degraded(self) -> list[QualityFigure]:
        return [f for f in self.tonight if f.degraded]


def watch_quality(night: date, inputs: QualityInputs, config: WatchConfig) -> QualityWatch:
    """Every figure of ``night`` and of the ``config.weeks`` weeks ending with it."""
    first = config.history_start(night)
    window = [f for f in inputs.failures if f.ended_at.date() >= first]
    # Failures older than the window only say which templates were seen before it.
    known = inputs.known_templates | {
        f.error_pattern for f in inputs.failures if f.error_pattern and f.ended_at.date() < first
    }
    summaries = resolution_summaries(inputs.resolutions, config.week_starts(night))
    figures = [
        *data_drift_figures(night, window, inputs.runs, config, known_templates=known),
        *calibration_figures(night, judged_claims(inputs.feedback), config),
        *risk_figures(night, inputs.risks, config),
        *coverage_figures(night, inputs.coverage, config),
        *target_drift_figures(night, window, inputs.feedback, config),
        *resolution_figures(summaries),
    ]
    return QualityWatch(night, config, tuple(figures), tuple(summaries))


def degraded_payload(figure: QualityFigure) -> dict[str, Any]:
    """What ``resync.quality.degraded`` says: the measure, its value, the usual range and
    what drives the change."""
    return {
        "night": figure.period_start.isoformat(),
        "measure": figure.measure,
        "scope": figure.scope,
        "value": None if figure.value is None else round(figure.value, 4),
        "count": figure.count,
        "usual_range": [
            None if figure.usual_low is None else round(figure.usual_low, 4),
            None if figure.usual_high is None else round(figure.usual_high, 4),
        ],
        "p_value": figure.p_value,
        "drivers": list(figure.drivers),
    }

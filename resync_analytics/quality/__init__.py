"""Watching resync-flows' own answers: data drift (unknown message families, new templates,
new jobs), prediction drift (analyser confidence vs verdicts, risk scores vs the next night,
forecast interval coverage), target drift (category and verdict mix) and time to resolution.

Plain logic: no database, no Prefect.
"""

from resync_analytics.quality.config import WatchConfig
from resync_analytics.quality.report import render_quality_report
from resync_analytics.quality.resolution import (
    ResolutionSummary,
    resolution_summaries,
    time_to_resolution,
)
from resync_analytics.quality.watch import (
    QualityInputs,
    QualityWatch,
    degraded_payload,
    watch_quality,
)

__all__ = [
    "QualityInputs",
    "QualityWatch",
    "ResolutionSummary",
    "WatchConfig",
    "degraded_payload",
    "render_quality_report",
    "resolution_summaries",
    "time_to_resolution",
    "watch_quality",
]

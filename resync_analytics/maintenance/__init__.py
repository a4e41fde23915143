"""Predictive maintenance: which jobs are likely to fail or finish late tonight, and why.

Plain logic over a run-history frame (``history.run_history_frame``): no Prefect, no
database. ``score_tonight`` is the entry point; ``evaluation`` scores its predictions against
what happened.
"""

from resync_analytics.maintenance.history import RunHistoryError, run_history_frame
from resync_analytics.maintenance.risk import (
    JobRisk,
    MaintenanceConfig,
    PlannedJob,
    RiskReason,
    human_duration,
    score_tonight,
)

__all__ = [
    "JobRisk",
    "MaintenanceConfig",
    "PlannedJob",
    "RiskReason",
    "RunHistoryError",
    "human_duration",
    "run_history_frame",
    "score_tonight",
]

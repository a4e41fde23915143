"""Predictive maintenance: which jobs are likely to fail or finish late tonight, and why.

Plain logic over a run-history frame (``history.run_history_frame``): no Prefect, no
database. ``score_tonight`` is the entry point; ``evaluation`` scores its predictions against
what happened.
"""

from resync_analytics.maintenance.history import RunHistoryError, run_history_frame
from resync_analytics.maintenance.risk import MaintenanceConfig, human_duration, score_tonight
from resync_analytics.maintenance.scores import reasons_document, risk_scores
from resync_core.risk import JobRisk, PlannedJob, RiskReason

__all__ = [
    "JobRisk",
    "MaintenanceConfig",
    "PlannedJob",
    "RiskReason",
    "RunHistoryError",
    "human_duration",
    "reasons_document",
    "risk_scores",
    "run_history_frame",
    "score_tonight",
]

"""Anomaly detection in metric series and its evaluation against labelled windows."""

from resync_analytics.anomalies.detect import (
    Anomaly,
    DetectorConfig,
    PointScores,
    detect_anomalies,
    score_points,
)
from resync_analytics.anomalies.evaluation import (
    LabelledWindow,
    WindowEvaluation,
    evaluate_detections,
)

__all__ = [
    "Anomaly",
    "DetectorConfig",
    "LabelledWindow",
    "PointScores",
    "WindowEvaluation",
    "detect_anomalies",
    "evaluate_detections",
    "score_points",
]

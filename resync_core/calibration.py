"""The stored confidence calibration: one fitted row per (analyser, category), and how one
incident's confidence was calibrated. Domain types only; fitting and applying the map live in
``resync_analytics.learning.calibration``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from resync_core.feedback import DETERMINISTIC

# Category key of the fit shared by all categories (and used for those without verdicts).
GLOBAL = "*"


@dataclass(frozen=True)
class CalibrationRow:
    """One stored fit: the log-odds ``shift`` of ``analyser``'s ``category`` diagnoses (GLOBAL
    for the shared fit), the ``verdicts`` behind it, and the in-sample scores of the claimed
    (``*_before``) and calibrated (``*_after``) confidences (0 when not assessed)."""

    analyser: str
    category: str
    verdicts: int
    shift: float
    observed_accuracy: float
    mean_claimed: float
    brier_before: float = 0.0
    brier_after: float = 0.0
    ece_before: float = 0.0
    ece_after: float = 0.0


@dataclass(frozen=True)
class IncidentCalibration:
    """How one incident's confidence was calibrated."""

    incident_id: int
    claimed_confidence: float
    calibrated_confidence: float
    verdicts: int
    calibrated_at: datetime
    analyser: str = DETERMINISTIC

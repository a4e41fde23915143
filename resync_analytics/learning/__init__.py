"""Auto-learning: operators' verdicts and resolutions make the next recommendation for the
same error better and its confidence honest.

- :mod:`~resync_analytics.learning.verdicts`: what each verdict means (diagnosis right or wrong, fix
  worked or not).
- :mod:`~resync_analytics.learning.calibration`: per-category recalibration of claimed confidence.
- :mod:`~resync_analytics.learning.resolutions`: recorded resolutions ranked into first steps.
- :mod:`~resync_analytics.learning.evaluation`: Brier score and expected calibration error.

Plain logic: no database, no Prefect.
"""

from resync_analytics.learning.calibration import (
    ANALYSERS,
    DETERMINISTIC,
    GLOBAL,
    LLM,
    CalibrationAssessment,
    CalibrationConfig,
    CalibrationModel,
    CategoryCalibration,
    DiagnosisVerdict,
    assess_calibration,
    fit_calibration,
)
from resync_analytics.learning.evaluation import brier_score, expected_calibration_error
from resync_analytics.learning.resolutions import (
    LearnedResolution,
    ResolutionEvidence,
    ResolutionPolicy,
    learned_steps,
    rank_resolutions,
)
from resync_analytics.learning.verdicts import (
    ACCEPTED_VERDICTS,
    UnknownVerdictError,
    diagnosis_label,
    fix_worked,
    normalize_verdict,
)

__all__ = [
    "ACCEPTED_VERDICTS",
    "ANALYSERS",
    "DETERMINISTIC",
    "GLOBAL",
    "LLM",
    "CalibrationAssessment",
    "CalibrationConfig",
    "CalibrationModel",
    "CategoryCalibration",
    "DiagnosisVerdict",
    "LearnedResolution",
    "ResolutionEvidence",
    "ResolutionPolicy",
    "UnknownVerdictError",
    "assess_calibration",
    "brier_score",
    "diagnosis_label",
    "expected_calibration_error",
    "fit_calibration",
    "fix_worked",
    "learned_steps",
    "normalize_verdict",
    "rank_resolutions",
]

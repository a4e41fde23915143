"""Calibrated confidence: scoring features of an analysis and their mapping to [0, 1].

The mapping is a logistic function of a few features with hand-set weights that encode how
reliable each kind of evidence has been in practice:
- a precise message family (tier 4) is strong, a free-text "ERROR" line (tier 2) weak;
- an exit code that agrees with the category (127 and "command not found") adds, one that
  contradicts it subtracts;
- several lines stating the same category corroborate;
- an inference from the exit code alone, or a generic category, is weak.

``ConfidenceFeatures.as_vector()`` gives the feature vector so the weights can later be fitted
to operator-labelled incidents (logistic regression = Platt scaling on these features, or
isotonic regression on ``score_confidence``) and replace ``WEIGHTS``.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass, fields


@dataclass(frozen=True)
class ConfidenceFeatures:
    """Evidence behind one analysis (all booleans are 0/1 in the vector)."""

    tier: int
    """Specificity of the root-cause line: 4 precise family ... 1 consequence; 0 no line."""
    rc_consistent: bool
    """A conventional exit code (124/126/127/128+N) implies the same category."""
    rc_conflict: bool
    """A conventional exit code implies another category."""
    rc_only: bool
    """The category comes from the exit code alone."""
    corroborating: int
    """Other error lines of the same category (capped at 3)."""
    generic_category: bool
    """application_error or unknown."""
    has_banner: bool
    """The TWS banner was parsed (we know the job and its exit status)."""
    success_exit_zero: bool
    """Success stated by exit status 0."""
    success_no_errors: bool
    """Success inferred only from the absence of error lines (no exit status known)."""

    def as_vector(self) -> tuple[float, ...]:
        return tuple(float(v) for v in astuple(self))

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


WEIGHTS: dict[str, float] = {
    "bias": -1.7,
    "tier": 0.95,
    "rc_consistent": 0.9,
    "rc_conflict": -0.9,
    "rc_only": 0.9,
    "corroborating": 0.2,
    "generic_category": -0.7,
    "has_banner": 0.2,
    "success_exit_zero": 4.3,
    "success_no_errors": 2.1,
}


def score_confidence(features: ConfidenceFeatures, weights: dict[str, float] = WEIGHTS) -> float:
    """Probability in [0, 1] that the category and error line are right."""
    z = weights["bias"]
    for name, value in zip(ConfidenceFeatures.names(), features.as_vector(), strict=True):
        if name == "corroborating":
            value = min(value, 3.0)
        z += weights[name] * value
    return round(1.0 / (1.0 + math.exp(-z)), 3)

"""Calibrated confidence: scoring features of an analysis and their mapping to [0, 1].

The mapping is a logistic function of a few features. The evidence they encode:
- a precise message family (tier 4) is strong, a free-text "ERROR" line (tier 2) weak;
- an exit code that agrees with the category (127 and "command not found") adds, one that
  contradicts it subtracts;
- an inference from the exit code alone, or a generic category, is weak.

``WEIGHTS`` are fitted on first contacts: for each batch of real transcripts, the analyser as it
was when it first met the batch, run on the batch's development files (292 of them over 17
batches, 62% right in category and exact line), with the hand-set weights below as the prior
of a logistic regression (L2 towards them, strength 3 chosen by leave-one-batch-out log loss).
``.venv/bin/python -m bench.joblog_confidence`` reproduces them and measures them held out,
each batch scored by weights fitted on the others: Brier score 0.213 -> 0.167, log loss
0.658 -> 0.519, ECE 0.193 -> 0.081, better on both Brier and log loss in 14 of 17 batches.
The hand-set weights put 221 of the 292 in [0.8, 1.0) at mean 0.91 with 76% right.
The former fit (13 batches) held on the four batches that came after it: their [0.8, 1.0)
bins held 8, 5, 11 and 9 logs at 0.80 with 88%, 80%, 64% and 78% right.
These weights held on the 14 batches that came after them (2026-12-07c to 2026-12-07p, 213
rows, 52% right): Brier 0.182, log loss 0.546, ECE 0.068; on the last eight (2026-12-07i to
2026-12-07p, 120 rows, 52% right) Brier 0.187, ECE 0.065, [0.6, 0.8) 75 logs at 0.78 with 71%
right, [0.0, 0.2) 30 at 0.12 with 13%. Refitting on all 31 batches (505 rows) did not beat
them: leave-one-batch-out Brier 0.173 against their 0.170 (292 of the rows are their own
training rows), ECE 0.012 against 0.031; on the 120 rows held out for both, 0.189 / 0.059
against 0.187 / 0.065. Its penalty (0.3, the weakest) also turned rc_conflict positive on the
3 rows that show it, so the weights stay.
Features the first contacts seldom show keep about their former weight (``rc_only`` appeared
once, ``rc_conflict`` twice, ``rc_consistent`` seven times, ``success_no_errors`` twice).

``HAND_WEIGHTS`` keeps the former hand-set weights (the fit's prior and the bench's baseline).
Fitting turned corroborating (-0.26) and has_banner (-0.15) slightly
negative: on unseen logs, more lines of the same category and a parsed banner did not make a
verdict more likely right.
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


HAND_WEIGHTS: dict[str, float] = {
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
WEIGHTS: dict[str, float] = {
    "bias": -2.53,
    "tier": 1.01,
    "rc_consistent": 0.75,
    "rc_conflict": -0.66,
    "rc_only": 0.82,
    "corroborating": -0.26,
    "generic_category": -0.93,
    "has_banner": -0.15,
    "success_exit_zero": 3.87,
    "success_no_errors": 1.87,
}


def score_confidence(features: ConfidenceFeatures, weights: dict[str, float] = WEIGHTS) -> float:
    """Probability in [0, 1] that the category and error line are right."""
    z = weights["bias"]
    for name, value in zip(ConfidenceFeatures.names(), features.as_vector(), strict=True):
        if name == "corroborating":
            value = min(value, 3.0)
        z += weights[name] * value
    return round(1.0 / (1.0 + math.exp(-z)), 3)

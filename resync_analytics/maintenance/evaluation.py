"""How good tonight's predictions were, once the night is over.

Scores for probabilistic predictions of a yes/no outcome: the Brier score against the base
rate's (skill), the ROC AUC (how well the ranking separates the jobs that failed), and a
reliability table (predicted vs observed frequency per probability bin).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata


@dataclass(frozen=True)
class ReliabilityBin:
    """Predictions in ``[low, high)``: how many, their mean, and how often it happened."""

    low: float
    high: float
    count: int
    predicted: float
    observed: float


@dataclass(frozen=True)
class PredictionScore:
    """Brier score of the predictions and of always predicting the base rate, and AUC."""

    count: int
    positives: int
    brier: float
    base_brier: float
    auc: float

    @property
    def brier_skill(self) -> float:
        """1 - brier / base_brier: 0 is no better than the base rate, 1 is perfect."""
        return 1.0 - self.brier / self.base_brier if self.base_brier > 0 else 0.0


def roc_auc(outcomes: Sequence[bool] | np.ndarray, predictions: np.ndarray) -> float:
    """Probability that a random positive is ranked above a random negative (ties: half)."""
    y = np.asarray(outcomes, dtype=bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(np.asarray(predictions, dtype=float))
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def score_predictions(
    outcomes: Sequence[bool] | np.ndarray, predictions: Sequence[float] | np.ndarray
) -> PredictionScore:
    """Brier, base-rate Brier and AUC of ``predictions`` (0-1) for ``outcomes``."""
    y = np.asarray(outcomes, dtype=float)
    p = np.asarray(predictions, dtype=float)
    if y.shape != p.shape:
        raise ValueError("outcomes and predictions differ in length")
    rate = float(y.mean()) if y.size else 0.0
    return PredictionScore(
        count=int(y.size),
        positives=int(y.sum()),
        brier=float(np.mean((p - y) ** 2)) if y.size else 0.0,
        base_brier=float(np.mean((rate - y) ** 2)) if y.size else 0.0,
        auc=roc_auc(y.astype(bool), p),
    )


def reliability_table(
    outcomes: Sequence[bool] | np.ndarray,
    predictions: Sequence[float] | np.ndarray,
    edges: Sequence[float] = (0.0, 0.01, 0.03, 0.1, 0.3, 0.5, 0.8, 0.95, 1.0),
) -> list[ReliabilityBin]:
    """Predicted vs observed frequency in each bin of ``edges`` (empty bins left out)."""
    y = np.asarray(outcomes, dtype=float)
    p = np.asarray(predictions, dtype=float)
    table = []
    for index, (low, high) in enumerate(itertools.pairwise(edges)):
        last = index == len(edges) - 2
        chosen = (p >= low) & ((p <= high) if last else (p < high))
        if chosen.any():
            table.append(
                ReliabilityBin(
                    low, high, int(chosen.sum()), float(p[chosen].mean()), float(y[chosen].mean())
                )
            )
    return table

"""How honest a confidence is: Brier score and expected calibration error (ECE).

Both take pairs of (claimed probability that the diagnosis is right, whether it was).
Lower is better for both; a perfectly calibrated analyser has ECE 0 and the Brier score of
its own uncertainty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ReliabilityBin:
    """One confidence bin: ``[low, high)`` (the last one includes 1.0)."""

    low: float
    high: float
    count: int
    mean_confidence: float
    observed_accuracy: float


def _check(confidences: Sequence[float], outcomes: Sequence[bool]) -> None:
    if len(confidences) != len(outcomes):
        raise ValueError("confidences and outcomes must have the same length")
    if any(not 0.0 <= c <= 1.0 for c in confidences):
        raise ValueError("confidences must be in [0, 1]")


def brier_score(confidences: Sequence[float], outcomes: Sequence[bool]) -> float:
    """Mean squared difference between confidence and outcome (0 best, 1 worst); 0 when empty."""
    _check(confidences, outcomes)
    if not confidences:
        return 0.0
    return sum((c - float(y)) ** 2 for c, y in zip(confidences, outcomes, strict=True)) / len(
        confidences
    )


def reliability_bins(
    confidences: Sequence[float], outcomes: Sequence[bool], bins: int = 10
) -> tuple[ReliabilityBin, ...]:
    """The non-empty equal-width confidence bins with their mean confidence and accuracy."""
    _check(confidences, outcomes)
    if bins < 1:
        raise ValueError("bins must be at least 1")
    members: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for c, y in zip(confidences, outcomes, strict=True):
        members[min(int(c * bins), bins - 1)].append((c, y))
    return tuple(
        ReliabilityBin(
            low=index / bins,
            high=(index + 1) / bins,
            count=len(items),
            mean_confidence=sum(c for c, _ in items) / len(items),
            observed_accuracy=sum(1 for _, y in items if y) / len(items),
        )
        for index, items in enumerate(members)
        if items
    )


def expected_calibration_error(
    confidences: Sequence[float], outcomes: Sequence[bool], bins: int = 10
) -> float:
    """Count-weighted mean |accuracy - confidence| over equal-width bins (0 best); 0 when
    empty."""
    total = len(confidences)
    if not total:
        _check(confidences, outcomes)
        return 0.0
    return (
        sum(
            b.count * abs(b.observed_accuracy - b.mean_confidence)
            for b in reliability_bins(confidences, outcomes, bins)
        )
        / total
    )

"""Scoring a detector against labelled anomaly windows, the way NAB does.

NAB (the Numenta Anomaly Benchmark) rewards the first detection inside each labelled window,
more the earlier it comes, penalises every detection outside the windows, and penalises each
window missed. The standard profile weights (true positive 1.0, false positive 0.11, false
negative 1.0) are used, and the raw sum is normalised so that detecting nothing scores 0 and
detecting every window at its start scores 100. NAB's probationary period and its exact
handling of overlapping windows are not reproduced: the score is NAB-like, not NAB's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

TRUE_POSITIVE_WEIGHT = 1.0
FALSE_POSITIVE_WEIGHT = 0.11
FALSE_NEGATIVE_WEIGHT = 1.0


@dataclass(frozen=True)
class LabelledWindow:
    start: pd.Timestamp
    end: pd.Timestamp

    def contains(self, moment: pd.Timestamp) -> bool:
        return self.start <= moment <= self.end


@dataclass(frozen=True)
class WindowEvaluation:
    """Detections of one or more series against their labelled windows.

    ``raw_score`` is the NAB-style sum; ``null_score``/``perfect_score`` are those of a
    detector that reports nothing and of one that reports each window at its start.
    """

    windows: int
    windows_hit: int
    detections: int
    false_positives: int
    raw_score: float
    null_score: float
    perfect_score: float

    @property
    def recall(self) -> float:
        return self.windows_hit / self.windows if self.windows else 1.0

    @property
    def precision(self) -> float:
        """Share of detections that fell inside a labelled window."""
        return (
            (self.detections - self.false_positives) / self.detections if self.detections else 1.0
        )

    @property
    def normalised_score(self) -> float:
        """0 = detects nothing, 100 = every window at its start, negative = worse than nothing."""
        span = self.perfect_score - self.null_score
        return 100.0 * (self.raw_score - self.null_score) / span if span else 100.0

    def __add__(self, other: WindowEvaluation) -> WindowEvaluation:
        return WindowEvaluation(
            self.windows + other.windows,
            self.windows_hit + other.windows_hit,
            self.detections + other.detections,
            self.false_positives + other.false_positives,
            self.raw_score + other.raw_score,
            self.null_score + other.null_score,
            self.perfect_score + other.perfect_score,
        )


def _scaled_sigmoid(relative_position: float) -> float:
    # NAB's reward curve: ~1 at a window's start, 0 at its end, towards -1 after it.
    return 2.0 / (1.0 + math.exp(5.0 * relative_position)) - 1.0


def evaluate_detections(
    detections: Iterable[pd.Timestamp], windows: Sequence[LabelledWindow]
) -> WindowEvaluation:
    """Score ``detections`` (timestamps) of one series against its labelled ``windows``."""
    ordered = sorted(windows, key=lambda w: w.start)
    hit = [False] * len(ordered)
    raw = 0.0
    count = 0
    false_positives = 0
    for moment in sorted(detections):
        count += 1
        inside = next((i for i, w in enumerate(ordered) if w.contains(moment)), None)
        if inside is not None:
            if not hit[inside]:
                window = ordered[inside]
                length = (window.end - window.start) / pd.Timedelta(seconds=1) or 1.0
                position = -((window.end - moment) / pd.Timedelta(seconds=1)) / length
                raw += TRUE_POSITIVE_WEIGHT * _scaled_sigmoid(position)
                hit[inside] = True
            continue
        false_positives += 1
        before = [w for w in ordered if w.end < moment]
        if before:
            window = before[-1]
            length = (window.end - window.start) / pd.Timedelta(seconds=1) or 1.0
            position = ((moment - window.end) / pd.Timedelta(seconds=1)) / length
            raw += FALSE_POSITIVE_WEIGHT * _scaled_sigmoid(position)
        else:
            raw -= FALSE_POSITIVE_WEIGHT
    missed = hit.count(False)
    raw -= FALSE_NEGATIVE_WEIGHT * missed
    return WindowEvaluation(
        windows=len(ordered),
        windows_hit=len(ordered) - missed,
        detections=count,
        false_positives=false_positives,
        raw_score=raw,
        null_score=-FALSE_NEGATIVE_WEIGHT * len(ordered),
        perfect_score=TRUE_POSITIVE_WEIGHT * _scaled_sigmoid(-1.0) * len(ordered),
    )

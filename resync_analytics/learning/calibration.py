"""Recalibrate the analyser's confidence from operators' verdicts on its diagnoses.

The map is a shift of the claimed confidence's log-odds, one per category:
``p = sigmoid(logit(claimed) + shift)``. Why this shape and not a full Platt fit (with a
slope too):

- It is monotone: a higher claim never ends up below a lower one, so the analyser's ranking
  of its own answers survives; only its honesty changes.
- A category rarely has more than a few dozen verdicts; one number per category (how far its
  claims are off, in log-odds) is what that can support. A slope is poorly determined when the
  analyser claims only a handful of distinct values, and a wrong slope would distort every
  claim; a shift cannot.
- It is the identity when there is nothing to learn from (shift 0).

Shrinkage is expressed in verdicts, the unit an operator understands: every fit is also fed
``prior_verdicts`` pseudo-verdicts at the same claimed confidences, whose outcome is what the
fit's anchor predicts. The global fit's anchor is the claim itself, so it leaves the identity
only as fast as evidence arrives; a category's anchor is the fit of the *other* categories
(its own verdicts must not count twice). With the default of 20, two wrong verdicts on claims
of 0.9 bring a category to about 0.82, not to 0; 200 verdicts of a category that is right half
the time while claiming 0.9 bring it close to 0.5.

Each analyser is calibrated apart: the deterministic analyser and an LLM review are different
judges, honest in different ways. An LLM-reviewed answer uses the deterministic fit until
operators have judged LLM answers themselves.

Plain logic: no database, no Prefect. Fitting is Newton's method on a convex loss (weighted
log-loss with soft labels) over the distinct claims; milliseconds for thousands of verdicts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from resync_analytics.learning.evaluation import brier_score, expected_calibration_error
from resync_core.calibration import GLOBAL as GLOBAL
from resync_core.calibration import CalibrationRow
from resync_core.feedback import ANALYSERS as ANALYSERS
from resync_core.feedback import DETERMINISTIC as DETERMINISTIC
from resync_core.feedback import LLM as LLM

# Claims are clipped before the logit: 0 and 1 would be infinite log-odds.
_EPSILON = 0.005
_SHIFT_RANGE = (-15.0, 15.0)


@dataclass(frozen=True)
class DiagnosisVerdict:
    """An operator's judgement of one incident's diagnosis: ``claimed`` is the confidence the
    analyser claimed (before any calibration), ``right`` whether the diagnosis was right."""

    category: str
    claimed: float
    right: bool
    analyser: str = DETERMINISTIC

    def __post_init__(self) -> None:
        if self.analyser not in ANALYSERS:
            raise ValueError(f"unknown analyser {self.analyser!r}; expected one of {ANALYSERS}")


@dataclass(frozen=True)
class CalibrationConfig:
    """``prior_verdicts``: how many verdicts the anchor of each fit is worth (> 0)."""

    prior_verdicts: float = 20.0
    max_iterations: int = 100

    def __post_init__(self) -> None:
        if self.prior_verdicts <= 0:
            raise ValueError("prior_verdicts must be positive")


@dataclass(frozen=True)
class CategoryCalibration:
    """The fitted map of one category (``GLOBAL`` for the shared fit) of one ``analyser``: the
    log-odds ``shift``, the ``verdicts`` behind it, their ``observed_accuracy`` and
    ``mean_claimed`` confidence."""

    category: str
    verdicts: int
    shift: float
    observed_accuracy: float
    mean_claimed: float
    analyser: str = DETERMINISTIC

    def apply(self, confidence: float) -> float:
        """The calibrated confidence for a claimed ``confidence`` in [0, 1]."""
        return _sigmoid(_logit(confidence) + self.shift)


@dataclass(frozen=True)
class CalibrationModel:
    """Per-analyser, per-category calibration of claimed confidences; the identity when
    nothing was learned. ``global_fits`` holds each analyser's shared fit, ``categories``
    the fits of categories with verdicts of their own (each names its analyser)."""

    global_fits: tuple[CategoryCalibration, ...] = ()
    categories: tuple[CategoryCalibration, ...] = ()

    @classmethod
    def identity(cls) -> CalibrationModel:
        return cls()

    @classmethod
    def from_rows(cls, rows: Iterable[CalibrationRow]) -> CalibrationModel:
        """The model the stored ``rows`` describe (the identity when there are none)."""
        fits = [
            CategoryCalibration(
                category=row.category,
                verdicts=row.verdicts,
                shift=row.shift,
                observed_accuracy=row.observed_accuracy,
                mean_claimed=row.mean_claimed,
                analyser=row.analyser,
            )
            for row in rows
        ]
        return cls(
            global_fits=tuple(f for f in fits if f.category == GLOBAL),
            categories=tuple(f for f in fits if f.category != GLOBAL),
        )

    def rows(self, assessments: Iterable[CalibrationAssessment] = ()) -> tuple[CalibrationRow, ...]:
        """The rows that store this model, each with its fit's scores from ``assessments``
        (0 for a fit without an assessment)."""
        scores = {(a.analyser, a.category): a for a in assessments}
        rows = []
        for fit in (*self.global_fits, *self.categories):
            score = scores.get((fit.analyser, fit.category))
            rows.append(
                CalibrationRow(
                    analyser=fit.analyser,
                    category=fit.category,
                    verdicts=fit.verdicts,
                    shift=fit.shift,
                    observed_accuracy=fit.observed_accuracy,
                    mean_claimed=fit.mean_claimed,
                    brier_before=score.brier_before if score else 0.0,
                    brier_after=score.brier_after if score else 0.0,
                    ece_before=score.ece_before if score else 0.0,
                    ece_after=score.ece_after if score else 0.0,
                )
            )
        return tuple(rows)

    @property
    def verdicts(self) -> int:
        """How many verdicts the model learned from (all analysers)."""
        return sum(fit.verdicts for fit in self.global_fits)

    def global_fit(self, analyser: str = DETERMINISTIC) -> CategoryCalibration | None:
        """The shared fit of ``analyser``'s diagnoses (None without verdicts on them)."""
        return next((f for f in self.global_fits if f.analyser == analyser), None)

    def fit_for(self, category: str, analyser: str = DETERMINISTIC) -> CategoryCalibration | None:
        """The map used for a ``category`` diagnosis by ``analyser``: its own, else the
        analyser's shared one; an analyser nobody judged yet borrows the deterministic
        analyser's. None: the identity."""
        for fit in self.categories:
            if fit.category == category and fit.analyser == analyser:
                return fit
        shared = self.global_fit(analyser)
        if shared is not None and shared.verdicts > 0:
            return shared
        if analyser != DETERMINISTIC:
            return self.fit_for(category, DETERMINISTIC)
        return None

    def apply(self, category: str, confidence: float, analyser: str = DETERMINISTIC) -> float:
        """The calibrated confidence of a ``category`` diagnosis claimed at ``confidence``."""
        confidence = min(1.0, max(0.0, float(confidence)))
        fit = self.fit_for(category, analyser)
        return confidence if fit is None else fit.apply(confidence)


def _logit(p: float) -> float:
    p = min(1.0 - _EPSILON, max(_EPSILON, p))
    return math.log(p / (1.0 - p))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


# A point of the loss: logit of the claim, (soft) label, weight.
_Point = tuple[float, float, float]


def _fit_shift(points: Sequence[_Point], start: float, max_iterations: int) -> float:
    """The shift minimising the weighted log-loss of ``sigmoid(z + shift)`` (Newton)."""
    shift = start
    for _ in range(max_iterations):
        gradient = curvature = 0.0
        for z, y, w in points:
            p = _sigmoid(z + shift)
            gradient += w * (p - y)
            curvature += w * p * (1.0 - p)
        if curvature <= 1e-12:
            break
        # Damped: a full Newton step from far away can overshoot on a flat sigmoid.
        step = max(-2.0, min(2.0, gradient / curvature))
        shift = min(_SHIFT_RANGE[1], max(_SHIFT_RANGE[0], shift - step))
        if abs(step) < 1e-10:
            break
    return shift


def _with_prior(
    verdicts: Sequence[DiagnosisVerdict],
    anchor: CategoryCalibration | None,
    prior_verdicts: float,
) -> list[_Point]:
    """The verdicts as loss points, plus their pseudo-verdicts at the anchor's prediction."""
    outcomes = Counter((v.claimed, v.right) for v in verdicts)
    claims = Counter(v.claimed for v in verdicts)
    per_verdict = prior_verdicts / len(verdicts)
    points = [(_logit(c), 1.0 if right else 0.0, float(n)) for (c, right), n in outcomes.items()]
    for claimed, n in claims.items():
        expected = anchor.apply(claimed) if anchor else min(1 - _EPSILON, max(_EPSILON, claimed))
        points.append((_logit(claimed), expected, per_verdict * n))
    return points


def _summary(
    category: str, verdicts: Sequence[DiagnosisVerdict], shift: float
) -> CategoryCalibration:
    n = len(verdicts)
    return CategoryCalibration(
        category=category,
        verdicts=n,
        shift=shift,
        observed_accuracy=sum(v.right for v in verdicts) / n,
        mean_claimed=sum(v.claimed for v in verdicts) / n,
        analyser=verdicts[0].analyser,
    )


def _global(
    verdicts: Sequence[DiagnosisVerdict], config: CalibrationConfig
) -> CategoryCalibration | None:
    if not verdicts:
        return None
    points = _with_prior(verdicts, None, config.prior_verdicts)
    return _summary(GLOBAL, verdicts, _fit_shift(points, 0.0, config.max_iterations))


def fit_calibration(
    verdicts: Iterable[DiagnosisVerdict], config: CalibrationConfig | None = None
) -> CalibrationModel:
    """Fit the calibration to operators' verdicts (the identity when there are none), each
    analyser on the verdicts about its own diagnoses.

    Deterministic: the same verdicts, in any order, give the same model.
    """
    config = config or CalibrationConfig()
    ordered = sorted(verdicts, key=lambda v: (v.analyser, v.category, v.claimed, v.right))
    by_analyser: dict[str, list[DiagnosisVerdict]] = {}
    for verdict in ordered:
        by_analyser.setdefault(verdict.analyser, []).append(verdict)
    global_fits: list[CategoryCalibration] = []
    categories: list[CategoryCalibration] = []
    for own in by_analyser.values():
        shared, per_category = _fit_one_analyser(own, config)
        global_fits.append(shared)
        categories.extend(per_category)
    return CalibrationModel(global_fits=tuple(global_fits), categories=tuple(categories))


def _fit_one_analyser(
    verdicts: Sequence[DiagnosisVerdict], config: CalibrationConfig
) -> tuple[CategoryCalibration, list[CategoryCalibration]]:
    """The shared fit and the per-category fits of one analyser's (non-empty) verdicts."""
    by_category: dict[str, list[DiagnosisVerdict]] = {}
    for verdict in verdicts:
        by_category.setdefault(verdict.category, []).append(verdict)
    categories = []
    for category, own in sorted(by_category.items()):
        anchor = _global([v for v in verdicts if v.category != category], config)
        shift = _fit_shift(
            _with_prior(own, anchor, config.prior_verdicts),
            anchor.shift if anchor else 0.0,
            config.max_iterations,
        )
        categories.append(_summary(category, own, shift))
    shared = _global(verdicts, config)
    assert shared is not None  # verdicts is not empty
    return shared, categories


@dataclass(frozen=True)
class CalibrationAssessment:
    """How claimed and calibrated confidences of one category (or ``GLOBAL``) score against
    the verdicts: lower Brier and ECE are better."""

    category: str
    verdicts: int
    observed_accuracy: float
    mean_claimed: float
    mean_calibrated: float
    brier_before: float
    brier_after: float
    ece_before: float
    ece_after: float
    analyser: str = DETERMINISTIC


def assess_calibration(
    model: CalibrationModel, verdicts: Iterable[DiagnosisVerdict], bins: int = 10
) -> tuple[CalibrationAssessment, ...]:
    """Brier score and ECE of the claimed and the calibrated confidences, per analyser
    (deterministic first): overall (as ``GLOBAL``) then per category. On the verdicts the
    model was fitted to this is in-sample; pass held-out verdicts for an honest figure."""
    ordered = sorted(verdicts, key=lambda v: (ANALYSERS.index(v.analyser), v.category))
    groups: dict[tuple[str, str], list[DiagnosisVerdict]] = {}
    for analyser in ANALYSERS:
        own = [v for v in ordered if v.analyser == analyser]
        if own:
            groups[(analyser, GLOBAL)] = own
        for verdict in own:
            groups.setdefault((analyser, verdict.category), []).append(verdict)
    assessments = []
    for (analyser, category), members in groups.items():
        claimed = [v.claimed for v in members]
        calibrated = [model.apply(v.category, v.claimed, v.analyser) for v in members]
        outcomes = [v.right for v in members]
        assessments.append(
            CalibrationAssessment(
                category=category,
                verdicts=len(members),
                observed_accuracy=sum(outcomes) / len(members),
                mean_claimed=sum(claimed) / len(members),
                mean_calibrated=sum(calibrated) / len(members),
                brier_before=brier_score(claimed, outcomes),
                brier_after=brier_score(calibrated, outcomes),
                ece_before=expected_calibration_error(claimed, outcomes, bins),
                ece_after=expected_calibration_error(calibrated, outcomes, bins),
                analyser=analyser,
            )
        )
    return tuple(assessments)

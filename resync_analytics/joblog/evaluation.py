"""Measure the analyser against labelled joblogs: accuracy, entity recall and precision,
calibration.

Used by the quality tests and ``bench/joblog_quality.py``; the labels say which category, which
line (1-based, 0 for success) and which entities a correct analysis names, and (where labelled)
the role each of them plays. An entity counts when the analysis names exactly the labelled text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.models import JoblogAnalysis


@dataclass(frozen=True)
class LabelledJoblog:
    name: str
    data: bytes
    category: str
    error_line: int
    entities: tuple[str, ...]
    roles: tuple[str, ...] = field(default=())
    """The role of each of ``entities``, in the same order (empty when not labelled)."""


@dataclass(frozen=True)
class Outcome:
    sample: LabelledJoblog
    analysis: JoblogAnalysis

    @property
    def category_ok(self) -> bool:
        return self.analysis.category == self.sample.category

    @property
    def line_ok(self) -> bool:
        return self.analysis.error_line == self.sample.error_line

    @property
    def entities_found(self) -> int:
        """Labelled entities the analysis names."""
        return sum(1 for e in self.sample.entities if e in self.analysis.entities)

    @property
    def entities_correct(self) -> int:
        """Named entities that are labelled (the rest are noise to the reader)."""
        return sum(1 for e in self.analysis.entities if e in self.sample.entities)

    @property
    def unlabelled_entities(self) -> tuple[str, ...]:
        return tuple(e for e in self.analysis.entities if e not in self.sample.entities)


@dataclass(frozen=True)
class RoleFigures:
    """How one role fares: labelled entities of the role the analysis names, and entities the
    analysis gives the role that are labelled (whatever role the label gives them)."""

    role: str
    labelled: int
    found: int
    named: int
    correct: int
    agreeing: int
    """Found labelled entities the analysis gives the labelled role."""

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.named if self.named else 1.0


def role_figures(outcomes: Iterable[Outcome]) -> tuple[RoleFigures, ...]:
    """Recall and precision per role, over the outcomes whose labels carry roles."""
    counts: dict[str, list[int]] = {}
    for outcome in outcomes:
        sample, analysis = outcome.sample, outcome.analysis
        if len(sample.roles) != len(sample.entities):
            continue
        named_roles = dict(analysis.entity_roles)
        for text, role in zip(sample.entities, sample.roles, strict=True):
            row = counts.setdefault(role, [0, 0, 0, 0, 0])
            row[0] += 1
            if text in analysis.entities:
                row[1] += 1
                row[4] += named_roles.get(text) == role
        for text, role in analysis.entity_roles:
            row = counts.setdefault(role, [0, 0, 0, 0, 0])
            row[2] += 1
            row[3] += text in sample.entities
    return tuple(RoleFigures(role, *row) for role, row in sorted(counts.items()))


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    mean_confidence: float
    observed_accuracy: float
    """Share of analyses in the bin whose category and error line were both right."""


@dataclass(frozen=True)
class QualityReport:
    count: int
    category_accuracy: float
    line_accuracy: float
    entity_recall: float
    entity_precision: float
    """Share of named entities that are labelled, over analyses of failed jobs (a success
    names none)."""
    calibration: tuple[CalibrationBin, ...]
    outcomes: tuple[Outcome, ...]

    @property
    def misses(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not (o.category_ok and o.line_ok))


def evaluate(samples: Iterable[LabelledJoblog], bins: int = 5) -> QualityReport:
    """Analyse every sample and compare with its labels."""
    outcomes = tuple(Outcome(s, analyze_joblog(s.data)) for s in samples)
    count = len(outcomes)
    expected_entities = sum(len(o.sample.entities) for o in outcomes)
    found_entities = sum(o.entities_found for o in outcomes)
    named_entities = sum(len(o.analysis.entities) for o in outcomes)
    correct_entities = sum(o.entities_correct for o in outcomes)
    calibration = []
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        members = [
            o
            for o in outcomes
            if low <= o.analysis.confidence < high
            or (index == bins - 1 and o.analysis.confidence == 1.0)
        ]
        if members:
            calibration.append(
                CalibrationBin(
                    low,
                    high,
                    len(members),
                    sum(o.analysis.confidence for o in members) / len(members),
                    sum(1 for o in members if o.category_ok and o.line_ok) / len(members),
                )
            )
    return QualityReport(
        count=count,
        category_accuracy=sum(o.category_ok for o in outcomes) / count if count else 0.0,
        line_accuracy=sum(o.line_ok for o in outcomes) / count if count else 0.0,
        entity_recall=found_entities / expected_entities if expected_entities else 1.0,
        entity_precision=correct_entities / named_entities if named_entities else 1.0,
        calibration=tuple(calibration),
        outcomes=outcomes,
    )

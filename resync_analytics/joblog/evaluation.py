"""Measure the analyser against labelled joblogs: accuracy, entity recall and precision,
calibration.

Used by the quality tests and ``bench/joblog_quality.py``; the labels say which category, which
line (1-based, 0 for success) and which entities a correct analysis names, and (where labelled)
the role each of them plays. An entity counts when the analysis names exactly the labelled text,
with one convention for an address (see :func:`credited`): the labels write ``host:port`` joint
in some logs and split into its host and its port in others, and either spelling of the analysis
names the same address.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.models import JoblogAnalysis

_HOST_PORT = re.compile(r"([^\s:/\\@]+):(\d{1,5})")


def credited(text: str, named: Collection[str], *, joint_host_port: bool = True) -> bool:
    """Whether ``named`` names ``text``: exactly, or (``joint_host_port``) the same address
    spelt the other way. A ``host:port`` is named by its host and its port both named, a host
    or a port by a ``host:port`` that holds it. Applied alike to a label among the analysis's
    entities (recall) and to an entity among the labels (precision)."""
    if text in named:
        return True
    if not joint_host_port:
        return False
    joint = _HOST_PORT.fullmatch(text)
    if joint is not None:
        return joint.group(1) in named and joint.group(2) in named
    for other in named:
        pair = _HOST_PORT.fullmatch(other)
        if pair is not None and text in pair.groups():
            return True
    return False


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
    joint_host_port: bool = True
    """Whether an address counts whether spelt ``host:port`` or as a host and a port."""

    @property
    def category_ok(self) -> bool:
        return self.analysis.category == self.sample.category

    @property
    def line_ok(self) -> bool:
        return self.analysis.error_line == self.sample.error_line

    @property
    def entities_found(self) -> int:
        """Labelled entities the analysis names."""
        named = self.analysis.entities
        return sum(
            credited(e, named, joint_host_port=self.joint_host_port) for e in self.sample.entities
        )

    @property
    def entities_correct(self) -> int:
        """Named entities that are labelled (the rest are noise to the reader)."""
        return len(self.analysis.entities) - len(self.unlabelled_entities)

    @property
    def missed_entities(self) -> tuple[str, ...]:
        named = self.analysis.entities
        return tuple(
            e
            for e in self.sample.entities
            if not credited(e, named, joint_host_port=self.joint_host_port)
        )

    @property
    def unlabelled_entities(self) -> tuple[str, ...]:
        labels = self.sample.entities
        return tuple(
            e
            for e in self.analysis.entities
            if not credited(e, labels, joint_host_port=self.joint_host_port)
        )


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
            if credited(text, analysis.entities):
                row[1] += 1
                row[4] += named_roles.get(text) == role
        for text, role in analysis.entity_roles:
            row = counts.setdefault(role, [0, 0, 0, 0, 0])
            row[2] += 1
            row[3] += credited(text, sample.entities)
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
    exact_entity_recall: float = 0.0
    exact_entity_precision: float = 0.0
    """The entity figures when only the labelled spelling counts (``host:port`` is not named
    by its host and port, nor a host by its ``host:port``): the scoring before the address
    convention."""

    @property
    def misses(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not (o.category_ok and o.line_ok))


def evaluate(samples: Iterable[LabelledJoblog], bins: int = 5) -> QualityReport:
    """Analyse every sample and compare with its labels."""
    outcomes = tuple(Outcome(s, analyze_joblog(s.data)) for s in samples)
    exact = tuple(Outcome(o.sample, o.analysis, joint_host_port=False) for o in outcomes)
    count = len(outcomes)
    expected_entities = sum(len(o.sample.entities) for o in outcomes)
    found_entities = sum(o.entities_found for o in outcomes)
    named_entities = sum(len(o.analysis.entities) for o in outcomes)
    correct_entities = sum(o.entities_correct for o in outcomes)
    exact_found = sum(o.entities_found for o in exact)
    exact_correct = sum(o.entities_correct for o in exact)
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
        exact_entity_recall=exact_found / expected_entities if expected_entities else 1.0,
        exact_entity_precision=exact_correct / named_entities if named_entities else 1.0,
    )

"""Analyser quality on labelled joblogs it was not written from.

Thresholds sit a little below the measured values (corpus: 100% category, 100% line, 88.3%
entity recall, 58.6% entity precision; simulator: 100%, 100%, 90.4%, 56.7%) so that a
regression fails the build. Keeping only the first second-tier entity (see
resync_analytics/joblog/relevance.py) traded about two points of recall for four of precision.
"""

from __future__ import annotations

import re

import pytest

from resync_analytics.joblog.evaluation import QualityReport, evaluate
from tests.resync_analytics.joblog_corpora import CORPUS_DIR, load_corpus, render_simulated


def _explain(report: QualityReport) -> str:
    return "\n".join(
        f"{o.sample.name}: want {o.sample.category}@{o.sample.error_line} "
        f"got {o.analysis.category}@{o.analysis.error_line} {o.analysis.error_text[:100]!r}"
        for o in report.misses
    )


@pytest.fixture(scope="module")
def corpus_report() -> QualityReport:
    if not (CORPUS_DIR / "labels.json").exists():
        pytest.skip("labelled joblog corpus not present")
    return evaluate(load_corpus())


@pytest.fixture(scope="module")
def simulator_report() -> QualityReport:
    return evaluate(render_simulated(seeds_per_template=1))


def test_corpus_category_accuracy(corpus_report):
    assert corpus_report.category_accuracy >= 0.96, _explain(corpus_report)


def test_corpus_error_line_accuracy(corpus_report):
    assert corpus_report.line_accuracy >= 0.95, _explain(corpus_report)


def test_corpus_entity_recall(corpus_report):
    assert corpus_report.entity_recall >= 0.88


def test_corpus_entity_precision(corpus_report):
    # (0.565, not 0.57: a .NET frame is named as its file and line too, which the written
    # labels do not name and the other corpora's do; role_entities.DOTNET_FRAMES_READ)
    assert corpus_report.entity_precision >= 0.565, _noise(corpus_report)


def test_simulator_category_accuracy(simulator_report):
    assert simulator_report.category_accuracy >= 0.97, _explain(simulator_report)


def test_simulator_error_line_accuracy(simulator_report):
    assert simulator_report.line_accuracy >= 0.96, _explain(simulator_report)


def test_simulator_entity_recall(simulator_report):
    assert simulator_report.entity_recall >= 0.90


def test_simulator_entity_precision(simulator_report):
    assert simulator_report.entity_precision >= 0.55, _noise(simulator_report)


def _noise(report: QualityReport) -> str:
    return "\n".join(
        f"{o.sample.name}: {list(o.unlabelled_entities)}"
        for o in report.outcomes
        if o.unlabelled_entities
    )


# "label: detail on|in|for|with SUBJECT (RC n)"
_SUBJECT = re.compile(r" (?:on|in|for|with) (\S+)(?: \(RC -?\d+\))?$")


def test_root_cause_sentences_name_a_real_subject_once(corpus_report, simulator_report):
    for outcome in corpus_report.outcomes + simulator_report.outcomes:
        analysis = outcome.analysis
        sentence = analysis.root_cause
        subject = _SUBJECT.search(sentence)
        if subject is not None:
            assert len(subject.group(1)) >= 3, (outcome.sample.name, sentence)
        for entity in analysis.entities:
            # a code named twice ("OutOfMemoryError OutOfMemoryError") reads as a glitch
            assert (
                len(re.findall(r"(?<![\w.])" + re.escape(entity) + r"(?![\w])", sentence)) <= 1
            ), (
                outcome.sample.name,
                sentence,
            )


def test_confident_answers_are_right_more_often_than_unsure_ones(corpus_report, simulator_report):
    outcomes = corpus_report.outcomes + simulator_report.outcomes
    confident = [o for o in outcomes if o.analysis.confidence >= 0.8]
    assert confident
    right = sum(o.category_ok and o.line_ok for o in confident) / len(confident)
    assert right >= 0.95

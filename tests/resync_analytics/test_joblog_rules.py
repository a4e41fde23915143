"""Every message family recognises its examples, and the prefilter lets them through."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.exit_codes import explain_exit_code
from resync_analytics.joblog.prefilter import has_needle
from resync_analytics.joblog.rules import RULES, match_rule

EXAMPLES = [(rule, example) for rule in RULES for example in rule.examples]


@pytest.mark.parametrize(
    ("rule", "example"), EXAMPLES, ids=[f"{r.name}:{e[:30]}" for r, e in EXAMPLES]
)
def test_rule_examples_match_their_own_rule(rule, example):
    assert has_needle(example), "the prefilter would never show this line to the rules"
    matched = match_rule(example)
    assert matched is not None
    assert matched.category == rule.category, matched.name


def test_every_rule_has_an_example():
    assert all(rule.examples for rule in RULES)


@pytest.mark.parametrize(
    "line",
    [
        "Running /opt/app/bin/error_report.sh",
        "INSERT INTO ERRORS_TABLE VALUES (1)",
        "step finished",
        "rows loaded: 1200",
    ],
)
def test_names_and_ordinary_lines_state_no_error(line):
    rule = match_rule(line)
    assert rule is None or rule.tier <= 1


@pytest.mark.parametrize(
    ("code", "category"),
    [
        (0, "success"),
        (124, "timeout"),
        (126, "permission_denied"),
        (127, "command_not_found"),
        (137, "out_of_memory"),
        (139, "signal_or_crash"),
        (143, "signal_or_crash"),
    ],
)
def test_exit_code_conventions(code, category):
    meaning = explain_exit_code(code)
    assert meaning is not None and meaning.category == category


def test_ordinary_exit_codes_say_nothing():
    assert explain_exit_code(1) is None and explain_exit_code(None) is None

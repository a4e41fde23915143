"""Ordinary lines state no error, and exit codes keep their conventions. (Every family's
examples are checked in test_joblog_knowledge.py, generated from the knowledge file.)"""

from __future__ import annotations

import pytest

from resync_analytics.joblog.exit_codes import explain_exit_code
from resync_analytics.joblog.rules import match_rule


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

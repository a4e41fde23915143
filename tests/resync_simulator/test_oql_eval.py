"""OQL evaluation as the simulated engine runs it: matching, LIKE, ordering."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resync_core.oql import MAX_NESTING, Field, Query, parse_query
from resync_simulator.oql_eval import compile_like, compile_query, matches, sort_records
from tests.resync_core.oql_strategies import expressions, fields, scalars

RECORD = {
    "name": "PAY'ROLL",
    "priority": 50,
    "workstation": "/FTA001",
    "jobOptions": {"critical": True},
    "endTime": "2025-03-14T02:00:06.000Z",
    "jobruns": [
        {"commonStatus": "ERROR", "returnCode": 8, "timeInfo": {"elapsedTime": "PT4M"}},
        {"commonStatus": "SUCCESSFUL", "returnCode": 0, "timeInfo": {"elapsedTime": "PT1M"}},
    ],
}


def test_evaluation_fans_out_over_lists() -> None:
    def holds(text: str) -> bool:
        return matches(parse_query(text), RECORD)

    assert holds("jobruns.returnCode = 8")
    assert holds("jobruns.commonStatus IN ['ERROR']")
    assert not holds("jobruns.commonStatus = 'RUNNING'")
    assert holds("jobruns.commonStatus NOT IN ['RUNNING']")
    assert not holds("jobruns.commonStatus != 'ERROR'")  # negation: no run is ERROR
    assert holds("jobruns.returnCode > 4 AND jobOptions.critical = true")
    assert holds("name = 'PAY''ROLL' AND workstation LIKE '/FTA0??'")
    assert not holds("workstation LIKE 'FTA@'")
    assert holds("missing = null") and not holds("name = null")
    assert holds("endTime > '2025-03-14T02:00:05Z' AND endTime < '2025-03-15T00:00:00.000Z'")
    assert holds("endTime = '2025-03-14T02:00:06Z'")  # same instant, other spelling
    assert holds("jobruns.timeInfo.elapsedTime >= 'PT3M'")
    assert not holds("priority = '50'")  # no coercion between strings and numbers
    assert holds("priority >= 50 AND priority < 50.5")


def test_sort_orders_by_several_fields() -> None:
    records = [{"n": "b", "p": 1}, {"n": "a", "p": 2}, {"n": "a", "p": 1}, {"p": 3}]
    query = parse_query("ORDER BY n ASC, p DESC")
    assert sort_records(query, records) == [{"p": 3}, {"n": "a", "p": 2}, {"n": "a", "p": 1},
                                   {"n": "b", "p": 1}]  # fmt: skip


# ------------------------------------------------------------------ property tests


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_string_value_matches_only_itself(value: str) -> None:
    parsed = parse_query(str(Query(Field("name") == value)))
    assert matches(parsed, {"name": value})
    assert not matches(parsed, {"name": value + "x"})


@settings(max_examples=150, deadline=None)
@given(expressions, st.dictionaries(fields, scalars, max_size=4))
def test_parsed_query_evaluates_like_the_built_one(expr, record) -> None:
    built = Query(expr)
    assert matches(parse_query(str(built)), record) == matches(built, record)


# --------------------------------------------------------------------------------------------
# LIKE in linear time, bounded nesting


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("@" * 200 + "Z", "A" * 5000),  # backtracked for ever as a regex of 200 ".*"
        ("@A" * 100 + "Z", "A" * 5000),  # not cured by merging consecutive "@"
        ("?@" * 100 + "Z", "A" * 5000),
    ],
)
def test_pathological_like_patterns_answer_at_once(pattern: str, text: str) -> None:
    predicate = compile_query(parse_query(f"name LIKE '{pattern}'"))
    started = time.perf_counter()
    assert predicate({"name": text}) is False
    assert predicate({"name": text + "Z"}) is True
    assert time.perf_counter() - started < 1.0  # generous: it takes milliseconds


def _reference_like(pattern: str, text: str) -> bool:
    regex = "".join(".*" if c == "@" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.DOTALL) is not None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab@?", max_size=8), st.text(alphabet="abc", max_size=10))
def test_like_agrees_with_the_wildcard_definition(pattern: str, text: str) -> None:
    assert compile_like(pattern).fullmatch(text) is _reference_like(pattern, text)


def test_nesting_up_to_the_bound_parses_and_evaluates() -> None:
    query = parse_query("(" * MAX_NESTING + "a = 1" + ")" * MAX_NESTING)
    assert matches(query, {"a": 1}) and not matches(query, {"a": 2})

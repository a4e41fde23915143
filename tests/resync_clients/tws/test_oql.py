"""OQL: parsing, evaluation and the injection-safe builder."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resync_clients.tws.oql import (
    MAX_NESTING,
    And,
    Comparison,
    Field,
    Op,
    OQLSyntaxError,
    Or,
    Query,
    compile_like,
    parse_query,
)

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


def test_builder_renders_the_documented_shape() -> None:
    q = (Field("name") == "PAY'ROLL") & Field("jobruns.commonStatus").in_(["ERROR", "RUNNING"])
    q = q | Field("workstation").like("FTA@")
    assert str(Query(q, order_by=[("name", "ASC")])) == (
        "(name = 'PAY''ROLL' AND jobruns.commonStatus IN ['ERROR','RUNNING']) "
        "OR workstation LIKE 'FTA@' ORDER BY name ASC"
    )


def test_builder_renders_instants_durations_and_uuids() -> None:
    cest = timezone(timedelta(hours=2))
    assert str(Field("x") >= datetime(2025, 3, 1, 2, 0, tzinfo=cest)) == (
        "x >= '2025-03-01T00:00:00.000Z'"
    )
    assert str(Field("d") < timedelta(hours=4, seconds=20)) == "d < 'PT4H20S'"
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert str(Field("id") == ident) == f"id = '{ident}'"
    with pytest.raises(ValueError):
        _ = Field("x") >= datetime(2025, 3, 1)  # naive: ambiguous


def test_builder_rejects_bad_field_names_and_values() -> None:
    for bad in ("", "a b", "name'", "AND", "1abc", "a..b"):
        with pytest.raises(ValueError):
            Field(bad)
    with pytest.raises(TypeError):
        _ = Field("x") == object()
    with pytest.raises(ValueError):
        _ = Field("x") == float("nan")


def test_precedence_and_binds_tighter_than_or() -> None:
    query = parse_query("a = 1 OR b = 2 AND c = 3")
    assert query.where == Or(
        (Comparison("a", Op.EQ, 1), And((Comparison("b", Op.EQ, 2), Comparison("c", Op.EQ, 3))))
    )
    grouped = parse_query("(a = 1 OR b = 2) AND c = 3")
    assert isinstance(grouped.where, And)


def test_parses_every_operator_and_value_kind() -> None:
    query = parse_query(
        "a = 'x''y' AND b != -1.5e3 AND c < 3 AND d <= 4 AND e > true AND f >= null "
        "AND g IN ['p', 2] AND h NOT IN [] AND i like 'A?@' AND j NOT LIKE '@Z' "
        "order by a desc, b"
    )
    ops = [c.op for c in query.where.operands]  # type: ignore[union-attr]
    assert ops == [Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE, Op.IN, Op.NOT_IN, Op.LIKE, Op.NOT_LIKE]
    assert query.where.operands[0].value == "x'y"  # type: ignore[union-attr]
    assert query.where.operands[1].value == -1500.0  # type: ignore[union-attr]
    assert query.order_by == (("a", "DESC"), ("b", "ASC"))


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("name =", 6),
        ("name = 'abc", 7),
        ("(a = 1", 6),
        ("a IN [1,", 8),
        ("a = 1 b = 2", 6),
        ("a == 1", 3),
        ("a = 1 ORDER name", 12),
        ("a NOT = 1", 6),
        ("AND = 1", 0),
        ("a = 1 AND", 9),
        ("a LIKE 3", 7),
        ("a = #", 4),
    ],
)
def test_malformed_queries_report_the_position(text: str, position: int) -> None:
    with pytest.raises(OQLSyntaxError) as info:
        parse_query(text)
    assert info.value.position == position


def test_evaluation_fans_out_over_lists() -> None:
    def matches(text: str) -> bool:
        return parse_query(text).matches(RECORD)

    assert matches("jobruns.returnCode = 8")
    assert matches("jobruns.commonStatus IN ['ERROR']")
    assert not matches("jobruns.commonStatus = 'RUNNING'")
    assert matches("jobruns.commonStatus NOT IN ['RUNNING']")
    assert not matches("jobruns.commonStatus != 'ERROR'")  # negation: no run is ERROR
    assert matches("jobruns.returnCode > 4 AND jobOptions.critical = true")
    assert matches("name = 'PAY''ROLL' AND workstation LIKE '/FTA0??'")
    assert not matches("workstation LIKE 'FTA@'")
    assert matches("missing = null") and not matches("name = null")
    assert matches("endTime > '2025-03-14T02:00:05Z' AND endTime < '2025-03-15T00:00:00.000Z'")
    assert matches("endTime = '2025-03-14T02:00:06Z'")  # same instant, other spelling
    assert matches("jobruns.timeInfo.elapsedTime >= 'PT3M'")
    assert not matches("priority = '50'")  # no coercion between strings and numbers
    assert matches("priority >= 50 AND priority < 50.5")


def test_sort_orders_by_several_fields() -> None:
    records = [{"n": "b", "p": 1}, {"n": "a", "p": 2}, {"n": "a", "p": 1}, {"p": 3}]
    query = parse_query("ORDER BY n ASC, p DESC")
    assert query.sort(records) == [{"p": 3}, {"n": "a", "p": 2}, {"n": "a", "p": 1},
                                   {"n": "b", "p": 1}]  # fmt: skip


# ------------------------------------------------------------------ property tests

_names = st.from_regex(r"[a-z][A-Za-z0-9_]{0,6}(\.[a-z][A-Za-z0-9_]{0,6}){0,2}", fullmatch=True)
_fields = _names.filter(
    lambda n: (
        n.upper()
        not in {
            "AND",
            "OR",
            "NOT",
            "IN",
            "LIKE",
            "ORDER",
            "BY",
            "ASC",
            "DESC",
            "TRUE",
            "FALSE",
            "NULL",
        }
    )
)
_scalars = st.one_of(
    st.text(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.datetimes(timezones=st.just(UTC)),
    st.uuids(),
)


def _comparisons() -> st.SearchStrategy:
    field = _fields.map(Field)
    return st.one_of(
        st.builds(lambda f, v: f == v, field, _scalars),
        st.builds(lambda f, v: f != v, field, _scalars),
        st.builds(lambda f, v: f < v, field, _scalars),
        st.builds(lambda f, v: f >= v, field, _scalars),
        st.builds(lambda f, vs: f.in_(vs), field, st.lists(_scalars, max_size=4)),
        st.builds(lambda f, vs: f.not_in(vs), field, st.lists(_scalars, max_size=4)),
        st.builds(lambda f, p: f.like(p), field, st.text()),
        st.builds(lambda f, p: f.not_like(p), field, st.text()),
    )


_expressions = st.recursive(
    _comparisons(),
    lambda inner: st.one_of(
        st.builds(lambda a, b: a & b, inner, inner), st.builds(lambda a, b: a | b, inner, inner)
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(_expressions, st.lists(st.tuples(_fields, st.sampled_from(["ASC", "DESC"])), max_size=2))
def test_built_queries_parse_back_to_the_same_ast(expr, order_by) -> None:
    query = Query(expr, order_by=order_by)
    assert parse_query(str(query)) == query


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_string_value_round_trips_and_cannot_inject(value: str) -> None:
    query = Query(Field("name") == value)
    parsed = parse_query(str(query))
    assert parsed.where == Comparison("name", Op.EQ, value)
    assert parsed.matches({"name": value})
    assert not parsed.matches({"name": value + "x"})


@settings(max_examples=150, deadline=None)
@given(_expressions, st.dictionaries(_fields, _scalars, max_size=4))
def test_parsed_query_evaluates_like_the_built_one(expr, record) -> None:
    built = Query(expr)
    assert parse_query(str(built)).matches(record) == built.matches(record)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="()[]',=<>!@? ANDORNTILKEabc0123.-")))
def test_garbage_only_ever_raises_oql_syntax_error(text: str) -> None:
    try:
        query = parse_query(text)
    except OQLSyntaxError as exc:
        assert 0 <= exc.position <= len(text)
    else:
        assert parse_query(str(query)) == query


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
    predicate = parse_query(f"name LIKE '{pattern}'").compile()
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


def test_deeply_nested_parentheses_are_a_syntax_error_with_a_position() -> None:
    depth = MAX_NESTING + 1
    with pytest.raises(OQLSyntaxError) as caught:
        parse_query("(" * depth + "a = 1" + ")" * depth)
    assert "nested" in caught.value.message and caught.value.position == MAX_NESTING
    with pytest.raises(OQLSyntaxError):
        parse_query("(" * 100_000)  # would be a RecursionError without the bound


def test_nesting_up_to_the_bound_parses_and_evaluates() -> None:
    query = parse_query("(" * MAX_NESTING + "a = 1" + ")" * MAX_NESTING)
    assert query.matches({"a": 1}) and not query.matches({"a": 2})

"""OQL, the language: the injection-safe builder, rendering and the parser."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resync_core.oql import (
    MAX_NESTING,
    And,
    Comparison,
    Field,
    Op,
    OQLSyntaxError,
    Or,
    Query,
    parse_query,
)
from tests.resync_core.oql_strategies import expressions, fields


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


# ------------------------------------------------------------------ property tests


@settings(max_examples=200, deadline=None)
@given(expressions, st.lists(st.tuples(fields, st.sampled_from(["ASC", "DESC"])), max_size=2))
def test_built_queries_parse_back_to_the_same_ast(expr, order_by) -> None:
    query = Query(expr, order_by=order_by)
    assert parse_query(str(query)) == query


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_string_value_round_trips_and_cannot_inject(value: str) -> None:
    parsed = parse_query(str(Query(Field("name") == value)))
    assert parsed.where == Comparison("name", Op.EQ, value)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="()[]',=<>!@? ANDORNTILKEabc0123.-")))
def test_garbage_only_ever_raises_oql_syntax_error(text: str) -> None:
    try:
        query = parse_query(text)
    except OQLSyntaxError as exc:
        assert 0 <= exc.position <= len(text)
    else:
        assert parse_query(str(query)) == query


def test_deeply_nested_parentheses_are_a_syntax_error_with_a_position() -> None:
    depth = MAX_NESTING + 1
    with pytest.raises(OQLSyntaxError) as caught:
        parse_query("(" * depth + "a = 1" + ")" * depth)
    assert "nested" in caught.value.message and caught.value.position == MAX_NESTING
    with pytest.raises(OQLSyntaxError):
        parse_query("(" * 100_000)  # would be a RecursionError without the bound

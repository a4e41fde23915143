"""Evaluating OQL queries against records, as the simulated TWS engine does for ``?oql=``.

The language itself (AST, :class:`~resync_core.oql.Field` builder, rendering, parser) is in
:mod:`resync_core.oql`; this module answers "which records match, in what order":

- :func:`compile_query` turns a :class:`~resync_core.oql.Query` into a predicate, for
  filtering many records; :func:`matches` checks one record;
- :func:`sort_records` orders records by the query's ``ORDER BY``;
- :func:`compile_like` matches a ``LIKE`` pattern (``@`` any string, ``?`` one character) in
  linear time.

Records are any object with a ``get(key)`` method, typically a dict. A list met along a dotted
path fans out, so ``jobruns.returnCode = 8`` holds when any run has RC 8. Instants, durations
and UUIDs written as strings in the query compare as what they denote. No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Protocol

from resync_core.oql import And, Comparison, Expr, Op, Or, Query, Scalar

__all__ = [
    "LikePattern",
    "Record",
    "compile_like",
    "compile_query",
    "matches",
    "resolve",
    "sort_records",
]


class Record(Protocol):
    """What a query is evaluated against: anything with ``get(key)`` (dicts qualify)."""

    def get(self, key: str, /) -> Any: ...


_MISSING: Any = object()


def resolve(record: Any, path: str) -> list[Any]:
    """Values at a dotted path; lists along the way fan out (``*`` steps into a list).

    A missing key yields no value, an explicit None yields ``[None]``.
    """
    current = [record]
    for part in path.split("."):
        following: list[Any] = []
        for item in current:
            if part == "*":
                if isinstance(item, list | tuple):
                    following.extend(item)
                continue
            if isinstance(item, list | tuple):
                for element in item:
                    value = element.get(part, _MISSING) if hasattr(element, "get") else _MISSING
                    if value is not _MISSING:
                        following.append(value)
            elif hasattr(item, "get"):
                value = item.get(part, _MISSING)
                if value is not _MISSING:
                    following.append(value)
        current = following
    flat: list[Any] = []
    for value in current:
        if isinstance(value, list | tuple):
            flat.extend(value)
        else:
            flat.append(value)
    return flat


_DURATION_RE = re.compile(
    r"(?P<sign>-)?P(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)


def _parse_duration(text: str) -> timedelta | None:
    match = _DURATION_RE.fullmatch(text)
    if match is None or text.endswith(("P", "T")):
        return None
    parts = {k: float(v) for k, v in match.groupdict().items() if v and k != "sign"}
    if not parts:
        return None
    delta = timedelta(
        days=parts.get("d", 0), hours=parts.get("h", 0), minutes=parts.get("m", 0)
    ) + timedelta(seconds=parts.get("s", 0))
    return -delta if match.group("sign") else delta


def _parse_instant(text: str) -> datetime | None:
    if len(text) < 10 or not text[:4].isdigit() or text[4] != "-":
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _coercer(literal: Scalar) -> Callable[[Any], Any] | None:
    """How to read record values so they compare with ``literal``, if it denotes a time."""
    if isinstance(literal, str):
        if _parse_instant(literal) is not None:
            return lambda v: (
                _parse_instant(v)
                if isinstance(v, str)
                else (v if isinstance(v, datetime) else _MISSING)
            )
        if _parse_duration(literal) is not None:
            return lambda v: (
                _parse_duration(v)
                if isinstance(v, str)
                else (v if isinstance(v, timedelta) else _MISSING)
            )
    return None


def _comparable(literal: Scalar) -> Any:
    if isinstance(literal, str):
        return _parse_instant(literal) or _parse_duration(literal) or literal
    return literal


def _same_kind(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return True
    return type(a) is type(b)


class LikePattern:
    """A ``LIKE`` pattern (``@`` any string, ``?`` one character) matched in linear time.

    A regex with one ``.*`` per ``@`` backtracks: ``@@@@@@@@@Z`` against a long name takes
    seconds and each further ``@`` multiplies it. Here the pattern is split at ``@`` into
    fixed-length pieces (literals and ``?``); the first must match at the start, the last at
    the end, and the others are found left to right, each at its earliest place — for
    fixed-length pieces the earliest place is always a safe choice, so nothing is retried.
    """

    __slots__ = ("_first", "_last", "_middle", "_minimum", "_single")

    def __init__(self, pattern: str) -> None:
        pieces = pattern.split("@")
        compiled = [re.compile(_piece_regex(p), re.DOTALL) for p in pieces]
        self._single = compiled[0] if len(pieces) == 1 else None
        self._first = (compiled[0], len(pieces[0]))
        self._last = (compiled[-1], len(pieces[-1]))
        self._middle = [c for c, p in zip(compiled[1:-1], pieces[1:-1], strict=True) if p]
        self._minimum = sum(len(p) for p in pieces)

    def fullmatch(self, text: str) -> bool:
        """True if the whole of ``text`` matches the pattern."""
        if self._single is not None:
            return self._single.fullmatch(text) is not None
        if len(text) < self._minimum:
            return False
        first, first_len = self._first
        last, last_len = self._last
        end = len(text) - last_len
        if first.match(text) is None or last.fullmatch(text, end) is None:
            return False
        position = first_len
        for piece in self._middle:
            found = piece.search(text, position, end)
            if found is None:
                return False
            position = found.end()
        return True


def _piece_regex(piece: str) -> str:
    # Literals and "?" only: no quantifier, so a search is at worst len(text) x len(piece).
    return "".join("." if char == "?" else re.escape(char) for char in piece)


def compile_like(pattern: str) -> LikePattern:
    """A matcher for a ``LIKE`` pattern; ``compile_like(p).fullmatch(text)`` is a bool."""
    return LikePattern(pattern)


def _compile(expr: Expr) -> Callable[[Record], bool]:
    if isinstance(expr, And):
        parts = [_compile(o) for o in expr.operands]
        return lambda r: all(p(r) for p in parts)
    if isinstance(expr, Or):
        parts = [_compile(o) for o in expr.operands]
        return lambda r: any(p(r) for p in parts)
    return _compile_comparison(expr)


def _compile_comparison(cmp: Comparison) -> Callable[[Record], bool]:
    path = cmp.field
    simple = "." not in path and "*" not in path

    def values_of(record: Any) -> list[Any]:
        if simple:
            value = record.get(path, _MISSING)
            if value is _MISSING:
                return []
            return list(value) if isinstance(value, list | tuple) else [value]
        return resolve(record, path)

    op = cmp.op
    if op in (Op.LIKE, Op.NOT_LIKE):
        pattern = LikePattern(cmp.value)  # type: ignore[arg-type]

        def like(record: Any) -> bool:
            return any(isinstance(v, str) and pattern.fullmatch(v) for v in values_of(record))

        return like if op is Op.LIKE else (lambda r: not like(r))

    literals = cmp.value if isinstance(cmp.value, tuple) else (cmp.value,)
    targets = [(_coercer(lit), _comparable(lit), lit) for lit in literals]

    def equal(value: Any) -> bool:
        for coerce, target, raw in targets:
            if raw is None:
                if value is None:
                    return True
                continue
            candidate = coerce(value) if coerce else value
            if _same_kind(candidate, target) and candidate == target:
                return True
        return False

    if op in (Op.EQ, Op.IN):
        if literals == (None,) or (None in literals and op is Op.IN):

            def eq_null(record: Any) -> bool:
                values = values_of(record)
                return not values or any(equal(v) for v in values)

            return eq_null
        return lambda r: any(equal(v) for v in values_of(r))
    if op in (Op.NE, Op.NOT_IN):
        positive = _compile_comparison(Comparison(path, Op.IN, literals))
        return lambda r: not positive(r)

    coerce, target, raw = targets[0]
    compare = {
        Op.LT: lambda a, b: a < b,
        Op.LE: lambda a, b: a <= b,
        Op.GT: lambda a, b: a > b,
        Op.GE: lambda a, b: a >= b,
    }[op]
    if raw is None:
        return lambda _r: False

    def ordered(record: Any) -> bool:
        for value in values_of(record):
            candidate = coerce(value) if coerce else value
            if _same_kind(candidate, target) and compare(candidate, target):
                return True
        return False

    return ordered


def _sort_key(record: Any, path: str) -> tuple[int, Any]:
    values = resolve(record, path)
    value = values[0] if values else None
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (2, value)
    if isinstance(value, datetime):
        return (3, value.timestamp())
    return (4, str(value))


def compile_query(query: Query) -> Callable[[Record], bool]:
    """A predicate telling whether a record satisfies ``query``'s filter (all do without one).

    Compile once and call per record when filtering many: the work of reading the literals
    and ``LIKE`` patterns is done here, not per record.
    """
    if query.where is None:
        return _always_true
    return _compile(query.where)


def matches(query: Query, record: Record) -> bool:
    """True if ``record`` satisfies ``query``'s filter (always true without one)."""
    return compile_query(query)(record)


def sort_records(query: Query, records: Iterable[Any]) -> list[Any]:
    """``records`` sorted by ``query.order_by`` (stable; missing values sort first ascending)."""
    ordered = list(records)
    for name, direction in reversed(query.order_by):
        ordered.sort(key=partial(_sort_key, path=name), reverse=direction == "DESC")
    return ordered


def _always_true(_record: Record) -> bool:
    return True

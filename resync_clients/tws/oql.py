"""OQL, the Orchestration Query Language of the TWS REST API v2: parse, evaluate and build.

A query is ``field op value`` terms joined by ``AND``/``OR`` (``AND`` binds tighter), with
parentheses and an optional trailing ``ORDER BY field [ASC|DESC][, ...]``::

    name LIKE 'PAY@' AND (jobruns.commonStatus IN ['ERROR','RUNNING'] OR priority >= 50)
    ORDER BY name DESC

Operators: ``= != < <= > >= IN [..] NOT IN [..] LIKE NOT LIKE``. ``LIKE`` patterns use ``@`` for
any string and ``?`` for one character. Values are ``'strings'`` (a quote is written twice),
numbers, ``true``/``false``/``null``; instants (``'2025-03-01T00:00:00.000Z'``), durations
(``'PT4H20S'``) and UUIDs are written as strings and compared as what they denote. Keywords are
case-insensitive, field names are case-sensitive dotted paths.

Three uses:

- :func:`parse_query` turns text into a :class:`Query` (raises :class:`OQLSyntaxError` with the
  0-based character position of the problem);
- :meth:`Query.matches` / :meth:`Query.compile` / :meth:`Query.sort` evaluate a query against
  records (any object with a ``get(key)`` method, typically a dict; a list met along a dotted
  path fans out, so ``jobruns.returnCode = 8`` holds when any run has RC 8);
- :class:`Field` builds queries in Python so that values are always quoted correctly::

      q = (Field("name") == "PAY'ROLL") & Field("jobruns.commonStatus").in_(["ERROR"])
      str(Query(q, order_by=[("name", "ASC")]))

This module does no I/O.
"""

from __future__ import annotations

import enum
import math
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeAlias

__all__ = [
    "MAX_NESTING",
    "And",
    "Comparison",
    "Expr",
    "Field",
    "LikePattern",
    "OQLSyntaxError",
    "Op",
    "Or",
    "Query",
    "Scalar",
    "compile_like",
    "format_duration",
    "format_instant",
    "parse_query",
]

Scalar: TypeAlias = str | int | float | bool | None
"""A literal as it appears in OQL text (instants, durations and UUIDs are strings)."""


class OQLSyntaxError(ValueError):
    """A malformed OQL query. ``position`` is the 0-based offset in the query text."""

    def __init__(self, message: str, position: int, query: str = "") -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position
        self.query = query


class Op(enum.Enum):
    """Comparison operators, valued by their OQL spelling."""

    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IN = "IN"
    NOT_IN = "NOT IN"
    LIKE = "LIKE"
    NOT_LIKE = "NOT LIKE"


_FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|\*))*")
_RESERVED = frozenset(
    {"AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY", "ASC", "DESC", "TRUE", "FALSE", "NULL"}
)


# --------------------------------------------------------------------------------------------
# AST


@dataclass(frozen=True)
class Comparison:
    """``field op value``; for ``IN``/``NOT IN`` the value is a tuple of scalars."""

    field: str
    op: Op
    value: Scalar | tuple[Scalar, ...]

    def __and__(self, other: Expr) -> Expr:
        return And.of(self, other)

    def __or__(self, other: Expr) -> Expr:
        return Or.of(self, other)

    def __str__(self) -> str:
        if isinstance(self.value, tuple):
            rendered = "[" + ",".join(_render_scalar(v) for v in self.value) + "]"
        else:
            rendered = _render_scalar(self.value)
        return f"{self.field} {self.op.value} {rendered}"


@dataclass(frozen=True)
class And:
    """Conjunction of two or more operands (nested ``And`` are flattened)."""

    operands: tuple[Expr, ...]

    @classmethod
    def of(cls, *operands: Expr) -> And:
        return cls(_flatten(cls, operands))

    def __and__(self, other: Expr) -> Expr:
        return And.of(self, other)

    def __or__(self, other: Expr) -> Expr:
        return Or.of(self, other)

    def __str__(self) -> str:
        return " AND ".join(_render_operand(o) for o in self.operands)


@dataclass(frozen=True)
class Or:
    """Disjunction of two or more operands (nested ``Or`` are flattened)."""

    operands: tuple[Expr, ...]

    @classmethod
    def of(cls, *operands: Expr) -> Or:
        return cls(_flatten(cls, operands))

    def __and__(self, other: Expr) -> Expr:
        return And.of(self, other)

    def __or__(self, other: Expr) -> Expr:
        return Or.of(self, other)

    def __str__(self) -> str:
        return " OR ".join(_render_operand(o) for o in self.operands)


Expr: TypeAlias = Comparison | And | Or


def _flatten(kind: type[And] | type[Or], operands: Iterable[Expr]) -> tuple[Expr, ...]:
    flat: list[Expr] = []
    for operand in operands:
        if isinstance(operand, kind):
            flat.extend(operand.operands)
        elif isinstance(operand, Comparison | And | Or):
            flat.append(operand)
        else:
            raise TypeError(f"cannot combine {type(operand).__name__} into an OQL expression")
    return tuple(flat)


def _render_operand(expr: Expr) -> str:
    # Compound operands are always parenthesised: unambiguous for readers and parsers alike.
    return str(expr) if isinstance(expr, Comparison) else f"({expr})"


def _render_scalar(value: Scalar) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"OQL has no literal for {value!r}")
        return repr(value)
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Query:
    """A filter (``where``, None for "everything") plus an ordering.

    ``order_by`` is a sequence of ``(field, "ASC"|"DESC")``. ``str(query)`` is valid OQL.
    """

    where: Expr | None = None
    order_by: tuple[tuple[str, str], ...] = field(default=())

    def __init__(self, where: Expr | None = None, order_by: Sequence[tuple[str, str]] = ()) -> None:
        normalised = []
        for name, direction in order_by:
            _check_field_name(name)
            upper = direction.upper()
            if upper not in ("ASC", "DESC"):
                raise ValueError(f"sort direction must be ASC or DESC, not {direction!r}")
            normalised.append((name, upper))
        object.__setattr__(self, "where", where)
        object.__setattr__(self, "order_by", tuple(normalised))

    def __str__(self) -> str:
        parts = [] if self.where is None else [str(self.where)]
        if self.order_by:
            parts.append("ORDER BY " + ", ".join(f"{f} {d}" for f, d in self.order_by))
        return " ".join(parts)

    def matches(self, record: Record) -> bool:
        """True if ``record`` satisfies the filter (always true without one)."""
        return self.compile()(record)

    def compile(self) -> Callable[[Record], bool]:
        """A fast predicate equivalent to :meth:`matches`, for filtering many records."""
        if self.where is None:
            return _always_true
        return _compile(self.where)

    def sort(self, records: Iterable[Any]) -> list[Any]:
        """Records sorted by ``order_by`` (stable; missing values sort first ascending)."""
        ordered = list(records)
        for name, direction in reversed(self.order_by):
            ordered.sort(key=lambda r, n=name: _sort_key(r, n), reverse=direction == "DESC")
        return ordered


def _always_true(_record: Record) -> bool:
    return True


# --------------------------------------------------------------------------------------------
# Builder


class Field:
    """A field reference to build comparisons from: ``Field("name") == "X"``.

    Values may be str, int, float, bool, None, timezone-aware datetime (rendered as a UTC
    instant with milliseconds), timedelta (ISO 8601 duration), UUID or a str-valued Enum.
    """

    __slots__ = ("name",)
    __hash__ = None  # type: ignore[assignment]  # == builds a Comparison, not a bool

    def __init__(self, name: str) -> None:
        _check_field_name(name)
        self.name = name

    def __repr__(self) -> str:
        return f"Field({self.name!r})"

    def __eq__(self, value: object) -> Comparison:  # type: ignore[override]
        return Comparison(self.name, Op.EQ, _literal(value))

    def __ne__(self, value: object) -> Comparison:  # type: ignore[override]
        return Comparison(self.name, Op.NE, _literal(value))

    def __lt__(self, value: object) -> Comparison:
        return Comparison(self.name, Op.LT, _literal(value))

    def __le__(self, value: object) -> Comparison:
        return Comparison(self.name, Op.LE, _literal(value))

    def __gt__(self, value: object) -> Comparison:
        return Comparison(self.name, Op.GT, _literal(value))

    def __ge__(self, value: object) -> Comparison:
        return Comparison(self.name, Op.GE, _literal(value))

    def in_(self, values: Iterable[object]) -> Comparison:
        return Comparison(self.name, Op.IN, tuple(_literal(v) for v in values))

    def not_in(self, values: Iterable[object]) -> Comparison:
        return Comparison(self.name, Op.NOT_IN, tuple(_literal(v) for v in values))

    def like(self, pattern: str) -> Comparison:
        """``@`` matches any string, ``?`` one character."""
        return Comparison(self.name, Op.LIKE, _like_pattern(pattern))

    def not_like(self, pattern: str) -> Comparison:
        return Comparison(self.name, Op.NOT_LIKE, _like_pattern(pattern))


def _check_field_name(name: str) -> None:
    if not isinstance(name, str) or not _FIELD_RE.fullmatch(name):
        raise ValueError(f"not an OQL field name: {name!r}")
    if name.upper() in _RESERVED:
        raise ValueError(f"{name!r} is an OQL keyword, not a field name")


def _like_pattern(pattern: object) -> str:
    if not isinstance(pattern, str):
        raise TypeError("LIKE takes a string pattern")
    return pattern


def format_instant(value: datetime) -> str:
    """``2025-03-01T00:00:00.000Z`` for a timezone-aware datetime (converted to UTC)."""
    if value.tzinfo is None:
        raise ValueError("OQL instants need a timezone-aware datetime")
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def format_duration(value: timedelta) -> str:
    """ISO 8601 duration in hours, minutes and seconds, e.g. ``PT4H20S``; negative → ``-PT..``."""
    total_us = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if total_us < 0 else ""
    total_us = abs(total_us)
    hours, rest = divmod(total_us, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, micros = divmod(rest, 1_000_000)
    out = "PT"
    if hours:
        out += f"{hours}H"
    if minutes:
        out += f"{minutes}M"
    if seconds or micros or out == "PT":
        out += f"{seconds}.{micros:06d}".rstrip("0").rstrip(".") + "S"
    return sign + out


def _literal(value: object) -> Scalar:
    if value is None or isinstance(value, bool | int | str):
        if isinstance(value, enum.Enum):
            return _literal(value.value)
        return value  # type: ignore[return-value]
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"OQL has no literal for {value!r}")
        return value
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return _literal(value.value)
    raise TypeError(f"cannot use a {type(value).__name__} as an OQL value")


# --------------------------------------------------------------------------------------------
# Parser

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![A-Za-z0-9_.]))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|\*))*(?![A-Za-z0-9_.]))
  | (?P<op><=|>=|!=|=|<|>)
  | (?P<punct>[()\[\],])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # string number ident op punct eof
    text: str
    pos: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            if text[pos] == "'":
                raise OQLSyntaxError("unterminated string", pos, text)
            raise OQLSyntaxError(f"unexpected character {text[pos]!r}", pos, text)
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(_Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(_Token("eof", "", len(text)))
    return tokens


MAX_NESTING = 64
"""Deepest parenthesis nesting a query may have; deeper is an :class:`OQLSyntaxError`.

The parser (and everything that walks the tree) recurses once per level: an unbounded depth
would end in RecursionError instead of a syntax error a caller can report.
"""


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0

    # -- token helpers
    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "eof":
            self.index += 1
        return token

    def is_keyword(self, word: str, offset: int = 0) -> bool:
        token = self.tokens[min(self.index + offset, len(self.tokens) - 1)]
        return token.kind == "ident" and token.text.upper() == word

    def expect_keyword(self, word: str) -> None:
        if not self.is_keyword(word):
            self.fail(f"expected {word}")
        self.advance()

    def expect_punct(self, char: str) -> None:
        if self.current.kind != "punct" or self.current.text != char:
            self.fail(f"expected {char!r}")
        self.advance()

    def fail(self, message: str, token: _Token | None = None) -> None:
        token = token or self.current
        found = "end of query" if token.kind == "eof" else repr(token.text)
        raise OQLSyntaxError(f"{message}, found {found}", token.pos, self.text)

    # -- grammar
    def parse(self) -> Query:
        where: Expr | None = None
        if self.current.kind != "eof" and not self.is_keyword("ORDER"):
            where = self.parse_or()
        order_by: list[tuple[str, str]] = []
        if self.is_keyword("ORDER"):
            self.advance()
            self.expect_keyword("BY")
            while True:
                name = self.parse_field_name()
                direction = "ASC"
                if self.is_keyword("ASC") or self.is_keyword("DESC"):
                    direction = self.advance().text.upper()
                order_by.append((name, direction))
                if self.current.kind == "punct" and self.current.text == ",":
                    self.advance()
                    continue
                break
        if self.current.kind != "eof":
            self.fail("expected AND, OR, ORDER BY or end of query")
        return Query(where, order_by)

    def parse_or(self) -> Expr:
        operands = [self.parse_and()]
        while self.is_keyword("OR"):
            self.advance()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else Or.of(*operands)

    def parse_and(self) -> Expr:
        operands = [self.parse_primary()]
        while self.is_keyword("AND"):
            self.advance()
            operands.append(self.parse_primary())
        return operands[0] if len(operands) == 1 else And.of(*operands)

    def parse_primary(self) -> Expr:
        if self.current.kind == "punct" and self.current.text == "(":
            if self.depth >= MAX_NESTING:
                self.fail(f"parentheses nested deeper than {MAX_NESTING} levels")
            self.depth += 1
            self.advance()
            inner = self.parse_or()
            self.expect_punct(")")
            self.depth -= 1
            return inner
        return self.parse_comparison()

    def parse_field_name(self) -> str:
        token = self.current
        if token.kind != "ident" or token.text.upper() in _RESERVED:
            self.fail("expected a field name")
        self.advance()
        return token.text

    def parse_comparison(self) -> Comparison:
        name = self.parse_field_name()
        token = self.current
        if token.kind == "op":
            self.advance()
            return Comparison(name, Op(token.text), self.parse_scalar())
        negated = False
        if self.is_keyword("NOT"):
            self.advance()
            negated = True
        if self.is_keyword("IN"):
            self.advance()
            return Comparison(name, Op.NOT_IN if negated else Op.IN, self.parse_list())
        if self.is_keyword("LIKE"):
            self.advance()
            pattern_token = self.current
            if pattern_token.kind != "string":
                self.fail("LIKE expects a quoted pattern")
            self.advance()
            return Comparison(
                name, Op.NOT_LIKE if negated else Op.LIKE, _unquote(pattern_token.text)
            )
        self.fail("expected IN or LIKE after NOT" if negated else "expected an operator")
        raise AssertionError  # unreachable: fail() raises

    def parse_list(self) -> tuple[Scalar, ...]:
        self.expect_punct("[")
        values: list[Scalar] = []
        if self.current.kind == "punct" and self.current.text == "]":
            self.advance()
            return ()
        while True:
            values.append(self.parse_scalar())
            if self.current.kind == "punct" and self.current.text == ",":
                self.advance()
                continue
            self.expect_punct("]")
            return tuple(values)

    def parse_scalar(self) -> Scalar:
        token = self.current
        if token.kind == "string":
            self.advance()
            return _unquote(token.text)
        if token.kind == "number":
            self.advance()
            if any(c in token.text for c in ".eE"):
                value = float(token.text)
                if not math.isfinite(value):
                    self.fail("number out of range", token)
                return value
            return int(token.text)
        if token.kind == "ident":
            upper = token.text.upper()
            if upper in ("TRUE", "FALSE"):
                self.advance()
                return upper == "TRUE"
            if upper == "NULL":
                self.advance()
                return None
        self.fail("expected a value")
        raise AssertionError  # unreachable


def _unquote(text: str) -> str:
    return text[1:-1].replace("''", "'")


def parse_query(text: str) -> Query:
    """Parse OQL text. Raises :class:`OQLSyntaxError` (a ``ValueError``) when malformed."""
    if not isinstance(text, str):
        raise TypeError("OQL text must be a str")
    return _Parser(text).parse()


# --------------------------------------------------------------------------------------------
# Evaluation


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

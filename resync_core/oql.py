"""OQL, the Orchestration Query Language of the TWS REST API v2: the language, built and parsed.

A query is ``field op value`` terms joined by ``AND``/``OR`` (``AND`` binds tighter), with
parentheses and an optional trailing ``ORDER BY field [ASC|DESC][, ...]``::

    name LIKE 'PAY@' AND (jobruns.commonStatus IN ['ERROR','RUNNING'] OR priority >= 50)
    ORDER BY name DESC

Operators: ``= != < <= > >= IN [..] NOT IN [..] LIKE NOT LIKE``. ``LIKE`` patterns use ``@`` for
any string and ``?`` for one character. Values are ``'strings'`` (a quote is written twice),
numbers, ``true``/``false``/``null``; instants (``'2025-03-01T00:00:00.000Z'``), durations
(``'PT4H20S'``) and UUIDs are written as strings and compared as what they denote. Keywords are
case-insensitive, field names are case-sensitive dotted paths.

Two uses here, both pure:

- :func:`parse_query` turns text into a :class:`Query` (raises :class:`OQLSyntaxError` with the
  0-based character position of the problem);
- :class:`Field` builds queries in Python so that values are always quoted correctly::

      q = (Field("name") == "PAY'ROLL") & Field("jobruns.commonStatus").in_(["ERROR"])
      str(Query(q, order_by=[("name", "ASC")]))

Evaluating a query against records (matching, ``LIKE``, ordering) is the simulated engine's
job and lives in :mod:`resync_simulator.oql_eval`; a client only builds and sends queries.

This module does no I/O.
"""

from __future__ import annotations

import enum
import math
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeAlias

__all__ = [
    "MAX_NESTING",
    "And",
    "Comparison",
    "Expr",
    "Field",
    "OQLSyntaxError",
    "Op",
    "Or",
    "Query",
    "Scalar",
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
        return value
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

"""Prefilter needles derived from a family's regexes, so the prefilter and the rules agree.

For a regex the *cover* is a small set of lowercase strings such that every line the regex
matches contains at least one of them. The prefilter looks for covers only, so a line a rule can
match is always shown to the rules. Covers come from the regex's parse tree: runs of literal
characters, small character classes (``[BDE]37`` → ``b37``, ``d37``, ``e37``) and alternations
(``(ERROR|FATAL)`` → ``error``, ``fatal``). A regex without literal text of ``MIN_NEEDLE``
characters (``^\\d{2}\\.\\d{2}``) has no cover; its family then states its needles.

The prefilter lowercases ASCII only, so covers keep non-ASCII letters as the pattern writes
them and avoid them when they can (an upper-case ``Ã`` in the log would not match a needle
written with ``ã``).
"""

from __future__ import annotations

import re
import re._constants as sre_constants
import re._parser as sre_parse
from collections.abc import Iterable
from typing import Any

MIN_NEEDLE = 3
"""Shorter needles hit too many ordinary words to be worth a candidate line."""
_GOOD_ASCII = 5
"""An ASCII-only cover this long is kept; a shorter one competes with covers that hold
non-ASCII letters ("chec" of "échec" loses to "échec")."""
_MAX_SET = 32
"""Largest number of strings one cover may expand to (a product of classes and alternatives)."""

_LITERAL = sre_constants.LITERAL
_IN = sre_constants.IN
_RANGE = sre_constants.RANGE
_CATEGORY = sre_constants.CATEGORY
_DIGIT = sre_constants.CATEGORY_DIGIT
_MAX_CLASS = 16
_AT = sre_constants.AT
_ASSERT = sre_constants.ASSERT
_ASSERT_NOT = sre_constants.ASSERT_NOT
_SUBPATTERN = sre_constants.SUBPATTERN
_BRANCH = sre_constants.BRANCH
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (_AT, _ASSERT, _ASSERT_NOT)

Cover = frozenset[str]


def cover(pattern: str, *, case_sensitive: bool = False) -> Cover | None:
    """The needles one of which every match of ``pattern`` contains; ``None`` when there are
    none of ``MIN_NEEDLE`` characters. Raises :class:`re.error` on a bad pattern."""
    flags = 0 if case_sensitive else re.IGNORECASE
    return _two_pass(list(sre_parse.parse(pattern, flags)))


def _two_pass(items: list[Any]) -> Cover | None:
    ascii_cover = _sequence(items, ascii_only=True)
    if ascii_cover is not None and min(map(len, ascii_cover)) >= _GOOD_ASCII:
        return ascii_cover
    # "Getötet": "get" alone would hit every "get"; the whole word is the better needle
    return _better(ascii_cover, _sequence(items, ascii_only=False))


def _better(a: Cover | None, b: Cover | None) -> Cover | None:
    """The more selective of two covers: longer shortest needle, then fewer needles."""
    if a is None:
        return b
    if b is None:
        return a
    key_a = (min(map(len, a)), -len(a))
    key_b = (min(map(len, b)), -len(b))
    return a if key_a >= key_b else b


def _usable(strings: Iterable[str]) -> Cover | None:
    found = frozenset(strings)
    if not found or min(map(len, found)) < MIN_NEEDLE:
        return None
    return found


def _chars(op: Any, av: Any, ascii_only: bool) -> list[str] | None:
    """The characters one item stands for, when it is a literal or a small class of them."""
    if op is _LITERAL:
        chars = [chr(av)]
    elif op is _IN:
        chars = []
        for item_op, item_av in av:
            if item_op is _LITERAL:
                chars.append(chr(item_av))
            elif item_op is _RANGE:
                chars.extend(chr(c) for c in range(item_av[0], item_av[1] + 1))
            elif item_op is _CATEGORY and item_av is _DIGIT:
                chars.extend("0123456789")
            else:
                return None  # a negation or a wide category (\w, \s)
        if len(chars) > _MAX_CLASS:
            return None
    else:
        return None
    # as the prefilter sees text: ASCII lowercased, other letters as written ("Не удается")
    lowered = sorted({c.lower() if c.isascii() else c for c in chars})
    if ascii_only and any(not c.isascii() for c in lowered):
        return None
    return lowered


def _literal_strings(items: list[Any], ascii_only: bool) -> list[str] | None:
    """All the strings a group matches when it is only literals, classes and alternations."""
    strings = [""]
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        chars = _chars(op, av, ascii_only)
        if chars is not None:
            options = chars
        elif op is _SUBPATTERN:
            inner = _literal_strings(list(av[-1]), ascii_only)
            if inner is None:
                return None
            options = inner
        elif op is _BRANCH:
            options = []
            for branch in av[1]:
                inner = _literal_strings(list(branch), ascii_only)
                if inner is None:
                    return None
                options.extend(inner)
        else:
            return None
        strings = [s + o for s in strings for o in options]
        if len(strings) > _MAX_SET:
            return None
    return strings


def _sequence(items: list[Any], ascii_only: bool) -> Cover | None:
    """The best cover of a sequence of parse items: the best run of literals in it, or the
    cover of one of its mandatory groups."""
    best: Cover | None = None
    run = [""]

    def close() -> None:
        nonlocal best, run
        best = _better(best, _usable(run))
        run = [""]

    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # \b, ^, lookarounds: the literals either side stay adjacent
        options = _chars(op, av, ascii_only)
        if options is None and op in (_SUBPATTERN, _BRANCH):
            options = _literal_strings([(op, av)], ascii_only)
        if options is not None:
            extended = [s + o for s in run for o in options]
            if len(extended) <= _MAX_SET:
                run = extended
                continue
        if op in _REPEATS and av[0] >= 1:
            # the first of a repeated class or literal (\d{4}) still belongs to the run
            body = list(av[2])
            first = _chars(body[0][0], body[0][1], ascii_only) if len(body) == 1 else None
            if first is not None and len(run) * len(first) <= _MAX_SET:
                run = [s + o for s in run for o in first]
        close()
        if op is _SUBPATTERN:
            best = _better(best, _sequence(list(av[-1]), ascii_only))
        elif op is _BRANCH:
            best = _better(best, _branches(av[1], ascii_only))
        elif op in _REPEATS and av[0] >= 1:
            best = _better(best, _sequence(list(av[2]), ascii_only))
    close()
    return best


def _branches(branches: Iterable[Any], ascii_only: bool) -> Cover | None:
    """A cover of an alternation: every branch needs one, and the union covers them all."""
    union: set[str] = set()
    for branch in branches:
        found = _two_pass(list(branch)) if ascii_only else _sequence(list(branch), False)
        if found is None:
            return None
        union |= found
    return frozenset(union) if len(union) <= _MAX_SET * 4 else None

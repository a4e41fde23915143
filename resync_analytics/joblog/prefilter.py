"""The fast first pass: which lines of a big chunk might state an error.

One Aho-Corasick automaton (pyahocorasick) finds all of the knowledge base's needles in a
single pass over a chunk, whatever their number; a compiled regex alternation of the same words
runs ~50x slower. The chunk is lowercased (ASCII) and decoded as Latin-1 so offsets in the text
are offsets in the bytes. Needles with non-ASCII letters are written in lowercase UTF-8 for the
same reason.

The needles are derived from the message families' own patterns
(:mod:`resync_analytics.joblog.knowledge.needles`), so every line a family can match contains
one: the prefilter and the rules cannot disagree. ``QUIET_LINE`` then drops lines logged at a
benign level (INFO, DEBUG, WARN...) before they cost a decode, unless the message after the
level word carries a severity of its own (a wrapper relaying a tool's ``ERROR:`` at INFO).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import ahocorasick

from resync_analytics.joblog.knowledge import KnowledgeBase, knowledge

QUIET_LINE = re.compile(
    rb"[^\n]{0,80}?(?<![\w./-])(?:TRACE|DEBUG|FINEST|FINER|FINE|CONFIG|INFO|NOTICE|WARN|WARNING)"
    rb"(?![\w./-])"
)
"""A line logged at a benign level: the level word sits in the first 80 bytes."""
CAUSE_MARKER = re.compile(rb"Exception|Error:|ORA-|SQLSTATE|Caused by")
"""Words that, before the level word, show it is part of a message ("...Exception: INFO")."""
RELAYED_SEVERITY = re.compile(
    rb"ERR|FATAL|SEVERE|CRIT|ALERT|EMERG|PANIC|\[(?:error|err|fatal|critical)\]|"
    rb"Error|Exception|Failure|AWS[A-Z]{3}\d{3}E"
)
"""A severity of its own in the message a wrapper relays at a benign level ("INFO - ERROR:
relation ... does not exist"): such a line goes on to the classifier, which reads it."""
RELAYED_BYTES = 160
"""How far after the wrapper's level word the prefilter looks for that severity (a superset of
the classifier's window, so the two cannot disagree)."""


def needles() -> tuple[str, ...]:
    """The words the prefilter looks for (lowercase), from the knowledge base."""
    return knowledge().needles


@lru_cache(maxsize=2)
def _automaton(kb: KnowledgeBase) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for needle in kb.needles:
        key = needle.strip() and needle.encode("utf-8").decode("latin-1")
        if key:
            automaton.add_word(key, len(key))
    automaton.make_automaton()
    return automaton


def iter_hit_offsets(lowered: str) -> Iterator[int]:
    """Start offsets of needle hits in ``lowered`` (a chunk from :func:`lower_chunk`), in order."""
    for end, length in _automaton(knowledge()).iter(lowered):
        yield end - length + 1


def lower_chunk(chunk: bytes) -> str:
    """ASCII-lowercase ``chunk`` and map it 1:1 to str so offsets stay byte offsets."""
    return chunk.lower().decode("latin-1")


def has_needle(text: str) -> bool:
    """True when the prefilter would hit ``text`` (for tests and single lines)."""
    return next(iter_hit_offsets(lower_chunk(text.encode("utf-8"))), None) is not None


def is_quiet_line(buf: bytes, start: int, end: int) -> bool:
    """True when the line ``buf[start:end]`` is logged at a benign level (INFO, WARN...)."""
    match = QUIET_LINE.match(buf, start, end)
    if match is None:
        return False
    if CAUSE_MARKER.search(buf, start, match.end()) is not None:
        return False
    relayed_end = min(end, match.end() + RELAYED_BYTES)
    return RELAYED_SEVERITY.search(buf, match.end(), relayed_end) is None

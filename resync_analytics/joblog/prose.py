"""The category the plain words of a root-cause line name: "Connecting to remote server db01
failed", "12 rows rejected", "insufficient authority", "'foo' is not recognized as a command".

A tool new to the knowledge base often states its error in words no message family knows, and
the chosen line is then read only by a generic family (a bare error statement, an unnamed
exception, a consequence) or by none, so the verdict falls to application_error or unknown.
The words of that line (and of the line that continues it when it ends with ":") are matched
against the phrases of ``knowledge/prose_words.toml``. As with identifiers, the reading is kept
only when it is unambiguous: one category, or a pair the lexicon resolves; a programming
fault's phrase or any other mix leaves the verdict generic.

``RESYNC_JOBLOG_PROSE_READING=0`` switches the reading off (to measure what it adds).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from resync_analytics.joblog.knowledge.prose_lexicon import (
    GAP,
    Phrase,
    ProseLexicon,
    prose_lexicon,
)
from resync_analytics.joblog.models import Finding, LogLine
from resync_core.taxonomy import Category

SWITCH_VARIABLE = "RESYNC_JOBLOG_PROSE_READING"
GENERIC_RULES = frozenset(
    {"error_statement", "generic_exception", "named_exception", "consequence", "none"}
)
"""The families (and "none") that read a line without naming what failed: only their verdicts
are read again from the line's words. A specific family is never overridden."""
PROSE_RULE = "prose_words"
"""The rule of a verdict whose category the line's words gave."""
_MAX_GAP = 4
_WORDS = re.compile(r"[a-z0-9]+")
# Names, not prose: a shell variable ($DB_HOST, ${LOCK_DIR}) or a snake_case identifier.
_NAMES = re.compile(r"\$\{?\w+\}?|\w*_\w*")


@dataclass(frozen=True)
class ProseReading:
    """The category a line's words name and the words that named it."""

    category: Category
    words: str

    @property
    def label(self) -> str:
        """The root-cause label: the category's label and the words that named it."""
        name = prose_lexicon().labels[self.category]
        return f"{name} (category from the words '{self.words}')"


def enabled() -> bool:
    """Whether the prose reading is on (``RESYNC_JOBLOG_PROSE_READING`` not ``0``)."""
    return os.environ.get(SWITCH_VARIABLE, "1").strip().lower() not in {"0", "false", "off", "no"}


def _word_matches(pattern: str, word: str) -> bool:
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern


def match_at(phrase: Phrase, words: list[str], start: int) -> int | None:
    """The end of ``phrase`` matched at ``words[start]``, or ``None``; a gap takes as few words
    as it can."""

    def walk(k: int, i: int) -> int | None:
        if k == len(phrase):
            return i
        if phrase[k] == GAP:
            for skip in range(_MAX_GAP + 1):
                end = walk(k + 1, i + skip)
                if end is not None:
                    return end
            return None
        if i < len(words) and _word_matches(phrase[k], words[i]):
            return walk(k + 1, i + 1)
        return None

    return walk(0, start)


def prose_words(text: str) -> list[str]:
    """The lowercase plain words of ``text``, names (variables, snake_case) left out."""
    return _WORDS.findall(_NAMES.sub(" ", text).lower())


def found_phrases(text: str, lex: ProseLexicon) -> list[tuple[Phrase, int, int]]:
    """The phrases (and subjects) of ``text``, left to right, with the span of words each
    covers: at each place the phrase with the most words wins."""
    words = prose_words(text)
    every = [*lex.phrases, *lex.subjects]
    found: list[tuple[Phrase, int, int]] = []
    i = 0
    while i < len(words):
        best: tuple[int, Phrase, int] | None = None  # (literal words, phrase, end)
        for phrase in every:
            end = match_at(phrase, words, i)
            if end is None:
                continue
            size = sum(1 for w in phrase if w != GAP)
            if best is None or size > best[0]:
                best = (size, phrase, end)
        if best is None:
            i += 1
            continue
        found.append((best[1], i, best[2]))
        i = best[2]
    return found


def read_prose(text: str, lex: ProseLexicon | None = None) -> ProseReading | None:
    """The one category the words of ``text`` name, or ``None`` when they name none, name a
    programming fault, or name two categories the lexicon does not resolve."""
    lex = lex or prose_lexicon()
    words = prose_words(text)
    found = found_phrases(text, lex)
    stated = [(p, s, e) for p, s, e in found if p in lex.phrases]
    if not stated:
        return None  # subjects alone say what the line is about, not what went wrong
    if any(lex.phrases[p] is None for p, _, _ in stated):
        return None
    named: set[Category] = {c for p, _, _ in stated if (c := lex.phrases[p]) is not None}
    named |= {lex.subjects[p] for p, _, _ in found if p in lex.subjects}
    if len(named) == 1:
        category = next(iter(named))
    elif len(named) == 2 and frozenset(named) in lex.pairs:
        category = lex.pairs[frozenset(named)]
    else:
        return None
    _, start, end = next((f for f in stated if lex.phrases[f[0]] == category), stated[0])
    return ProseReading(category, " ".join(words[start:end]))


def read_verdict_line(rule: str, line: LogLine, root: Finding | None) -> ProseReading | None:
    """The reading of the line a generic verdict chose (read by ``rule``), with the line that
    continues it when it ends with ":" (a header whose message is on the next line); ``None``
    when the reading is off, the rule is not a generic one or the words name no one category."""
    if not enabled() or rule not in GENERIC_RULES:
        return None
    text = line.text.rstrip()
    if root is not None and root.line == line and root.context_after and text.endswith(":"):
        text = f"{text} {root.context_after[0].text}"
    return read_prose(text)

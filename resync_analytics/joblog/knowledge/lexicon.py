"""Read ``identifier_words.toml``: the words that name an error's kind inside an identifier.

Kept beside ``families.toml`` as data, checked when read: every category must be one of the
taxonomy's, every word lowercase, every pair two known categories in alphabetical order.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from resync_analytics.joblog.knowledge.loader import KnowledgeError
from resync_core.taxonomy import CATEGORIES, Category

LEXICON_FILE = Path(__file__).with_name("identifier_words.toml")
_WORD = re.compile(r"^[a-z0-9]+\*?$")


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Words by category, the category's label, the fault words and the readable pairs."""

    words: Mapping[str, Category | None]
    """Lowercase word (a trailing ``*`` marks a prefix) → its category; ``None``: a fault word."""
    subjects: frozenset[str]
    """The words that name what failed, not how: read only in an error's own identifier."""
    labels: Mapping[Category, str]
    pairs: Mapping[frozenset[Category], Category]


def _words(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise KnowledgeError(f"{LEXICON_FILE.name}: {where}: words must be a list of strings")
    bad = [w for w in value if not _WORD.match(w)]
    if bad:
        raise KnowledgeError(f"{LEXICON_FILE.name}: {where}: not a lowercase word: {bad[0]!r}")
    return value


def parse_lexicon(raw: Mapping[str, Any]) -> Lexicon:
    """The lexicon in ``raw`` (a parsed ``identifier_words.toml``); ``KnowledgeError`` when a
    table names an unknown category, a word is not lowercase or one word has two categories."""
    words: dict[str, Category | None] = {}
    labels: dict[Category, str] = {}
    pairs: dict[frozenset[Category], Category] = {}
    subjects: set[str] = set()
    for key, table in raw.items():
        if key == "pairs":
            continue
        if not isinstance(table, dict):
            raise KnowledgeError(f"{LEXICON_FILE.name}: [{key}] must be a table")
        category: Category | None = None
        if key != "ignore":
            if key not in CATEGORIES:
                raise KnowledgeError(f"{LEXICON_FILE.name}: [{key}]: unknown category")
            category = key  # checked against CATEGORIES above
            labels[key] = str(table.get("label", key))
        listed = _words(table.get("words", []), f"[{key}]")
        named = _words(table.get("subjects", []), f"[{key}] subjects")
        subjects.update(named)
        for word in listed + named:
            if word in words:
                raise KnowledgeError(f"{LEXICON_FILE.name}: [{key}]: {word!r} is listed twice")
            words[word] = category
    for key, outcome in raw.get("pairs", {}).items():
        named = key.split("+")
        if len(named) != 2 or any(n not in labels for n in named) or outcome not in named:
            raise KnowledgeError(
                f"{LEXICON_FILE.name}: [pairs] {key!r}: needs two listed categories, "
                "and one of them as the outcome"
            )
        pairs[frozenset(named)] = outcome
    return Lexicon(words=words, subjects=frozenset(subjects), labels=labels, pairs=pairs)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped identifier lexicon, read once per process."""
    with LEXICON_FILE.open("rb") as handle:
        return parse_lexicon(tomllib.load(handle))

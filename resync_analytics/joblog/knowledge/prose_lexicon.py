"""Read ``prose_words.toml``: the phrases of plain error prose that name an error's kind.

Checked when read like ``identifier_words.toml``: every category one of the taxonomy's, every
word lowercase (a trailing ``*`` marks a prefix, ``...`` a gap), no phrase listed twice, every
pair two listed categories in alphabetical order.
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

PROSE_FILE = Path(__file__).with_name("prose_words.toml")
GAP = "..."
_WORD = re.compile(r"^[a-z0-9]+\*?$")

Phrase = tuple[str, ...]
"""A phrase's words: lowercase words, ``word*`` prefixes and ``...`` gaps."""


@dataclass(frozen=True, eq=False)
class ProseLexicon:
    """Phrases by category, the subjects, the category labels and the readable pairs."""

    phrases: Mapping[Phrase, Category | None]
    """Phrase → its category; ``None``: a programming fault's phrase."""
    subjects: Mapping[Phrase, Category]
    """Words that name what failed: they count only beside another category's phrase."""
    labels: Mapping[Category, str]
    pairs: Mapping[frozenset[Category], Category]


def _phrases(value: Any, where: str) -> list[Phrase]:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise KnowledgeError(f"{PROSE_FILE.name}: {where}: phrases must be a list of strings")
    phrases: list[Phrase] = []
    for text in value:
        words = tuple(text.split())
        literal = [w for w in words if w != GAP]
        if not literal or words[0] == GAP or words[-1] == GAP:
            raise KnowledgeError(f"{PROSE_FILE.name}: {where}: {text!r}: a gap must sit inside")
        bad = [w for w in literal if not _WORD.match(w)]
        if bad:
            raise KnowledgeError(f"{PROSE_FILE.name}: {where}: not a lowercase word: {bad[0]!r}")
        phrases.append(words)
    return phrases


def parse_prose_lexicon(raw: Mapping[str, Any]) -> ProseLexicon:
    """The lexicon in ``raw`` (a parsed ``prose_words.toml``); ``KnowledgeError`` when a table
    names an unknown category, a word is not lowercase or a phrase is listed twice."""
    phrases: dict[Phrase, Category | None] = {}
    subjects: dict[Phrase, Category] = {}
    labels: dict[Category, str] = {}
    pairs: dict[frozenset[Category], Category] = {}
    for key, table in raw.items():
        if key == "pairs":
            continue
        if not isinstance(table, dict):
            raise KnowledgeError(f"{PROSE_FILE.name}: [{key}] must be a table")
        category: Category | None = None
        if key != "ignore":
            if key not in CATEGORIES:
                raise KnowledgeError(f"{PROSE_FILE.name}: [{key}]: unknown category")
            category = key  # checked against CATEGORIES above
            labels[key] = str(table.get("label", key))
        for phrase in _phrases(table.get("phrases", []), f"[{key}]"):
            if phrase in phrases:
                raise KnowledgeError(f"{PROSE_FILE.name}: [{key}]: {phrase!r} is listed twice")
            phrases[phrase] = category
        for phrase in _phrases(table.get("subjects", []), f"[{key}] subjects"):
            if category is None or phrase in phrases or phrase in subjects:
                raise KnowledgeError(f"{PROSE_FILE.name}: [{key}]: subject {phrase!r} misplaced")
            subjects[phrase] = category
    for key, outcome in raw.get("pairs", {}).items():
        named = key.split("+")
        if (
            len(named) != 2
            or named != sorted(named)
            or any(n not in labels for n in named)
            or outcome not in named
        ):
            raise KnowledgeError(
                f"{PROSE_FILE.name}: [pairs] {key!r}: needs two listed categories in "
                "alphabetical order, and one of them as the outcome"
            )
        pairs[frozenset(named)] = outcome
    return ProseLexicon(phrases=phrases, subjects=subjects, labels=labels, pairs=pairs)


@lru_cache(maxsize=1)
def prose_lexicon() -> ProseLexicon:
    """The shipped prose lexicon, read once per process."""
    with PROSE_FILE.open("rb") as handle:
        return parse_prose_lexicon(tomllib.load(handle))

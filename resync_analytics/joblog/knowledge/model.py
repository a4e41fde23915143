"""What the knowledge base holds once loaded: families, errno texts, exit codes, fix steps."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from resync_analytics.joblog.models import Category

STEP_FILTERS = frozenset({"dir", "nc"})
"""What ``{role:filter}`` may ask of a role: its directory, ``host port`` for ``nc``."""
PLACEHOLDER = re.compile(r"\{([\w,]+)(?::(\w+))?(?:\|([^}]*))?\}")
"""``{role}``, ``{role:filter}``, ``{a,b|fallback}`` in a step's text."""


@dataclass(frozen=True)
class StepTemplate:
    """One fix step: ``text`` with ``{role}`` placeholders, shown when its conditions hold."""

    text: str
    when: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    exit_code: int | None = None


@dataclass(frozen=True)
class Family:
    """One message family: its category, how strongly it states a root cause, its pattern.

    ``label`` starts the human root-cause sentence ("Missing file", "Oracle tablespace full").
    ``patterns`` holds the family's own regexes by language; ``errno`` the errno tables it also
    recognises; ``regex`` is all of them compiled into one alternation.
    """

    name: str
    category: Category
    tier: int
    label: str
    regex: re.Pattern[str]
    examples: tuple[str, ...] = ()
    patterns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    errno: tuple[str, ...] = ()
    needles: tuple[str, ...] = ()
    """The prefilter needles this family needs: derived from its patterns, plus stated ones."""
    steps: tuple[StepTemplate, ...] = ()
    replace_steps: bool = False
    """True when ``steps`` replace the category's steps; else they follow them."""
    source: str = ""
    """The file the family's entry came from (the shipped one or the site's extension)."""


@dataclass(frozen=True)
class ExitCodeMeaning:
    category: Category
    label: str


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per load
class KnowledgeBase:
    """Everything the analyser knows about messages, compiled once (see :func:`knowledge`)."""

    families: tuple[Family, ...]
    errno: Mapping[str, Mapping[str, tuple[str, ...]]]
    """Errno name → language → message regexes ("ENOENT" → "de" → "Datei oder ...")."""
    steps: Mapping[str, tuple[StepTemplate, ...]]
    """Category → fix steps."""
    exit_codes: Mapping[int, ExitCodeMeaning]
    signal_categories: Mapping[int, Category]
    signal_default: Category
    signal_label: str
    exit_statement: re.Pattern[str]
    retry: re.Pattern[str]
    """A retry in progress, as a whole word or phrase ("retrying", "nova tentativa")."""
    informational: re.Pattern[str]
    """A message with an error-like code that only informs (``SQL3109N``)."""
    needles: tuple[str, ...]
    """Every needle the prefilter looks for: the families', the exit statement's, the extras."""
    sources: tuple[str, ...]

    def family(self, name: str) -> Family:
        """The family called ``name``; ``KeyError`` when there is none."""
        for family in self.families:
            if family.name == name:
                return family
        raise KeyError(name)

    def errno_pattern(self, *names: str) -> str:
        """One regex alternation of the message texts of errno ``names``, all languages
        (``errno_pattern("ENOENT")`` matches "No such file or directory", "Arquivo ou ...")."""
        texts = [
            text for name in names for by in (self.errno[name],) for t in by.values() for text in t
        ]
        return "|".join(f"(?:{text})" for text in texts)

"""Message families: which log lines state an error, and of what kind.

The families are data: ``knowledge/families.toml`` (plus a site's extension file) holds each
family's category, tier, label, patterns by language, examples and fix steps. This module
matches a line against them, in file order, most specific first; the first match names the
line's category.

The scanner's prefilter (:mod:`resync_analytics.joblog.prefilter`) picks candidate lines from
large chunks by needles derived from the same patterns, so a line a family can match always
reaches these rules.
"""

from __future__ import annotations

import re

from resync_analytics.joblog.knowledge import Family, knowledge

Rule = Family
"""A message family as the classifier sees it (``name``, ``category``, ``tier``, ``label``,
``regex``, ``examples``)."""


def rules() -> tuple[Rule, ...]:
    """The message families, in the order they are tried."""
    return knowledge().families


def exit_line() -> re.Pattern[str]:
    """A body line that states a process exit code (``exit code 137``, ``RC=8``)."""
    return knowledge().exit_statement


def match_rule(text: str) -> Rule | None:
    """The first family whose pattern occurs in ``text`` (already cleaned of noise words)."""
    for rule in knowledge().families:
        if rule.regex.search(text):
            return rule
    return None

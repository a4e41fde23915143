"""The category a self-describing identifier names: ``S3AccessDeniedException``,
``RFC_LOGON_FAILURE``, ``ThrottlingException``, ``InsufficientPrivilegeError``.

A tool new to the knowledge base often names its error by an exception class or an error code
whose words say what went wrong, while the line is read only by a generic family ("Unhandled
exception", a bare error statement). Such an identifier is split into words (CamelCase,
snake_case, SCREAMING_CASE; a dotted package prefix is not part of it) and the words are looked
up in the lexicon of ``knowledge/identifier_words.toml``. The reading is kept only when it is
unambiguous: one category across the line's identifiers, or a pair the lexicon resolves; a
word of a programming fault (NullReference) or any other mix leaves the line generic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from resync_analytics.joblog.knowledge.lexicon import Lexicon, lexicon
from resync_core.taxonomy import Category

# An identifier-shaped token: letters and digits with underscores; dots and "$" end it, so the
# last component of "com.snowflake.client.jdbc.SnowflakeSQLLoginException" (or of a nested
# class, "Outer$InnerTimeoutException") is read alone.
# A shell's "$DB_HOST" or "${LOCK_DIR}" is a variable, not an error's name.
_TOKEN = re.compile(
    r"(?:(?<=\w\$)|(?<![\w$]))(?<!\$\{)[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*(?!\w)"
)
_CAMEL = re.compile(r"[a-z0-9][A-Z]|[A-Z]{2}[a-z]")
_SPLIT = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_ERROR_WORDS = frozenset(
    {"exception", "error", "errors", "fault", "failure", "failed", "fail", "exit", "exc"}
)
"""Words that make an identifier an error's own name (a class, a code): its subjects count.
Without one, subjects alone name a component, a setting or a variable (ConnectionPool,
DB_SERVER), not an error."""
_RUN = 5
"""Longest run of adjacent words a lexicon word may span ("Out"+"Of"+"Memory",
"Signature"+"Does"+"Not"+"Match")."""


@dataclass(frozen=True)
class IdentifierReading:
    """The category an identifier's words name, the identifier and the words that named it."""

    category: Category
    identifier: str
    words: tuple[str, ...]


def split_identifier(identifier: str) -> tuple[str, ...]:
    """``S3AccessDeniedException`` → ``('s', '3', 'access', 'denied', 'exception')``."""
    return tuple(
        word.lower() for part in identifier.split("_") for word in _SPLIT.findall(part) if word
    )


def _lookup(run: str, single: bool, lex: Lexicon) -> str | None:
    """The lexicon word ``run`` is (exactly, or by a prefix entry when it is a single word)."""
    if run in lex.words:
        return run
    if f"{run}*" in lex.words:
        return f"{run}*"  # a prefix entry spelled whole ("Provisioned"+"Throughput")
    if single:
        prefixes = [w for w in lex.words if w.endswith("*") and run.startswith(w[:-1])]
        if prefixes:
            return max(prefixes, key=len)
    return None


def lexicon_words(words: tuple[str, ...], lex: Lexicon) -> list[str]:
    """The lexicon words found in ``words``, left to right, the longest at each place."""
    found: list[str] = []
    i = 0
    while i < len(words):
        best: tuple[int, int, str] | None = None  # (matched length, run length, entry)
        for size in range(1, min(_RUN, len(words) - i) + 1):
            entry = _lookup("".join(words[i : i + size]), size == 1, lex)
            if entry is not None and (best is None or len(entry) > best[0]):
                best = (len(entry), size, entry)
        if best is None:
            i += 1
            continue
        found.append(best[2])
        i += best[1]
    return found


def read_identifier(identifier: str, lex: Lexicon | None = None) -> Category | None:
    """The category ``identifier`` names, or ``None`` when it names none or is ambiguous."""
    lex = lex or lexicon()
    words = split_identifier(identifier)
    found = lexicon_words(words, lex)
    if not found:
        return None
    categories = {lex.words[w] for w in found}
    if None in categories:
        return None  # a programming fault's word
    if not _ERROR_WORDS & set(words) and all(w in lex.subjects for w in found):
        return None  # names only what it is about (ConnectionManager, SqlTask)
    named = {c for c in categories if c is not None}
    if len(named) == 1:
        return next(iter(named))
    return lex.pairs.get(frozenset(named)) if len(named) == 2 else None


def identifiers(text: str) -> list[str]:
    """The identifier-shaped tokens of ``text``: CamelCase, snake_case or SCREAMING_CASE ones
    of two words or more, but not the name of a script or program ("Invoke-WithTimeout.ps1",
    "load_timeout_check.sh") or the noun of a PowerShell command ("Invoke-WithTimeout"): a
    command's name says what it does, not what went wrong."""
    return [
        match.group()
        for match in _TOKEN.finditer(text)
        if ("_" in match.group().strip("_") or _CAMEL.search(match.group()))
        and not _SCRIPT_EXTENSION.match(text, match.end())
        and not _COMMAND_VERB.search(text, 0, match.start())
    ]


_SCRIPT_EXTENSION = re.compile(r"\.(?:ps1|psm1|sh|ksh|bash|py|pl|cmd|bat|exe)\b", re.I)
_COMMAND_VERB = re.compile(r"(?<![\w-])[A-Z][a-z]+-$")
"""The verb of a PowerShell command right before a noun ("Invoke-", "Get-")."""


# A setting written "Key=Value" (a connection string's "ApplicationIntent=ReadOnly", a URL's
# "mode=ReadOnly"): its value is what was configured, not an error's name, unless the key
# says it holds one ("reason=OOMKilled", "errorCode=ThrottlingException").
_SETTING = re.compile(
    r"(?<![\w.])([A-Za-z][A-Za-z0-9_]*)\s*=\s*([A-Za-z][A-Za-z0-9_]*)(?=[;&,'\"\s)]|$)"
)
_ERROR_KEYS = _ERROR_WORDS | {"code", "reason", "status", "cause", "state", "result", "type"}


def _setting_values(text: str) -> set[str]:
    """The values of ``text``'s settings whose keys name no error."""
    return {
        value
        for key, value in _SETTING.findall(text)
        if not _ERROR_KEYS & set(split_identifier(key))
    }


def read_line(text: str, lex: Lexicon | None = None) -> IdentifierReading | None:
    """The one category the identifiers of ``text`` name, with the identifier that named it;
    ``None`` when none names one or two name different ones."""
    lex = lex or lexicon()
    readings: dict[Category, str] = {}
    settings = _setting_values(text) if "=" in text else set()
    for token in identifiers(text):
        if token in settings:
            continue
        category = read_identifier(token, lex)
        if category is not None:
            readings.setdefault(category, token)
    if len(readings) != 1:
        return None
    category, token = next(iter(readings.items()))
    return IdentifierReading(category, token, split_identifier(token))

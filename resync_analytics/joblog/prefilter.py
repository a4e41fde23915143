"""The fast first pass: which lines of a big chunk might state an error.

One Aho-Corasick automaton finds all of the knowledge base's needles in a single pass over a
chunk's ASCII-lowercased bytes, whatever their number (:mod:`.needle_hits`; a compiled regex
alternation of the same words runs ~50x slower). Offsets are byte offsets; needles with
non-ASCII letters are written in lowercase UTF-8 for the same reason.

The needles are derived from the message families' own patterns
(:mod:`resync_analytics.joblog.knowledge.needles`), so every line a family can match contains
one: the prefilter and the rules cannot disagree. ``QUIET_LINE`` then drops lines logged at a
benign level (INFO, DEBUG, WARN...) before they cost a decode, unless the message after the
level word carries a severity of its own (a wrapper relaying a tool's ``ERROR:`` at INFO).
"""

from __future__ import annotations

import re

from resync_analytics.joblog.knowledge import knowledge
from resync_analytics.joblog.needle_hits import hit_starts

RELAYED_OPENING = (
    # the wrapper's separator, its thread or logger tag, the tool's own time, in any order
    # (possessive: what they take is never tried again as the severity, which keeps the
    # check cheap on the many quiet lines a needle hits)
    r"\]?(?:[ \t]{0,8}+(?:[-:|>#]{1,3}+|\[(?!(?i:error|err|fatal|critical)\])[^\]\n]{1,24}\]|"
    r"\d[\d:.,T+-]*+Z?)){0,4}+[ \t]{0,8}+"
    r"(?:[A-Z][\w-]*+[ \t]){0,2}?"  # "Database Error", "Runtime Error"
    r"(?=[EFSCAPefscp\[])"  # cheap first-letter check before the alternatives
    r"(?:(?:ERROR|ERR|FATAL|SEVERE|CRITICAL|CRIT|ALERT|EMERG|PANIC|Error|Exception|Failure|"
    r"(?i:error|err|fatal|critical|severe|panic)(?=[ \t]*:)|AWS[A-Z]{3}\d{3}E)(?![\w./-])|"
    r"\[(?i:error|err|fatal|critical)\])"
)
"""How a message that a wrapper relays at a benign level opens when it carries a severity of
its own: after the wrapper's level word, its separator (`` - ``, ``: ``, ``] ``, `` | ``), the
tool's own time and tag, an error level or title ("[ts] {subprocess.py:93} INFO - ERROR:
relation ... does not exist", "INFO - 03:14:54  Database Error in model ..."). Shared by the
prefilter (inside ``QUIET_LINE``) and the classifier, so the two cannot disagree."""
QUIET_LINE = re.compile(
    # The first capital that can start a level word is tried first (possessive, no
    # backtracking); the lazy scan is the fallback for lines with capitals before the level.
    rb"(?:[^\nTDFCINWV]{0,80}+|[^\n]{0,80}?)(?<![\w./-])"
    # Serilog and other .NET loggers write the level in three capitals ("[06:30:04 WRN]")
    rb"(?:TRACE|DEBUG|FINEST|FINER|FINE|CONFIG|INFO|NOTICE|WARN|WARNING|VRB|DBG|INF|WRN)"
    rb"(?![\w./-])"
    rb"(?!" + RELAYED_OPENING.encode("ascii") + rb")"
)
"""A line logged at a benign level: the level word sits in the first 80 bytes, and the message
after it does not open with a severity of its own."""
CHILD_KILLED = r"\b(?:died|exited|terminated)\b.{0,30}\bexit ?code:? -\d{1,2}\b"
"""A scheduler's report, at its own INFO level, of a child a signal ended ("INFO: Task X died
unexpectedly with exit code -9", Python's -N for signal N): the death is no information.
Shared by the prefilter and the classifier."""
_CHILD_KILLED = re.compile(CHILD_KILLED.encode("ascii"))
CAUSE_MARKER = re.compile(rb"Exception|Error:|ORA-|SQLSTATE|Caused by")
"""Words that, before the level word, show it is part of a message ("...Exception: INFO")."""


def needles() -> tuple[str, ...]:
    """The words the prefilter looks for (lowercase), from the knowledge base."""
    return knowledge().needles


def has_needle(text: str) -> bool:
    """True when the scan's needle pass would hit ``text`` (for tests and single lines)."""
    return bool(hit_starts(text.encode("utf-8")))


LOUD, QUIET, WARNING = 0, 1, 2
"""What :func:`quiet_level` says of a line: kept, logged at a benign level below WARN, or
logged at WARN or WARNING (dropped as a candidate, but a retry loop's complaint at that level
may be all a failed job says of its cause, see :mod:`.scan`)."""


def quiet_level(buf: bytes, start: int, end: int) -> int:
    """``LOUD``, ``QUIET`` or ``WARNING`` for the line ``buf[start:end]``."""
    match = QUIET_LINE.match(buf, start, end)
    if match is None:
        return LOUD
    level_end = match.end()
    if CAUSE_MARKER.search(buf, start, level_end) or _CHILD_KILLED.search(buf, level_end, end):
        return LOUD
    # the level word ends the match: WARN ends in "N", WARNING in "NG" (DEBUG and CONFIG end
    # in "G" too), so a byte or two tell a warning from the other benign levels
    last = buf[level_end - 1]
    return WARNING if last == 78 or (last == 71 and buf[level_end - 2] == 78) else QUIET


def is_quiet_line(buf: bytes, start: int, end: int) -> bool:
    """True when the line ``buf[start:end]`` is logged at a benign level (INFO, WARN...)."""
    return quiet_level(buf, start, end) != LOUD

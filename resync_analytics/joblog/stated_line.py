"""Which line of a root cause's neighbourhood states it first.

The chooser picks the finding that best states the cause; the line reported may still be
another one that states the same cause first or in full: the header of the error record the
finding continues (SQL Server's "Msg 208, Level 16, ..."), an IBM i entry's message text, the
first failed attempt of a retry loop that never got past the error, the first error a summary
counts, or a warning that gave the message before the error repeated it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from resync_analytics.joblog.chooser import Scored
from resync_analytics.joblog.knowledge import knowledge
from resync_analytics.joblog.models import GENERIC_CATEGORIES, Category, Finding, LogLine
from resync_analytics.joblog.pattern import error_pattern
from resync_analytics.joblog.rules import match_rule
from resync_analytics.joblog.scan import Candidate

# Leading timestamps, log levels and "tool:file:line:" prefixes say nothing about the cause.
LINE_PREFIX = re.compile(
    r"^(?:\s*(?:\[?\d[\d./:\- T]*\d(?:[.,]\d+)?\]?|[A-Z][a-z]{2} [A-Z][a-z]{2} +\d+ [\d:]+"
    r"(?: [A-Z]{3,4})? \d{4}|-|ERROR:?|FATAL:?|SEVERE:?|CRITICAL:?|[\w.-]+:/\S+:\d+:)\s+)+"
)


def stated_line(
    root: Finding | None,
    first: Scored | None,
    warnings: Sequence[Candidate],
    findings: Sequence[Finding],
) -> LogLine | None:
    """The line that states ``root``'s cause first, when another than its own: ``first`` is
    the chooser's pick before it moved to a better statement, ``warnings`` the scan's WARN-level
    lines, ``findings`` all of the joblog's."""
    return (
        _record_header(root, first)
        or _ibm_i_message_text(root)
        or _first_failed_attempt(root, warnings)
        or _first_retried_repeat(root, findings)
        or _first_of_summarised(root, findings)
        or _stated_first(root)
    )


def _record_header(root: Finding | None, first: Scored | None) -> LogLine | None:
    """The header line of the error record ``root`` continues, when the chooser picked that
    header and moved on to the message under it: a header that gives only the error's code and
    coordinates in "Key value" fields ("Msg 208, Level 16, State 1, Line 128", then "Invalid
    object name 'X'.") is the record's first line, which is the error line reported; the
    message still gives the verdict, its label and entities. A header that says what happened
    in words (a wrapper's "SQL*Loader-128: unable to begin a session", "ORA-39001: invalid
    argument value") is left for the statement under it."""
    if root is None or first is None:
        return None
    header = first.finding
    # the header's own category is its family's (a database error); the message under it
    # may state any cause (an operating system error 112 when a backup's disk is full)
    if (
        root.tier < 4
        or header.tier != 3
        or not 0 < root.line.number - header.line.number <= _HEADER_ABOVE
        or not (
            _FIELDS_ONLY.match(header.line.text)
            or _titles_indented(header, root)
            or _LIBRARY_HEADER.match(header.line.text)
        )
    ):
        return None
    return header.line


def _titles_indented(header: Finding, root: Finding) -> bool:
    """A record's title of the same kind right above its message indented under it (dbt's
    "Database Error in model x (models/x.sql)", then "  syntax error at or near ...")."""
    return (
        header.category == root.category
        and root.line.number - header.line.number == 1
        and not header.line.text[:1].isspace()
        and root.line.text[:1] in (" ", "\t")
    )


_HEADER_ABOVE = 2


def _stated_first(root: Finding | None) -> LogLine | None:
    """The line right before ``root`` that states its message first: a warning or a tool's
    message under its name ("ascp: Client unable to connect to server ..., exiting.") whose
    message the error repeats ("WARNING: Access to the path 'X' is denied.", then
    "Copy-Item : Access to the path 'X' is denied."), or a line at any level that already
    carries the error's whole text ("Rollback for Error: java.lang.OutOfMemoryError:
    Requested array size ..." logged before the exception line itself), or a logger's line
    that carries the whole message a wrapping exception is then thrown with ("Error starting
    action [X]. ... Message [RuntimeException: Failed to connect ...]", then
    "ActionExecutorException: RuntimeException: Failed to connect ..."). The same statement,
    printed first, is the first line of the cause; a shell's echo or trace of a command is not
    a statement."""
    if root is None:
        return None
    text = root.line.text
    core = LINE_PREFIX.sub("", text).strip()
    wrapped = _THROWN_AS.sub("", core, count=1)
    wrapped = wrapped if wrapped != core and len(wrapped) >= _WRAPPED_MESSAGE_CHARS else ""
    # the message after the logger's and the component's prefixes ("ERROR YarnScheduler: Lost
    # executor 7 on node: Container killed by YARN ..."), which a warning may give first
    clauses = [
        clause[:_WRAPPED_MESSAGE_CHARS]
        for clause in text.split(": ")[1:]
        if len(clause) >= _WRAPPED_MESSAGE_CHARS
    ]
    for line in root.context_before:
        if line.number < root.line.number - _HEADER_ABOVE or _ECHOED.match(line.text):
            continue
        warned = _WARNED_MESSAGE.match(line.text) or _TOOL_SAID.match(line.text)
        message = warned.group(1).strip() if warned else ""
        if (
            (len(message) >= _SAME_MESSAGE_CHARS and message in text)
            or (len(core) >= _SAME_MESSAGE_CHARS and core in line.text)
            or (wrapped and wrapped in line.text)
            or (_WARN_LEVEL.search(line.text) and any(c in line.text for c in clauses))
        ):
            return line
    return None


_WARN_LEVEL = re.compile(r"(?<![\w-])(?:WARN|WARNING|Warning|warning)(?![\w-])")
"""A line logged at warning level, wherever its logger puts the level."""


def _first_failed_attempt(root: Finding | None, warnings: Sequence[Candidate]) -> LogLine | None:
    """The first of the failed attempts a retry loop logged at WARN level with the message the
    final error repeats ("WARN attempt 1/3 for 'x.pdf' failed: Access denied. You do not have
    permission ...", then "Add-PnPFile : Access denied. You do not have permission ..."), or,
    when the final error is the loop's giving up ("could not connect to db02 after 3
    attempts"), with an error of the same kind ("connect attempt 1/3 failed: ... TCP
    Provider: ..."): the retries never succeeded, and the first attempt is the first statement
    of the cause."""
    if root is None:
        return None
    message = _COMMAND_HEAD.sub("", LINE_PREFIX.sub("", root.line.text)).strip()
    # the message an exception is thrown with, which the attempts logged without its class
    # ("System.IO.IOException: The process cannot access the file ...")
    message = _THROWN_AS.sub("", message, count=1)
    repeats = len(message) >= _WRAPPED_MESSAGE_CHARS
    if not repeats and not root.giving_up:
        return None
    lines = sorted(
        {ln.number: ln for ln in (*(c.line for c in warnings), *root.context_before)}.values(),
        key=lambda ln: ln.number,
    )
    return next(
        (
            ln
            for ln in lines
            if ln.number < root.line.number
            and _FAILED_ATTEMPT.search(ln.text)
            and (
                (repeats and message in ln.text)
                or (root.giving_up and _same_kind(ln.text, root.category))
            )
        ),
        None,
    )


def _same_kind(text: str, category: Category) -> bool:
    """Whether a message family reads ``text`` as an error of ``category`` (not a generic one)."""
    rule = match_rule(text)
    return rule is not None and rule.category == category and category not in GENERIC_CATEGORIES


def _ibm_i_message_text(root: Finding | None) -> LogLine | None:
    """The "Message . . . . :" line under an IBM i job log entry's header ("MCH3601 Escape 40
    05/06/25 01:32:10 PRCR500 ..."): the header gives the message id, type and severity, the
    text below it states the error."""
    if root is None or not _IBM_I_ENTRY.match(root.line.text):
        return None
    for line in root.context_after[:_IBM_I_TEXT_WITHIN]:
        if _IBM_I_ENTRY.match(line.text):
            return None  # the next entry: this one printed no text
        if _IBM_I_TEXT.match(line.text):
            return line
    return None


_IBM_I_ENTRY = re.compile(
    r"^\s*[A-Z]{3}[0-9A-F]{4}\s+(?:Escape|Diagnostic|Information|Completion|Notify|Inquiry)"
    r"\s+\d+\s"
)
_IBM_I_TEXT = re.compile(r"^\s*Message\s+(?:\.\s+)+:\s+\S")
_IBM_I_TEXT_WITHIN = 9
"""How far below its header an entry's text may sit (after its "From" and "To" module,
procedure and statement lines)."""


def _first_of_summarised(root: Finding | None, findings: Sequence[Finding]) -> LogLine | None:
    """The first of the errors of the root's kind that a count in the root sums up
    ("reconciliation FAILED: 1 of 14 ledgers out of balance" after "ledger 4010 ... diff=200.00
    MISMATCH"): the summary reports what those lines stated first."""
    if root is None or root.java_role or not _SUMMARY_COUNT.search(root.line.text):
        return None  # a chain's deepest cause is its own statement, whatever it counts
    return next(
        (
            f.line
            for f in findings
            if root.line.number - _SUMMARISED_WITHIN <= f.line.number < root.line.number
            and not f.known
            and not f.transient
            and f.tier >= 2
            and f.category == root.category
        ),
        None,
    )


def _same_statement(template: str, other: str) -> bool:
    """Whether two line templates (variable parts masked) state the same error: they agree on
    their first words (a retried statement may end differently: "...: While executing X")."""
    shorter = min(len(template), len(other))
    common = next(
        (i for i, (a, b) in enumerate(zip(template, other, strict=False)) if a != b), shorter
    )
    return shorter > 0 and common >= min(_SAME_STATEMENT_CHARS, int(shorter * 0.6))


_SAME_STATEMENT_CHARS = 60
_SUMMARY_COUNT = re.compile(
    r"(?i)\b[1-9]\d* (?:of|out of) \d+\b|\b[1-9]\d* (?:errors?|failures?|mismatch(?:es)?|"
    r"differences?|discrepanc(?:y|ies)|day\(s\)|records?|rows?) (?:failed|rejected|found|"
    r"out of|not)\b|\bon [1-9]\d* (?:day|record|row|item)s?\b|"
    r"\b[1-9]\d* (?:[\w-]+ ){1,3}(?:out of balance|mismatch(?:es|ed)?|in error)\b"
)
"""A count of the failed items a summary line reports ("1 of 14 ledgers", "on 3 day(s)")."""
_SUMMARISED_WITHIN = 40
"""How far above a summary the lines it counts may sit."""


def _first_retried_repeat(root: Finding | None, findings: Sequence[Finding]) -> LogLine | None:
    """The first of the errors of the root's family before it that were retried (marked so,
    or a retry announced between it and the root: "Memory limit (for query) exceeded: would
    use 9.31 GiB", "retrying with ...", then the same with 9.32 GiB): the retries never got
    past that error, so its first statement is the cause's."""
    if root is None or root.transient:
        return None
    retry = knowledge().retry
    template = error_pattern(root.line.text)
    return next(
        (
            f.line
            for f in findings
            if f.line.number < root.line.number
            and not f.known
            and f.tier >= 3
            and f.rule == root.rule
            and f.category == root.category
            and _same_statement(error_pattern(f.line.text), template)
            and (
                f.transient
                or any(
                    f.line.number < ln.number and retry.search(ln.text)
                    for ln in root.context_before
                )
            )
        ),
        None,
    )


_COMMAND_HEAD = re.compile(r"^[A-Za-z][\w.]*(?:-[\w.]+)* : ")
"""A PowerShell error record's command before its message ("Add-PnPFile : ")."""
_FAILED_ATTEMPT = re.compile(r"(?i)\b(?:attempt|try|retry)\s*#?\d+\s*(?:/|of)\s*\d+\b|\bretrying\b")
"""A retry loop's report of one attempt ("attempt 1/3", "try 2 of 5", "retrying")."""


_THROWN_AS = re.compile(
    r"^(?:---> )?(?:[A-Za-z_][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)"
    r"(?: \(0x[0-9A-Fa-f]{8}\))?:\s+"
)
"""The qualified class of an exception a message is thrown with, before that message (.NET
marks an inner exception "---> " and may give its HRESULT: "---> X.SqlException (0x80131904):
")."""
_WRAPPED_MESSAGE_CHARS = 40
"""A message this long, already printed whole, is the same statement (not a common phrase)."""


_WARNED_MESSAGE = re.compile(r"^\s*\[?(?i:warn|warning)\]?\s*[:>-]\s*(\S.*)$")
"""A line that is a warning and nothing else: the level first, then the message."""
_SAME_MESSAGE_CHARS = 20
_TOOL_SAID = re.compile(r"^[\w.-]+: (\S.*?)(?:,? (?:exiting|aborting|giving up))?\.?\s*$")
"""A tool's message under its name ("ascp: Client unable to connect ..., exiting."), which
its session summary may then repeat inside its own wording."""
_ECHOED = re.compile(r"^\s*(?:\+{1,3}\s|\S*>\s*echo\s|echo\s)", re.IGNORECASE)
"""A shell's trace of a command ("+ cp ...") or an echo of it: not the statement itself."""
# any script's letters: a localized header spells its keys in lower case ("уровень 16")
_FIELDS_ONLY = re.compile(
    r"^\s*[^\W\d_]+(?:\s+|\s*=\s*)[^\s,=]+"
    r"(?:,\s*[^\W\d_]+(?:\s+|\s*=\s*)[^\s,=]+)+\s*$"
)
"""A header of "Key value" (or "Key = value") fields and nothing else: the error's code and
where it was raised ("Msg 208, Level 16, State 1, Line 1", ODBC's "SQLState = S1000,
NativeError = 0")."""
_LIBRARY_HEADER = re.compile(r"^\s*(?:Error \d+ \(severity \d+\)|(?:CT|CS)-LIBRARY error):\s*$")
"""A client library's header that names only its message number or itself (FreeTDS and
DB-Library's "Error 20009 (severity 9):", Sybase Open Client's "CT-LIBRARY error:")."""

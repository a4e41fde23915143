"""A second reading of the findings: what a line's own words and its neighbours say beyond the
message family that matched it.

Two mistakes a first match makes on other people's logs:

- a word picks the family and the errno text names another cause: ``ls: cannot access
  '/mnt/in/a.csv': Host is down`` matches "cannot access" (a missing file) but the file is on a
  server that is down; ``The network name cannot be found.`` reads as a bare consequence.
  :func:`reread` gives such a line the category its errno text names (network, timeout).
- a generic line (an exception header, a free-text error) holds the cause in words no family
  matched: the name of the exception class (``LogonError``, ``ConnectTimeoutException``), or
  a cause a console cut in two at its width (``password authenticatio`` / ``n failed``).
  :func:`reread` reads the class name's words and the line joined with its continuation.
- the cause is printed by a watchdog at WARN level, so no finding states it, and the signal it
  sent (``received SIGINT``, ``KeyboardInterrupt``, ``InterruptedException``) is read as a
  crash: :func:`implied_causes` turns a time limit or memory exhaustion stated on a line next to
  such a stop into a finding of its own, which the chooser then weighs like any other.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from resync_analytics.joblog.exit_codes import explain_exit_code
from resync_analytics.joblog.knowledge import Family, knowledge
from resync_analytics.joblog.models import GENERIC_CATEGORIES, Category, Finding, LogLine

# Errno texts and status names that only a network fault prints, whatever word ("file",
# "cannot access", "cannot be found") made the line match first.
_NETWORK_WORDS = re.compile(
    r"\bHost is down\b|\bNo route to host\b|\bNetwork is (?:unreachable|down)\b|"
    r"\bnetwork (?:name|path|location) (?:cannot be (?:found|reached)|was not found|"
    r"is no longer available)\b|\bRPC server is unavailable\b|"
    r"\bNT_STATUS_(?:BAD_NETWORK_NAME|HOST_UNREACHABLE|NETWORK_UNREACHABLE|IO_TIMEOUT|"
    r"CONNECTION_(?:REFUSED|RESET|DISCONNECTED)|NETWORK_NAME_DELETED)\b|"
    r"\bE(?:HOSTDOWN|HOSTUNREACH|NETUNREACH|NETDOWN|CONNREFUSED|CONNRESET|AI_AGAIN)\b|"
    r"\berror in socket IO\b|\bmount error\(11[23]\)|\bserver \S+ not responding\b|"
    r"\bTransport endpoint is not connected\b|\bConnection (?:refused|reset by peer)\b|"
    r"\bName or service not known\b|\bTemporary failure (?:in name resolution|resolving)\b|"
    r"\bnodename nor servname\b|\bCould not resolve (?:host|hostname|proxy)\b|"
    r"\bUnknownHostException\b|\bFailed to establish a new connection\b",
    re.IGNORECASE,
)
_NETWORK_READABLE: frozenset[Category] = frozenset(
    {"file_not_found", "application_error", "unknown"}
)
# A time limit that ran out, as watchdogs, schedulers and runners word it.
_TIME_LIMIT = re.compile(
    r"(?:exceed(?:ed|s|ing)|over|past|beyond|reached|hit)\s+(?:its |the |a |our )?"
    r"(?:max(?:imum)?\.? |allowed |configured )?(?:run ?-?time|time ?-?limit|time ?out|"
    r"wall ?-?time|(?:max(?:imum)? )?duration|wall ?-?clock(?: time)?|execution time|deadline)|"
    r"(?:run ?-?time|time|duration|wall ?-?clock|execution time)\s+limit\b[^.;]{0,40}?"
    r"\b(?:exceeded|reached|expired|hit)|"
    r"\b(?:max(?:imum)?|allowed) (?:run ?-?time|duration|execution time)\b[^.;]{0,40}?"
    r"\b(?:exceeded|reached|expired)|"
    r"\b(?:time ?-?out|time ?-?limit|deadline|max(?:imum)? (?:run ?-?time|duration))\b"
    r"[^.;]{0,40}?\b(?:reached|exceeded|expired|elapsed|hit)\b|"
    r"\b(?:took|ran|running) longer than\b|\blonger than the (?:specified |allowed )?deadline\b|"
    r"\bwall ?-?time \S+ exceeded\b|\btimed out after\b|\bdue to time ?limit\b|"
    r"TimeLimitExceeded|DeadlineExceeded|\bNo output has been received in the last\b|"
    r"\bwatchdog\b[^.;]{0,60}?\b(?:time ?out|expired)",
    re.IGNORECASE,
)
_TIME_READABLE: frozenset[Category] = frozenset({"signal_or_crash", "application_error", "unknown"})
# Memory exhaustion stated next to the abort it caused.
_MEMORY = re.compile(
    r"\bbad_alloc\b|\bout of memory\b|\bCannot allocate memory\b|"
    r"\bOutOfMemory|\bMemoryError\b|\boom-?kill|"
    r"\bmemory allocation (?:of \d+ bytes )?failed\b|\b(?:failed|unable) to allocate\b|"
    r"\bcannot allocate (?:vector|buffer|region|\d)|"
    r"\ballocation of \d+ bytes\b[^.;]{0,40}\bfailed\b|\bmalloc(?:\(\))?:? failed\b",
    re.IGNORECASE,
)
_MEMORY_READABLE: frozenset[Category] = frozenset(
    {"signal_or_crash", "application_error", "unknown"}
)
# A process stopped from outside or aborting: what a watchdog's signal or an allocation
# failure looks like in the job's own output.
STOP = re.compile(
    r"\bSIG(?:INT|TERM|KILL|ABRT)\b|\bsignal (?:2|6|9|15)\b|interrupt|\bkilled\b|\babort|"
    r"\bterminat(?:ed|ing)\b|core dumped",
    re.IGNORECASE,
)
_STOP_CATEGORIES: frozenset[Category] = frozenset(
    {"signal_or_crash", "application_error", "unknown", "out_of_memory"}
)
_TIMEOUT_EXIT = 124  # timeout(1) exits 124 whatever signal it sent
_EXIT_CODES_OF_A_LAUNCH = frozenset({126, 127})
WRAP_WIDTH = 100
"""The shortest line a console is taken to have cut at its width (consoles and mail
clients wrap at 80 to 250 columns); shorter lines that end mid-word are left alone."""
_JOINED = 240  # how much of each side of the cut is read together
# A line that starts with a date or a time is a new record of a log, not the rest of a cut
# one ("2026-12-07 05:04:55,437 [ERROR] ...", "[06:30:04 WRN] ...").
_NEW_RECORD = re.compile(
    r"\[?(?:\d{4}[-/.]\d{2}[-/.]\d{2}|\d{2}[-/.]\d{2}[-/.]\d{2,4}[ T]|\d{2}:\d{2}:\d{2})"
)
# An exception class a library names its failure by ("LogonError", "ConnectTimeoutException",
# "UnauthorizedAccessException"): the words of its name say the kind of failure when no
# message family does. Tried in order: a timeout of a connection is a timeout, an access a
# file system refused is a permission. The words are capitalised as in a class name, so they
# start a word of it ("JSONDecodeError", not "Disconnected").
_EXCEPTION_CLASS = re.compile(r"\b[A-Z][A-Za-z0-9]*(?:Error|Exception|Fault|Failure)\b")
_CLASS_WORD_SOURCES: tuple[tuple[Category, str, str], ...] = (
    ("timeout", "Time limit exceeded", r"Timeout|TimedOut|Deadline"),
    ("permission_denied", "Permission denied", r"UnauthorizedAccess|AccessDenied|Permission"),
    (
        "authentication",
        "Authentication failed",
        r"Logon|Login|Authentication|Credentials?|Unauthori[sz]ed|Password",
    ),
    (
        "network",
        "Network failure",
        r"Connect|Connection|Network|Socket|UnknownHost|Communication|Unreachable",
    ),
    ("disk_full", "Disk full", r"NoSpace|DiskFull|OutOfDisk"),
    ("resource_busy", "Resource busy", r"Deadlock|LockTimeout|LockWait"),
    ("invalid_input", "Invalid input", r"Parse|Parser|Decode|Malformed|NumberFormat"),
)
_CLASS_WORDS: tuple[tuple[Category, str, re.Pattern[str]], ...] = tuple(
    (category, label, re.compile(rf"(?:{words})(?=[A-Z]|$)"))
    for category, label, words in _CLASS_WORD_SOURCES
)
IMPLIED_BEFORE = 6
"""How many lines before a stop a watchdog's or allocator's statement may sit."""
IMPLIED_AFTER = 3
"""And after it: a watchdog may log why it killed the job after the shell reported the kill."""


def reread(finding: Finding, exit_code: int | None = None) -> Finding:
    """``finding`` with the category its own errno text names, when that is more precise
    than the family that matched it (a precise errno text makes it a tier-4 statement); a
    stop (SIGINT, SIGTERM, ``KeyboardInterrupt``) under exit code 124 is ``timeout(1)``'s."""
    text = finding.line.text
    if exit_code == _TIMEOUT_EXIT and _is_stop(finding) and not _MEMORY.search(text):
        return dataclasses.replace(
            finding, category="timeout", label="Time limit exceeded (timeout stopped the job)"
        )
    numbered = _errno_number_category(text)
    if (
        numbered is not None
        and numbered[0] != finding.category
        and (numbered[0], finding.category) not in _ERRNO_SAYS_LESS
    ):
        return _as(finding, *numbered)
    fatal = relayed_fatal(text)
    if fatal is not None and fatal.category != finding.category:
        return dataclasses.replace(
            finding, rule=fatal.name, category=fatal.category, tier=fatal.tier, label=fatal.label
        )
    if finding.category in GENERIC_CATEGORIES:
        family = wrapped_statement(finding)
        if family is not None:
            return dataclasses.replace(
                finding,
                rule=family.name,
                category=family.category,
                tier=family.tier,
                label=family.label,
            )
    if finding.category in GENERIC_CATEGORIES:
        named = _category_of_exception_class(text)
        if named is not None:
            return _as(finding, *named)
        if exit_code in _EXIT_CODES_OF_A_LAUNCH:
            # a shell's own verdict on the command it could not launch (126, 127): the
            # generic line it printed is that launch's failure
            meaning = explain_exit_code(exit_code)
            if meaning is not None:
                return dataclasses.replace(finding, category=meaning.category, label=meaning.label)
    if finding.category in _NETWORK_READABLE and _NETWORK_WORDS.search(text):
        return _as(finding, "network", "Network failure")
    if finding.category in _TIME_READABLE and _TIME_LIMIT.search(text) and not _MEMORY.search(text):
        return _as(finding, "timeout", "Time limit exceeded")
    if finding.category in _MEMORY_READABLE and _MEMORY.search(text):
        return _as(finding, "out_of_memory", "Out of memory")
    return finding


def _errno_number_category(text: str) -> tuple[Category, str] | None:
    """The category an errno number on the line names ("Errno=13", "[Errno 28]", "errno: 2"),
    for the numbers every UNIX and the C runtime of Windows share."""
    match = _ERRNO_NUMBER.search(text)
    if match is None:
        return None
    return _ERRNO_CATEGORIES.get(int(next(g for g in match.groups() if g)))


_ERRNO_NUMBER = re.compile(r"(?i)\[Errno (\d+)\]|\berrno\s*[=:]?\s*(\d+)\b|\(errno[ =:]?(\d+)\)")
_ERRNO_CATEGORIES: dict[int, tuple[Category, str]] = {
    1: ("permission_denied", "Permission denied (EPERM)"),
    2: ("file_not_found", "File not found (ENOENT)"),
    12: ("out_of_memory", "Out of memory (ENOMEM)"),
    13: ("permission_denied", "Permission denied (EACCES)"),
    16: ("resource_busy", "Resource busy (EBUSY)"),
    26: ("resource_busy", "Text file busy (ETXTBSY)"),
    28: ("disk_full", "No space left on device (ENOSPC)"),
}
"""Errno numbers below 35 are the same on Linux, AIX, HP-UX, Solaris and Windows's C
runtime; higher ones (ETIMEDOUT, ECONNREFUSED) differ between them and are not read."""
_ERRNO_SAYS_LESS: frozenset[tuple[Category, Category]] = frozenset(
    {
        # a program that is not there is a file that is not there: ENOENT says no more
        ("file_not_found", "command_not_found"),
    }
)
"""(errno's category, the family's) pairs where the family already says what errno does."""


def _category_of_exception_class(text: str) -> tuple[Category, str] | None:
    """The category the first exception class named on the line says by its own words."""
    match = _EXCEPTION_CLASS.search(text)
    if match is None:
        return None
    name = match.group(0)
    for category, label, words in _CLASS_WORDS:
        if words.search(name):
            return category, label
    return None


# A wrapper that logs another program's stderr on one line keeps its line breaks as "\\n"
# (a logfmt ``stderr="...\\n..."``, a JSON string): each piece is one message of that program.
_ESCAPED_NEWLINE = "\\n"
_FATAL_OPENING = re.compile(r"^[\s\"']*fatal(?: error)?:\s*\S", re.IGNORECASE)


def relayed_fatal(text: str) -> Family | None:
    """The precise family of the message a relayed stderr marks fatal (``Fatal: unable to
    create lock in backend: repository is already locked``) when other messages come before
    it on the same line (a warning the program carried on after): the fatal one stopped it."""
    pieces = text.split(_ESCAPED_NEWLINE)
    for piece in pieces[1:]:
        if not _FATAL_OPENING.match(piece):
            continue
        family = next((f for f in knowledge().families if f.regex.search(piece)), None)
        if family is not None and family.tier >= 4 and family.category not in GENERIC_CATEGORIES:
            return family
    return None


def wrapped_statement(finding: Finding) -> Family | None:
    """The precise family a hard-wrapped line states once the next line is joined back:
    a console that cut ``FATAL: password authenticatio`` / ``n failed for user "demo"`` at
    its width leaves the cause on neither line alone. The line must be long and end mid-word
    where the next one goes on, and the family must match only across the cut."""
    text = finding.line.text.rstrip("\r")
    after = finding.context_after
    if len(text) < WRAP_WIDTH or not after or after[0].number != finding.line.number + 1:
        return None
    following = after[0].text.rstrip("\r")
    if not following or not (text[-1].isalnum() and following[0].isalnum()):
        return None
    if _NEW_RECORD.match(following):
        return None
    head, tail = text[-_JOINED:], following[:_JOINED]
    joined = head + tail
    for family in knowledge().families:
        if family.tier < 4 or family.category in GENERIC_CATEGORIES:
            continue
        if family.regex.search(joined) and not (
            family.regex.search(head) or family.regex.search(tail)
        ):
            return family
    return None


def implied_causes(findings: Sequence[Finding]) -> list[Finding]:
    """Findings for lines that state a cause without being findings themselves (a watchdog
    or a retry loop logging at WARN level, an allocator's message without an error level):
    the time limit or the memory exhaustion next to a stop (a signal, an interrupt, an
    abort), and the network failure a few lines before a missing file or a generic failure
    (a package manager that retried a host it could not reach, then found nothing)."""
    stated = {f.line.number for f in findings}
    implied: dict[int, Finding] = {}
    for finding in findings:
        stop = _is_stop(finding)
        if not stop and (finding.category not in _NETWORK_READABLE or finding.transient):
            # (a retry loop's "attempt 1 of 3 failed, retrying" reports no failure whose cause
            # the lines above it could state)
            continue
        # not above another statement of an error: that one is nearer to this failure
        previous = max((n for n in stated if n < finding.line.number), default=0)
        near: tuple[LogLine, ...] = (
            *(ln for ln in finding.context_before[-IMPLIED_BEFORE:] if ln.number > previous),
            *(finding.context_after[:IMPLIED_AFTER] if stop else ()),
        )
        for line in near:
            if line.number in stated or line.number in implied:
                continue
            if stop:
                category, label = _cause_of_stop(line.text, finding.category)
            elif _NETWORK_WORDS.search(line.text):
                category, label = "network", "Network failure"
            else:
                category = None
            if category is None:
                continue
            around = (*finding.context_before, finding.line, *finding.context_after)
            implied[line.number] = dataclasses.replace(
                finding,
                line=line,
                rule="implied_" + category,
                category=category,
                tier=4,
                label=label,
                transient=False,
                giving_up=False,
                java_role="",
                python_exception=False,
                context_before=tuple(ln for ln in around if ln.number < line.number),
                context_after=tuple(ln for ln in around if ln.number > line.number),
            )
    return [implied[number] for number in sorted(implied)]


def _is_stop(finding: Finding) -> bool:
    return finding.category in _STOP_CATEGORIES and bool(STOP.search(finding.line.text))


def _cause_of_stop(text: str, stopped: Category) -> tuple[Category | None, str]:
    if _TIME_LIMIT.search(text) and not _MEMORY.search(text):
        return "timeout", "Time limit exceeded (the job was stopped)"
    if stopped != "out_of_memory" and _MEMORY.search(text):
        return "out_of_memory", "Out of memory"
    return None, ""


def _as(finding: Finding, category: Category, label: str) -> Finding:
    return dataclasses.replace(finding, category=category, tier=max(finding.tier, 4), label=label)


__all__ = [
    "IMPLIED_AFTER",
    "IMPLIED_BEFORE",
    "STOP",
    "WRAP_WIDTH",
    "implied_causes",
    "reread",
    "wrapped_statement",
]

"""From candidate lines to findings, and from findings to the one that states the root cause.

A candidate becomes a :class:`Finding` unless it is noise: banner lines, stack frames, source
lines of a traceback, ``set -x`` echoes, SQL text, lines logged at INFO/WARN level, "0 errors"
summaries. Chains are collapsed first: a Java ``Caused by:`` chain is represented by its
deepest cause, a Python chain by its first exception; an error followed by a retry that later
succeeds is no cause at all. Then :mod:`resync_analytics.joblog.chooser` scores the remaining
findings by features (specificity, agreement with the exit code's convention, consequence
vocabulary, a cause it follows from, position after the failure report, wrapper reports...);
the best score wins and the first line among equals (later ones are cascades). Lines that good
runs of the job also print take part only when nothing else states an error. A last step moves
from the winner to the line that states the same cause better (the message after a wrapper's
header, the exception that raised a logged error).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Literal

from resync_analytics.joblog.banner import is_banner_line
from resync_analytics.joblog.chooser import Scored, Weights, pick, score_findings
from resync_analytics.joblog.exit_codes import explain_exit_code
from resync_analytics.joblog.identifiers import read_line
from resync_analytics.joblog.knowledge import KnowledgeBase, knowledge
from resync_analytics.joblog.knowledge.lexicon import lexicon
from resync_analytics.joblog.models import (
    GENERIC_CATEGORIES,
    Category,
    Finding,
    JoblogHeader,
    LogLine,
)
from resync_analytics.joblog.prefilter import CHILD_KILLED, RELAYED_OPENING
from resync_analytics.joblog.rules import exit_line, match_rule
from resync_analytics.joblog.scan import Candidate

_FRAME = re.compile(
    r"^\s+at\s+[\w$.<>/\[\]-]+\(|^\s*\.\.\.\s*\d+\s+(more|common frames)|"
    r"^\s*File \"[^\"]*\", line \d+|Traceback \(most recent call last\)|^\s+at .*\(.*:\d+\)$"
)
_PY_SOURCE_FRAME = re.compile(r"^\s*File \"[^\"]*\", line \d+")
# A stdlist banner line is a rule of "=" or "= Key : value"; a tool's own line that starts with
# a run of "=" ("======== User application did not complete ... ===") is output, not banner.
_BANNER_SHAPE = re.compile(r"\s*=+\s*$|\s*= \S")
_INDENTED = re.compile(r"^\s+\S")
# `set -x` traces, Windows cmd echo (`D:\dir>command`), report labels with dot leaders.
# (not a PowerShell error record's "+ CategoryInfo : PermissionDenied: ..." field, which states
# the kind of error the record is, and is all a console shows when the record's head is cut,
# nor its "+ FullyQualifiedErrorId : PathNotFound,..." field, which names the error)
# (nor Sqitch's per-change progress line "  + change_name .. ok", a name, a dot leader and
# the outcome, which is the tool's output)
_ECHO = re.compile(
    r"^\s*\+{1,4} (?!(?:CategoryInfo|FullyQualifiedErrorId)\s+:)(?![\w@:/.-]+ \.\. )\S|"
    r"^[A-Za-z]:\\[^>\n]*>\s*\S|(?:\s\.){3,}\s*:"
)
_SQL_TEXT = re.compile(
    r"^(?:SQL>\s*|\s*\d+\s+)?\s*(SELECT|INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE|"
    r"WHENEVER|SPOOL|SET|BEGIN|DECLARE|EXCEPTION|WHEN|RAISE|RAISE_APPLICATION_ERROR|EXEC|"
    r"EXECUTE|CALL|GRANT|PROMPT|REM|FROM|WHERE|AND|OR|VALUES|INTO|END|IF|ELSE|ELSIF|COMMIT|"
    r"ROLLBACK|DBMS_OUTPUT|LOAD DATA|INFILE|BADFILE|DISCARDFILE|FIELDS|APPEND|REPLACE)(?:\s|;|$)"
)
"""Echoed SQL text (SQL*Plus echo, control files): upper-case keywords at the line start."""
_SQL_STATEMENT = re.compile(
    r"(?i)^\s*(?:copy\s+\S+.*\bfrom\b|insert\s+into\s|select\s.*\bfrom\b|delete\s+from\s|"
    r"update\s+\S+\s+set\s).*;\s*$"
)
"""A whole SQL statement with its terminator, in any case, as a client echoes it (vsql -e,
psql -e): its words ("abort on error", "reject") are the statement's options, not an error."""
# A level tag with nothing after it (Maven's "[ERROR]" spacer lines between its messages).
_BARE_LEVEL = re.compile(r"^\s*\[?(?:ERROR|FATAL|SEVERE|WARN(?:ING)?|INFO)\]?:?\s*$", re.IGNORECASE)
_LEVEL = re.compile(
    r"(?<![\w./-])(?:(TRACE|DEBUG|FINEST|FINER|FINE|CONFIG|INFO|INFORMATION|NOTICE|HINT|DETAIL|"
    r"CONTEXT|STATEMENT|VERBOSE|WARN|WARNING|ERROR|ERR|SEVERE|FATAL|CRITICAL|CRIT|ALERT|EMERG|PANIC|"
    r"VRB|DBG|INF|WRN|FTL)"
    r"(?![\w./-])|\[(trace|debug|info|notice|warn|warning|error|err|fatal|critical)\]|"
    r"(?i:(?<![\w-])(warning|warn|info|notice|note|hint|detail|debug)[1-3]?\s*:))"
)
"""A line's level word (OpenSSH numbers its debug levels: "debug1: read_passphrase: ...")."""
# Serilog's three-capital levels ("[06:30:04 WRN] ..."), as the long words they stand for.
_SHORT_LEVELS = {"vrb": "verbose", "dbg": "debug", "inf": "info", "wrn": "warn", "ftl": "fatal"}
_BENIGN_LEVELS = frozenset(
    [
        "trace",
        "debug",
        "verbose",
        "finest",
        "finer",
        "fine",
        "config",
        "info",
        "information",
        "notice",
        "note",
        "hint",
        "detail",
        "context",
        "statement",
        "warn",
        "warning",
    ]
)
_AWS_SEVERITY = re.compile(r"\bAWS[A-Z]{3}\d{3}([IWE])\b")
_CAUSE_MARKERS = re.compile(r"Exception|Error:|ORA-|SQLSTATE|Caused by")
# Counts of zero ("0 errors", "errors: 0"), which state no error; not a hex code ("error 0x5...")
_ZERO_COUNTS = re.compile(
    r"\b(?:0|no|zero|none)\s+(?:[\w()-]+\s+){0,6}?(?:errors?|error\(s\)|failures?|failed|"
    r"warnings?|rejected|exceptions?|problems?|discarded|out of balance|mismatch(?:es)?)\b|"
    r"\b(?:errors?|error\(s\)|failures?|failed|rejected|exceptions?|discarded|warnings?|erros|"
    r"fehler|erreurs|errori)\s*[:=]?\s*0(?![.,]?\d|x[0-9a-f])|"
    r"\bwithout (?:any )?(?:errors?|failures?)\b|"
    r"^\s*0\s+(?:rows?|records?|files?|lines?)\b.*|\(\s*0+\s+\w+\s*\)|"
    r"\b(?:errors?|error records?|rejected|failed|failures?|discarded)\b[^:=\n]{0,60}[:=]\s*0+\s*$|"
    # a report's row with a dot leader: "ERRORS ..................         0"
    r"\b(?:errors?|rejected|failed|failures?|discarded|warnings?)\s*\.{2,}\s*0+\s*$",
    re.IGNORECASE,
)

# A line break escaped inside a JSON string ("msg": "...\n\nANS1076E The specified ...",
# ansible's or a container log's record): the message after it starts a line of its own, so a
# code there is a word of its own ("\nANS1076E" is no word "nANS1076E"). Not a Windows path's
# "\new" or "\temp": the escape is followed by a capital, a digit, another escape or the end.
_ESCAPED_BREAK = re.compile(r"\\[nrt](?=[A-Z0-9\\\"]|$)")

# An error field whose value is empty (Go's "err=<nil>", "error: null"): it states no error.
_NO_ERROR_VALUE = re.compile(
    r"\b(?:err|error)\s*[:=]\s*(?:<nil>|nil|null|none)(?![\w-])", re.IGNORECASE
)

# A field named for both outcomes ("Installation success or error status: 0", Windows
# Installer's closing line): its name states no error, its value says which it was.
_BOTH_OUTCOMES = re.compile(
    r"\bsuccess(?:ful)?\s+or\s+(?:error|failure)\b|\b(?:error|failure)\s+or\s+success\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=2)
def _errno_patterns(kb: KnowledgeBase) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns built on the knowledge base's errno texts (every language it knows):

    - a cleanup command's "no such file" / "file exists", which scripts print and ignore;
    - a shell's "line 38: /usr/bin/java: No such file", which with RC 127 is a missing command.
    """
    cleanup = re.compile(
        rf"^(rm|rmdir|unlink|mkdir): .*(?:{kb.errno_pattern('ENOENT', 'EEXIST')})", re.IGNORECASE
    )
    exec_missing = re.compile(rf"(?:line \d+|\[\d+\]): [^:]+: (?:{kb.errno_pattern('ENOENT')})")
    return cleanup, exec_missing


# Errors raised while a shell reads its startup files: noisy, almost never the cause. A dot
# file, not a dotted name (Java's javax.security.auth.login package).
_STARTUP_FILE = re.compile(
    r"(?:^|[\s/~'\"`(])\.(?:kshrc|bashrc|bash_profile|profile|zshrc|cshrc|login)\b|"
    r"/etc/(?:profile|bashrc)\b"
)
_SHARED_TOKEN = re.compile(
    r"\b(?:ORA|TNS|SP2|PLS)-\d{4,5}\b|\bSQL\d{4,5}[NC]\b|\b[A-Z]\w+(?:Exception|Error)\b|/[\w./-]+"
)
_GIVE_UP = re.compile(
    r"giving up|gave up|no more (?:retries|attempts)|"
    r"(?:retries|attempts|retry limit|retry count) (?:exhausted|exceeded|reached)|"
    r"max(?:imum)?[ _-]?(?:retries|attempts|retry)|after \d+ (?:attempts|retries|tries)|"
    r"all \d+ (?:attempts|retries)|failed after",
    re.IGNORECASE,
)
_RECORD_FIELD = re.compile(r"^\s+\S")
_SHELL_TRACE = re.compile(r"^\+{1,3} ")
"""An indented line: a field or continuation of the record above it."""
_ATTEMPT_OF = re.compile(
    r"(?:attempt|try|retry)\s*#?\s*(\d+)\s*(?:of|/)\s*(\d+)|\((\d+)/(\d+)\)", re.I
)
# Spring's wrappers print the exception they wrap after their own message, on the next line
# when the message ends in a newline: "; nested exception is java.sql.SQLException: ORA-...".
_JAVA_CAUSE = re.compile(r"^\s*(?:Caused by:|;\s*nested exception is)\s")
# (Hadoop prints a failed task attempt's trace under "Error: ", its diagnostics' prefix)
_JAVA_HEADER = re.compile(
    r"^(?:Exception in thread \"[^\"]*\"\s+|Error:\s+)?(?:[a-z_][\w$]*\.)+[A-Z][\w$]*"
    r"(?:Exception|Error|Throwable)\b"
)
_JAVA_SUPPRESSED = re.compile(r"^\s*Suppressed:\s")
_PY_EXCEPTION = re.compile(
    r"^(?:[A-Za-z_][\w]*\.)*[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Failure)\b(?::|$)"
)
_SYMPTOM = re.compile(
    r"reset|broken pipe|EOF|closed|lost|shut ?down|FetchFailed|interrupted|terminated", re.I
)
"""Network symptoms that a process dying (out of memory, killed) elsewhere explains."""
_LIBRARY_EXCEPTION = re.compile(
    r"(?:^|\s)(?:java|javax|jdk|sun|kotlin|scala|System)\.[\w.$]*(?:Exception|Error)\b"
)
_ERROR_TITLE = re.compile(r"(?:\x1b\[[\d;]*m)?(?:[A-Z][\w-]*\s){0,2}(?:Error|Exception|Failure)")
_ANNOUNCED_WITHIN = 3
_PY_CHAIN = re.compile(
    r"During handling of the above exception|The above exception was the direct cause"
)


def _level(text: str) -> str | None:
    structured = _STRUCTURED_LEVEL.search(text[:_STRUCTURED_HEAD])
    if structured is not None:
        word, number, logfmt = structured.groups()
        level = _PINO_LEVELS.get(int(number)) if number else (word or logfmt).lower()
        # a record below warning level is the program's account of its work, unless a field
        # carries an error; at warning level and above it is read as the line's words say (a
        # retry's warning may hold the cause)
        if level in _QUIET_STRUCTURED and not _ERROR_FIELD.search(text):
            return level
    head = text[:100]
    aws = _AWS_SEVERITY.search(head)
    if aws:
        return {"I": "info", "W": "warn", "E": "error"}[aws.group(1)]
    match = _LEVEL.search(head)
    if not match:
        return None
    if _CAUSE_MARKERS.search(head[: match.start()]):
        return None  # "IllegalStateException: INFO missing": the word is message, not level
    word = next(g for g in match.groups() if g).lower()
    return _SHORT_LEVELS.get(word, word)


# A structured log record's level field: JSON ("level":"info", pino's and bunyan's numbers
# "level":30) and logfmt (level=info), which zap, zerolog, slog, logrus, pino, structlog and
# Serilog's JSON formatter print before or after the message
_STRUCTURED_LEVEL = re.compile(
    r'^\s*\{.*?"(?:level|severity|lvl|@l|log\.level)"\s*:\s*(?:"(\w+)"|(\d{2})\b)|'
    r"^(?:\S+\s+){0,2}?(?:level|lvl)=\"?(\w+)"
)
_STRUCTURED_HEAD = 300
_PINO_LEVELS = {10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal"}
_QUIET_STRUCTURED = frozenset({"trace", "debug", "info", "information", "notice"})
_ERROR_FIELD = re.compile(
    r'\b(?:err|error|stderr|exception)="?\S|"(?:err|error|stderr|exception)"\s*:'
)
"""A record's field carrying an error (a command's stderr logged at debug level)."""


# A wrapper that relays another tool's output (a scheduler's task log, a CI runner, a journal)
# prints its own prefix and level in front of each line: "[ts] {subprocess.py:93} INFO - ",
# "2025-03-14 05:30:01,123 INFO  [main] runner: ". What follows the level word and its
# separator is the relayed message, whose own severity is the one that counts.
_RELAY_PREFIX = re.compile(
    r"^.{0,80}?(?<![\w./-])\[?(?:TRACE|DEBUG|FINEST|FINER|FINE|CONFIG|INFO|INFORMATION|NOTICE|"
    r"WARN|WARNING|(?i:info|notice|debug|warn|warning))(?![\w./-])" + RELAYED_OPENING
)


# A PostgreSQL client prints a foreign server's error, relayed by a foreign-data wrapper
# (oracle_fdw, db2_fdw), as the DETAIL field of its own error: "DETAIL:  ORA-01555: snapshot
# too old". The detail is then the cause, not a benign elaboration.
_FOREIGN_DETAIL = re.compile(
    r"^\s*DETAIL:\s+(?:(?:ORA|TNS|PLS)-\d{4,5}|SQL\d{4,5}[NC]|SQLCODE\s*=\s*-\d+)\b"
)


def _effective_level(text: str) -> str | None:
    """The level a line is logged at, or "error" when a wrapper relays it at a benign level
    and the relayed message opens with an error level or title of its own, or when a
    DETAIL field relays a foreign database server's coded error."""
    level = _level(text)
    if level not in _BENIGN_LEVELS:
        return level
    if _RELAY_PREFIX.match(text) or (level == "detail" and _FOREIGN_DETAIL.match(text)):
        return "error"
    return level


_ASA_CONTROL = re.compile(r"^[01+-](?=[A-Z]{3,5}\d{3,5}[IEWSAD]\b)")
"""The carriage-control character a z/OS SYSPRINT line starts with ("0IDC3203I ITEM ..."),
glued to the message id it precedes."""
_RACF_VIOLATION = re.compile(r"\bICH408I\b")
_RACF_WARNING_MODE = re.compile(r"\bWARNING: INSUFFICIENT AUTHORITY - TEMPORARY ACCESS ALLOWED\b")
_RACF_RECORD_LINES = 4
"""RACF's violation record (ICH408I, then the resource, then the reason) is this long at most
before the line saying the profile is in warning mode."""


def _is_noise(candidate: Candidate, header: JoblogHeader) -> bool:
    line = candidate.line
    text = line.text
    if not text.strip() or (is_banner_line(text) and _BANNER_SHAPE.match(text)):
        return True
    if line.number <= header.header_end_line:
        return True
    if header.trailer_start_line is not None and line.number >= header.trailer_start_line:
        return True
    if _BARE_LEVEL.match(text):
        return True  # a tag that states nothing
    if _FRAME.search(text) or _ECHO.match(text) or _JAVA_SUPPRESSED.match(text):
        return True
    if (
        candidate.before
        and _PY_SOURCE_FRAME.match(candidate.before[-1].text)
        and _INDENTED.match(text)
    ):
        return True  # the source line a traceback prints under each frame
    if _relayed_source_line(candidate):
        return True
    if _RACF_VIOLATION.search(text) and any(
        _RACF_WARNING_MODE.search(ln.text) for ln in candidate.after[:_RACF_RECORD_LINES]
    ):
        return True  # a profile in warning mode logs the violation and grants the access
    benign_cleanup = _errno_patterns(knowledge())[0]
    if (
        _SQL_TEXT.match(text)
        or _SQL_STATEMENT.match(text)
        or benign_cleanup.search(text)
        or knowledge().informational.search(text)
    ):
        return True
    return _effective_level(text) in _BENIGN_LEVELS and not _CHILD_KILLED.search(text)


_CHILD_KILLED = re.compile(CHILD_KILLED)

_RELAY_PREFIX_MIN = 12
"""How long a prefix two lines must share to be a relay's (a journal's or cron's stamp)."""


def _relayed_source_line(candidate: Candidate) -> bool:
    """A traceback's source line relayed under a journal's or cron's prefix
    (``CROND[372283]: (root) CMDOUT (    raise ConnectionError(...)``): the prefix both lines
    share is the relay's, and what follows it is a frame and its source line."""
    if not candidate.before:
        return False
    before, text = candidate.before[-1].text, candidate.line.text
    cut = next(
        (i for i, (a, b) in enumerate(zip(before, text, strict=False)) if a != b),
        min(len(before), len(text)),
    )
    if cut < _RELAY_PREFIX_MIN:
        return False
    while cut and before[cut - 1] in " \t":
        cut -= 1  # the indentation belongs to the relayed lines
    return bool(_PY_SOURCE_FRAME.match(before[cut:]) and _INDENTED.match(text[cut:]))


def _is_transient(candidate: Candidate) -> tuple[bool, bool]:
    """(retried, gave up) for an error line and the line that follows it and its record (the
    indented fields an error record prints under its head, SAP's "LOCATION ... ERRNO TEXT")."""
    text = candidate.line.text
    # the next line the job printed, past blank lines, its record's fields and a shell's trace
    # of the commands that handle the status ("+ prc=54")
    following = next(
        (
            ln.text
            for ln in candidate.after
            if ln.text.strip()
            and not _RECORD_FIELD.match(ln.text)
            and not _SHELL_TRACE.match(ln.text)
        ),
        "",
    )
    for source in (text, following):
        attempt = _ATTEMPT_OF.search(source)
        if attempt:
            numbers = [int(g) for g in attempt.groups() if g]
            if len(numbers) == 2 and numbers[0] >= numbers[1] > 1:
                return False, True  # the last attempt
    if _GIVE_UP.search(text):
        return False, True
    retry = knowledge().retry
    retried = bool(retry.search(text) or (following and retry.search(following)))
    if retried and following and _GIVE_UP.search(following):
        return False, True
    return retried, False


def judge_candidate(candidate: Candidate, header: JoblogHeader) -> Finding | None:
    """The finding a candidate line states, or ``None`` when it states no error."""
    if _is_noise(candidate, header):
        return None
    text = candidate.line.text
    cleaned = _ESCAPED_BREAK.sub(" ", _NO_ERROR_VALUE.sub(" ", _ASA_CONTROL.sub(" ", text)))
    cleaned = _BOTH_OUTCOMES.sub(" ", _ZERO_COUNTS.sub(" ", cleaned))
    rule = match_rule(cleaned)
    # an exit status with a meaning of its own (127, 128+N) says more than a consequence or a
    # bare error statement ("[ERROR] ... Process exited with an error: 139 (Exit value: 139)")
    if rule is None or rule.tier <= 1 or (rule.name == "error_statement"):
        exit_match = exit_line().search(cleaned)
        meaning = explain_exit_code(int(exit_match.group(1))) if exit_match else None
        if meaning is not None and meaning.category != "success":
            return _finding(candidate, "exit_code", meaning.category, 2, meaning.label)
    if rule is None:
        return None
    if _STARTUP_FILE.search(text):
        return None
    if rule.category in GENERIC_CATEGORIES and 2 <= rule.tier <= _IDENTIFIER_TIER:
        reading = read_line(cleaned)
        if reading is not None:
            label = f"{lexicon().labels[reading.category]} (category from the identifier "
            return _finding(
                candidate,
                IDENTIFIER_RULE,
                reading.category,
                _IDENTIFIER_TIER,
                f"{label}'{reading.identifier}')",
            )
    if rule.name == _KILL_FAMILY and _memory_named_near(candidate):
        return _finding(candidate, rule.name, "out_of_memory", rule.tier, _OOM_KILL_LABEL)
    return _finding(candidate, rule.name, rule.category, rule.tier, rule.label)


_KILL_FAMILY = "killed"
_OOM_KILL_LABEL = "Process killed (SIGKILL, likely the out-of-memory killer)"
_MEMORY_WORDS = re.compile(
    r"(?i)\b(?:out of memory|oom\w*|memory|heap|swap|cgroup|(?:max)?rss|pag(?:ing|e) space)\b|"
    # gigabytes of data the job says it holds or reads in one piece ("lb.xpt is 2.61 GB")
    r"\b\d+(?:[.,]\d+)?\s?Gi?B\b"
)
"""Words that make a SIGKILL the out-of-memory killer's: the job's memory ("maxrss 112.3
GiB"), its limit, the kernel's OOM report, AIX's paging space, gigabytes of data in play."""


def _memory_named_near(candidate: Candidate) -> bool:
    """Whether the job's output around a bare kill ("line 10:  93 Killed", SIGKILL) speaks of
    memory. Without it the kill is only a signal: an operator, a scheduler's timeout or a
    container runtime sends SIGKILL too, and the job's memory is a guess."""
    lines = (*candidate.before, candidate.line, *candidate.after)
    return any(_MEMORY_WORDS.search(ln.text) for ln in lines if not is_banner_line(ln.text))


IDENTIFIER_RULE = "identifier_words"
"""The rule of a finding whose category an identifier's words gave (see ``identifiers``)."""
_IDENTIFIER_TIER = 3
"""A wrapping statement's tier: a family that names the failure (tier 4) still wins."""


def _finding(candidate: Candidate, rule: str, category: Category, tier: int, label: str) -> Finding:
    text = candidate.line.text
    transient, giving_up = _is_transient(candidate)
    java_role: Literal["header", "cause", ""] = ""
    if _JAVA_CAUSE.match(text):
        java_role = "cause"
    elif _JAVA_HEADER.match(text.strip()):
        java_role = "header"
    return Finding(
        line=candidate.line,
        rule=rule,
        category=category,
        tier=tier,
        label=label,
        transient=transient,
        giving_up=giving_up,
        java_role=java_role,
        python_exception=bool(_PY_EXCEPTION.match(text)) and not java_role,
        context_before=candidate.before,
        context_after=candidate.after,
    )


def find_errors(candidates: Sequence[Candidate], header: JoblogHeader) -> list[Finding]:
    """Judge every candidate and drop findings that are consequences or recovered retries.

    Returns the remaining findings in line order; chain members replaced by their root cause.
    """
    findings: list[Finding] = []
    python_chain_pending = False
    superseded: set[int] = set()
    last_python: int | None = None
    for candidate in candidates:
        if _PY_CHAIN.search(candidate.line.text):
            python_chain_pending = True
            continue
        finding = judge_candidate(candidate, header)
        if finding is None:
            continue
        index = len(findings)
        if finding.python_exception:
            if python_chain_pending and last_python is not None:
                superseded.add(index)  # raised while handling (or from) the earlier exception
            else:
                last_python = index
            python_chain_pending = False
        findings.append(finding)

    superseded |= _record_fields(findings)
    for index in _failed_cleanups(findings):
        # Kept as a consequence (tier 1): the chooser still weighs it, below the error before.
        findings[index] = dataclasses.replace(findings[index], tier=1)
    for index in (
        _outlived_probes(findings)
        | _missing_objects_dropped(findings)
        | _outlived_rejects(findings)
    ):
        findings[index] = dataclasses.replace(findings[index], tier=1)
    superseded |= _java_chain_members(findings)
    recovered = _recovered_retries(findings)
    if not _failed_unrecovered(findings, superseded | recovered, header):
        superseded |= recovered
    return [f for i, f in enumerate(findings) if i not in superseded]


def _failed_unrecovered(
    findings: Sequence[Finding], dropped: set[int], header: JoblogHeader
) -> bool:
    """A job that ended failing whose only error lines are retries (InfluxDB's "Download shard
    2 failed ... Retrying (7)..." up to the end): no retry succeeded, so they report the failure."""
    if header.exit_status in (None, 0) or not findings:
        return False
    return all(i in dropped for i in range(len(findings)))


# A script announcing that it undoes its work after an error: "rolling back staging load",
# "removing partial output", "cleaning up".
_CLEANUP = re.compile(
    r"\b(?:roll(?:ing)?[ -]?back|revert(?:ing)?|undo(?:ing)?|clean(?:ing)?[ -]?up|"
    r"(?:removing|deleting|dropping|discarding) (?:the )?(?:partial|temporary|temp|incomplete|"
    r"staged?|intermediate|half-written)\b)",
    re.IGNORECASE,
)
CLEANUP_WITHIN = 2
"""How many lines after a clean-up announcement its own failures may sit."""


_PS_RECORD_FIELD = re.compile(r"^\s*\+ (?:CategoryInfo|FullyQualifiedErrorId)\s*:")
_PS_RECORD_SPAN = 10
"""How far below its head a PowerShell record's field lines may sit (wrapped message, position)."""


def _record_fields(findings: list[Finding]) -> set[int]:
    """Indices of a PowerShell error record's field lines ("+ CategoryInfo : ObjectNotFound:
    ...", "+ FullyQualifiedErrorId : PathNotFound,...") whose record head ("Remove-Item :
    Cannot find path ...") is itself a finding: the field restates the head, which is the
    record's line. A head read only in a generic category takes the field's category, the
    standard error category PowerShell gave the record."""
    fields: set[int] = set()
    for index, field in enumerate(findings):
        if not _PS_RECORD_FIELD.match(field.line.text):
            continue
        for j in range(index - 1, -1, -1):
            head = findings[j]
            if field.line.number - head.line.number > _PS_RECORD_SPAN:
                break
            if not _PS_RECORD_HEAD.match(head.line.text):
                continue
            if head.category in GENERIC_CATEGORIES and field.category not in GENERIC_CATEGORIES:
                # An exception type's words in the field (PSRemotingTransportException) give
                # the head its category but not a wrapper's tier: a line of the record's
                # message that a family reads still states it better.
                lifted = field.rule != IDENTIFIER_RULE
                findings[j] = dataclasses.replace(
                    head,
                    rule=field.rule,
                    category=field.category,
                    tier=max(head.tier, field.tier) if lifted else head.tier,
                    label=field.label,
                )
            fields.add(index)
            break
    return fields


def _failed_cleanups(findings: Sequence[Finding]) -> set[int]:
    """Indices of the failures of a clean-up that a script started because of an earlier
    error: the clean-up failing for a reason of its own (a lock on the rollback, a file it may
    not remove) is a consequence, the error that made it clean up is the cause. A failure of
    the same kind may restate that error, and a generic one may be that error's report, so
    those stay."""
    failed: set[int] = set()
    for index, finding in enumerate(findings):
        announce = next(
            (ln for ln in finding.context_before[-CLEANUP_WITHIN:] if _CLEANUP.search(ln.text)),
            None,
        )
        if announce is None or finding.category in GENERIC_CATEGORIES:
            continue
        if any(
            f.tier >= 2 and f.line.number < announce.number and f.category != finding.category
            for i, f in enumerate(findings[:index])
            if i not in failed
        ):
            failed.add(index)
    return failed


_PROBE = re.compile(
    r"^\s*(?:[efz]?grep|cat|head|tail|wc|ls|stat|find|diff|cmp|more|type|findstr|df|du|"
    r"readlink|realpath|file|(?:md5|sha\d+|ck)sum)(?:\.exe)?: |"
    r"^\s*(?:Get-[A-Za-z]+|Select-String) : ",
    re.IGNORECASE,
)
"""A read-only tool's own complaint ("grep: /x/state: " and ENOENT's text, "cat: ...",
"FINDSTR: Cannot open ...", PowerShell's "Get-Service : Cannot find any service with service
name 'CcmExec'."): it looked for something the job may do without."""


# A Windows prompt echoing a listing command ("D:\\jobs>dir /b E:\\work\\*.xml"): cmd.exe's bare
# "File Not Found" under it is that listing's answer, a probe's.
_LISTING_ECHO = re.compile(r"^\s*[A-Za-z]:\\[^>]*>\s*(?:@\s*)?(?:dir|where)(?:\.exe)?\b", re.I)


def _is_probe(finding: Finding) -> bool:
    """A read-only tool's complaint, by the tool's prefix or the listing echoed above it."""
    if _PROBE.match(finding.line.text):
        return True
    before = [ln for ln in finding.context_before if ln.text.strip()]
    return bool(before) and _LISTING_ECHO.match(before[-1].text) is not None


def _outlived_probes(findings: Sequence[Finding]) -> set[int]:
    """Indices of a read-only tool's missing-file complaint that a later specific failure of
    another kind outlived: a script probing for a marker, a state file or an old log finds
    none and goes on, and what then fails is the job's cause. Without such a later failure, or
    when the later one is a missing file too, the probe may be the cause and stays."""
    probes: set[int] = set()
    for index, finding in enumerate(findings):
        if finding.category != "file_not_found" or not _is_probe(finding):
            continue
        if _outlived(finding, findings[index + 1 :]):
            probes.add(index)
    return probes


def _outlived(finding: Finding, later: Sequence[Finding]) -> bool:
    """Whether a specific failure of another kind, not one good runs also print, comes
    after ``finding``."""
    return any(
        f.tier >= 3
        and not f.known
        and f.category not in GENERIC_CATEGORIES
        and f.category != finding.category
        for f in later
    )


def _outlived_rejects(findings: Sequence[Finding]) -> set[int]:
    """Indices of a rejected record's report ("Record 1207: Rejected - Error on table ...",
    "REJ 0019877 CLAIM 8812102290 ERROR: SERVICE DATE ... IS NOT A VALID DATE") that a later
    specific failure of another kind outlived: a loader or validator sets bad records aside
    and goes on, and what then stops the job is its cause."""
    rejects: set[int] = set()
    for index, finding in enumerate(findings):
        above = finding.context_before[-1:] if finding.context_before else []
        reason_under = (
            bool(above)
            and _REJECTED_RECORD.search(above[0].text) is not None
            and finding.category == "invalid_input"
        )
        if not _REJECTED_RECORD.search(finding.line.text) and not reason_under:
            # the record's report, or the bad value printed under it (ORA-01841); not a full
            # tablespace under it (ORA-01653), which stops the load
            continue
        later = [f for f in findings[index + 1 :] if not _REJECTED_RECORD.search(f.line.text)]
        if _outlived(finding, later):
            rejects.add(index)
    return rejects


_REJECTED_RECORD = re.compile(
    r"(?i)\b(?:record|row|line|claim|message|item)\s*#?\s*\d+\s*[:,]?\s*rejected\b|"
    r"\bREJ\s+\d+\b|\brejected record\b"
)
"""A loader's or validator's report of one record it set aside."""


_DROP_STATEMENT = re.compile(
    r"(?i)\bDROP\s+(?:TABLE|VIEW|INDEX|SEQUENCE|SYNONYM|PROCEDURE|FUNCTION|PACKAGE|TRIGGER|"
    r"TYPE|MATERIALIZED\s+VIEW)\b"
)
_OBJECT_MISSING = re.compile(
    r"(?i)does(?: not|n't) exist|\bORA-(?:00942|04043|02289|01418|01432|01434)\b|\bSQL0204N\b|"
    r"\bSQLCODE\s*=?\s*-0*204\b|\bIS AN UNDEFINED NAME\b|\bUnknown table\b|\bFailure 3807\b|"
    r"\bis not in the database\b"
)
# A message that is itself a drop's complaint: SQL Server's Msg 3701 "Cannot drop the table
# '#work', because it does not exist or you do not have permission." (no statement echoed)
_DROP_OF_NOTHING = re.compile(
    r"(?i)\bMsg 3701\b|\bcannot drop (?:the )?\w+ .{0,200}?\bdoes(?: not|n't) exist\b"
)
_DROP_ECHOED_WITHIN = 4
"""How far above its error the echo of a DROP statement may sit (the statement, the caret
line, "ERROR at line 1:")."""


def _missing_objects_dropped(findings: Sequence[Finding]) -> set[int]:
    """Indices of a DROP statement's complaint that its object does not exist, when a later
    specific failure follows: a script clearing the way ("DROP TABLE X" before creating it)
    finds nothing to drop and goes on, whatever the database's wording (ORA-00942, SQL0204N,
    "Cannot drop the table 'X', because it does not exist")."""
    dropped: set[int] = set()
    for index, finding in enumerate(findings):
        said = " ".join(ln.text for ln in (finding.line, *finding.context_after[:1]))
        if not _DROP_OF_NOTHING.search(said):
            if not _OBJECT_MISSING.search(finding.line.text):
                continue
            echoed = (finding.line, *finding.context_before[-_DROP_ECHOED_WITHIN:])
            if not any(_DROP_STATEMENT.search(ln.text) for ln in echoed):
                continue
        if any(
            later.tier >= 3 and not later.known and later.category not in GENERIC_CATEGORIES
            for later in findings[index + 1 :]
        ):
            dropped.add(index)
    return dropped


def _java_chain_members(findings: Sequence[Finding]) -> set[int]:
    """Indices of chain members that a deeper ``Caused by:`` explains."""
    superseded: set[int] = set()
    chain: list[int] = []

    def close() -> None:
        # The deepest cause that names a specific kind of failure; else simply the deepest.
        keep = chain[-1] if chain else None
        if keep is not None and _LIBRARY_EXCEPTION.search(findings[keep].line.text):
            # A generic library exception at the bottom ("EOFException: SSL peer shut down")
            # says less than the specific one above it.
            specific = [i for i in chain if findings[i].category not in GENERIC_CATEGORIES]
            keep = specific[-1] if specific else keep
        superseded.update(i for i in chain if i != keep)
        chain.clear()

    for index, finding in enumerate(findings):
        if finding.java_role == "header":
            close()
            chain.append(index)
        elif finding.java_role == "cause":
            chain.append(index)
        else:
            close()
    close()
    return superseded


def _recovered_retries(findings: Sequence[Finding]) -> set[int]:
    """Retried errors with no later failure of the same kind (the retry succeeded), or whose
    own retry reported success before the next error: a job that retries each item of a list
    ("attempt 1 failed (rc=1), retrying in 20s", "attempt 2", "INV-120413 ok") recovered that
    item, whatever later items did."""
    recovered: set[int] = set()
    stated = {f.line.number for f in findings if f.tier >= 2}
    for index, finding in enumerate(findings):
        if _retried_to_success(finding, stated):
            recovered.add(index)
            continue
        if not finding.transient:
            continue
        later = findings[index + 1 :]
        still_failing = any(
            f.giving_up or (not f.transient and f.category == finding.category) for f in later
        )
        if not still_failing:
            recovered.add(index)
    return recovered


def _retried_to_success(finding: Finding, stated: set[int]) -> bool:
    """Whether a retry announced right after ``finding`` (within a few lines: its record's
    fields and a "Connection closed" may come first) reported success before any other error
    statement ("sftp attempt 1 failed rc=255, retrying in 60s", ..., "sftp attempt 2 ok")."""
    retry = knowledge().retry
    retried = False
    for offset, line in enumerate(finding.context_after):
        if not retried:
            if offset >= _RETRY_ANNOUNCED_WITHIN:
                return False
            retried = bool(retry.search(line.text))
            continue
        if line.number in stated:
            return False
        if (
            _RETRY_SUCCEEDED.search(line.text)
            and not retry.search(line.text)
            and not _FAILURE_WORDS.search(line.text)
        ):
            return True
    return False


_RETRY_ANNOUNCED_WITHIN = 2
"""How many lines under an error its retry may be announced."""
_RETRY_SUCCEEDED = re.compile(
    r"(?i)(?<![\w-])(?:ok|okay|succeeded|successful(?:ly)?|completed successfully)(?![\w-])"
)
"""A line that says the step it reports succeeded ("[05:01:04] INV-2025-120413 ok", "sftp
attempt 2 ok (92274688 bytes)")."""
_FAILURE_WORDS = re.compile(r"(?i)\b(?:fail\w*|error\w*|not ok|abort\w*|denied|refused)\b")


def choose_root(
    findings: Sequence[Finding],
    exit_code: int | None,
    total_lines: int = 0,
    weights: Weights | None = None,
) -> Finding | None:
    """The finding that states the root cause, or ``None`` when no line states an error."""
    scored = score_root_candidates(findings, exit_code, total_lines, weights)
    best = pick(scored)
    if best is None:
        return None
    return _refine(best.finding, [s.finding for s in scored if s.finding.tier >= 3])


def score_root_candidates(
    findings: Sequence[Finding],
    exit_code: int | None,
    total_lines: int = 0,
    weights: Weights | None = None,
) -> list[Scored]:
    """The findings the chooser weighs, scored. Lines a good run also prints (``known``)
    take part only when no other line states an error."""
    novel = [f for f in findings if not f.known]
    pool = [_as_exit_code_implies(f, exit_code) for f in (novel or findings)]
    return score_findings(pool, exit_code, total_lines, weights)


def _announced_statement(root: Finding) -> Finding | None:
    """ "Encountered an error:" / "Compilation Error" / the message: a free-text line that
    announces the error on the lines after it. The statement is the first line after it that
    is more than an error-class title."""
    if root.tier > 2 or not root.line.text.rstrip().endswith(":"):
        return None
    for line in root.context_after[:_ANNOUNCED_WITHIN]:
        text = line.text.strip()
        if not text or _ERROR_TITLE.fullmatch(text):
            continue
        if is_banner_line(line.text):
            return None
        return dataclasses.replace(root, line=line)
    return None


def _as_exit_code_implies(finding: Finding, exit_code: int | None) -> Finding:
    """With RC 127, a shell's "line 38: /usr/bin/java: No such file" is a missing command."""
    if (
        exit_code == 127
        and finding.category == "file_not_found"
        and _errno_patterns(knowledge())[1].search(finding.line.text)
    ):
        return dataclasses.replace(finding, category="command_not_found", label="Command not found")
    return finding


# An indented line a wrapper relays at a benign level: the continuation of the message above.
_RELAYED_CONTINUATION = re.compile(
    r"^.{0,80}?(?<![\w./-])(?:DEBUG|INFO|NOTICE|WARN|WARNING)(?![\w./-])[ \t]*[-:|>]{1,3} ?"
    r"[ \t]{2,}(\S.*)$"
)


def _relayed_detail(root: Finding) -> Finding | None:
    """The database's or tool's own words on the indented line a wrapper relays, at INFO level,
    right after a wrapping statement ("Database Error in model ..." then "  relation ..."):
    the level is the wrapper's, the message continues the error above it."""
    for line in root.context_after[:2]:
        continuation = _RELAYED_CONTINUATION.match(line.text)
        rule = match_rule(continuation.group(1)) if continuation else None
        if rule is not None and rule.tier == 4 and rule.category == root.category:
            return dataclasses.replace(root, line=line, rule=rule.name, tier=4, label=rule.label)
    return None


def _cause_in_message(root: Finding, strong: Sequence[Finding]) -> Finding | None:
    """A generic exception header whose message runs on over the next lines (a console's
    wrap, a long "nested exception is" chain) up to its first stack frame: the first specific
    statement inside that message names the cause the header only wraps."""
    if root.category not in GENERIC_CATEGORIES or root.java_role != "header":
        return None
    end = root.line.number
    for line in root.context_after:
        if line.number != end + 1 or not line.text.strip() or _FRAME.search(line.text):
            break
        end = line.number
    return next(
        (
            f
            for f in strong
            if root.line.number < f.line.number <= end
            and f.category not in GENERIC_CATEGORIES
            and f.tier >= 3
        ),
        None,
    )


# PowerShell prints an error record as "Verb-Noun : message", wrapped at the console's width
# over the next lines, then "At line:1 char:1" / "At C:\x.ps1:12 char:5" and "+ ..." lines.
# A remoting record shown without its cmdlet starts with the connection it reports
# ("Connecting to remote server X failed with the following error message : ...").
_PS_RECORD_HEAD = re.compile(
    # (a .NET method's exception as PowerShell words it: 'Exception calling "ParseExact" with
    # "3" argument(s): "..."')
    r"^(?:[A-Z][A-Za-z]+-[A-Z][A-Za-z0-9]+ : \S"
    r'|Exception calling "[^"]+" with "\d+" argument\(s\): '
    r"|Exception setting \"[^\"]+\": "
    r"|(?:\[\S+\] )?Connecting to remote (?:server )?\S+ (?:server )?failed with the following"
    r" error message :)"
)
_PS_RECORD_END = re.compile(r"^(?:At (?:line:\d+|\S.*:\d+ char:\d+)|\s*\+ )")
_PS_RECORD_LINES = 4
"""How many wrapped lines a record's message may run on before the line a family matched."""


def _record_head(root: Finding) -> Finding | None:
    """The first line of the PowerShell error record whose wrapped message the root's line
    continues: the console cut the message at its width, the record starts at the cmdlet. A
    line that opens a log record of its own (a timestamp, a bracketed level) continues none."""
    text = root.line.text
    if _PS_RECORD_HEAD.match(text) or _PS_RECORD_END.match(text) or _LOG_RECORD.match(text):
        return None
    expected = root.line.number - 1
    for line in reversed(root.context_before[-_PS_RECORD_LINES:]):
        text = line.text.rstrip("\r")
        if (
            line.number != expected
            or not text.strip()
            or _PS_RECORD_END.match(text)
            or _LOG_RECORD.match(text)
        ):
            return None
        if _PS_RECORD_HEAD.match(text):
            return dataclasses.replace(root, line=line)
        expected -= 1
    return None


_PS_FIELD = re.compile(r"^\s*\+ (?:CategoryInfo|FullyQualifiedErrorId)\s*:")
_LOG_RECORD = re.compile(
    r"^\s*(?:\[?\d{4}-\d\d-\d\d[ T]\d|\[?\d\d:\d\d:\d\d\b|"
    r"\[\s*(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE|FATAL)\s*\])"
)
"""The opening of a log record: a date and time, a time, or a bracketed level."""


def _fields_record_start(root: Finding) -> Finding | None:
    """The first line of the PowerShell error record whose "+ CategoryInfo" field won: the
    record's message comes first (without its cmdlet when a remote session relays it: "A
    parameter cannot be found that matches parameter name 'X'."), then its "At ..." and "+ ..."
    lines; the record starts after the blank line above its message."""
    if not _PS_FIELD.match(root.line.text):
        return None
    expected = root.line.number - 1
    start = None
    for line in reversed(root.context_before[-(_PS_RECORD_LINES + 4) :]):
        text = line.text.rstrip("\r")
        if line.number != expected:
            return None
        if not text.strip():
            break
        if _PS_RECORD_END.match(text):
            if start is not None:
                return None  # another record's fields above this one's message
        else:
            start = line
            if _PS_RECORD_HEAD.match(text):
                break
        expected -= 1
    else:
        return None
    return dataclasses.replace(root, line=start) if start is not None else None


_COLON_HEAD = re.compile(
    r"^(?=\S)(?!.*\b\d+ errors?\b)"
    r".*\b(?:[Ee]rror|ERROR|[Ee]xception|[Ff]atal|FATAL|[Ff]ailed|FAILED)\b.*:\s*$"
)
"""An error's head that ends with a colon: its message goes on, indented, on the next line.
A head that counts errors ("* 1 error occurred:") opens a list whose items are the errors."""


def _colon_head(root: Finding) -> Finding | None:
    """The head of an error whose message continues indented under it: R prints "Error in
    f(x) :" and the message on the next line, indented; the record starts at its head."""
    if not root.line.text[:1].isspace() or not root.context_before:
        return None
    above = root.context_before[-1]
    if above.number != root.line.number - 1 or not _COLON_HEAD.match(above.text.rstrip("\r")):
        return None
    return dataclasses.replace(root, line=above)


# The kernel's out-of-memory record opens with "invoked oom-killer:", lists the tasks it
# weighed (a line each, dozens on a busy host) and concludes "Out of memory: Killed process".
_RECORD_OPENERS = frozenset({"kernel_oom_record"})
RECORD_LINES = 80
"""How far after its opening line a record's concluding statement may sit."""


def _record_conclusion(root: Finding, strong: Sequence[Finding]) -> Finding | None:
    """The statement that concludes a multi-line record whose opening line won: the kernel
    names the process it killed at the end of the record it opened with its reasons."""
    if root.rule not in _RECORD_OPENERS:
        return None
    return next(
        (
            f
            for f in strong
            if 0 < f.line.number - root.line.number <= RECORD_LINES
            and f.tier == 4
            and f.category == root.category
        ),
        None,
    )


# A Java stack frame, indented or not (pasted traces often lose the tab).
_JAVA_FRAME = re.compile(r"^\s*at\s+[\w$.<>/\[\]-]+\(")


def _restated_as_cause(root: Finding, strong: Sequence[Finding]) -> Finding | None:
    """An exception logged on its own line, then raised in a chain whose ``Caused by:`` prints
    it again word for word: by the Java convention the chain's deepest cause is the statement,
    the logged copy above it only announces it. An exception printed with its own frames is a
    trace of its own, thrown first: it stays the statement."""
    following = root.context_after[:1]
    if following and (_FRAME.search(following[0].text) or _JAVA_FRAME.match(following[0].text)):
        return None
    message = root.line.text.strip()
    return next(
        (
            f
            for f in strong
            if f.line.number > root.line.number
            and f.java_role == "cause"
            and f.category == root.category
            and message in f.line.text
        ),
        None,
    )


# An error record's field for the operating system's reason ("ERRNO TEXT  Permission denied"
# at the end of SAP's NI record under its LOCATION, ERROR, ... SYSTEM CALL and ERRNO fields).
_ERRNO_FIELD = re.compile(r"^\s*(?:ERRNO[ _]TEXT\b|errno\s*[:=])", re.IGNORECASE)
_ERRNO_FIELD_WITHIN = 25
"""How far below the failure it explains a record's errno field may sit."""


def _errno_field_reason(root: Finding, strong: Sequence[Finding]) -> Finding | None:
    """The errno field of the record below ``root`` when it names a cause of another kind: a
    connection the operating system refused to open ("partner not reached", then "SYSTEM CALL
    connect", "ERRNO TEXT  Permission denied") failed because of the refusal."""
    return next(
        (
            f
            for f in strong
            if 0 < f.line.number - root.line.number <= _ERRNO_FIELD_WITHIN
            and _ERRNO_FIELD.match(f.line.text)
            and f.tier >= 4
            and f.category not in GENERIC_CATEGORIES
            and f.category != root.category
        ),
        None,
    )


# A host name that did not resolve: a connection to it could not even be attempted.
_NAME_RESOLUTION = re.compile(
    r"name resolution|Name or service not known|could not resolve|NXDOMAIN|no such host|"
    r"gethostbyname|getaddrinfo",
    re.IGNORECASE,
)
_RESOLUTION_WITHIN = 2


def _name_resolution_below(root: Finding, strong: Sequence[Finding]) -> Finding | None:
    """A name-resolution failure right below a failed connection (Bacula's "Failed to connect
    to Storage daemon: bacula-sd:9103", then "gethostbyname() for host "bacula-sd" failed:
    ERR=Temporary failure in name resolution"): the name is resolved before any connection is
    tried, so its failure is the cause and the connection's the consequence."""
    if root.category != "network" or _NAME_RESOLUTION.search(root.line.text):
        return None
    return _statement_below(
        root,
        strong,
        _RESOLUTION_WITHIN,
        lambda f: (
            f.category == "network" and f.tier >= 4 and bool(_NAME_RESOLUTION.search(f.line.text))
        ),
    )


def _login_refused_below(root: Finding, strong: Sequence[Finding]) -> Finding | None:
    """A refused login right below a connection that failed for no stated reason ("REP-0501:
    Unable to connect to the specified database.", then "ORA-01017: invalid username/password;
    logon denied"): the server was reached and turned the credentials down, so the login's
    refusal is the cause and the failed connection its consequence."""
    if root.category != "network" or not _CONNECT_FAILED.search(root.line.text):
        return None
    if _NETWORK_REASON.search(root.line.text):
        return None
    return _statement_below(
        root,
        strong,
        _LOGIN_REFUSED_WITHIN,
        lambda f: f.category == "authentication" and f.tier >= 3,
    )


def _statement_below(
    root: Finding, strong: Sequence[Finding], within: int, states: Callable[[Finding], bool]
) -> Finding | None:
    """The first of ``strong`` at most ``within`` lines below ``root`` for which ``states``
    holds: the cause a failed connection's next lines give."""
    return next(
        (f for f in strong if 0 < f.line.number - root.line.number <= within and states(f)),
        None,
    )


_CONNECT_FAILED = re.compile(
    r"(?i)\b(?:unable to|could not|cannot|can't|failed to) (?:open (?:a |the )?)?connect(?:ion)?\b|"
    r"\bconnection (?:attempt )?failed\b|\berror on connect\b"
)
_NETWORK_REASON = re.compile(
    r"(?i)refused|timed? ?out|unreachable|no route|resolv|unknown host|reset|not known|"
    r"getaddrinfo|\berrno\b|\b(?:10060|10061|110|111|113)\b"
)
_LOGIN_REFUSED_WITHIN = 2
"""How far below the failed connection the server's refusal of the login may sit."""


# A header that announces a list of errors indented under it (AIX's loader: "exec(): 0509-036
# Cannot load program X because of the following errors:", then its 0509-nnn lines).
_LISTS_ERRORS = re.compile(r"\bfollowing errors?:\s*$", re.IGNORECASE)
_LISTED_WITHIN = 6
"""How many indented lines of the list may come before the one a family read."""


def _first_listed(root: Finding) -> Finding | None:
    """The first line of the indented error list that ``root`` belongs to: the list states one
    failure from its first line on (AIX: the dependent module that could not be loaded, then
    the system error saying why), so the first line is its statement, the family's reading of
    a later line its category."""
    if not _INDENTED.match(root.line.text):
        return None
    first: LogLine | None = None
    expected = root.line.number - 1
    for line in reversed(root.context_before[-(_LISTED_WITHIN + 1) :]):
        if line.number != expected:
            return None
        if _LISTS_ERRORS.search(line.text) and not _INDENTED.match(line.text):
            return dataclasses.replace(root, line=first) if first is not None else None
        if not _INDENTED.match(line.text):
            return None
        first = line
        expected -= 1
    return None


# A response's bare status line as an HTTP trace prints it ("< HTTP/2.0 403 Forbidden"): the
# code only; the reason the service gives in the response below says which failure it is.
_HTTP_STATUS_LINE = re.compile(r"^[<\s*]*HTTP/[\d.]+\s+[45]\d\d(?:\s+[A-Za-z][\w ]*)?\s*$")
_RESPONSE_LINES = 20
"""How far below its status line a response's reason may sit (the headers come first)."""


def _status_reason(root: Finding, strong: Sequence[Finding]) -> Finding | None:
    """The reason a service gives below a bare HTTP status line ("403 Forbidden", then
    "Invalid access token."): a specific statement names the failure the status code only
    classes. A line that reports the status among other words ("Refresh request rejected:
    HTTP 400 (Bad Request)") yields only to the reply printed right under it when the reply
    says a failure of another category."""
    if _HTTP_STATUS_LINE.match(root.line.text):
        return next(
            (
                f
                for f in strong
                if 0 < f.line.number - root.line.number <= _RESPONSE_LINES
                and f.tier == 4
                and f.category not in GENERIC_CATEGORIES
            ),
            None,
        )
    if not _HTTP_STATUS_NAMED.search(root.line.text):
        return None
    return next(
        (
            f
            for f in strong
            if 0 < f.line.number - root.line.number <= _REPLY_BELOW
            and _REPLY_DOCUMENT.search(f.line.text)
            and f.tier == 4
            and f.category != root.category
            and f.category not in GENERIC_CATEGORIES
        ),
        None,
    )


_HTTP_STATUS_NAMED = re.compile(
    r"\bHTTP(?:/[\d.]+)?[ :]*[45]\d\d\b|\bstatus(?: code)?[ =:]+[45]\d\d\b"
)
_REPLY_DOCUMENT = re.compile(
    r'\{\s*"(?:error|message|code)"|<(?:message|error)>|\bResponse(?: body)?\s*:'
)
"""A service's reply printed by a client: a JSON or XML error document, or a "Response:" dump."""
_REPLY_BELOW = 2


def _deepest_in_stack(root: Finding, strong: Sequence[Finding]) -> Finding | None:
    """The deepest specific entry of a numbered error stack that ``root`` is an entry of
    (HDF5's "#000: H5F.c line 532 in H5Fcreate(): unable to create file" down to "#006: ...
    MPI_File_open failed: MPI_ERR_ACCESS: permission denied"): each entry is the failure of
    the call the entry above made, so the last one states the cause, as a Java chain's
    deepest "Caused by:" does. The stack ends where a new one starts at "#000"."""
    entry = _STACK_ENTRY.match(root.line.text)
    if entry is None:
        return None
    deepest: Finding | None = None
    depth = int(entry.group(1))
    for f in strong:
        if f.line.number <= root.line.number:
            continue
        below = _STACK_ENTRY.match(f.line.text)
        if below is None:
            continue
        if int(below.group(1)) <= depth:
            break
        depth = int(below.group(1))
        if f.tier >= 4 and f.category not in GENERIC_CATEGORIES:
            deepest = f
    return deepest


_STACK_ENTRY = re.compile(r"^\s+#(\d{3}): \S+ line \d+ in ")
"""An entry of a numbered error stack: its depth, the source file and line, the function."""


def _refine(root: Finding, strong: Sequence[Finding]) -> Finding:
    """Move from a first statement to the line that states the same cause better."""
    head = _record_head(root) or _fields_record_start(root) or _colon_head(root)
    if head is not None:
        return head
    deepest = _deepest_in_stack(root, strong)
    if deepest is not None:
        return deepest
    status_reason = _status_reason(root, strong)
    if status_reason is not None:
        return status_reason
    reason = _errno_field_reason(root, strong)
    if reason is not None:
        return reason
    listed = _first_listed(root)
    if listed is not None:
        return listed
    resolution = _name_resolution_below(root, strong)
    if resolution is not None:
        return resolution
    refused = _login_refused_below(root, strong)
    if refused is not None:
        return refused
    announced = _announced_statement(root)
    if announced is not None:
        return announced
    in_message = _cause_in_message(root, strong)
    if in_message is not None:
        return in_message
    foreign = next(
        (
            f
            for f in strong
            if f.line.number == root.line.number + 1 and _FOREIGN_DETAIL.match(f.line.text)
        ),
        None,
    )
    if foreign is not None:
        return foreign  # the foreign server's own error, relayed as the DETAIL field
    if root.tier == 3:
        # A wrapper ("Msg 208, Level 16", "SQL*Loader-128: unable to begin a session", a crash
        # banner) whose specific cause is printed right after it.
        follower = next(
            (
                f
                for f in strong
                if 0 < f.line.number - root.line.number <= 2
                and f.tier == 4
                and not _continues_message(root, f)
            ),
            None,
        )
        if follower is None:
            follower = _relayed_detail(root)
        if follower is None:
            follower = _record_conclusion(root, strong)
        if follower is not None:
            root = follower
    if not (root.java_role or root.python_exception):
        # The same error logged first and then raised: the exception line is the statement.
        tokens = set(_SHARED_TOKEN.findall(root.line.text))
        raised = next(
            (
                f
                for f in strong
                if f.line.number > root.line.number
                and (f.java_role == "cause" or f.python_exception)
                and f.category == root.category
                and tokens & set(_SHARED_TOKEN.findall(f.line.text))
            ),
            None,
        )
        if raised is not None:
            root = raised
    elif root.java_role == "header":
        root = _restated_as_cause(root, strong) or root
    root = _wrapped_reason_start(root)
    if root.category == "network" and _SYMPTOM.search(root.line.text):
        death = next(
            (f for f in strong if f.category in ("out_of_memory", "disk_full") and f.tier == 4),
            None,
        )
        if death is not None:
            root = death
    return root


def _continues_message(root: Finding, follower: Finding) -> bool:
    """Whether ``follower`` only continues ``root``'s own message, wrapped at the console's
    width: every line from the root's to the follower's goes on in lower case where the line
    above it stopped mid-sentence (Db2's "SQL0803N  One or more values in the INSERT
    statement, UPDATE statement, or" / "foreign key update caused by ...")."""
    lines = [root.line, *(ln for ln in root.context_after if ln.number <= follower.line.number)]
    if lines[-1].number != follower.line.number:
        return False
    return all(
        _WRAPPED_ON.match(below.text) and not _SENTENCE_END.search(above.text)
        for above, below in itertools.pairwise(lines)
    )


_WRAPPED_ON = re.compile(r"^[a-z(\"']")
_SENTENCE_END = re.compile(r"[.!?:]\s*$")


def _wrapped_reason_start(root: Finding) -> Finding:
    """The path a wrapped "path (reason)" message starts with: a console or a paste broke
    Java's "/data/x.index (reason)" before the parenthesised errno text, which then stands
    alone on the next line; the statement starts at the path."""
    if not _BARE_REASON.match(root.line.text) or not root.context_before:
        return root
    above = root.context_before[-1]
    if above.number != root.line.number - 1 or not _PATH_ONLY.match(above.text):
        return root
    return dataclasses.replace(root, line=above)


_BARE_REASON = re.compile(r"^\s*\([A-Z][\w ,'-]{3,60}\)\s*$")
"""A reason in parentheses and nothing else (an errno text in parentheses)."""
_PATH_ONLY = re.compile(r"^\s*(?:[A-Za-z]:)?[/\\][^\s:]+\s*$")
"""A line that is one absolute path and nothing else."""


__all__ = ["choose_root", "find_errors", "judge_candidate", "score_root_candidates"]

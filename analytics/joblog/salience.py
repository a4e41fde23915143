"""Which entities of a root cause an operator acts on, most relevant first.

The root-cause line names most of them; its parser-level noise (the script that reports the
error, a package prefix, ``rc=1``, the short form of a qualified class) is dropped. Two things
come from the lines around it: where a code bug sits (its first application stack frame) and,
for categories that are about a resource, the resource when the line itself leaves it out (the
host a socket timed out on, the file a full disk was being written for).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analytics.joblog.entities import Entity, EntityKind, extract_entities
from analytics.joblog.models import Category, LogLine
from analytics.masking import mask_secrets

SUBJECT_KINDS: dict[Category, tuple[EntityKind, ...]] = {
    "file_not_found": ("path", "object"),
    "permission_denied": ("path", "user", "object"),
    "disk_full": ("path", "object"),
    "command_not_found": ("command", "path"),
    "network": ("host", "url"),
    "timeout": ("host", "url", "object", "path"),
    "authentication": ("user", "host", "url"),
    "database": ("object",),
    "resource_busy": ("object", "path", "host"),
    "invalid_input": ("path", "object", "value"),
    "signal_or_crash": ("path", "command", "program"),
    "out_of_memory": ("path", "command", "program", "object"),
}
"""What a root cause of each category is about, best first: the kinds a fix acts on."""

# Categories whose resource is worth looking for around the line when the line omits it.
# Memory and crash lines name the process when they name anything; guessing it from the
# lines around would pick up whatever the job printed last.
_FILL_FROM_CONTEXT: frozenset[Category] = frozenset(
    {
        "file_not_found",
        "permission_denied",
        "disk_full",
        "command_not_found",
        "network",
        "timeout",
        "authentication",
        "database",
        "resource_busy",
        "invalid_input",
        "signal_or_crash",
    }
)
# A code bug is fixed where it is thrown; so is the allocation that exhausted the heap.
_LOCATE_IN_CODE: frozenset[Category] = frozenset({"application_error", "out_of_memory"})

_RC_PHRASE = re.compile(r"(?i)^(?:rc|exit(?: code| status)?|return code)\b")
_SIGNAL_NUMBER = re.compile(r"^(?:signal|SIG)\s?\d+$")
_SIGNAL_NAME = re.compile(r"\bSIG[A-Z]{3,6}\b")
_ABEND = re.compile(r"\bABEND(?:ED)?\b[=\s]*((?:\b[SU][0-9A-F]{3,4}\b\s*)+)")
_SQLSTATE = re.compile(r"^\d[0-9A-Z]{4}$")
_INFO_MESSAGE_ID = re.compile(r"^[A-Z]{3,}\d{3,}I$")
_REPORTER = re.compile(r"^\s*(\S+?)(?::\s*line \d+:|\[\d+\]:)|^\s*(/\S+?):\s")
# "line 99: 1021561 Killed   /opt/app/bin/engine --input /data/in": the process is what died,
# its arguments are not.
_JOB_STATUS = re.compile(
    r"\b\d+\s+(?:Killed|Segmentation fault|Aborted|Bus error|Terminated|Hangup|Quit|"
    r"Floating point exception|Illegal instruction)(?:\s+\(core dumped\))?\s+\S+(.*)$"
)
_SWITCH_LIKE_PATH = re.compile(r"^(?:/(?:[A-Z]{1,6}|[a-z]{1,2})|[A-Za-z]:\\?)$")
_SHORT_FORM_SEPARATORS = "./\\@"
_STACK_FRAME = re.compile(r"^\s*at ([A-Za-z_$][\w$]*(?:\.[\w$<>]+)+)(?:\(| in )")
_PYTHON_FRAME = re.compile(r'^\s*File "([^"]+)", line \d+')
_RUNTIME_FRAME = re.compile(
    r"^(?:java|javax|jdk|sun|com\.sun|kotlin|scala|groovy|System|Microsoft)\."
)
_LIBRARY_PATH = re.compile(r"site-packages|dist-packages|/lib(?:64)?/python\d|<frozen ")
_TWS_MESSAGE = re.compile(r"\bAWS[A-Z]{3}\d{3}I\b")
# PostgreSQL states one error over several lines (ERROR, then DETAIL/HINT/CONTEXT/QUERY).
_CONTINUATION = re.compile(r"^\s*(?:DETAIL|HINT|CONTEXT|QUERY|LINE \d+):")
_NEW_STATEMENT = re.compile(r"^\s*(?:\S+:\s*)?(?:ERROR|FATAL|PANIC):")
# Where an account is refused, ``user@host`` names the account; elsewhere the host matters.
_ACCOUNT_CATEGORIES: frozenset[Category] = frozenset({"authentication", "permission_denied"})


@dataclass(frozen=True)
class _Source:
    """A line the entities may come from, and how far it is from the root-cause line."""

    distance: int
    line: LogLine
    entities: tuple[Entity, ...]


def select_entities(
    category: Category,
    line: LogLine,
    before: Sequence[LogLine] = (),
    after: Sequence[LogLine] = (),
    *,
    chain: Sequence[LogLine] = (),
    exclude: Iterable[str] = (),
) -> list[Entity]:
    """Entities of the root cause stated on ``line``, most relevant first.

    ``before`` and ``after`` are the lines around it in log order (without banner lines);
    ``chain`` are the other error statements among them: when the line names no code, the
    nearest one's code is its reason (the ORA- code under a rejected SQL*Loader record).
    A z/OS abend code anywhere around is named too.
    ``exclude`` names strings that are never taken from them as the subject (the job's own
    script). Every entity is a substring of one of the given lines after secrets are masked.
    """
    excluded = frozenset(exclude)
    chosen: list[Entity] = []
    for stated in (line, *_continuation(after)):
        text = mask_secrets(stated.text)
        chosen += _prune(extract_entities(text), text, category, on_error_line=True)
    if not any(e.kind in ("code", "exception") for e in chosen):
        chosen += _nearest_code(chain, line, category)
    chosen += _abend_codes((*before, *after))
    if category in _LOCATE_IN_CODE:
        chosen += _code_location(before, after)
    kinds = SUBJECT_KINDS.get(category, ())
    if category in _FILL_FROM_CONTEXT and not any(e.kind in kinds for e in chosen):
        chosen += _nearest_subject(kinds, category, _context(before, after), excluded)
    unique: dict[str, Entity] = {}
    for entity in chosen:
        unique.setdefault(entity.text, entity)
    return list(unique.values())


def _continuation(after: Sequence[LogLine]) -> list[LogLine]:
    """The lines after the root-cause line that belong to the same error statement."""
    lines = []
    for ln in after:
        if _NEW_STATEMENT.match(ln.text):
            break
        if _CONTINUATION.match(ln.text):
            lines.append(ln)
    return lines


def _context(before: Sequence[LogLine], after: Sequence[LogLine]) -> list[_Source]:
    """Lines around the root cause, nearest first (the line before wins a tie: a job says what
    it is about to do, then fails)."""
    sources = [
        *(_Source(index + 1, ln, ()) for index, ln in enumerate(reversed(before))),
        *(_Source(index + 1, ln, ()) for index, ln in enumerate(after)),
    ]
    sources.sort(key=lambda source: source.distance)
    return sources


def _nearest_subject(
    kinds: tuple[EntityKind, ...],
    category: Category,
    sources: list[_Source],
    excluded: frozenset[str],
) -> list[Entity]:
    """The best subject entity of the nearest line that names one."""
    for source in sources:
        text = mask_secrets(source.line.text)
        if _TWS_MESSAGE.search(text) or _STACK_FRAME.match(text) or _PYTHON_FRAME.match(text):
            continue  # TWS banner lines and stack frames say nothing about the resource
        found = [
            e
            for e in _prune(extract_entities(text), text, category, on_error_line=False)
            if e.kind in kinds and e.text not in excluded
        ]
        if found:
            found.sort(key=lambda e: kinds.index(e.kind))
            return found[:1]
    return []


def _nearest_code(chain: Sequence[LogLine], line: LogLine, category: Category) -> list[Entity]:
    for stated in sorted(chain, key=lambda ln: abs(ln.number - line.number)):
        text = mask_secrets(stated.text)
        pruned = _prune(extract_entities(text), text, category, on_error_line=False)
        codes = [e for e in pruned if e.kind in ("code", "exception")]
        if codes:
            return codes[:1]
    return []


def _abend_codes(lines: Iterable[LogLine]) -> list[Entity]:
    """System and user abend codes (``ABEND=S0C7``, ``ABEND S322 U0000``), which z/OS prints on
    a line of its own, away from the program's message."""
    codes = []
    for ln in lines:
        for match in _ABEND.finditer(ln.text):
            codes += [
                Entity("code", code)
                for code in match.group(1).split()
                if code not in ("S000", "U0000")  # the half of the pair that did not happen
            ]
    return codes


def _code_location(before: Sequence[LogLine], after: Sequence[LogLine]) -> list[Entity]:
    """Where the failing code sits: the first application frame of a Java/.NET stack trace
    after the line, else the innermost application frame of a Python traceback before it."""
    for ln in after:
        match = _STACK_FRAME.match(ln.text)
        if match and not _RUNTIME_FRAME.match(match.group(1)):
            return [Entity("object", match.group(1))]
    for ln in reversed(before):
        match = _PYTHON_FRAME.match(ln.text)
        if match and not _LIBRARY_PATH.search(match.group(1)):
            return [Entity("path", match.group(1))]
    return []


def _prune(
    entities: list[Entity], text: str, category: Category, *, on_error_line: bool
) -> list[Entity]:
    """Drop what is noise to an operator: short forms and fragments of a longer entity on the
    same line, compound codes whose parts are named, exit-status phrases, prose values."""
    texts = [e.text for e in entities]
    codes = [e.text for e in entities if e.kind == "code"]
    accounts = category in _ACCOUNT_CATEGORIES
    kept = [
        e
        for e in entities
        if not _is_noise(e, text, codes, category, on_error_line=on_error_line)
        and not _is_fragment(e.text, texts, accounts)
        and not (not accounts and _host_is_named(e, texts))
    ]
    status = _JOB_STATUS.search(text)
    if status and status.group(1).strip():
        kept = [e for e in kept if e.text not in status.group(1)]
    reporter = _REPORTER.match(text)
    if reporter:
        # "/opt/app/bin/load.sh: line 41: /data/out/x.csv: Permission denied": the script only
        # reports; it is the subject only when the line names nothing else.
        others = [
            e
            for e in kept
            if e.kind != "code" and not (reporter.group(1) or reporter.group(2)).endswith(e.text)
        ]
        if others:
            kept = [e for e in kept if e.kind == "code" or e in others]
    kept = [
        e
        for e in kept
        if not (e.kind == "program" and any(o.startswith(e.text + ":") for o in codes))
    ]  # "curl" beside "curl: (28)"
    # "gzip: stdout: No space left" names the program that noticed, not what failed; a
    # crashed or starved process, or a missing command, is the subject itself.
    if category not in ("signal_or_crash", "out_of_memory", "command_not_found") and any(
        e.kind not in ("program", "code") for e in kept
    ):
        kept = [e for e in kept if e.kind != "program"]
    return kept


def _is_noise(
    entity: Entity, text: str, codes: list[str], category: Category, *, on_error_line: bool
) -> bool:
    value = entity.text
    if not on_error_line and _INFO_MESSAGE_ID.match(value):
        return True  # informational message ids around the error are plumbing
    if entity.kind == "code":
        if _SQLSTATE.match(value) and any(
            value not in other and not _SQLSTATE.match(other) for other in codes
        ):
            return True  # the SQLSTATE restates the vendor code beside it
        if _RC_PHRASE.match(value) or value.startswith("[Errno"):
            return True  # the exit status is stated apart; errno restates the message
        if _SIGNAL_NUMBER.match(value) and _SIGNAL_NAME.search(text):
            return True
        # "SQLSTATE=57011" beside "57011", "Msg 18456" beside "18456": keep the parts
        return any(other != value and other in value for other in codes)
    if entity.kind == "path":
        return bool(_SWITCH_LIKE_PATH.match(value))
    if entity.kind == "value":
        if re.search(r"(?i)\bpid[=: ]+" + re.escape(value) + r"\b", text):
            return category != "resource_busy"  # a process id matters when it holds a lock
        if value.isdigit():
            return len(value) < 3
        return (
            (value.isalpha() and value.islower())
            or any(ch.isspace() for ch in value)
            or "(" in value
            or re.search(r"thread\s+\"" + re.escape(value) + '"', text) is not None
        )
    return False


def _host_is_named(entity: Entity, texts: list[str]) -> bool:
    """``batch@sftp.example.com`` when ``sftp.example.com`` is named on its own."""
    return entity.kind == "host" and "@" in entity.text and entity.text.split("@", 1)[1] in texts


def _is_fragment(value: str, texts: list[str], accounts: bool) -> bool:
    """``OutOfMemoryError`` beside ``java.lang.OutOfMemoryError``, ``java.nio.file`` or a
    directory beside the full name: a piece of a longer entity on the same line."""
    separators = _SHORT_FORM_SEPARATORS if accounts else _SHORT_FORM_SEPARATORS.replace("@", "")
    for other in texts:
        if other == value or len(other) <= len(value):
            continue
        if other.endswith(value) and other[-len(value) - 1] in separators:
            return True
        if other.startswith(value) and other[len(value)] in _SHORT_FORM_SEPARATORS:
            return True
    return False

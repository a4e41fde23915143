"""Which entities of a root cause an operator acts on, most relevant first.

The root-cause line names most of them; its parser-level noise (the script that reports the
error, a package prefix, ``rc=1``, the short form of a qualified class) is dropped. Two things
come from the lines around it: where a code bug sits (its first application stack frame) and,
for categories that are about a resource, the resource when the line itself leaves it out (the
host a socket timed out on, the file a full disk was being written for).

:func:`related_entities` is a second, bounded tier for after them: the well-formed entities a
wider neighbourhood of the line names (the input file a parser was reading, the account a
loader logged on as), for a reader who wants more than the subject.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from resync_analytics.joblog.entities import Entity, EntityKind, extract_entities
from resync_analytics.joblog.frames import (
    CALL_FRAME,
    JAVA_FRAME,
    JS_FRAME,
    PHP_FRAME,
    PYTHON_FRAME,
    RUNTIME_PACKAGE,
)
from resync_analytics.joblog.models import SPECIFIC_CATEGORIES, Category, LogLine
from resync_analytics.joblog.pattern import error_pattern
from resync_analytics.masking import mask_secrets

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
_FILL_FROM_CONTEXT: frozenset[Category] = (SPECIFIC_CATEGORIES - {"out_of_memory"}) | {
    "signal_or_crash"
}
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
_HOST_AND_PORT = re.compile(r"[\w.-]+:\d{1,5}")
_LIBRARY_PATH = re.compile(r"site-packages|dist-packages|/lib(?:64)?/python\d|<frozen ")
_TWS_MESSAGE = re.compile(r"\bAWS[A-Z]{3}\d{3}I\b")
# PostgreSQL states one error over several lines (ERROR, then DETAIL/HINT/CONTEXT/QUERY).
_CONTINUATION = re.compile(r"^\s*(?:DETAIL|HINT|CONTEXT|QUERY|LINE \d+):")
_NEW_STATEMENT = re.compile(r"^\s*(?:\S+:\s*)?(?:ERROR|FATAL|PANIC):")
# Where an account is refused, ``user@host`` names the account; elsewhere the host matters.
_ACCOUNT_CATEGORIES: frozenset[Category] = frozenset({"authentication", "permission_denied"})

MAX_RELATED = 3
"""At most this many second-tier entities: past a handful they bury the first tier."""
RELATED_DISTANCE = 10
"""How many lines before and after the root-cause line the second tier looks at."""
_MIN_RELATED = 3
_PER_LINE = 1  # one per line: a line listing columns or hosts is one fact
# Kinds that name something an operator can look up; quoted values and the name of the
# program that printed a line are too often prose or plumbing away from the error line.
_RELATED_KINDS: frozenset[EntityKind] = frozenset(
    {"code", "exception", "path", "object", "host", "user", "url"}
)
_NO_ABEND = re.compile(r"^[SU]0+$")  # "ABEND=S000 U0100": the half that did not happen
_ONE_WORD_PATH = re.compile(r"^/[A-Za-z]+$")  # "/out", "/period": switches, or "/tmp" itself
# The job's own code and logs are named around every step it takes; the first tier names
# them when they are the cause (a missing script, the frame that threw).
_CODE_OR_LOG_PATH = re.compile(
    r"(?i)\.(?:sh|ksh|bash|cmd|bat|ps[dm]?1|py|pl|sql|hql|log|out|lst)(?::\d+)?$|[/\\]logs?[/\\]"
)
LIMIT_UNIT_KEPT = True
"""Whether a bound read both bare and with its unit ("180001" and "180001 milliseconds" of
curl's timeout) is named with its unit rather than as the bare number. Chosen
leave-one-source-out by ``bench/joblog_entity_choices.py`` ("limit spelling"): on the
development parts of 432 sources either spelling found one label the other missed (curl's
"180001" against Lambda's "120.00 seconds") and 430 folds kept the bare number; with the
2026-12-07 batches (458 sources) more labels name the unit (curl's "89999 milliseconds"):
recall 71.6% -> 71.7%, precision 62.4% -> 62.5%, 455 of 458 folds choose the unit. The labels
disagree: the held-out figure of the fold choices (71.4%, 62.2%) is below either spelling's."""

CODE_FIELDS_KEPT = False
"""Whether a code read both bare and with its field ("SQLCODE=-964" and "-964", "Msg 18456"
and "18456") is named with its field rather than as the bare code. Chosen
leave-one-source-out by ``bench/joblog_entity_choices.py`` ("code spelling"): two development
labels of a JDBC driver's code name "SQLCODE=-964", but the field spelling loses more labels
that name the bare code (recall 71.6% -> 71.3%, precision 62.4% -> 61.3% on the development
parts, 458 sources), and no fold chooses it."""

# JES2 job ids and messages ("JOB07120", "$HASP395") are z/OS plumbing, like TWS's AWS...I.
_JES_PLUMBING = re.compile(r"^(?:\$?HASP\d{3}|JOB\d{5})$")
# "E:\dwh\jobs>sqlcmd ...": a Windows prompt names the working directory, not the cause.
_WINDOWS_PROMPT = re.compile(r"^\s*[A-Za-z]:\\[^>]*>")


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
    if category == "unknown" and not chosen:
        # "finished rc=4" and nothing else: the status is the only fact the line states
        text = mask_secrets(line.text)
        chosen += [
            e for e in extract_entities(text) if e.kind == "code" and _RC_PHRASE.match(e.text)
        ][:1]
    chosen += _abend_codes((*before, *after))
    if category in _LOCATE_IN_CODE:
        chosen += _code_location(before, after)
    kinds = SUBJECT_KINDS.get(category, ())
    if category in _FILL_FROM_CONTEXT and not any(e.kind in kinds for e in chosen):
        # An error statement after the line is a consequence: what it names is what its own
        # failure touched ("mv: cannot stat 'x.csv.ok'" after a checksum mismatch), not the
        # resource of this cause.
        later = {ln.number for ln in chain if ln.number > line.number}
        sources = [s for s in _context(before, after) if s.line.number not in later]
        chosen += _nearest_subject(kinds, category, sources, excluded)
    unique: dict[str, Entity] = {}
    for entity in chosen:
        unique.setdefault(entity.text, entity)
    return list(unique.values())


def related_entities(
    category: Category,
    line: LogLine,
    before: Sequence[LogLine] = (),
    after: Sequence[LogLine] = (),
    *,
    chain: Sequence[LogLine] = (),
    named: Sequence[Entity] = (),
    exclude: Iterable[str] = (),
    limit: int = MAX_RELATED,
) -> list[Entity]:
    """Up to ``limit`` further entities from the lines around ``line``, most relevant first.

    ``before`` and ``after`` are the lines around it in log order (without banner lines); only
    the ``RELATED_DISTANCE`` nearest either side count. ``chain`` are the other error
    statements among them, read first (the cause a wrapper exception reports); the other lines
    follow nearest first. ``named`` are the entities already chosen (see
    :func:`select_entities`): they, pieces of them and other spellings of them are not
    repeated; when they name the cause's code or exception, the codes and exceptions around it
    (wrappers, stack-position codes) are not added, except a z/OS abend code. Left out too:
    fragments (shorter than three characters, bare lowercase words, one-word paths such as
    command switches), quoted values, the programs and scripts that print lines, stack frames,
    TWS plumbing, informational message ids, lines repeating an earlier line's pattern (a
    progress loop) and the ``exclude`` strings (the job's script, its workstation).
    """
    before = before[len(before) - RELATED_DISTANCE :] if len(before) > RELATED_DISTANCE else before
    after = after[:RELATED_DISTANCE]
    taken = list(dict.fromkeys(e.text for e in named))
    excluded = frozenset(exclude)
    code_named = any(e.kind in ("code", "exception") for e in named)
    chained = {ln.number for ln in chain}
    sources = sorted(
        (s for s in _context(before, after) if s.line.number != line.number),
        key=lambda source: (source.line.number not in chained, source.distance),
    )
    seen_patterns = {error_pattern(line.text)}
    related: list[Entity] = []
    for source in sources:
        if len(related) >= limit:
            break
        pattern = error_pattern(source.line.text)
        if pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        from_line = 0
        for entity in _related_on(source.line, category, code_named=code_named):
            if len(related) >= limit or from_line >= _PER_LINE:
                break
            if entity.text in excluded or _repeats(entity, taken):
                continue
            related.append(entity)
            taken.append(entity.text)
            from_line += 1
    return related


def _related_on(line: LogLine, category: Category, *, code_named: bool) -> list[Entity]:
    """The well-formed entities of one line near the root cause."""
    text = _WINDOWS_PROMPT.sub("", mask_secrets(line.text))
    if _TWS_MESSAGE.search(text) or _is_frame(text):
        return []  # plumbing, and code locations the first tier already names one of
    abends = _abend_codes([line])
    found = _prune(extract_entities(text), text, category, on_error_line=False)
    hosts = [e.text for e in found if e.kind == "host"]
    entities = [
        e
        for e in found
        if e.kind in _RELATED_KINDS
        and not (e.kind == "url" and any(host in e.text for host in hosts))
        and not (e.kind == "path" and _CODE_OR_LOG_PATH.search(e.text))
        and not _JES_PLUMBING.match(e.text)
        and len(e.text) >= _MIN_RELATED
        and not (e.text.isalpha() and e.text.islower())
        and not _INFO_MESSAGE_ID.match(e.text)
        and not _NO_ABEND.match(e.text)
        and not (e.kind == "path" and _ONE_WORD_PATH.match(e.text))
        and not (e.kind in ("code", "exception") and (code_named or _RC_PHRASE.match(e.text)))
    ]
    entities += [e for e in abends if e not in entities]
    # The cause's class or code, when the first tier has none, matters more than a path.
    entities.sort(key=lambda e: e.kind not in ("code", "exception"))
    return entities


def _is_frame(text: str) -> bool:
    """A stack frame of a JVM, .NET, Python, Node or PHP trace ("#0 C:\\app\\x.php(42): ...")."""
    return bool(
        CALL_FRAME.match(text)
        or PYTHON_FRAME.match(text)
        or JS_FRAME.match(text)
        or PHP_FRAME.match(text)
    )


def _repeats(entity: Entity, taken: list[str]) -> bool:
    """Whether ``entity`` is already named (in any letter case), or is a piece of a named one:
    its short form, or the directory of a named path."""
    value = entity.text
    folded = value.casefold()
    if any(folded == other.casefold() for other in taken):
        return True
    if (
        entity.kind == "path"
        and value[-1:] in "/\\"
        and any(other.startswith(value) for other in taken)
    ):
        return True
    return entity.kind != "user" and _is_fragment(value, taken, accounts=True)


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
        if _TWS_MESSAGE.search(text) or _is_frame(text):
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
        match = CALL_FRAME.match(ln.text)
        if match and not RUNTIME_PACKAGE.match(match.group(1)):
            # the class and method, and the source line an operator opens ("Loader.java:84")
            source = JAVA_FRAME.match(ln.text)
            located = [Entity("object", match.group(1))]
            return located + ([Entity("object", source.group(2))] if source else [])
    for ln in reversed(before):
        match = PYTHON_FRAME.match(ln.text)
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
        and not (e.kind != "user" and _is_fragment(e.text, texts, accounts))
        and not (not accounts and _host_is_named(e, texts))
    ]
    # "180001" beside "180001 milliseconds": the bound is named once (see LIMIT_UNIT_KEPT)
    kept = [e for e in kept if not (e.role == "limit" and _restates_limit(e, kept))]
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


def _restates_limit(entity: Entity, kept: list[Entity]) -> bool:
    """Whether ``entity`` is the other spelling of a bound named with and without its unit."""
    for other in kept:
        if other.role != "limit":
            continue
        # the spelling left out: the bare number when the unit is kept, else the long one
        longer, shorter = (other, entity) if LIMIT_UNIT_KEPT else (entity, other)
        if longer.text.startswith(shorter.text + " "):
            return True
    return False


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
        # "SQLSTATE=57011" beside "57011", "Msg 18456" beside "18456": one spelling stays
        if CODE_FIELDS_KEPT:
            return any(other != value and value in other for other in codes)
        return any(other != value and other in value for other in codes)
    if entity.kind == "path":
        return bool(_SWITCH_LIKE_PATH.match(value))
    if entity.kind == "value":
        if re.search(r"(?i)\bpid[=: ]+" + re.escape(value) + r"\b", text):
            # a process id matters when it holds a lock, or is what a watchdog killed
            return category not in ("resource_busy", "timeout")
        if entity.role == "limit" and value[:1].isdigit() and " " in value:
            return False  # "60000 ms": a bound its pattern read with its unit
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
        # "ldaps://ldap01:636": a URL that is only its address names the host:port too
        if (
            other.endswith(value)
            and other[-len(value) - 1] in separators
            and not (other.endswith("://" + value) and _HOST_AND_PORT.fullmatch(value))
        ):
            return True
        if other.startswith(value) and other[len(value)] in _SHORT_FORM_SEPARATORS:
            return True
        if other.startswith(value + ":") and other[len(value) + 1 :].isdigit():
            return True  # a host beside its host:port
    return False

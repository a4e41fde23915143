"""The roles a fix needs that the root-cause line leaves to the lines around it.

An error line rarely names everything an operator acts on: the source frame that threw is on
the stack trace under it, the process that died is on the shell's report after it, the
database and account of a refused logon are on the command line of the failing step before
it. :func:`complete_roles` adds those, each a substring of its line, to the entities already
chosen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from resync_analytics.joblog.entities import Entity, EntityRole, extract_entities, role_of
from resync_analytics.joblog.frames import (
    DATABASE_DRIVER,
    DOTNET_FRAME,
    GO_FRAME,
    GO_RUNTIME,
    JAVA_FRAME,
    JAVA_LIBRARY,
    JS_FRAME,
    NODE_LIBRARY,
    PHP_FRAME,
    PYTHON_FRAME,
    PYTHON_INSTALLED,
    PYTHON_STANDARD_LIBRARY,
    RUNTIME_PACKAGE,
    RUNTIME_SOURCE,
    SOURCE_LINE,
    TRACE_LINE,
)
from resync_analytics.joblog.models import Category, LogLine
from resync_analytics.masking import mask_secrets

# "at x.ConnectionException$1.chain(ConnectionException.java:32)": the exception's own code
_EXCEPTION_SOURCE = re.compile(r"(?:Exception|Error)\.\w+:\d+")
# How far the stack trace of the error may start below it, and how many lines of it are read.
_TRACE_GAP = 2
_TRACE_LINES = 40
# Lines after the error where a shell or kernel reports the process it ended.
_PROCESS_LINES = 3
# Lines before the error where the failing step's command line may be.
_COMMAND_LINES = 8

# A process named with what ended it: "(PID 8440) was terminated by signal 6", "58994 Aborted"
_ENDED = re.compile(
    r"(?i)terminated|killed|aborted|segmentation fault|core dumped|signal|exited|oom|out of memory"
)
# A command line: a shell prompt or xtrace, or a CI runner's step prompt.
_COMMAND_LINE = re.compile(r"^\s*(?:\[[\w.-]+\]\s*)?(?:\S*[$#>]\s|\+{1,3}\s|>\s)")
_CONNECT = re.compile(
    r"(?i)(?:\bconnect to\s+|\b(?:database|dbname|db)=|(?<!\S)(?:-d\s+|--dbname[= ]))"
    r"([A-Za-z_][\w$#-]*)"
)
# The option a client is given its server with: "pg_dumpall -h db01", "sqlcmd -S SQL01\\ETL",
# "mysqldump --host=db01", "Test-NetConnection -ComputerName smtp.example.com"
_CONNECTION_TARGET = re.compile(
    r"(?<!\S)(?:-h|-S|--host|--server|-ComputerName|-Server|-ServerInstance)(?:\s+|=)[\w\\.-]"
)
# A client's report of the server it reached or is reaching: "Connected to ftp.example.org:21",
# "Connecting to 192.0.2.7 port 22", curl's "* Connected to db01 (192.0.2.9) port 443"
_CONNECTED_TO = re.compile(r"(?i)\bconnect(?:ed|ing) to\s+\S")
_GRANT = re.compile(r"(?i)\bGRANT\s+[\w ,]+?\s+ON\s+\S+\s+TO\s+\S")
_HINT_LINES = 3
# Lines after the error that still belong to its statement: a SQLSTATE wrapped onto the next
# line, the abend Language Environment reports under a DFSMS message.
_STATEMENT_LINES = 2
_SQLSTATE = re.compile(r"\bSQLSTATE\s*[=:\[]?\s*([0-9A-Z]{5})\b")
# A PowerShell error record closes with its id, which for a CIM or COM call holds the Windows
# HRESULT: "    + FullyQualifiedErrorId : HRESULT 0x80070005,Register-ScheduledTask", a few
# lines under the message (after "At line:", the echoed command and its CategoryInfo)
_RECORD_LINES = 8
_RECORD_HRESULT = re.compile(r"^\s*\+ FullyQualifiedErrorId\s*:\s*HRESULT (0x[0-9A-Fa-f]{8})\b")
# Where a PowerShell error record locates the statement ("At line:29 char:1", "At
# D:\\jobs\\x.ps1:10 char:50", German "Bei ... Zeichen:20"), and the statement it echoes on the
# next line ("+ Register-ScheduledTask -Action ...")
_RECORD_AT = re.compile(r"^\s*(?:At|Bei)\s+\S.*:\d+\s+(?:char|Zeichen):\d+\s*$")
_RECORD_ECHO = re.compile(r"^\s*\+\s+(?![~\s]*$)(?!CategoryInfo\b|FullyQualifiedErrorId\b)")
_ABEND = re.compile(r"(?i)\babend\s+([SU][0-9A-F]{3,4})\b")
_NO_ABEND = re.compile(r"^[SU]0+$")
# A wrapper's statement right above the error it relays names the file of the unit that failed:
# dbt's "Database Error in model customers (models/customers.sql)"
_WRAPPER_LINES = 2
# Language Environment's traceback under its message names the function that failed
_ENTRY_POINT = re.compile(r"\b(?:From|at) entry point ([A-Za-z_]\w*)(?:\(| at\b)")
# How far from the error a runtime may name the exception class of a coded error.
_EXCEPTION_LINES = 5
# An SAP short dump's advice names the profile parameters that bound what ran out ("ask your
# system administrator to check the following profile parameters: o ztta/roll_extension
# (10.000.000 - 500.000.000)"), each on its own line under the advice
_PROFILE_ADVICE = re.compile(r"(?i)\bprofile parameters?\b")
_PROFILE_PARAMETER = re.compile(r"^\s*(?:[o*-]\s+)?'?([a-z][a-z0-9_]*(?:/[a-z0-9_]+)+)'?(?:\s|$)")
_PROFILE_LINES = 12
# "Executing step: [loadStep]": the batch step that was running when the job failed
_BATCH_STEP = re.compile(r"(?i)\b(?:executing step|step):?\s*\[([\w.-]+)\]")

# A Python traceback over a missing file, a refused logon or a lost connection: its innermost
# frame of the job's own code (not an installed library's) is named too, since the labels of
# the development logs name the script that opened the file or the connection (chosen
# leave-one-source-out by bench/joblog_entity_choices.py)
PYTHON_FRAME_ANYWHERE = True
_INSTALLED_PYTHON = re.compile(r"site-packages|dist-packages")

JAVA_OWN_CODE = False
"""Whether a JVM stack is named by the job's own frame (outside the widely used libraries of
JAVA_LIBRARY) before the library frame that threw; the first frame when none is the job's.
Chosen leave-one-source-out by ``bench/joblog_entity_choices.py``. Off: F2 unchanged (0.7729),
283 of 284 folds keep the first frame."""

DOTNET_FRAMES_READ = True
"""Whether a .NET stack's frame is named as its file and line ("KeyIndex.cs:line 64", as the
blind-written and real labels name it) beside the method the written corpus names. Chosen
leave-one-source-out by ``bench/joblog_entity_choices.py`` ('.NET frames'): all 655 folds of
788 development logs by F2 and F1 (recall 59.0% -> 59.1%, precision 56.6% unchanged); the
written corpus alone loses precision (57.4% -> 57.0%: its labels name the method only)."""

PYTHON_OWN_CODE = False
"""Whether a Python traceback is named only by a frame outside installed packages
(PYTHON_INSTALLED), in every category (none when the traceback is all library code). Chosen
leave-one-source-out by ``bench/joblog_entity_choices.py``. Off: F2 0.7729 -> 0.7703 (the labels
name an installed tool's own module, as urlwatch's minidb.py), no fold chooses it."""

COMMAND_TARGETS_READ = True
"""Whether the command line before a logon, network, database or permission error is read on
any line that gives a client its server ("Running: pg_dumpall -h db01 -U backup", a bare
"sqlcmd -S SQL01"), not only on a shell prompt or xtrace line: the connection target of the
command that failed is the host such an error refers to. Chosen leave-one-source-out by
``bench/joblog_entity_choices.py`` ("connection targets"): on the 494 development logs (432
sources) recall 74.0% -> 74.3%, precision 62.5% -> 62.6%, chosen by all 432 folds by F2 and F1."""

CONNECTED_HOST_NAMED = True
"""Whether a logon, network, database or permission error that names no host is given the
one the job last reported connecting to ("Connected to ftp.example.org:21") in the lines
before it: the session the error ends is with that server. Chosen leave-one-source-out by
``bench/joblog_entity_choices.py`` ("connected hosts"): on the 494 development logs (432
sources) recall 74.6% -> 74.7%, precision 62.7% -> 62.8%, chosen by 431 of 432 folds by F2 and
F1 (one source holds the shape, so the held-out figure is unchanged)."""

RECORD_STATEMENT_READ = True
"""Whether the statement a PowerShell error record echoes under its location ("At line:29
char:1" then "+ Register-ScheduledTask -Action ...") names the call and the URL of an error
that names none: the echoed statement is the one that failed. Chosen leave-one-source-out by
``bench/joblog_entity_choices.py`` ("echoed statements"): on the 494 development logs (432
sources) recall 74.4% -> 74.6% at precision 62.7%, chosen by all 432 folds by F2 and F1."""

HEAP_LIMIT_NAMED = False
"""Whether a memory error that names no limit is given the JVM's heap option (-Xmx) from the
command line or the lines around it. Chosen leave-one-source-out by
``bench/joblog_entity_choices.py``. Off: F2 0.7729 -> 0.7727 (a written log's labels leave the
-Xmx out), no fold chooses it."""
NEARBY_EXCEPTION_NAMED = True
"""Whether an error line that names no exception class is given the nearest one printed within
five lines (a runtime's "exception of type ..." above an "ORA-01722"). Chosen
leave-one-source-out by ``bench/joblog_entity_choices.py``. On: leaving it out loses 8 labelled
classes with 8 unlabelled ones (F2 0.7761 -> 0.7687, F1 0.7153 -> 0.7129, no fold)."""

SOURCE_FRAME_LINES = _TRACE_LINES
"""How many lines of a stack under (or a Python traceback above) the error the source frame is
looked for in: a frame deep in a long trace is another layer's. Chosen leave-one-source-out by
``bench/joblog_entity_choices.py``. 40: 10 lines drop one unlabelled frame of one source and
nothing else; 3 lines win under F1 on every fold (precision 63.3% -> 63.9%, recall 82.3% ->
81.9%) but lose under F2, and the leave-one-source-out estimate of either is no better."""

# How far before the error the command line with the heap option may be.
_HEAP_LINES = 40

# Where each completion applies: the categories an operator needs the role for. A bug, a
# crash, a starved heap or rejected input is fixed where the code broke; a missing file, a
# refused logon or a lost connection is fixed on the resource, whatever frame noticed it.
_CODE_CATEGORIES: frozenset[Category] = frozenset(
    {
        "application_error",
        "out_of_memory",
        "signal_or_crash",
        "invalid_input",
        "resource_busy",
        "unknown",
    }
)
_PROCESS_CATEGORIES: frozenset[Category] = frozenset(
    {"signal_or_crash", "out_of_memory", "resource_busy", "disk_full"}
)
_LOGON_CATEGORIES: frozenset[Category] = frozenset(
    {"authentication", "network", "database", "permission_denied"}
)


def complete_roles(
    category: Category,
    line: LogLine,
    before: Sequence[LogLine],
    after: Sequence[LogLine],
    named: Sequence[Entity],
    *,
    exclude: Iterable[str] = (),
) -> list[Entity]:
    """``named`` with the source frame, the ended process, the failing step's database and
    account and the profile parameters a dump advises to check added from the lines around
    ``line`` (``before`` and ``after`` in log order); the frame found replaces other source
    lines chosen from the same stack."""
    excluded = set(exclude)
    entities = list(named)
    frame = _source_frame(before, after, in_code=category in _CODE_CATEGORIES)
    if frame is not None:
        # one source line names where it broke; a class or method stays for the sentence
        traced = _python_frames(before)
        entities = [
            e
            for e in entities
            if e.text not in traced and not (role_of(e) == "frame" and SOURCE_LINE.search(e.text))
        ] + [frame]
    added: list[Entity] = []
    if category in _PROCESS_CATEGORIES:
        added += _ended_process(line, after)
    if category in _LOGON_CATEGORIES:
        added += _logon(before)
        if CONNECTED_HOST_NAMED and not any(role_of(e) == "host" for e in [*entities, *added]):
            added += _connected_host(before)
        added += _suggested_grant(after)
    if category in ("application_error", "unknown"):
        added += _batch_step(before)
    added += _statement_codes(line, after)
    added += _record_hresult(after)
    if RECORD_STATEMENT_READ:
        added += [
            e
            for e in _echoed_statement(line, before, after)
            if not any(role_of(o) == role_of(e) for o in entities)
        ]
    added += _wrapped_in(before)
    added += _entry_point(after)
    if category == "timeout" and not any(role_of(e) == "limit" for e in entities):
        added += _limit(after)
    if category in ("out_of_memory", "timeout"):
        added += _profile_parameters(after)
    if (
        HEAP_LIMIT_NAMED
        and category == "out_of_memory"
        and not any(role_of(e) == "limit" for e in [*entities, *added])
    ):
        added += _heap_option(before, after)
    if NEARBY_EXCEPTION_NAMED and not any(role_of(e) == "exception" for e in entities):
        added += [
            e
            for e in _nearby_exception(before, after)
            if not any(other.text.endswith(e.text) for other in entities)
        ]
    texts = {e.text for e in entities}
    for entity in added:
        if entity.text not in texts and entity.text not in excluded:
            entities.append(entity)
            texts.add(entity.text)
    return entities


def _wrapped_in(before: Sequence[LogLine]) -> list[Entity]:
    """The model file of the wrapping statement just above the error (the unit to fix)."""
    for ln in reversed(before[-_WRAPPER_LINES:]):
        scripts = [
            e
            for e in extract_entities(mask_secrets(ln.text))
            if e.role == "script" and e.kind == "path"
        ]
        if scripts:
            return scripts[:1]
    return []


def _entry_point(after: Sequence[LogLine]) -> list[Entity]:
    """The C function Language Environment reports right under its message ("From compile
    unit ... at entry point __JS_FindAtom at statement 3813")."""
    for ln in after[:_STATEMENT_LINES]:
        match = _ENTRY_POINT.search(mask_secrets(ln.text))
        if match:
            return [Entity("object", match.group(1), "object")]
    return []


def _statement_codes(line: LogLine, after: Sequence[LogLine]) -> list[Entity]:
    """The SQLSTATE beside a vendor code ("SQL30082N ... SQLSTATE=08001": the portable class
    a driver, a retry policy and a search for the fix key on, whatever the vendor) and a
    system or user abend ("abend SE37") of the error's own statement."""
    codes: list[Entity] = []
    for ln in (line, *after[:_STATEMENT_LINES]):
        text = mask_secrets(ln.text)
        codes += [Entity("code", m.group(1), "code") for m in _SQLSTATE.finditer(text)]
        codes += [
            Entity("code", m.group(1), "code")
            for m in _ABEND.finditer(text)
            if not _NO_ABEND.match(m.group(1))
        ]
    return codes


def _echoed_statement(
    line: LogLine, before: Sequence[LogLine], after: Sequence[LogLine]
) -> list[Entity]:
    """The call and URL of the statement the nearest PowerShell error record around ``line``
    echoes (see RECORD_STATEMENT_READ)."""
    lines = [*before[-_RECORD_LINES:], line, *after[:_RECORD_LINES]]
    records = [
        index
        for index, ln in enumerate(lines[:-1])
        if _RECORD_AT.match(ln.text) and _RECORD_ECHO.match(lines[index + 1].text)
    ]
    if not records:
        return []
    nearest = min(records, key=lambda index: abs(lines[index].number - line.number))
    text = mask_secrets(lines[nearest + 1].text)
    return [
        e
        for e in extract_entities(text)
        if role_of(e) == "url" or (e.role == "command" and role_of(e) == "command")
    ]


def _record_hresult(after: Sequence[LogLine]) -> list[Entity]:
    """The HRESULT of the PowerShell error record the error line opens (see _RECORD_HRESULT)."""
    for ln in after[:_RECORD_LINES]:
        match = _RECORD_HRESULT.match(ln.text)
        if match:
            return [Entity("code", match.group(1), "code")]
    return []


def _limit(after: Sequence[LogLine]) -> list[Entity]:
    """The time limit a runner reports right after the timeout ("took longer than 30s")."""
    for ln in after[:_STATEMENT_LINES]:
        limits = [e for e in extract_entities(mask_secrets(ln.text)) if role_of(e) == "limit"]
        if limits:
            return limits[:1]
    return []


def _heap_option(before: Sequence[LogLine], after: Sequence[LogLine]) -> list[Entity]:
    """The JVM heap option ("-Xmx512m") nearest above the memory error, or just under it."""
    for ln in (*reversed(before[-_HEAP_LINES:]), *after[:_STATEMENT_LINES]):
        text = mask_secrets(ln.text)
        if "-X" not in text:
            continue
        heap = [e for e in extract_entities(text) if e.text.startswith(("-Xmx", "-XX:MaxRAM"))]
        if heap:
            return heap[:1]
    return []


def _profile_parameters(after: Sequence[LogLine]) -> list[Entity]:
    """The profile parameters a dump's advice lists after the error (the limits to raise)."""
    lines = [mask_secrets(ln.text) for ln in after[:_TRACE_LINES]]
    for start, text in enumerate(lines):
        if _PROFILE_ADVICE.search(text):
            found = [_PROFILE_PARAMETER.match(t) for t in lines[start + 1 : start + _PROFILE_LINES]]
            return [Entity("value", m.group(1), "limit") for m in found if m]
    return []


def _nearby_exception(before: Sequence[LogLine], after: Sequence[LogLine]) -> list[Entity]:
    """The exception class a runtime reports next to an error line that names only a code
    ("exception of type 'Oracle.DataAccess.Client.OracleException'" above "ORA-01722")."""
    nearest = sorted(
        [(i + 1, ln) for i, ln in enumerate(reversed(before[-_EXCEPTION_LINES:]))]
        + [(i + 1, ln) for i, ln in enumerate(after[:_EXCEPTION_LINES])],
        key=lambda pair: pair[0],
    )
    for _, ln in nearest:
        found = [e for e in extract_entities(mask_secrets(ln.text)) if e.kind == "exception"]
        if found:
            return found[:1]
    return []


def _source_frame(
    before: Sequence[LogLine], after: Sequence[LogLine], *, in_code: bool
) -> Entity | None:
    """Where the job's code broke: the first frame with a source line of a Java, Node, PHP or
    Go stack trace under the error that is neither the runtime's own nor the exception's own
    class (its constructor or chaining). When the cause is ``in_code`` (a bug, a crash,
    rejected input), an installed library's frame counts (it is code the job chose), and a
    Python traceback above the error names its innermost ``File "..."`` outside Python's own
    modules; a refused logon or a missing file runs through a driver, which is not the fault."""
    gap = 0
    first: Entity | None = None  # the first frame that qualifies, library or not
    for ln in after[:SOURCE_FRAME_LINES]:
        text = mask_secrets(ln.text)
        match = (
            JAVA_FRAME.match(text)
            or JS_FRAME.match(text)
            or PHP_FRAME.match(text)
            or GO_FRAME.match(text)
            or (DOTNET_FRAMES_READ and DOTNET_FRAME.match(text))
        )
        if (
            match
            and not RUNTIME_SOURCE.match(match.group(2))
            and not GO_RUNTIME.search(match.group(2))
            and not RUNTIME_PACKAGE.match(match.group(1) or "")
            and not _EXCEPTION_SOURCE.search(match.group(2))
            and not DATABASE_DRIVER.match(match.group(1) or "")
            and (in_code or not NODE_LIBRARY.search(match.group(2)))
        ):
            frame = Entity("object", match.group(2), "frame")
            if not JAVA_OWN_CODE or not JAVA_LIBRARY.match(match.group(1) or ""):
                return frame
            first = first or frame
        if not TRACE_LINE.match(text):
            gap += 1
            if gap > _TRACE_GAP:
                break
    if first is not None:
        return first
    if not in_code and not PYTHON_FRAME_ANYWHERE:
        return None
    installed = PYTHON_INSTALLED if PYTHON_OWN_CODE else _INSTALLED_PYTHON
    for ln in reversed(before[-SOURCE_FRAME_LINES:]):
        found = PYTHON_FRAME.match(mask_secrets(ln.text))
        if (
            found
            and not PYTHON_STANDARD_LIBRARY.search(found.group(1))
            and ((in_code and not PYTHON_OWN_CODE) or not installed.search(found.group(1)))
        ):
            return Entity("path", found.group(1), "frame")
    return None


def _python_frames(before: Sequence[LogLine]) -> set[str]:
    return {
        match.group(1)
        for ln in before[-_TRACE_LINES:]
        if (match := PYTHON_FRAME.match(mask_secrets(ln.text)))
    }


def _ended_process(line: LogLine, after: Sequence[LogLine]) -> list[Entity]:
    """The process the error line or a report right after it says was ended."""
    for ln in (line, *after[:_PROCESS_LINES]):
        text = mask_secrets(ln.text)
        if ln is not line and not _ENDED.search(text):
            continue
        pids = [e for e in extract_entities(text) if role_of(e) == "pid"]
        if pids:
            return pids[:1]
    return []


def _logon(before: Sequence[LogLine]) -> list[Entity]:
    """The database and account the failing step's command line connects with."""
    for ln in reversed(before[-_COMMAND_LINES:]):
        text = mask_secrets(ln.text)
        if (
            not _COMMAND_LINE.match(text)
            and not _CONNECT.search(text)
            and not (COMMAND_TARGETS_READ and _CONNECTION_TARGET.search(text))
        ):
            continue
        # "connect to SALESDB": a database, whatever a host pattern made of it
        found = [Entity("object", m.group(1), "object") for m in _CONNECT.finditer(text)]
        databases = {e.text for e in found}
        found += [
            e
            for e in extract_entities(text)
            if (role_of(e) in ("user", "host") or e.role == "object")
            and e.kind != "url"
            and e.text not in databases
        ]
        if found:
            return _wanted(found)
    return []


def _connected_host(before: Sequence[LogLine]) -> list[Entity]:
    """The host of the last line before the error that reports connecting to one."""
    for ln in reversed(before):
        text = mask_secrets(ln.text)
        if _CONNECTED_TO.search(text):
            hosts = [e for e in extract_entities(text) if role_of(e) == "host"]
            if hosts:
                return hosts[:1]
    return []


def _suggested_grant(after: Sequence[LogLine]) -> list[Entity]:
    """The object and account of a grant the tool suggests right after the error ("HINT: run:
    GRANT SELECT ON SYS.USER$ TO empquery"): what the fix grants on, and to whom."""
    for ln in after[:_HINT_LINES]:
        text = mask_secrets(ln.text)
        if _GRANT.search(text):
            return [e for e in extract_entities(text) if role_of(e) in ("object", "user")]
    return []


def _wanted(found: list[Entity]) -> list[Entity]:
    unique: dict[str, Entity] = {}
    for entity in found:
        unique.setdefault(entity.text, entity)
    return list(unique.values())


def _batch_step(before: Sequence[LogLine]) -> list[Entity]:
    for ln in reversed(before):
        match = _BATCH_STEP.search(ln.text)
        if match:
            return [Entity("object", match.group(1), "object")]
    return []


__all__ = ["EntityRole", "complete_roles"]

"""Which entity filters to use, chosen leave-one-source-out on the development parts.

    .venv/bin/python -m bench.joblog_entity_choices ["choice name" ...]

Analyses the development parts of the written, the real and the blind-written corpus (never a
frozen test part) once per option of each choice, with the other choices as the analyser sets
them, and records per log the labelled, found, named and correct entities (the scoring of
``evaluate``). A source is a real transcript's thread (its URL in ``real/sources.json``), a
written log's family (the category prefix of its name) or a blind-written log's author's batch
(``bw3``). For each source, the option with the best F2 (recall weighted: the goal is 90%
recall against 70% precision) on all the other sources is scored on it; the table gives how
many folds chose each option, the held-out recall and precision, and each
option's own figures on the development parts. Choices:

- ``values``: quoted values of every shape, without the two shapes that name no value (a
  called method, a record's key), or none at all;
- ``exceptions``: every exception class of a tier, the first printed, or the deepest;
- ``frames``: the source frame in every category, or only where the cause is in the code;
- ``python frames``: a Python traceback's innermost frame only where the cause is in the code,
  or, for the job's own code, in every category;
- ``address shapes``, ``object shapes``, ``limit shapes``: the standard shapes of each group
  of ``entities._STANDARD_SHAPES`` (an MTA's ``name[ip]:port``, "to host X port N", ODBC and
  libpq connection strings, JDBC URLs; Hive's, MySQL's and Db2's missing table; "exceeds 2GB",
  "512Mi limit", "failed to update metadata after 60000 ms"; PowerShell's failed TCP test's
  port; a Maven project, a YARN application) read or not;
- ``code shapes``, ``subject shapes``: the tool-message shapes of ``entities._STANDARD_SHAPES``
  naming a code (a DB-API error tuple, OpenSSL's packed code, a Windows error number, a
  SQLSTATE or SQL Server message field, a runner's exit code, Snowflake's and Azure
  Storage's codes, an Oracle code after an escaped newline) or a subject (the command a
  shell reports killed, psql's COPY table, a scheduled task, cmd.exe's missing command in
  German, PHP's memory limit, a Go duration timeout, a truncated table) read
  or not; ``process shapes``: the process the kernel's OOM killer chose, a command a runner
  could not exec and the module of a z/OS abend read or not; ``job shapes``: Kubernetes'
  reason and Job name, a Hadoop task attempt, an SAP transport request, Windows Installer's
  product and status read or not; ``loader shapes``: the library Solaris' or AIX's loader could
  not load, and AIX's loader message number, read or not; ``service shapes``: a systemd unit
  and its exit status, a Bacula client, a Kafka Connect task and the host an Ansible task
  failed on read or not; ``url shapes``: a broker's, database's or socket's URL (tcp://,
  amqps://, mongodb+srv:// ...) read or not; ``exception shapes``: Ruby's
  namespaced classes ("PG::ConnectionBad") read or not;
  ``option shapes``: a database client's ``--username=`` and ``--port=`` read or not;
- ``programs of memory errors``: the program a memory error's line names (the process the
  OOM killer chose) kept as its subject, or dropped as a messenger;
- ``limit spelling``: a bound read both bare and with its unit ("180001" and "180001
  milliseconds") named as the bare number or with its unit;
- ``code spelling``: a code read both bare and with its field ("SQLCODE=-964" and "-964")
  named as the bare code or with its field;
- ``commands not found``: a command a shell could not find named only where the cause is the
  missing command, or in every category;
- ``error documentation links``: a library's link to its explanation of the error ("Background
  on this error at: <url>") named as a URL, or dropped as documentation;
- ``.NET frames``: a .NET stack's frame named by its method only, or also as its file and
  line ("KeyIndex.cs:line 64");
- ``java frames of own code``: the first frame under the error, or the job's own frame
  before a widely used library's;
- ``python frames of own code``: the innermost frame as above, or only one outside installed
  packages, in every category;
- ``hosts of named URLs``: the host of a named URL named too, or left out;
- ``loopback hosts``: "localhost" and 127.0.0.1 named in every category, or only where the
  cause is the network (network, timeout);
- ``shell reporter``: the path of the shell that reports an error ("/bin/sh: 1: ...") named,
  or left out;
- ``generic exceptions``: an exception class that only names the failing layer
  (IOException, OperationalError ...) named beside a code, file, host, object or account, or
  left out;
- ``operations``: the call that failed (an AWS SDK's operation, a PowerShell cmdlet) read and
  named in every category, or not read;
- ``connection targets``: the command line a logon, network, database or permission error's
  host and account are read from: only a shell prompt or xtrace line, or any line that gives a
  client its server ("Running: pg_dumpall -h db01", "sqlcmd -S SQL01");
- ``echoed statements``: the call and URL of the statement a PowerShell error record echoes
  ("+ Register-ScheduledTask ...") named where the error names none, or not read;
- ``connected hosts``: a logon, network, database or permission error that names no host given
  the one the job last reported connecting to ("Connected to ftp.example.org:21"), or not;
- ``heap option``: a memory error without a limit given the JVM's -Xmx from the lines above,
  or not;
- ``hosts of local causes``: a host named where the cause is local to the job (bad input, a
  full disk, memory, a crash, a lock ...) in every category, only where the root-cause line
  prints it, or never.
- ``second tier``: the first further entity from the lines around (see ``relevance``), the
  first that is no file, the first that is no file, host or frame, or none;
- ``exceptions off the cause line``: exception classes read from the lines around named, or
  only those the root-cause line prints;
- ``nearby exception``: an error line without a class given the nearest one within five lines,
  or not;
- ``frames beside a subject``: a source frame named beside the code, file, host, object,
  account or URL the cause line names, or left out;
- ``source frame depth``: how many lines of a trace the source frame is looked for in;
- ``entities of one role``: every entity of a role, or only the first three, two or one;
- ``restated codes``: an errno after its message ("No space left on device (28)") and a hex
  spelling of the decimal code before it named, or left out;
- ``run ids``: a z/OS job's or started task's number ("JOB08812") named, or left out;
- ``program reporting a missing command``: "bash" of "bash: airflow: command not found" named,
  or left out.

Folds choose by F2 and, apart, by F1 (precision weighted as much as recall); both are printed
with their held-out figures. Names of choices given as arguments measure only those.

Each new choice lists the behaviour before it first: a tie keeps it.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import resync_analytics.joblog.entities as entities
import resync_analytics.joblog.precision as precision
import resync_analytics.joblog.relevance as relevance
import resync_analytics.joblog.role_entities as role_entities
import resync_analytics.joblog.salience as salience
from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.evaluation import LabelledJoblog, credited
from resync_analytics.joblog.models import Category
from tests.resync_analytics.joblog_corpora import (
    BLIND_PREFIX,
    REAL_DIR,
    REAL_PREFIX,
    load_blind_corpus,
    load_corpus,
    load_real_corpus,
)
from tests.resync_analytics.joblog_split import (
    load_blind_test_names,
    load_real_test_names,
    split_corpus,
)

_NEVER = re.compile(r"(?!)")
_CODE_CATEGORIES: frozenset[Category] = frozenset(
    {"application_error", "out_of_memory", "signal_or_crash", "invalid_input", "unknown"}
)


@dataclass(frozen=True)
class Counts:
    labelled: int
    found: int
    named: int
    correct: int


@contextmanager
def _values(option: str) -> Iterator[None]:
    saved = (entities._CALLED_BEFORE, entities._KEY_AFTER, precision.VALUES_KEPT)
    if option == "all shapes":
        entities._CALLED_BEFORE = entities._KEY_AFTER = _NEVER
    precision.VALUES_KEPT = option != "none"
    try:
        yield
    finally:
        entities._CALLED_BEFORE, entities._KEY_AFTER, precision.VALUES_KEPT = saved


@contextmanager
def _exceptions(option: str) -> Iterator[None]:
    saved = precision.EXCEPTIONS_KEPT
    precision.EXCEPTIONS_KEPT = option
    try:
        yield
    finally:
        precision.EXCEPTIONS_KEPT = saved


@contextmanager
def _frames(option: str) -> Iterator[None]:
    saved = precision.FRAME_CATEGORIES
    precision.FRAME_CATEGORIES = None if option == "all categories" else _CODE_CATEGORIES
    try:
        yield
    finally:
        precision.FRAME_CATEGORIES = saved


@contextmanager
def _python_frames(option: str) -> Iterator[None]:
    saved = role_entities.PYTHON_FRAME_ANYWHERE
    role_entities.PYTHON_FRAME_ANYWHERE = option == "all categories"
    try:
        yield
    finally:
        role_entities.PYTHON_FRAME_ANYWHERE = saved


@contextmanager
def _flag(module: object, name: str, value: object) -> Iterator[None]:
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


def _shapes(group: str) -> Callable[[str], object]:
    """A group of standard shapes (entities._STANDARD_SHAPES) read or not."""

    def setting(option: str) -> object:
        kept = set(entities.SHAPES_KEPT)
        if option == "read":
            kept.add(group)
        else:
            kept.discard(group)
        return _flag(entities, "SHAPES_KEPT", frozenset(kept))

    return setting


@contextmanager
def _operations(option: str) -> Iterator[None]:
    """The "operations" shapes read and named in every category, or not read."""
    read = option != "not read"
    kept = set(entities.SHAPES_KEPT) - {"operations"}
    with (
        _flag(entities, "SHAPES_KEPT", frozenset(kept | ({"operations"} if read else set()))),
        _flag(precision, "OPERATIONS_KEPT", read),
    ):
        yield


@contextmanager
def _second_tier(option: str) -> Iterator[None]:
    """The first further entity, the first that is no file (or no file, host or frame), or
    none."""
    saved = (relevance.MAX_KEPT, relevance.LOCATIONS_DROPPED)
    relevance.MAX_KEPT = 0 if option == "none" else 1
    relevance.LOCATIONS_DROPPED = {
        "first subject": frozenset().union(*relevance.RESOURCES),
        "first but a file": relevance.RESOURCES[0],
    }.get(option, frozenset())
    try:
        yield
    finally:
        relevance.MAX_KEPT, relevance.LOCATIONS_DROPPED = saved


def _source_frame_lines(option: str) -> object:
    return _flag(role_entities, "SOURCE_FRAME_LINES", int(option.split()[0]))


def _per_role(option: str) -> object:
    return _flag(precision, "PER_ROLE_KEPT", None if option == "all" else int(option))


def _switch(module: object, name: str, on: str) -> Callable[[str], object]:
    """A boolean setting, true for the option ``on``."""
    return lambda option: _flag(module, name, option == on)


CHOICES: dict[str, tuple[Callable[[str], object], tuple[str, ...]]] = {
    "values": (_values, ("all shapes", "named shapes", "none")),
    "exceptions": (_exceptions, ("all", "first", "deepest")),
    "frames": (_frames, ("all categories", "code categories")),
    "python frames": (_python_frames, ("code categories", "all categories")),
    ".NET frames": (
        _switch(role_entities, "DOTNET_FRAMES_READ", "file and line"),
        ("method only", "file and line"),
    ),
    # each new choice lists the behaviour before it first, which wins a tie
    "address shapes": (_shapes("addresses"), ("not read", "read")),
    "object shapes": (_shapes("objects"), ("not read", "read")),
    "limit shapes": (_shapes("limits"), ("not read", "read")),
    "process shapes": (_shapes("processes"), ("not read", "read")),
    "job shapes": (_shapes("jobs"), ("not read", "read")),
    "loader shapes": (_shapes("loaders"), ("not read", "read")),
    "service shapes": (_shapes("services"), ("not read", "read")),
    "url shapes": (_shapes("urls"), ("not read", "read")),
    "limit spelling": (
        _switch(salience, "LIMIT_UNIT_KEPT", "with its unit"),
        ("bare number", "with its unit"),
    ),
    "code shapes": (_shapes("codes"), ("not read", "read")),
    "code spelling": (
        _switch(salience, "CODE_FIELDS_KEPT", "with its field"),
        ("bare code", "with its field"),
    ),
    "operations": (_operations, ("not read", "read and named")),
    "subject shapes": (_shapes("subjects"), ("not read", "read")),
    "exception shapes": (_shapes("exceptions"), ("not read", "read")),
    "option shapes": (_shapes("options"), ("not read", "read")),
    "commands not found": (
        _switch(precision, "COMMANDS_NOT_FOUND_KEPT", "every category"),
        ("own category", "every category"),
    ),
    "programs of memory errors": (
        _switch(precision, "STARVED_PROGRAMS_KEPT", "kept"),
        ("dropped", "kept"),
    ),
    "error documentation links": (
        _switch(entities, "REFERENCES_DROPPED", "dropped"),
        ("kept", "dropped"),
    ),
    "java frames of own code": (
        _switch(role_entities, "JAVA_OWN_CODE", "own code"),
        ("first frame", "own code"),
    ),
    "python frames of own code": (
        _switch(role_entities, "PYTHON_OWN_CODE", "own code"),
        ("innermost", "own code"),
    ),
    "hosts of named URLs": (
        _switch(precision, "URL_HOSTS_DROPPED", "dropped"),
        ("named", "dropped"),
    ),
    "loopback hosts": (
        _switch(precision, "LOOPBACK_NETWORK_ONLY", "network only"),
        ("every category", "network only"),
    ),
    "shell reporter": (
        _switch(precision, "SHELL_REPORTER_DROPPED", "dropped"),
        ("named", "dropped"),
    ),
    "generic exceptions": (
        _switch(precision, "GENERIC_EXCEPTIONS_DROPPED", "dropped"),
        ("named", "dropped"),
    ),
    "connection targets": (
        _switch(role_entities, "COMMAND_TARGETS_READ", "any line"),
        ("prompt lines", "any line"),
    ),
    "echoed statements": (
        _switch(role_entities, "RECORD_STATEMENT_READ", "read"),
        ("not read", "read"),
    ),
    "connected hosts": (
        _switch(role_entities, "CONNECTED_HOST_NAMED", "named"),
        ("not named", "named"),
    ),
    "heap option": (
        _switch(role_entities, "HEAP_LIMIT_NAMED", "named"),
        ("not named", "named"),
    ),
    "hosts of local causes": (
        lambda option: _flag(precision, "HOSTS_AWAY_FROM_LOCAL_CAUSES", option),
        ("every category", "on the line", "never"),
    ),
    "second tier": (_second_tier, ("first", "first but a file", "first subject", "none")),
    "exceptions off the cause line": (
        _switch(precision, "EXCEPTIONS_OFF_LINE_DROPPED", "dropped"),
        ("named", "dropped"),
    ),
    "nearby exception": (
        _switch(role_entities, "NEARBY_EXCEPTION_NAMED", "named"),
        ("named", "not named"),
    ),
    "frames beside a subject": (
        _switch(precision, "FRAMES_BESIDE_SUBJECT_DROPPED", "dropped"),
        ("named", "dropped"),
    ),
    "source frame depth": (_source_frame_lines, ("40 lines", "10 lines", "3 lines")),
    "entities of one role": (_per_role, ("all", "3", "2", "1")),
    "restated codes": (
        _switch(precision, "RESTATED_CODES_DROPPED", "dropped"),
        ("named", "dropped"),
    ),
    "run ids": (_switch(precision, "RUN_IDS_DROPPED", "dropped"), ("named", "dropped")),
    "program reporting a missing command": (
        _switch(precision, "REPORTING_PROGRAM_DROPPED", "dropped"),
        ("named", "dropped"),
    ),
}


def source_of(name: str, threads: dict[str, str]) -> str:
    if name.startswith(REAL_PREFIX):
        return "real:" + threads.get(name[len(REAL_PREFIX) :], name)
    if name.startswith(BLIND_PREFIX):
        return "blind:" + name[len(BLIND_PREFIX) :].split("_", 1)[0]
    return "written:" + name.split("_", 1)[0]


def measure(samples: Sequence[LabelledJoblog]) -> list[Counts]:
    counts = []
    for sample in samples:
        named = analyze_joblog(sample.data).entities
        counts.append(
            Counts(
                len(sample.entities),
                sum(credited(e, named) for e in sample.entities),
                len(named),
                sum(credited(e, sample.entities) for e in named),
            )
        )
    return counts


def figures(counts: Sequence[Counts]) -> tuple[float, float]:
    labelled = sum(c.labelled for c in counts)
    named = sum(c.named for c in counts)
    recall = sum(c.found for c in counts) / labelled if labelled else 1.0
    precision_ = sum(c.correct for c in counts) / named if named else 1.0
    return recall, precision_


def f2(counts: Sequence[Counts]) -> float:
    recall, precision_ = figures(counts)
    return 5 * recall * precision_ / (4 * precision_ + recall) if recall or precision_ else 0.0


def f1(counts: Sequence[Counts]) -> float:
    recall, precision_ = figures(counts)
    return 2 * recall * precision_ / (precision_ + recall) if recall or precision_ else 0.0


def leave_one_source_out(
    per_option: dict[str, list[Counts]],
    options: Sequence[str],
    sources: Sequence[list[int]],
    score: Callable[[Sequence[Counts]], float],
) -> tuple[Counter[str], list[Counts]]:
    """How many folds choose each option by ``score`` on the other sources, and the held-out
    counts of the chosen options (the option listed first wins a tie)."""
    chosen: Counter[str] = Counter()
    held_out: list[Counts] = []
    for members in sources:
        inside = set(members)
        best = max(
            options,
            key=lambda o: (
                score([c for i, c in enumerate(per_option[o]) if i not in inside]),
                -options.index(o),
            ),
        )
        chosen[best] += 1
        held_out += [per_option[best][i] for i in members]
    return chosen, held_out


def main() -> None:
    wanted = set(sys.argv[1:])  # choice names to measure; all when none given
    samples = [
        *split_corpus(load_corpus())[1],
        *split_corpus(load_real_corpus(), load_real_test_names())[1],
        *split_corpus(load_blind_corpus(), load_blind_test_names())[1],
    ]
    sources_json = json.loads((REAL_DIR / "sources.json").read_text(encoding="utf-8"))
    threads = {name: str(entry.get("url") or name) for name, entry in sources_json.items()}
    by_source: dict[str, list[int]] = defaultdict(list)
    for index, sample in enumerate(samples):
        by_source[source_of(sample.name, threads)].append(index)
    print(f"development logs: {len(samples)} in {len(by_source)} sources")
    for choice, (setting, options) in CHOICES.items():
        if wanted and choice not in wanted:
            continue
        per_option: dict[str, list[Counts]] = {}
        for option in options:
            with setting(option):  # type: ignore[attr-defined]
                per_option[option] = measure(samples)
        by_f2, held_out_f2 = leave_one_source_out(per_option, options, list(by_source.values()), f2)
        by_f1, held_out_f1 = leave_one_source_out(per_option, options, list(by_source.values()), f1)
        print(f"\n== {choice}")
        for option in options:
            recall, precision_ = figures(per_option[option])
            print(
                f"  {option:<16} recall {recall:6.1%}  precision {precision_:6.1%}"
                f"  F2 {f2(per_option[option]):.4f}  F1 {f1(per_option[option]):.4f}"
                f"  chosen by {by_f2[option]} folds (F2), {by_f1[option]} (F1)"
            )
        for name, held_out in (("F2", held_out_f2), ("F1", held_out_f1)):
            recall, precision_ = figures(held_out)
            print(
                f"  held out, chosen by {name} (leave-one-source-out): recall {recall:6.1%},"
                f" precision {precision_:6.1%}"
            )


if __name__ == "__main__":
    main()

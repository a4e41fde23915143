"""Domain types of joblog analysis: what was found in a joblog and what to do about it.

All types are frozen dataclasses so analyses can be cached, hashed and passed between layers
without defensive copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from resync_analytics.joblog.entities import EntityRole

# The taxonomy is a domain type of its own; re-exported here for the analyser's modules.
from resync_core.taxonomy import CATEGORIES as CATEGORIES
from resync_core.taxonomy import Category as Category

# Categories that say only that something failed: a rule of this kind never outranks a
# specific statement of the cause.
GENERIC_CATEGORIES: frozenset[Category] = frozenset({"application_error", "unknown"})
# Categories that name what failed (a missing file, a full disk, a lost connection...), as
# against a crash, a generic application error, success or unknown.
SPECIFIC_CATEGORIES: frozenset[Category] = frozenset(
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
        "out_of_memory",
    }
)

BannerVariant = Literal["unix", "dynamic", "windows", "none"]


# TWS object names (composer reference, AWSBIB006E): a letter, then letters, digits, "_" and
# "-". Folder paths ("/FOLDER/SUB/") may precede a name. Names that break these rules are never
# put in a command an operator pastes into a shell. The documented lengths (16 for workstations
# and job streams, 40 for jobs) differ between releases and a name TWS itself reports is one
# its release accepts, so length only guards against garbage: the characters decide safety.
_TWS_NAME = re.compile(r"(?:/?(?:[A-Za-z][A-Za-z0-9_-]*/)+)?([A-Za-z][A-Za-z0-9_-]*)")
MAX_NAME_LENGTH: dict[str, int] = {"workstation": 64, "job stream": 64, "job": 64}


def tws_name_problem(kind: str, name: str) -> str | None:
    """Why ``name`` is not a valid TWS ``kind`` name ("workstation", "job stream", "job"),
    or ``None`` when it is (letters, digits, ``_``, ``-``, starting with a letter, an
    optional folder path, at most :data:`MAX_NAME_LENGTH` characters)."""
    match = _TWS_NAME.fullmatch(name)
    if match is None:
        return (
            f"the {kind} name is not a valid TWS name (a letter, then letters, digits, '_' or '-')"
        )
    if len(match.group(1)) > MAX_NAME_LENGTH[kind]:
        return f"the {kind} name is longer than any TWS allows ({MAX_NAME_LENGTH[kind]} characters)"
    return None


@dataclass(frozen=True)
class JobIdentity:
    """A TWS job in the plan: ``WS#JS.JOB`` plus, when known, the stream instance.

    ``schedule`` is the instance's ``hhmm mm/dd/yy`` and ``jsid`` its job stream id, both as
    printed in the joblog banner (``WS#JS[(0200 03/14/25),(0AAAAAAAAAAAB2CD)].JOB``).
    """

    workstation: str
    stream: str
    job: str
    schedule: str | None = None
    jsid: str | None = None

    @property
    def selector(self) -> str:
        """The conman job selector ``WS#JS.JOB`` (``JS.JOB`` when no workstation is known)."""
        prefix = f"{self.workstation}#" if self.workstation else ""
        return f"{prefix}{self.stream}.{self.job}"

    @property
    def name_problem(self) -> str | None:
        """Why this job's names cannot go into a runnable conman command, or ``None``."""
        parts = [("job stream", self.stream), ("job", self.job)]
        if self.workstation:
            parts.insert(0, ("workstation", self.workstation))
        return next(
            (problem for kind, name in parts if (problem := tws_name_problem(kind, name))), None
        )


@dataclass(frozen=True)
class JoblogHeader:
    """What the TWS stdlist banners (header and trailer) say about the run.

    Every field is ``None`` when the banner does not carry it (or there is no banner:
    ``variant == "none"``). Times are in seconds; ``cpu_ms`` and ``memory_kb`` are the
    dynamic agent's figures.
    """

    variant: BannerVariant = "none"
    job: JobIdentity | None = None
    user: str | None = None
    jclfile: str | None = None
    job_number: str | None = None
    agent: str | None = None
    exit_status: int | None = None
    elapsed_seconds: float | None = None
    system_seconds: float | None = None
    user_seconds: float | None = None
    cpu_ms: int | None = None
    memory_kb: int | None = None
    header_end_line: int = 0
    """Last line number of the header banner (0 when there is none)."""
    trailer_start_line: int | None = None
    """First line number of the trailer banner (``None`` when there is none)."""


@dataclass(frozen=True)
class LogLine:
    """One line of a joblog: its 1-based number and its decoded, cleaned text."""

    number: int
    text: str


@dataclass(frozen=True)
class Finding:
    """A line that states an error, with what the rules made of it.

    ``tier`` ranks how specific the statement is: 4 a precise message family (errno text,
    ORA-/SQLSTATE code, named exception), 3 an exception class or HTTP status, 2 a free-text
    error line, 1 a consequence ("load failed", "exit code 1").
    """

    line: LogLine
    rule: str
    category: Category
    tier: int
    label: str
    transient: bool = False
    giving_up: bool = False
    java_role: Literal["header", "cause", ""] = ""
    python_exception: bool = False
    context_before: tuple[LogLine, ...] = ()
    context_after: tuple[LogLine, ...] = ()
    known: bool = False
    """The line's template also occurs in a good run of the job (see ``baseline``)."""


@dataclass(frozen=True)
class RunnerUp:
    """The line the root-cause chooser ranked second, named when it came close to the chosen
    one (see :data:`resync_analytics.joblog.chooser.CLOSE_GAP`): an operator who doubts the
    verdict reads it next."""

    line: int
    text: str
    category: Category
    score_gap: float
    """The chosen line's score minus this one's (0 when they tied and the earlier line won)."""
    reasons: tuple[str, ...] = ()
    """The chooser's features that counted for this line."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "text": self.text,
            "category": self.category,
            "score_gap": round(self.score_gap, 2),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class JoblogAnalysis:
    """The verdict on one joblog: root cause, the line that states it, and what to do.

    ``error_line`` is 1-based (0 when the job succeeded or no line states the cause);
    ``entities`` are substrings of the log (paths, tables, host:port, users, commands, error
    codes, exception classes); ``confidence`` is in [0, 1]; ``pattern`` is the error line with
    its variable parts replaced by ``<*>`` (for grouping incidents).
    """

    category: Category
    root_cause: str
    error_line: int
    error_text: str
    entities: tuple[str, ...]
    steps: tuple[str, ...]
    confidence: float
    header: JoblogHeader = field(default_factory=JoblogHeader)
    exit_code: int | None = None
    context: tuple[LogLine, ...] = ()
    pattern: str = ""
    rule: str = ""
    total_lines: int = 0
    total_bytes: int = 0
    reasons: tuple[str, ...] = ()
    """Why the error line was chosen: the chooser's features that counted for it."""
    runner_up: RunnerUp | None = None
    """The line ranked second when it came close, else ``None``."""
    entity_roles: tuple[tuple[str, EntityRole], ...] = ()
    """Each of ``entities`` with its role (host, port, user, object, path, pid, limit, frame,
    script, code, exception, command, url, value), in the same order."""

    def entities_with_role(self, role: EntityRole) -> tuple[str, ...]:
        """The entities that play ``role`` ("grant SELECT on <object> to <user>")."""
        return tuple(text for text, played in self.entity_roles if played == role)

    def to_contract_dict(self, file: str) -> dict[str, Any]:
        """The ``joblog analyze --json`` object for this analysis of ``file``."""
        return {
            "file": file,
            "category": self.category,
            "root_cause": self.root_cause,
            "error_line": self.error_line,
            "error_text": self.error_text,
            "entities": list(self.entities),
            "entity_roles": [{"text": text, "role": role} for text, role in self.entity_roles],
            "steps": list(self.steps),
            "confidence": round(self.confidence, 3),
            "chosen_for": list(self.reasons),
            "runner_up": self.runner_up.as_dict() if self.runner_up is not None else None,
        }

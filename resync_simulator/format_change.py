"""A scenario where one application's joblog format changes from a given plan day on.

The application (the prefix of its job streams' names, e.g. ``CRM``) moves to a new
vendor's runtime: every line its jobs print is reworded in that vendor's style, with the
vendor's own message ids, so the analyser's message families and the templates mined from
earlier nights no longer match. TWS's banner and trailer stay as they were (TWS wrote them,
not the application). The new release's first night is rough: its jobs fail more often.

Plans and joblogs before ``from_day`` are exactly those of the scenario without the change.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict, Field

from resync_simulator.enterprise import Enterprise

VENDOR_PREFIX = "NVX"


class LogFormatChange(BaseModel):
    """``application``'s joblogs are in the new format on plan days from ``from_day`` on;
    on that first day its jobs fail at ``first_night_fail_rate`` at least."""

    model_config = ConfigDict(frozen=True)
    application: str = Field(min_length=1)
    from_day: date
    first_night_fail_rate: float = Field(default=0.12, ge=0, le=1)

    def day_number(self) -> int:
        """``from_day`` as the simulator's plan day (days since the Unix epoch)."""
        start = datetime(self.from_day.year, self.from_day.month, self.from_day.day, tzinfo=UTC)
        return int(start.timestamp() // 86400)

    def applies(self, application: str, day: int) -> bool:
        return application == self.application and day >= self.day_number()


def application_of(enterprise: Enterprise, job: int) -> str:
    """The application a job belongs to: the prefix of its stream's name."""
    return enterprise.streams[enterprise.jobs[job].stream].name.split("_", 1)[0]


def check_application(enterprise: Enterprise, change: LogFormatChange) -> None:
    """Refuse a change naming an application the enterprise does not have."""
    names = {stream.name.split("_", 1)[0] for stream in enterprise.streams}
    if change.application not in names:
        raise ValueError(
            f"no application {change.application!r} in the simulated enterprise;"
            f" choose one of {', '.join(sorted(names))}"
        )


def first_night_fail_rates(
    enterprise: Enterprise, change: LogFormatChange | None, day: int
) -> dict[int, float]:
    """Per job index, the failure rate the release's first night imposes (empty otherwise)."""
    if change is None or day != change.day_number() or change.first_night_fail_rate == 0:
        return {}
    return {
        job.index: change.first_night_fail_rate
        for job in enterprise.jobs
        if application_of(enterprise, job.index) == change.application
    }


# The new vendor says the same things in its own words: the phrases the analyser's rules key
# on are replaced (the longest where two start at the same place), so its message families
# no longer match and the masked templates are new.
_REWORDINGS = (
    ("No such file or directory", "object absent from store"),
    ("no such file or directory", "object absent from store"),
    ("Permission denied", "access refused by policy"),
    ("permission denied", "access refused by policy"),
    ("No space left on device", "volume quota exhausted"),
    ("command not found", "verb unresolved in runtime"),
    ("Connection refused", "peer declined session"),
    ("Connection reset", "peer dropped session"),
    ("connection refused", "peer declined session"),
    ("timed out", "exceeded wait budget"),
    ("Timed out", "Exceeded wait budget"),
    ("timeout", "wait budget"),
    ("Timeout", "Wait budget"),
    ("OutOfMemoryError", "HeapBudgetExceeded"),
    ("out of memory", "memory budget exceeded"),
    ("Out of memory", "Memory budget exceeded"),
    ("Killed", "Reclaimed"),
    ("Exception", "Fault"),
    ("exception", "fault"),
    ("Traceback", "Call chain"),
    ("FATAL", "SEVERE"),
    ("Fatal", "Severe"),
    ("fatal", "severe"),
    ("ERROR", "SEVERE"),
    ("Error", "Issue"),
    ("error", "issue"),
    ("FAILED", "UNSUCCESSFUL"),
    ("Failed", "Unsuccessful"),
    ("failed", "unsuccessful"),
    ("failure", "fault"),
    ("WARNING", "NOTICE"),
    ("WARN", "NOTE"),
    ("denied", "refused"),
    ("not found", "unresolved"),
    ("cannot", "unable to"),
    ("Cannot", "Unable to"),
    ("ORA-", "DBX-"),
    ("SQL", "QRY"),
    ("SQLSTATE", "QRYSTATE"),
    ("invalid", "unaccepted"),
    ("Invalid", "Unaccepted"),
    ("expired", "lapsed"),
    ("refused", "declined"),
    ("unknown", "unrecognised"),
    ("rc=", "status="),
    ("RC ", "status "),
    ("exit", "end"),
)
_REWORD = re.compile(
    "|".join(re.escape(old) for old, _ in sorted(_REWORDINGS, key=lambda r: -len(r[0])))
)
_NEW_WORDS = dict(_REWORDINGS)


def _reword(text: str, entities: Sequence[str]) -> str:
    """Reword ``text``, leaving the named entities (paths, hosts, tables...) as they were."""
    keep = sorted((e for e in entities if e and e in text), key=len, reverse=True)
    if not keep:
        return _REWORD.sub(lambda m: _NEW_WORDS[m.group(0)], text)
    split = re.compile("(" + "|".join(re.escape(e) for e in keep) + ")")
    return "".join(
        part if index % 2 else _REWORD.sub(lambda m: _NEW_WORDS[m.group(0)], part)
        for index, part in enumerate(split.split(text))
    )


def restyle_lines(
    lines: list[bytes], cause_index: int | None, entities: Sequence[str], application: str
) -> list[bytes]:
    """The application's output ``lines`` in the new vendor's style, one line for one line (so
    the root cause stays on the same line): ``NVX-<APP>-<id><severity> <reworded text>``,
    the id a stable function of the line's words, ``E ERROR`` on the root cause (the vendor
    marks its errors so), ``I`` elsewhere."""
    restyled = []
    for index, line in enumerate(lines):
        ending = b"\r" if line.endswith(b"\r") else b""
        text = line[: len(line) - len(ending)].decode("utf-8", errors="surrogateescape")
        words = re.sub(r"[0-9]+", "", text.strip())
        message_id = 1000 + zlib.crc32(words.encode("utf-8", "surrogateescape")) % 9000
        severity = "E ERROR" if index == cause_index else "I"
        reworded = _reword(text.strip(), entities)
        new = f"{VENDOR_PREFIX}-{application}-{message_id}{severity} {reworded}"
        restyled.append(new.encode("utf-8", errors="surrogateescape") + ending)
    return restyled

"""The TWS stdlist banners: header (JOB, USER, JCLFILE, Job Number...) and trailer (Exit Status,
times, CPU, memory), in the UNIX jobmanrc, dynamic-agent and Windows variants.

Banner lines start with ``=``; key padding and rule lines vary between versions, so keys are
matched loosely (case and spacing ignored).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from resync_analytics.joblog.models import BannerVariant, JobIdentity, JoblogHeader, LogLine

_RULE_LINE = re.compile(r"^\s*={5,}\s*$")
_KEY_VALUE = re.compile(r"^([A-Za-z][A-Za-z ]*?(?:\s*\([^)]*\))?)\s*:\s?(.*)$")
# Only TWS name characters (letters, digits, "_", "-", "/" of folders) are taken as the job's
# names: a banner carrying quotes, ";" or "$(" gives no identity rather than one that ends up
# in a command an operator pastes into a shell.
_JOB_VALUE = re.compile(
    r"^(?:(?P<ws>[\w/-]+)#)?(?P<js>[\w/-]+)"
    r"(?:\[(?P<inst>[^\]]*)\]|\((?P<inst2>[^)]*)\))?\.(?P<job>[\w-]+)(?=\s|$)",
    re.ASCII,
)
_INSTANCE = re.compile(r"\(([^)]*)\)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_HMS = re.compile(r"^(\d+):(\d{2}):(\d{2})$")
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:\\|\\\\")


def is_banner_line(text: str) -> bool:
    """True for a line of a stdlist banner (starts with ``=``)."""
    return text.lstrip().startswith("=")


def _pairs(text: str) -> list[tuple[str, str]]:
    """``= System Time (Seconds) : 0     Elapsed Time (hh:mm:ss) : 00:00:01`` → two pairs."""
    body = text.lstrip().lstrip("=").strip()
    pairs = []
    for piece in re.split(r"\s{3,}(?=[A-Za-z])", body):
        match = _KEY_VALUE.match(piece)
        if match:
            key = re.sub(r"\s+", " ", match.group(1)).strip().lower()
            pairs.append((key, match.group(2).strip()))
    return pairs


def parse_job_identity(value: str) -> JobIdentity | None:
    """``WS#JS[(hhmm mm/dd/yy),(JSID)].JOB`` (or ``WS#JS.JOB``) → :class:`JobIdentity`."""
    match = _JOB_VALUE.match(value.strip())
    if not match:
        return None
    schedule = jsid = None
    instance = match.group("inst") or match.group("inst2")
    if instance:
        parts = _INSTANCE.findall(instance) or [instance]
        schedule = parts[0].strip() or None
        if len(parts) > 1:
            jsid = parts[1].strip() or None
    return JobIdentity(
        match.group("ws") or "", match.group("js"), match.group("job"), schedule, jsid
    )


def _int(value: str) -> int | None:
    match = _NUMBER.search(value)
    return int(float(match.group())) if match else None


def _float(value: str) -> float | None:
    match = _NUMBER.search(value)
    return float(match.group()) if match else None


def _elapsed_seconds(key: str, value: str) -> float | None:
    hms = _HMS.match(value.split()[0]) if value.split() else None
    if hms:
        hours, minutes, seconds = (int(g) for g in hms.groups())
        return float(hours * 3600 + minutes * 60 + seconds)
    number = _float(value)
    if number is None:
        return None
    return number * 60 if "minute" in key else number


def parse_banner(head: Sequence[LogLine], tail: Sequence[LogLine]) -> JoblogHeader:
    """Read the header from the first lines and the trailer from the last lines of a joblog.

    Returns a header with ``variant == "none"`` when neither banner is present.
    """
    fields: dict[str, object] = {}
    header_end = 0
    in_header = in_task = dynamic = False
    for line in head:
        text = line.text
        if not in_header:
            if not text.strip():
                continue
            if not is_banner_line(text):
                break
            in_header = True
        if _RULE_LINE.match(text):
            header_end = line.number
            if fields:
                break
            continue
        if is_banner_line(text):
            header_end = line.number
            for key, value in _pairs(text):
                in_task = key == "task"
                dynamic = dynamic or in_task
                if key == "job":
                    fields["job"] = parse_job_identity(value)
                elif key == "user":
                    fields["user"] = value or None
                elif key == "jclfile":
                    fields["jclfile"] = value or None
                elif key in ("job number", "jobnumber"):
                    fields["job_number"] = value or None
                elif key == "agent":
                    fields["agent"] = value or None
            continue
        if not in_task:  # the dynamic agent's TASK value (JSDL XML) may span lines
            break
    has_header = bool(fields)

    trailer_start: int | None = None
    trailer: dict[str, object] = {}
    exit_index = next(
        (i for i in range(len(tail) - 1, -1, -1) if _is_exit_status(tail[i].text)), None
    )
    if exit_index is not None:
        start = exit_index
        while start > 0 and is_banner_line(tail[start - 1].text):
            start -= 1
        trailer_start = tail[start].number
        for line in tail[start:]:
            if not is_banner_line(line.text):
                continue
            for key, value in _pairs(line.text):
                if key == "exit status":
                    trailer["exit_status"] = _int(value)
                elif key.startswith("elapsed time"):
                    trailer["elapsed_seconds"] = _elapsed_seconds(key, value)
                elif key.startswith("system time"):
                    trailer["system_seconds"] = _float(value)
                elif key.startswith("user time"):
                    trailer["user_seconds"] = _float(value)
                elif key.startswith("job cpu usage"):
                    trailer["cpu_ms"] = _int(value)
                    dynamic = True
                elif key.startswith("job memory usage"):
                    trailer["memory_kb"] = _int(value)
                    dynamic = True

    if not has_header and trailer_start is None:
        return JoblogHeader()
    return JoblogHeader(
        variant=_variant(fields, dynamic),
        header_end_line=header_end if has_header else 0,
        trailer_start_line=trailer_start,
        **fields,  # type: ignore[arg-type]
        **trailer,  # type: ignore[arg-type]
    )


def _is_exit_status(text: str) -> bool:
    return is_banner_line(text) and "exit status" in text.lower()


def _variant(fields: dict[str, object], dynamic: bool) -> BannerVariant:
    jclfile = fields.get("jclfile")
    if isinstance(jclfile, str) and _WINDOWS_PATH.search(jclfile):
        return "windows"
    if dynamic or fields.get("agent"):
        return "dynamic"
    return "unix"

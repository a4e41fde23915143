"""Non-zero exit statuses that report success by the convention of the tool that set them.

TWS counts any exit status but 0 as a failure unless the job's definition says otherwise, yet
several tools end non-zero after doing their work: robocopy's status is a bit map in which 1
to 7 mean files copied, extras or mismatches found, and 8 or more that something failed
(Microsoft's robocopy documentation); a z/OS step's return code 4 is a warning, the highest
code IBM Z Workload Scheduler counts as success by default (``HIGHRC``); ``grep -c`` prints
0 and ends 1 when nothing matched, so a script whose last command counts errors and finds
none ends 1; SAS ends 1 when its log holds warnings and no error. When the job's output shows
such a tool set the status, and shows nothing that failed, the run is read as a success that
needs a success condition, not as an incident.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from resync_analytics.joblog.exit_zero import output_after
from resync_analytics.joblog.models import JoblogHeader, LogLine
from resync_analytics.joblog.scan import ScanResult


@dataclass(frozen=True)
class BenignExit:
    """Why a non-zero exit status reports success, and how to tell TWS so."""

    tool: str
    meaning: str
    """What the status means by the tool's convention ("files were copied, none failed")."""
    condition: str
    """The success condition the job's definition needs so TWS counts the run a success."""
    line: LogLine | None
    """The line showing the tool's result (its summary row, the step's end), when kept."""
    answers_from: int
    answers_through: int
    """The lines whose errors the convention answers for: robocopy's summary counts the
    failures of its own run (from its banner to the summary), a count the errors before it, a
    z/OS job's step codes and SAS's status the whole log. Errors elsewhere are judged as
    under an exit status of 0."""


def benign_exit(exit_code: int | None, scan: ScanResult, header: JoblogHeader) -> BenignExit | None:
    """The convention that makes ``exit_code`` a success, or ``None`` (also for 0 and no
    status): robocopy 1 to 7 with no failed file or directory, a z/OS return code 4 with no
    step above it and no abend, ``grep -c`` counting nothing, SAS's warnings-only status."""
    if not exit_code or exit_code < 0:
        return None
    lines = _visible_lines(scan)
    return (
        _robocopy(exit_code, lines)
        or _zos_warning(exit_code, lines, scan.total_lines)
        or _count_of_nothing(exit_code, scan, header)
        or _sas_warnings(exit_code, lines, scan.total_lines)
    )


def _visible_lines(scan: ScanResult) -> list[LogLine]:
    """The lines the scan kept (head, candidates with their context, tail), in order, once."""
    kept: dict[int, LogLine] = {}
    for candidate in scan.candidates:
        for line in (*candidate.before, candidate.line, *candidate.after):
            kept[line.number] = line
    for line in (*scan.head, *scan.tail):
        kept[line.number] = line
    return [kept[number] for number in sorted(kept)]


_ROBOCOPY_BANNER = re.compile(r"^\s*ROBOCOPY\s+::\s+Robust File Copy for Windows")
# The command that started it, echoed by cmd.exe or a wrapper: the start when /NJH left out
# the banner ("D:\\jobs>robocopy "D:\\out" "\\\\fs01\\in" *.xml /R:5 /W:10 /NJH")
_ROBOCOPY_COMMAND = re.compile(r"(?i)(?:^|[\s>\"'\\/])robocopy(?:\.exe)?\"?\s+[\"'\w\\.]")
_ROBOCOPY_COLUMNS = re.compile(r"^\s*Total\s+Copied\s+Skipped\s+Mismatch\s+FAILED\s+Extras\s*$")
_ROBOCOPY_ROW = re.compile(
    r"^\s*(?P<what>Dirs|Files)\s*:\s+(?P<counts>(?:\S+(?:\s[kmgt])?\s+){4})(?P<failed>\d+)\s"
)


def _robocopy(exit_code: int, lines: list[LogLine]) -> BenignExit | None:
    """robocopy's summary (its Dirs and Files rows under "Total Copied Skipped Mismatch
    FAILED Extras") with no failed entry, and a status below 8."""
    if not 1 <= exit_code <= 7:
        return None
    rows = list(_robocopy_rows(lines))
    if not rows or any(int(match["failed"]) for _, match in rows):
        return None
    meaning = {
        1: "one or more files were copied, none failed",
        2: "extra files or directories were found at the destination, none failed",
        3: "files were copied and extra ones found at the destination, none failed",
    }.get(exit_code, "files copied, extras or mismatches found, none failed")
    last = rows[-1][0]
    start = max(
        (
            ln.number
            for ln in lines
            if ln.number < last.number
            and (_ROBOCOPY_BANNER.match(ln.text) or _ROBOCOPY_COMMAND.search(ln.text))
        ),
        default=last.number,
    )
    return BenignExit("robocopy", meaning, 'rccondsucc "RC<8"', last, start, last.number)


def _robocopy_rows(lines: list[LogLine]) -> Iterator[tuple[LogLine, re.Match[str]]]:
    """The Dirs and Files rows of every robocopy summary kept (the two lines under its column
    header)."""
    for index, line in enumerate(lines):
        if not _ROBOCOPY_COLUMNS.match(line.text):
            continue
        for row in lines[index + 1 : index + 3]:
            match = _ROBOCOPY_ROW.match(row.text)
            if match is not None and row.number <= line.number + 2:
                yield row, match


_ZOS_STEP_CODE = re.compile(r"\bIEF142I\b.*\bCOND CODE (\d{4})\b")
_ZOS_JOB_CODE = re.compile(r"\$HASP395\s+\S+\s+ENDED\s+-\s+(?:MAXCC|RC)=(\d{1,4})\b")
_ZOS_FAILED = re.compile(
    r"\bABEND[= ]|\bIEF450I\b|\bIEF472I\b|\bJCL ERROR\b|\bIEF453I\b|\bNOT RUN\b|"
    r"\bIEC\d{3}I\s+[A-F0-9]{3}-"
)


def _zos_warning(exit_code: int, lines: list[LogLine], total_lines: int) -> BenignExit | None:
    """A z/OS job whose highest step return code is 4 and that neither abended nor had a JCL
    error: the job's status is a warning, which IBM Z Workload Scheduler counts as success
    below its default highest successful code (HIGHRC 4)."""
    if exit_code != 4:
        return None
    codes: list[tuple[int, LogLine]] = []
    for line in lines:
        if _ZOS_FAILED.search(line.text):
            return None
        match = _ZOS_STEP_CODE.search(line.text) or _ZOS_JOB_CODE.search(line.text)
        if match is not None:
            codes.append((int(match.group(1)), line))
    if not codes or max(code for code, _ in codes) != 4:
        return None
    first_warning = next(line for code, line in codes if code == 4)
    return BenignExit(
        "z/OS",
        "a step ended with return code 4 (warnings), no step failed",
        "HIGHRC 4",
        first_warning,
        1,
        total_lines,
    )


_BARE_ZERO = re.compile(r"^\s*0\s*$")


def _count_of_nothing(exit_code: int, scan: ScanResult, header: JoblogHeader) -> BenignExit | None:
    """The job's last output is a bare "0" and its status 1: ``grep -c`` counted no match
    (it prints the count and ends 1 when it is 0), the job's last command."""
    if exit_code != 1:
        return None
    start = scan.tail[0].number - 1 if scan.tail else 0
    output = [ln for ln in output_after(start, scan, header) or [] if ln.text.strip()]
    if not output or not _BARE_ZERO.match(output[-1].text):
        return None
    return BenignExit(
        "grep -c",
        "the job's last command counted no match (grep -c prints 0 and ends 1)",
        'rccondsucc "RC<2"',
        output[-1],
        1,
        output[-1].number,
    )


_SAS_LOG = re.compile(r"^NOTE: (?:Copyright \(c\) .* by SAS Institute|The SAS System used:)")
_SAS_ERROR = re.compile(r"^ERROR(?: \d+-\d+)?:")


def _sas_warnings(exit_code: int, lines: list[LogLine], total_lines: int) -> BenignExit | None:
    """SAS's status 1 (the log holds warnings and no error) on a SAS log with no "ERROR:"."""
    if exit_code != 1 or not any(_SAS_LOG.match(ln.text) for ln in lines):
        return None
    if any(_SAS_ERROR.match(ln.text) for ln in lines):
        return None
    warning = next((ln for ln in lines if ln.text.startswith("WARNING")), None)
    return BenignExit(
        "SAS",
        "the SAS log holds warnings and no error",
        'rccondsucc "RC<2"',
        warning,
        1,
        total_lines,
    )

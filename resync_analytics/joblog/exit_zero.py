"""Jobs that failed although their exit status is 0: the tool printed an error and returned 0
anyway, and TWS's status comes from elsewhere (a return-code mapping, an operator reading the
output)."""

from __future__ import annotations

import re

from resync_analytics.joblog.banner import is_banner_line
from resync_analytics.joblog.knowledge import knowledge
from resync_analytics.joblog.models import (
    GENERIC_CATEGORIES,
    Category,
    Finding,
    JoblogHeader,
    LogLine,
)
from resync_analytics.joblog.scan import ScanResult

# Failures a script that ignores its commands' status hides behind exit 0: the resource is
# exhausted or held, so the output is missing or stale whatever the status says. Permission and
# missing-file errors are left out: good runs print them too ("find: '/proc/1/fd': Permission
# denied", an optional file probed for), and exit 0 is the better evidence there.
_SILENT_FAILURES: frozenset[Category] = frozenset({"disk_full", "resource_busy", "out_of_memory"})


def fails_despite_exit_zero(
    root: Finding | None, findings: list[Finding], scan: ScanResult, header: JoblogHeader
) -> bool:
    """Whether the job failed although its exit status is 0: the tool printed an error and
    returned 0 anyway, and the status TWS reports comes from elsewhere (a return-code mapping,
    an operator reading the output).

    - A script that ignores its commands' status ends 0 after "pg_dump: error: could not
      write to output file: No space left on device": a precise, novel statement of a
      resource exhausted or held, not retried, is a failure whatever the exit status says.
    - The job reported its own failure after the error ("export FAILED", "Job ... completed
      with status [FAILED]") and did not carry on.
    - The job's output ends on a specific error ("mirror: Login failed: 530"): nothing after
      it but its trace and further errors. A missing file or a refused permission is left
      out there: good runs end on them too (a probe for an optional file, "find: '/proc/1/fd':
      Permission denied").
    - A command was not found and the job echoed the shell's status for it right after
      ("mysqldump finished, errorlevel=9009", "rc=127"): the script saw the step fail and
      went on without what it should have made.
    - The error line is a transfer tool's own report of a failed operation with its reason
      ("upload failed: ... An error occurred (AccessDenied)") and no success followed it.
    - An HTTP API's error document is the last the job printed (Elasticsearch's
      ``{"error":{"root_cause":[...]},"status":500}``): the reply to the job's request, which
      curl and most clients print and then end 0 whatever the HTTP status, whatever the
      error's kind.
    - A Python traceback's exception line is the last the job printed, but for one short,
      generic completion word ("[*] done"): the script stopped on the exception and its
      top-level handler only said it ended, whatever the error's kind.
    - A Python traceback reached the interpreter's top (a frame "in <module>") and the
      wrapper went on without retrying it or reporting success: the program ended there with
      status 1 and the wrapper ignored it.
    - Node.js before version 15 only warned of a promise rejected with no handler
      ("(node:PID) UnhandledPromiseRejectionWarning: Error: connect ECONNREFUSED ...") and
      exited 0 (its DEP0018 note says a later Node ends such a process non-zero): the work the
      promise carried was dropped. A failure when the job printed nothing after it but the
      error's own lines and Node's notes about it, whatever the error's kind.
    """
    if root is None or root.known:
        return False
    stated = {f.line.number for f in findings if not f.known}
    if root.transient:
        # a transient error is retried; only the job's own report that its retries ran out
        # ("upload ... failed after 5 attempts") makes it the job's failure
        after = output_after(root.line.number, scan, header)
        if after is None or not any(_RETRIES_RAN_OUT.search(ln.text) for ln in after):
            return False
        report = _failure_report(root, after, stated)
        return report is not None and not _carried_on_after(report, after, stated)
    if (
        root.tier >= 4
        and root.category in _SILENT_FAILURES
        and not _STATUS_LISTING.match(root.line.text)
    ):
        return True
    after = output_after(root.line.number, scan, header)
    if after is None:
        return False
    if _traceback_ends_job(root, after, stated, scan) or _uncaught_and_ignored(
        root, after, stated, scan
    ):
        return True
    if root.category == "command_not_found" and _not_found_status_echoed(after):
        return True
    if _UNHANDLED_REJECTION.search(root.line.text) and all(
        ln.number in stated or _PART_OF_ERROR.match(ln.text) or _NODE_NOTE.match(ln.text)
        for ln in after
    ):
        return True
    if _ERROR_DOCUMENT.match(root.line.text) and all(
        ln.number in stated or _PART_OF_ERROR.match(ln.text) for ln in after
    ):
        return True
    report = _failure_report(root, after, stated)
    if report is not None:
        return not _carried_on_after(report, after, stated)
    if root.tier < 3 or root.category in GENERIC_CATEGORIES or root.category in _ENDS_HARMLESSLY:
        return False
    return all(ln.number in stated or _PART_OF_ERROR.match(ln.text) for ln in after)


def _not_found_status_echoed(after: list[LogLine]) -> bool:
    """Whether the job echoed the shell's status for a command it could not find (127, or
    cmd.exe's 9009) right after the error: the script saw the step fail and went on, so what
    the step should have made is missing whatever the job's own status says."""
    return any(_NOT_FOUND_STATUS.search(ln.text) for ln in after[:_STATUS_ECHO_WITHIN])


def _failure_report(root: Finding, after: list[LogLine], stated: set[int]) -> LogLine | None:
    """The job's own report of its failure: the root itself when it is a transfer tool's
    report of a failed operation ("upload failed: ..."), else the first error statement after
    it that says the job failed, or that its retries of the step ran out ("could not reach
    the mailbox after 3 attempts"), or a status it set to failed ("Process ID 48211 status
    updated: IMPORT FAILED"), or a count of its items that failed all of them ("3 of 3 files
    not copied"), or a tool's report that its process ended with a failing code ("ended with
    completion code 8", "master.exe returned -1073741819", an NTSTATUS crash code): whatever
    level the job logs the last five at."""
    if root.tier >= 4 and _OPERATION_FAILED.match(root.line.text):
        return root.line
    return next(
        (ln for ln in after if _reports_failure(ln, stated)),
        None,
    )


def _reports_failure(line: LogLine, stated: set[int]) -> bool:
    """Whether ``line`` is the job's own report that it failed (see :func:`_failure_report`)."""
    text = line.text
    return (
        (
            line.number in stated
            and _SELF_REPORTED.search(text) is not None
            and not knowledge().retry.search(text)  # not "FAILED - RETRYING: ..."
        )
        or (_RETRIES_RAN_OUT.search(text) is not None and not _CARRIED_ON.search(text))
        or _STATUS_FAILED.search(text) is not None
        or _all_failed(text)
        or _ended_with_failing_code(text)
        or _CRASH_STATUS.search(text) is not None
    )


def _all_failed(text: str) -> bool:
    """Whether ``text`` counts the step's items as all failed ("hand-off incomplete (3 of 3
    files not copied)", "1412 of 1412 artifacts could not be exported")."""
    match = _COUNT_FAILED.search(text)
    return match is not None and match.group(1) == match.group(2) and int(match.group(1)) > 0


def _ended_with_failing_code(text: str) -> bool:
    """Whether ``text`` is a tool's report that its process or step ended with a failing code
    ("SENDGL process 41873 ended with completion code 8"); 4 is a warning by the convention of
    the tools that print such codes (z/OS, Connect:Direct)."""
    match = _ENDED_WITH_CODE.search(text)
    return match is not None and int(match.group(1)) not in (0, _WARNING_CODE)


def _carried_on_after(report: LogLine, after: list[LogLine], stated: set[int]) -> bool:
    """Whether the job reported success after its failure report (it carried on)."""
    return any(
        _CARRIED_ON.search(ln.text)
        for ln in after
        if ln.number > report.number and ln.number not in stated
    )


def _traceback_ends_job(
    root: Finding, after: list[LogLine], stated: set[int], scan: ScanResult
) -> bool:
    """Whether ``root`` is the exception line of a Python traceback ("Traceback (most recent
    call last):", its frames, then "IOError: file not found!") after which the job printed
    nothing but the error's own lines and at most one short completion word."""
    if not root.python_exception or not _opens_traceback(root, scan):
        return False
    rest = [ln for ln in after if ln.number not in stated and not _PART_OF_ERROR.match(ln.text)]
    return len(rest) <= 1 and all(_COMPLETION_ONLY.match(ln.text) for ln in rest)


def _uncaught_and_ignored(
    root: Finding, after: list[LogLine], stated: set[int], scan: ScanResult
) -> bool:
    """Whether ``root`` is the exception of a Python traceback that reached the interpreter's
    top (a frame "in <module>": nothing caught it, so the program ended there with status 1)
    and the wrapper that went on after it neither retried nor reported success: it ignored
    the status, and the work the program carried was not done."""
    if not _opens_traceback(root, scan):
        return False
    if not any(_TOP_FRAME.match(ln.text) for ln in (*root.context_before, *after)):
        return False
    rest = [
        ln
        for ln in after
        if ln.number not in stated
        and not _PART_OF_ERROR.match(ln.text)
        and not _TRACEBACK_PART.match(ln.text)
    ]
    return not any(_CARRIED_ON.search(ln.text) or _RETRIED.search(ln.text) for ln in rest)


def _opens_traceback(root: Finding, scan: ScanResult) -> bool:
    """Whether the lines right above ``root`` are a traceback's frames under its header."""
    lines = {ln.number: ln for ln in (*scan.head, *scan.tail, *root.context_before)}
    number = root.line.number - 1
    while (line := lines.get(number)) is not None and _FRAME_LINE.match(line.text):
        number -= 1
    line = lines.get(number)
    return (
        number < root.line.number - 1
        and line is not None
        and bool(_TRACEBACK_HEAD.match(line.text))
    )


_UNHANDLED_REJECTION = re.compile(
    r"\bUnhandledPromiseRejectionWarning: (?!Unhandled promise rejection\.)\S"
)
"""Node's warning for a promise rejected with no handler, with the error it was rejected with
(not its follow-up note "Unhandled promise rejection. This error originated ...")."""
_NODE_NOTE = re.compile(r"^\(node:\d+\) |^\(Use `node --trace-")
"""Node's own notes under a warning: the follow-up warnings of the process, the hint to trace."""
_ERROR_DOCUMENT = re.compile(r'^\s*\{\s*"error"\s*:.*"status"\s*:\s*[45]\d\d\s*\}\s*$')
"""A JSON error reply with its HTTP status at its end, as a REST API returns it."""
_TRACEBACK_HEAD = re.compile(r"^\s*Traceback \(most recent call last\):\s*$")
_FRAME_LINE = re.compile(r"^\s+\S")
_RETRIED = re.compile(r"(?i)\bretr(?:y|ying|ies)\b|\battempt \d")
"""Any word of a retry or an attempt: wider than the knowledge base's retry wording, since
here it only keeps a traceback from being read as the job's end."""
_TOP_FRAME = re.compile(r'^\s*File "[^"]+", line \d+, in <module>\s*$')
"""The outermost frame of a traceback that nothing caught."""
_TRACEBACK_PART = re.compile(
    r"^\s*(?:Traceback \(most recent call last\):|The above exception was the direct cause|"
    r"During handling of the above exception|\[SQL: |\[parameters: |\(Background on this error)"
)
"""A traceback's header, the link between chained exceptions, and the statement and
parameters SQLAlchemy prints under its error: parts of one error report."""
_COMPLETION_ONLY = re.compile(
    r"(?i)^\W*(?:all\s+)?(?:done|finished|complete[d]?|end(?:ed)?|exit(?:ing)?|bye)\W*$"
)
"""A completion word and nothing else ("[*] done", "Done.", "finished"): says the script
ended, not that its work was done."""


_NOT_FOUND_STATUS = re.compile(
    r"(?i)\b(?:errorlevel|exit(?:\s*code|\s*status)?|rc|status|return\s*code)\s*[=:]?\s*(?:127|9009)\b"
)
"""A script's echo of the status a shell gives a command it could not find."""
_STATUS_ECHO_WITHIN = 3
"""Output lines after the error in which a wrapper echoes the step's status."""
_SELF_REPORTED = re.compile(
    r"(?<![\w-])(?:failed|FAILED|failure|FAILURE|abended|ABEND(?:ED)?|unsuccessful|"
    r"ended (?:abnormally|in error|with errors?)|completed with errors?)(?![\w-])"
)
"""A job's own report of its failure: what makes an exit status of 0 a lie."""
_OPERATION_FAILED = re.compile(
    r"^(?:upload|download|copy|move|delete|remove|transfer|put|get|sync) failed: \S"
)
"""A transfer tool's own report that one of its operations failed, with the reason on the
same line (aws s3's "upload failed: a to s3://b An error occurred (AccessDenied) ..."): no
probe prints it, so it is the job's failure unless the job reported success after it."""
_RETRIES_RAN_OUT = re.compile(
    r"(?i)\bfailed after \d+ (?:attempts|retries|tries)\b|\bgiving up\b|\bgave up\b|"
    r"\b(?:retries|attempts|retry limit) (?:exhausted|exceeded|reached)\b|"
    r"\bno more (?:retries|attempts)\b|"
    r"\b(?:could not|couldn't|unable to|cannot|can't)\b.*\bafter \d+ (?:attempts|retries|tries)\b|"
    # a readiness wait that ran out: "reporting-ui not healthy after 60s"
    r"\bnot (?:healthy|ready|available|up|reachable|running) (?:after|within) \d+"
)
"""A retry loop's report that it stopped retrying."""
_STATUS_FAILED = re.compile(
    r"\bstatus\b(?: (?:updated|set|changed))?(?: to)?\s*[:=]?\s*(?:[A-Z]+ )?"
    r"(?:FAILED|FAILURE|ABENDED|Failed)(?![\w-])"
)
"""A status the job sets or reports as failed ("status updated: IMPORT FAILED", "Status =
FAILED"): its own verdict, at whatever level it logs it."""
_COUNT_FAILED = re.compile(
    r"(?i)\b(\d+) (?:of|out of) (\d+) (?:[\w()-]+ ){0,3}?(?:were |was )?"
    r"(?:not \w+|could not be \w+|failed|rejected)\b"
)
"""A count of a step's items that failed ("3 of 3 files not copied")."""
_ENDED_WITH_CODE = re.compile(
    r"(?i)\bended with (?:a )?(?:completion|return|condition|exit) code (?:of )?(\d{1,4})\b"
)
_WARNING_CODE = 4
# A Windows process ended by an exception has an NTSTATUS code for its exit status
# (-1073741819 = 0xC0000005 access violation, -1073740791 = 0xC0000409): a wrapper's echo of
# it ("master.exe returned -1073741819") reports a crash, whatever errorlevel the script tests.
_CRASH_STATUS = re.compile(
    r"(?i)\b(?:returned|exit(?:ed)?|code|status|rc|errorlevel)\W{1,12}"
    r"(?:-107374\d{4}|32212\d{5}|0xC0000[0-9A-F]{3})(?!\w)"
)
_CARRIED_ON = re.compile(
    r"(?i)(?<![\w-])(?:succeeded|successful(?:ly)?|completed successfully|finished successfully)"
    r"(?![\w-])"
)
# A listing of other objects' states, not a statement of the job's own: a row of `kubectl get
# pods` (NAME, READY as n/m, STATUS, RESTARTS) and a state field of `kubectl describe`
# ("Reason:  OOMKilled"), which Kubernetes also shows for a container that exited 0.
_STATUS_LISTING = re.compile(
    r"^\s*\S+\s+\d+/\d+\s+[A-Za-z]+\s+\d+\b|^\s*(?:Reason|State|Last State|Status):\s+\w+\s*$"
)
_ENDS_HARMLESSLY: frozenset[Category] = frozenset({"file_not_found", "permission_denied"})
# Lines that belong to the error statement before them: blank, stack frames and their
# elisions, a traceback's source lines, indented continuations, and the statement a PostgreSQL
# error quotes under it ("LINE 1: INSERT INTO bills ...", then a caret under the position),
# which every PostgreSQL client (psql, pg_restore, a driver) prints.
_PART_OF_ERROR = re.compile(
    r"^\s*$|^\s+\S|^\s*(?:at\s|\.\.\. \d+ (?:more|common)|Caused by:)|^LINE \d+: "
)
_TWS_INFO = re.compile(r"\bAWS[A-Z]{3}\d{3}I\b")


def output_after(number: int, scan: ScanResult, header: JoblogHeader) -> list[LogLine] | None:
    """The job's output lines after line ``number`` (without the banners and TWS's own
    informational messages), or ``None`` when they do not all sit in the scan's tail."""
    end = header.trailer_start_line or scan.total_lines + 1
    if scan.tail and scan.tail[0].number > number + 1:
        return None
    return [
        ln
        for ln in scan.tail
        if number < ln.number < end
        and not is_banner_line(ln.text)
        and not _TWS_INFO.search(ln.text)
    ]

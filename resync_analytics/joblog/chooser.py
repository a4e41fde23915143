"""Which finding states the root cause: a weighted score over features every finding has.

A log with several errors holds one cause and its consequences: the watchdog's SIGINT after the
timeout that sent it, the ``Aborted (core dumped)`` after ``std::bad_alloc``, "job terminated,
RC=8" after the ORA- code, a cleanup or retry failure, a wrapper's summary. Instead of one rule
per such pair, each finding gets a few features in [0, 1] and the highest weighted sum wins (the
earliest line on a tie). The winner's non-zero features are its explanation
(:func:`explain_choice`).

Features:

- ``specific`` / ``free_text`` / ``exact_family``: the message family's tier (3-4: a precise
  errno text, error code or named exception; 2: a free-text "ERROR" line; 4: the most precise);
- ``rc_agrees``: the exit code's convention (124, 127, 128+N) names the finding's category;
- ``consequence``: consequence vocabulary (terminated, exiting, aborting, RC=, summary,
  cleanup, "step failed") or a tier-1 rule; retries are judged apart (a retried error whose
  retries are exhausted is the cause, so its "giving up" is no consequence word; one whose
  retry succeeded is none);
- ``explained``: a specific finding before it (or up to five lines after it: a watchdog may log
  why it killed the job after the shell reported the kill) states a cause this finding's
  category typically follows from (a crash or kill from a timeout or out-of-memory; a generic
  error from any specific one; a crash from any specific failure the job did not carry on
  after, such as the mail command that dies reporting a refused permission), or the finding
  is a title that only names the error and a sentence of its kind under it says what
  happened (an SAP short dump's "Runtime Errors SYSTEM_NO_ROLL");
- ``after_report``: the line comes after a line that already reported the failure (the job's
  clean-up and wrapper summaries);
- ``wrapper``: the line is a wrapper's or orchestrator's report on the tool it ran (make's
  ``*** [target] Error 2``, a CI step "marked build as failure", Airflow's task runner,
  ``CalledProcessError``/"returned non-zero exit status", "Process completed with exit code"),
  which restates the tool's failure rather than its cause;
- ``stack_head``: the head of a stack trace (the exception line, a Java chain's deepest
  ``Caused by:``), which names the exception class;
- ``repeated``: the same template occurs three times or more among the findings (a progress
  loop's complaint rather than a stop);
- ``early``: how early the line sits in the log (0 at the end, 1 at the start), so a harmless
  error long before the end loses ties to one near the exit;
- ``rc_cause``: the exit code says the process was stopped (128+N) and the finding states
  what typically stops one (a time limit, memory);
- ``survived``: the job carried on after the line (a step done or started, a default used,
  "Table created.") and did not fail again with the same message: a harmless error, which
  explains nothing after it;
- ``after_error``: a specific statement the job did not carry on after came earlier.

A stop (a kill, an abort, an interrupt) is also explained by a more precise statement of its
cause up to ten lines after it (the kernel's out-of-memory report, a runner's time-limit
warning), and such a stop does not count as the report of the failure.

Before the features, findings are read a second time (:mod:`.reading`): an errno text that
names a network fault, a time limit or memory exhaustion gives the line that category, and a
watchdog's or a retry loop's warning next to a stop or a "not found" becomes a finding of its
own.

Novelty against a baseline of good runs is not a weight but a filter: lines the good runs also
print are chosen only when nothing else states an error (see :mod:`.baseline`).

The weights in :data:`DEFAULT_WEIGHTS` were chosen by leave-one-source-out cross-validation over
the development part of the corpus (``python -m bench.joblog_chooser``), never by looking at the
frozen test part.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from resync_analytics.joblog.exit_codes import explain_exit_code, is_special_exit_code
from resync_analytics.joblog.models import SPECIFIC_CATEGORIES, Category, Finding, RunnerUp
from resync_analytics.joblog.pattern import error_pattern
from resync_analytics.joblog.reading import STOP, implied_causes, reread
from resync_analytics.joblog.rules import match_rule
from resync_analytics.masking import mask_secrets

FEATURES: tuple[str, ...] = (
    "specific",
    "free_text",
    "exact_family",
    "rc_agrees",
    "rc_cause",
    "consequence",
    "explained",
    "after_report",
    "wrapper",
    "stack_head",
    "repeated",
    "early",
    "survived",
    "after_error",
)

Weights = Mapping[str, float]

DEFAULT_WEIGHTS: dict[str, float] = {
    "specific": 8.0,
    "free_text": 2.0,
    "exact_family": 0.0,
    "rc_agrees": 4.0,
    "rc_cause": 0.0,
    "consequence": -2.0,
    "explained": -6.0,
    "after_report": -1.0,
    "wrapper": -2.0,
    "stack_head": 0.0,
    "repeated": 0.0,
    "early": 0.0,
    "survived": -2.0,
    "after_error": 0.0,
}
"""Chosen by cross-validation (see the module docstring); a tier-3/4 statement outranks free
text, and the exit code's convention breaks ties among statements of a kind."""

_CONSEQUENCE = re.compile(
    r"(?<![\w-])(?:terminat(?:ed|ing)|exiting|aborting|abended|job (?:has )?failed|"
    r"(?:step|task|job|script|process|program|command|run|stage|session|workflow)\s+"
    r"(?:\S+\s+)?(?:failed|(?:ended|finished) (?:abnormally|in error|with errors?))|"
    r"(?:rc|return code|exit code|exit status|exit value|cond code|errorlevel)\s*[=:]?\s*-?\d+|"
    r"(?:ended|completed|finished|terminated) (?:with )?(?:cc|maxcc|rc)\s*[=:]?\s*\d+|"
    r"exited (?:with|on)(?: (?:code|status|rc|return code|exit code))?\s*['\"]?-?\d+|"
    r"non-?zero (?:exit|return)|giving up|gave up|shutting down|stopping|"
    r"summary|clean-?up|cleaning up|rolling back|rollback|"
    r"will not (?:be )?(?:continue|run)|skipping|aborted by|(?:job|step) (?:was )?not run|"
    r"(?:was )?not executed|"
    r"see (?:the )?(?:log|previous|above)|errors? (?:occurred|encountered) during)(?![\w-])",
    re.IGNORECASE,
)
"""Words of a line that reports a failure rather than states why it happened."""
_RC_PHRASE = re.compile(
    r"(?:rc|return code|exit code|exit status|exit value|cond code|errorlevel)\s*[=:]?\s*-?\d+",
    re.I,
)
_GAVE_UP = re.compile(r"giving up|gave up", re.IGNORECASE)
_WRAPPER = re.compile(
    r"\bmake(?:\[\d+\])?: \*\*\*|marked build as failure|^\s*(?:ERROR: )?Job failed\b|"
    r"^\s*Finished: FAILURE|\{taskinstance\.py:\d+\}|Task failed with exception|"
    r"CalledProcessError|returned non-zero exit status|Process completed with exit code|"
    r"npm ERR! (?:code ELIFECYCLE|errno)|\bFAILURE: Build failed|\bBUILD FAILED\b|"
    r"Error: Process completed|script returned exit code|ended with return code|"
    r"failed with (?:exit )?(?:code|status|rc)",
    re.IGNORECASE,
)
"""Wrappers reporting on the tool they ran: build tools, CI runners, schedulers, subprocess."""

# Categories a finding's category typically follows from: a process killed or crashed after it
# ran out of time or memory; a generic or unknown failure after any specific one.
_SPECIFIC = SPECIFIC_CATEGORIES
_MAKES_FILES_MISSING: frozenset[Category] = frozenset({"permission_denied", "disk_full"})
"""Failures on a directory after which the files meant to be under it are missing."""
_PATH = re.compile(r"(?<![\w.~$-])/(?:[\w.$-]+/)*[\w.$-]+")
"""An absolute UNIX path."""
_FOLLOWS_FROM: dict[Category, frozenset[Category]] = {
    "signal_or_crash": frozenset({"timeout", "out_of_memory"}),
    "application_error": _SPECIFIC,
    "unknown": _SPECIFIC,
}
# A job that carries on after a line says the line did not stop it: the next step starts or
# ends well, a default is used instead, the line is ignored.
_CARRIED_ON = re.compile(
    # (not negated: "did not complete within 7200 s", "wasn't loaded", "never started")
    r"(?<![\w-])(?<!not )(?<!n't )(?<!never )"
    r"(?:done|ok|completed?(?! with (?:errors?|failures?|warnings?))|"
    r"succeeded|successful(?:ly)?|finished(?! with (?:errors?|failures?))|passed|"
    r"continuing|proceeding|ignor(?:ed|ing)|using (?:the )?defaults?|skipped|"
    r"using [\w./-]+ (?:only|instead)|"
    # the job read the error as a setting left out: "no proxy override set, using direct ..."
    r"(?:set|found|configured|defined|given|specified)\s*[,;:-]\s*(?:using|assuming)|"
    r"processed(?! with (?:errors?|failures?))|"
    r"created|dropped|altered|loaded|inserted|updated|deleted|committed|copied|exported|"
    r"imported|granted|truncated|selected|started|starting|"
    r"(?:step|phase|stage)\s+\d+(?:/\d+|\s+of\s+\d+)?)(?![\w-])",
    re.IGNORECASE,
)
# The JVM's -XX:+HeapDumpOnOutOfMemoryError report under an OutOfMemoryError: the dump is made
# because of the error ("Heap dump file created"), not a step of the job that carried on.
_HANDLED_HERE = re.compile(
    r"(?i)[-,;:(]\s*(?:treating (?:it |this )?as|assuming|using (?:the )?defaults?\b|"
    r"(?:will be |is )?ignored\b|continuing (?:anyway|without|with)\b|"
    r"(?:will )?create (?:it|a new)\b|"
    r"(?:[\w/.]+\s+){0,3}(?:will be |to be )?(?:re-?built|re-?generated|re-?created)\b|"
    r"(?:re-?building|re-?generating|re-?creating)\b|"
    r"(?:using|defaulting to|substituting) [\w./:-]+\s*$)|"
    # what is missing was optional: "OPTIONAL FILE HOLDLIST NOT PRESENT (FILE STATUS 35)"
    r"\boptional\b(?:\s+[\w.$#-]+){0,3}\s+(?:not (?:present|found|there|available)|"
    r"(?:is |was )?missing|absent|does not exist)\b|"
    # a sentence of its own at the end: "... locked by another reindex process. Skipping."
    r"[.;]\s+(?:skipping|continuing|proceeding|carrying on)(?: it| this)?\W*$"
)
"""An error line that goes on to say how the job handles it, after a dash, comma or colon."""
_FELL_BACK = re.compile(
    r"(?i)\b(?:falling|fell|fall) back (?:to|on)\b|\b(?:failing|failed|fail) ?over\b(?! failed)"
)
"""The job took another way: a fallback, or a failover to another server."""
_NOTHING_DONE = re.compile(
    r"(?i)(?<![\w.,])0\s+(?:[\w()]+\s+){1,2}(?:copied|moved|loaded|inserted|updated|deleted|"
    r"exported|imported|processed|transferred|created)\b"
)
"""A count of nothing done: "0 file(s) copied.", "0 rows loaded"."""
_HEAP_DUMP = re.compile(r"^\s*(?:Dumping heap to |Heap dump file created\b)")
_ERROR_WORDS = re.compile(
    r"error|fail|abort|exception|fatal|denied|refused|not found|unable|cannot|could not|"
    r"unsuccessful|no such|invalid|killed|terminat|\brc\s*=|status|exit",
    re.IGNORECASE,
)
_STOP_CAUSES: frozenset[Category] = frozenset({"timeout", "out_of_memory"})
_STOP_CATEGORIES: frozenset[Category] = frozenset({"signal_or_crash", "out_of_memory"})
_REPEATED = 3
CLOSE_GAP = 3.0
"""A runner-up within this much of the winner's score is named beside the verdict: less than
the exit code's convention or a specific statement adds, so one weak feature decided (one
consequence word, one position), and the two lines are worth reading together."""
# An open that failed with no reason of its own, and the lines that state one
_OPEN_FAILED = re.compile(r"(?i)\b(?:unable to|cannot|can't|could not|couldn't|failed to) open\b")
_SAYS_MISSING = re.compile(
    r"(?i)no such file|not found|does not exist|doesn't exist|cannot find|missing|ENOENT"
)
_REASONS_OF_OPEN: frozenset[Category] = frozenset(
    {"invalid_input", "permission_denied", "resource_busy", "network"}
)
_REASON_WITHIN = 2
_EXPLAINS_AFTER = 5
_ANNOUNCED_WITHIN = 2
_POINTS_BELOW = re.compile(r"(?i)\b(?:see|as follows|following|below|details?)\b")
_CLEAN_UP = re.compile(
    r"(?i)\b(?:clean(?:ing)?[ -]?up|remov(?:e|es|ing)|delet(?:e|es|ing)|purg(?:e|es|ing)|"
    r"roll(?:s|ing)? ?back|undo(?:es|ing)?|restor(?:e|es|ing)|revert(?:s|ing)?)\b"
)
_STOP_EXPLAINED_AFTER = 10
# A title that names an error and nothing else: up to three capitalised words, then the
# error's name in capitals ("Runtime Errors SYSTEM_NO_ROLL", "Exception DBIF_RSQL_SQL_ERROR").
_TITLE = re.compile(r"^\W*(?:[A-Z][a-z]+\s+){0,3}[A-Z][A-Z0-9]*_[A-Z0-9_]+\W*$")
_TITLE_STATED_WITHIN = 10
_WORD = re.compile(r"\b[a-z]{2,}\b")
_SENTENCE_WORDS = 4


@dataclass(frozen=True)
class Scored:
    """A finding with its feature values and weighted score."""

    finding: Finding
    features: dict[str, float]
    score: float


def finding_features(
    findings: Sequence[Finding], exit_code: int | None, total_lines: int
) -> list[dict[str, float]]:
    """The feature values of each finding, in the order given."""
    meaning = explain_exit_code(exit_code) if is_special_exit_code(exit_code) else None
    patterns = [error_pattern(f.line.text) for f in findings]
    counts = Counter(patterns)
    # An exit code that says the process was stopped (killed, aborted, interrupted) points at
    # what typically stops one: a time limit or memory.
    stopped = meaning is not None and meaning.category in ("signal_or_crash", "out_of_memory")
    stop_causes = _FOLLOWS_FROM["signal_or_crash"] if stopped else frozenset()
    report_line: int | None = None
    rows: list[dict[str, float]] = []
    span = max(total_lines, max((f.line.number for f in findings), default=1), 1)
    consequences = [is_consequence(f) for f in findings]
    stated = {f.line.number for f in findings}
    # The job carried on after the line, and did not fail again with the same message.
    last_of = {pattern: f.line.number for f, pattern in zip(findings, patterns, strict=True)}
    survived = [
        _carried_on(f, stated) and last_of[pattern] == f.line.number
        for f, pattern in zip(findings, patterns, strict=True)
    ]
    # Statements of a cause: specific, and not a line good runs print too.
    causes = [
        _Cause(
            f.line.number,
            f.category,
            f.tier,
            after,
            consequence,
            _is_sentence(f),
            frozenset(_PATH.findall(f.line.text)),
        )
        for f, after, consequence in zip(findings, survived, consequences, strict=True)
        if f.tier >= 3 and not f.known
    ]
    failed_before: set[str] = set()
    for finding, pattern, consequence, carried_on in zip(
        findings, patterns, consequences, survived, strict=True
    ):
        explained = _explained(finding, causes) or _exception_follows(finding, findings)
        row = {
            "specific": float(finding.tier >= 3),
            "free_text": float(finding.tier == 2),
            "exact_family": float(finding.tier >= 4),
            "rc_agrees": float(meaning is not None and meaning.category == finding.category),
            "rc_cause": float(finding.category in stop_causes),
            "consequence": float(consequence),
            "explained": float(explained),
            "after_report": float(report_line is not None and finding.line.number > report_line),
            "wrapper": float(bool(_WRAPPER.search(finding.line.text))),
            "stack_head": float(bool(finding.java_role or finding.python_exception)),
            "repeated": float(counts[pattern] >= _REPEATED),
            "early": 1.0 - (finding.line.number - 1) / span,
            "survived": float(carried_on),
            "after_error": float(bool(failed_before - {pattern})),
        }
        rows.append(row)
        # A stop that a later line explains (the watchdog that logs why it killed the job)
        # does not report the failure: the explanation is the cause, not a clean-up after it.
        if consequence and report_line is None and not _explained_later(finding, causes):
            report_line = finding.line.number
        # A failure the job did not carry on after; a bare error line counts unless a
        # statement around it explains it (the "ERROR at line 1:" above an ORA- code).
        if finding.tier >= 2 and not (carried_on or finding.known or explained):
            failed_before.add(pattern)
    return rows


def is_consequence(finding: Finding) -> bool:
    """A line that reports the failure rather than states why it happened. An exception's
    own message may carry the return code of the call that raised it ("CommunicationError:
    1 (rc=1): key=RFC_COMMUNICATION_FAILURE"): that code is the library's, not the job's."""
    if finding.tier <= 1 or _in_clean_up(finding):
        return True
    text = finding.line.text
    stated = _stated_before(finding)
    words = [
        m.group(0)
        for m in _CONSEQUENCE.finditer(text)
        if not _relays_cause(m, text, finding) and not (stated and m.start() >= stated)
    ]
    if finding.giving_up and finding.tier >= 3:
        # "Giving up after 5 attempts. IOError: [Errno 13] Permission denied": the retries
        # are exhausted, and the error they retried is the cause
        words = [w for w in words if not _GAVE_UP.fullmatch(w)]
    if finding.java_role or finding.python_exception:
        words = [w for w in words if not _RC_PHRASE.fullmatch(w)]
    elif finding.category == "signal_or_crash":
        # a container's "Exit status: 143" beside "killed on request" is the signal's own
        # evidence (128 + SIGTERM), not a report of the failure it caused
        words = [w for w in words if not _signal_exit_code(w)]
    return bool(words)


_SENTENCE_END = re.compile(r"[.!]\s+(?=[A-Z])")


def _stated_before(finding: Finding) -> int | None:
    """Where the sentence after a specific family's match begins on the finding's line: a
    tool that states the cause and then what it does about it ("log-convert.service: Start
    operation timed out. Terminating.") reports its own action, not a failure it follows."""
    if finding.tier < 3:
        return None
    family = match_rule(finding.line.text)
    if family is None or family.tier < 3 or family.category != finding.category:
        return None
    match = family.regex.search(finding.line.text)
    end = _SENTENCE_END.search(finding.line.text, match.end()) if match else None
    return end.end() if end else None


def _relays_cause(word: re.Match[str], text: str, finding: Finding) -> bool:
    """Whether ``word`` is a wrapper's exit-code phrase followed on its line by the relayed
    output of the tool it ran, which states the finding's cause ("Error running command
    'sync.sh': exit status 1. Output: fatal error: An error occurred (AccessDenied)"): the
    line states the cause, the exit status only introduces it."""
    if not _RC_PHRASE.fullmatch(word.group(0)):
        return False
    relayed = match_rule(text[word.end() :])
    return relayed is not None and relayed.tier >= 3 and relayed.category == finding.category


def _signal_exit_code(word: str) -> bool:
    """Whether the word is an exit-code phrase whose code says a signal stopped the process."""
    if not _RC_PHRASE.fullmatch(word):
        return False
    code = int(re.findall(r"-?\d+", word)[-1])
    return 128 < code < 160


def _in_clean_up(finding: Finding) -> bool:
    """Whether the line before announces a clean-up ("removing partial output", "rolling back
    staging load"): what fails in it is a consequence of the failure being cleaned up."""
    before = [ln for ln in finding.context_before if ln.text.strip()]
    if not before:
        return False
    text = before[-1].text
    return bool(_CLEAN_UP.search(text)) and not _ERROR_WORDS.search(text)


@dataclass(frozen=True)
class _Cause:
    """A specific statement that may explain other findings."""

    line: int
    category: Category
    tier: int
    harmless: bool  # the job carried on after it
    consequence: bool  # it reports a failure (or a clean-up's) rather than states a cause
    sentence: bool = False  # it says what happened in words, not only by a name or code
    paths: frozenset[str] = frozenset()  # the absolute paths it names


def _is_stop(finding: Finding) -> bool:
    """A process killed, aborted or interrupted: the end of a job, rarely its cause."""
    return finding.category in _STOP_CATEGORIES and bool(STOP.search(finding.line.text))


def _explains(cause: _Cause, finding: Finding) -> bool:
    """Whether ``cause`` states why ``finding`` happened.

    It must sit before the finding or shortly after it (a watchdog, or the kernel's
    out-of-memory report, may log why a process died after the shell reported the death);
    a line the job carried on after explains only the lines announcing it. A crash or kill
    follows from a time limit or memory exhausted, a generic error from any specific cause,
    and a stop also from a more precise statement of its own category ("Killed", then the
    kernel's "Out of memory: Killed process").
    """
    here = finding.line.number
    if (
        _title_stated_below(cause, finding)
        or _missing_under(cause, finding)
        or _reason_of_open(cause, finding)
    ):
        return True
    stop = _is_stop(finding)
    if cause.line == here or cause.line > here + (
        _STOP_EXPLAINED_AFTER if stop else _EXPLAINS_AFTER
    ):
        return False
    if cause.harmless and cause.line < here:
        return False
    if cause.line > here and not stop and not _announces(finding, cause):
        return False
    if cause.category != finding.category and cause.category in _FOLLOWS_FROM.get(
        finding.category, frozenset()
    ):
        return True
    if _crash_after_failure(cause, finding):
        return True
    return stop and cause.category in _STOP_CAUSES and cause.tier > finding.tier


def _reason_of_open(cause: _Cause, finding: Finding) -> bool:
    """An open that failed without saying why ('ncks: ERROR nco_open() unable to open file
    "x.nc"'), with the reason on the next line ("NC_ENOTNC Unknown file format", "Permission
    denied"): the reason is the cause, the file was there."""
    return (
        finding.category == "file_not_found"
        and 0 < cause.line - finding.line.number <= _REASON_WITHIN
        and cause.category in _REASONS_OF_OPEN
        and cause.tier >= 3
        and not cause.consequence
        and bool(_OPEN_FAILED.search(finding.line.text))
        and not _SAYS_MISSING.search(finding.line.text)
    )


def _missing_under(cause: _Cause, finding: Finding) -> bool:
    """A file missing under a directory an earlier line failed to make or write ("mkdir:
    cannot create directory '/u01/exp/0615': Permission denied", then "FileNotFoundException:
    /u01/exp/0615/HP/resource/a.xml"): whatever the job did after, the file is missing because
    of that failure, which is the cause."""
    if finding.category != "file_not_found" or cause.line >= finding.line.number:
        return False
    if cause.category not in _MAKES_FILES_MISSING or not cause.paths:
        return False
    named = _PATH.findall(finding.line.text)
    return any(p.startswith(d.rstrip("/") + "/") for p in named for d in cause.paths)


def _crash_after_failure(cause: _Cause, finding: Finding) -> bool:
    """A crash after a specific failure the job did not carry on after ("Permission denied",
    then the mail command that reports it dies of a segmentation fault): the crash is what the
    failure left behind, not the job's cause. A clean-up's failure explains nothing."""
    return (
        finding.category == "signal_or_crash"
        and cause.line < finding.line.number
        and cause.category in _SPECIFIC
        and not cause.consequence
    )


def _title_stated_below(cause: _Cause, finding: Finding) -> bool:
    """A report's title that only names the error ("Runtime Errors SYSTEM_NO_ROLL", a dump's
    header) and the sentence of the same kind under it that says what happened ("Unable to
    fulfil request for 224505622 bytes of memory space."): the sentence states the cause."""
    return (
        cause.sentence
        and cause.category == finding.category
        and 0 < cause.line - finding.line.number <= _TITLE_STATED_WITHIN
        and cause.tier >= finding.tier
        and bool(_TITLE.match(finding.line.text))
    )


def _is_sentence(finding: Finding) -> bool:
    return len(_WORD.findall(finding.line.text)) >= _SENTENCE_WORDS


def _announces(finding: Finding, cause: _Cause) -> bool:
    """Whether ``finding`` announces the statement ``cause`` that follows it ("ERROR at line
    1:" above the ORA- code, "Encountered an error executing step load" above the exception):
    the cause comes right after it, or it ends with a colon or points below. A clean-up's
    failure after an error announces nothing: it is the error's consequence."""
    if cause.consequence:
        return False
    text = finding.line.text.rstrip()
    return (
        cause.line - finding.line.number <= _ANNOUNCED_WITHIN
        or text.endswith(":")
        or bool(_POINTS_BELOW.search(text))
    )


def _explained(finding: Finding, causes: Sequence[_Cause]) -> bool:
    return any(_explains(cause, finding) for cause in causes)


def _exception_follows(finding: Finding, findings: Sequence[Finding]) -> bool:
    """A line the exception under it states better: a free-text error line right above the
    exception a stack trace opens with ("ERROR AbstractStep - Encountered an error executing
    the step", then "java.lang.RuntimeException: internal error" and its frames), or an
    exception right above the inner exception .NET prints under it ("---> System.Net.Http.
    HttpRequestException: ..."), the deeper cause as a Java chain's ``Caused by:`` is."""
    here = finding.line.number
    following = [f for f in findings if 0 < f.line.number - here <= _ANNOUNCED_WITHIN]
    if any(
        _INNER_EXCEPTION.match(f.line.text) and not _restates(f.line.text, finding.line.text)
        for f in following
    ):
        return True
    if finding.tier != 2 or finding.java_role or finding.python_exception:
        return False
    return any(f.tier >= finding.tier and (f.java_role or f.python_exception) for f in following)


_INNER_EXCEPTION = re.compile(r"^\s*(?:\S*\d\S*\s+)?--->\s+[\w.`]+(?:Exception|Error)\b")
"""A .NET inner exception on a line of its own, maybe after a timestamp."""


def _restates(inner: str, outer: str) -> bool:
    """Whether the outer exception already states its inner one's message and adds to it, as
    .NET's HttpRequestException repeats the SocketException's text and adds the address: the
    outer line is then the first to state the cause, and the fuller one. An outer message no
    longer than the inner one's leaves the inner, deeper exception the cause."""
    inner_message = _EXCEPTION_MESSAGE.search(inner)
    outer_message = _EXCEPTION_MESSAGE.search(outer)
    if not inner_message or not outer_message:
        return False
    said, fuller = inner_message.group(1), outer_message.group(1)
    return len(said) >= 20 and said in fuller and len(fuller) - len(said) >= 3


_EXCEPTION_MESSAGE = re.compile(r"(?:Exception|Error)\b(?: \([^)]*\))?:\s*(.*?)\s*$")
"""The message after an exception's name and its optional code ("(10061)")."""


def _explained_later(finding: Finding, causes: Sequence[_Cause]) -> bool:
    return any(c.line > finding.line.number and _explains(c, finding) for c in causes)


def _carried_on(finding: Finding, stated: set[int]) -> bool:
    """Whether a line after ``finding`` (before the next error statement) says the job went
    on: a step done or started, a default used, the error ignored. A count of nothing done
    ("0 file(s) copied.") is the error's own result, not a step done. The line itself may say
    how the job handles it ("state file ... not found - treating as first run")."""
    if _HANDLED_HERE.search(finding.line.text):
        return True
    for line in finding.context_after:
        if _FELL_BACK.search(line.text):
            return True  # the job took another way ("... Falling back to Newton.")
        if line.number in stated:
            return False
        if _HEAP_DUMP.match(line.text) or _NOTHING_DONE.search(line.text):
            continue
        if _CARRIED_ON.search(line.text) and not _ERROR_WORDS.search(line.text):
            return True
    return False


def score_findings(
    findings: Sequence[Finding],
    exit_code: int | None,
    total_lines: int,
    weights: Weights | None = None,
) -> list[Scored]:
    """Every finding with its features and score, in line order, after a second reading
    (see :mod:`.reading`): categories their errno text names, and the causes a stop implies."""
    chosen = DEFAULT_WEIGHTS if weights is None else weights
    findings = read_findings(findings, exit_code)
    rows = finding_features(findings, exit_code, total_lines)
    return [
        Scored(f, row, sum(chosen.get(name, 0.0) * value for name, value in row.items()))
        for f, row in zip(findings, rows, strict=True)
    ]


def read_findings(findings: Sequence[Finding], exit_code: int | None = None) -> list[Finding]:
    """The findings reread (see :func:`.reading.reread`) with the causes their stops imply
    (see :func:`.reading.implied_causes`), in line order."""
    reread_ = [reread(f, exit_code) for f in findings]
    implied = implied_causes(reread_)
    if not implied:
        return reread_
    return sorted([*reread_, *implied], key=lambda f: f.line.number)


def pick(scored: Sequence[Scored]) -> Scored | None:
    """The highest score; the earliest line among equal scores (later ones are cascades)."""
    best: Scored | None = None
    for item in scored:
        if best is None or item.score > best.score + 1e-9:
            best = item
    return best


def explain_choice(item: Scored, weights: Weights | None = None) -> tuple[str, ...]:
    """A finding's features that counted, largest contribution first:
    ``("specific +8.00", "rc_agrees +4.00", "consequence -2.00")``."""
    chosen = DEFAULT_WEIGHTS if weights is None else weights
    contributions = [
        (name, chosen.get(name, 0.0) * item.features.get(name, 0.0)) for name in FEATURES
    ]
    counted = [(name, value) for name, value in contributions if abs(value) >= 0.005]
    counted.sort(key=lambda pair: -abs(pair[1]))  # stable: FEATURES order among equals
    return tuple(f"{name} {value:+.2f}" for name, value in counted)


def runner_up(
    scored: Sequence[Scored], winner: Scored, chosen_line: int, close_gap: float = CLOSE_GAP
) -> Scored | None:
    """The best-scored other statement when it came within ``close_gap`` of ``winner``.

    Left out: the winner, the line finally chosen (the analyser may move from the winner to
    the line that states its cause better) and repeats of the chosen line's message, which
    say nothing new. Among equal scores the earliest line is named, as :func:`pick` does.
    """
    chosen_patterns = {error_pattern(winner.finding.line.text)}
    second: Scored | None = None
    for item in scored:
        number = item.finding.line.number
        if item is winner or number == chosen_line:
            continue
        if error_pattern(item.finding.line.text) in chosen_patterns:
            continue
        if second is None or item.score > second.score + 1e-9:
            second = item
    if second is None or winner.score - second.score >= close_gap:
        return None
    return second


def describe_runner_up(
    scored: Sequence[Scored],
    winner: Scored | None,
    chosen_line: int,
    weights: Weights | None = None,
) -> RunnerUp | None:
    """The :class:`RunnerUp` an analysis names (its text masked), or ``None`` when no line was
    chosen or none came close."""
    if winner is None or chosen_line <= 0:
        return None
    second = runner_up(scored, winner, chosen_line)
    if second is None:
        return None
    return RunnerUp(
        line=second.finding.line.number,
        text=mask_secrets(second.finding.line.text),
        category=second.finding.category,
        score_gap=max(0.0, winner.score - second.score),
        reasons=explain_choice(second, weights),
    )


__all__ = [
    "CLOSE_GAP",
    "DEFAULT_WEIGHTS",
    "FEATURES",
    "Scored",
    "Weights",
    "describe_runner_up",
    "explain_choice",
    "finding_features",
    "pick",
    "read_findings",
    "runner_up",
    "score_findings",
]

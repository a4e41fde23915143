"""Analyse a joblog: root cause, the line that states it, entities, fix steps, confidence.

Deterministic and streaming: one pass over the bytes (see :mod:`resync_analytics.joblog.scan`), then
rules on the few candidate lines. Any bytes are valid input.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from os import PathLike
from pathlib import Path
from typing import BinaryIO

from resync_analytics.joblog.banner import parse_banner
from resync_analytics.joblog.baseline import Baseline, learn_baseline
from resync_analytics.joblog.benign_exit import BenignExit, benign_exit
from resync_analytics.joblog.chooser import (
    Weights,
    describe_runner_up,
    explain_choice,
    is_consequence,
    pick,
)
from resync_analytics.joblog.classify import choose_root, find_errors, score_root_candidates
from resync_analytics.joblog.confidence import ConfidenceFeatures, score_confidence
from resync_analytics.joblog.entities import Entity, EntityRole, role_of
from resync_analytics.joblog.exit_codes import explain_exit_code, is_special_exit_code
from resync_analytics.joblog.exit_zero import fails_despite_exit_zero
from resync_analytics.joblog.models import (
    GENERIC_CATEGORIES,
    Category,
    Finding,
    JobIdentity,
    JoblogAnalysis,
    JoblogHeader,
    LogLine,
)
from resync_analytics.joblog.pattern import error_pattern
from resync_analytics.joblog.precision import keep_entities, without_pieces
from resync_analytics.joblog.prose import PROSE_RULE, read_verdict_line
from resync_analytics.joblog.relevance import relevant_related
from resync_analytics.joblog.role_entities import complete_roles
from resync_analytics.joblog.rules import exit_line
from resync_analytics.joblog.salience import SUBJECT_KINDS, related_entities, select_entities
from resync_analytics.joblog.scan import ScanResult, scan_joblog
from resync_analytics.joblog.stated_line import LINE_PREFIX, stated_line
from resync_analytics.joblog.steps import benign_exit_steps, suggest_steps
from resync_analytics.joblog.warned import with_warned_causes
from resync_analytics.masking import mask_secrets

_READ_BYTES = 4 * 1024 * 1024
# The lines either side of the root cause that state it (its first-tier entities, the context
# an operator is shown); the scan keeps more for the second tier of entities.
_NEAR_LINES = 5
# How far from the root-cause line a stack trace or a command line may be read when the scan
# kept the lines (the stack completions read up to 40)
_WIDE_LINES = 40


def analyze_file(
    path: str | PathLike[str],
    *,
    job: JobIdentity | None = None,
    baseline: Baseline | None = None,
) -> JoblogAnalysis:
    """Analyse the joblog at ``path`` in constant memory.

    ``baseline`` holds the line templates of good runs of the same job (see
    :func:`load_baseline`): lines they also print are chosen as the root cause only when
    nothing else states an error. Raises ``OSError`` (``FileNotFoundError``,
    ``PermissionError``, ``IsADirectoryError``...) when the file cannot be read; never raises
    because of its content.
    """
    with Path(path).open("rb") as handle:
        return analyze_joblog(_read_chunks(handle), job=job, baseline=baseline)


def load_baseline(paths: Iterable[str | PathLike[str]]) -> Baseline:
    """The baseline of the good runs stored at ``paths`` (each streamed, in bounded memory).

    Raises ``OSError`` when one cannot be read.
    """
    return learn_baseline(_file_chunks(Path(p)) for p in paths)


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from _read_chunks(handle)


def _read_chunks(handle: BinaryIO) -> Iterator[bytes]:
    while chunk := handle.read(_READ_BYTES):
        yield chunk


@dataclasses.dataclass(frozen=True)
class PreparedJoblog:
    """What the one pass and the rules make of a joblog before a root cause is chosen."""

    scan: ScanResult
    header: JoblogHeader
    exit_code: int | None
    exit_line: LogLine | None
    findings: list[Finding]


def prepare_joblog(
    data: bytes | str | Iterable[bytes],
    *,
    job: JobIdentity | None = None,
    baseline: Baseline | None = None,
) -> PreparedJoblog:
    """Scan, banner, exit code and findings (each marked ``known`` against ``baseline``)."""
    scan = scan_joblog(data)
    header = parse_banner(scan.head, scan.tail)
    if job is not None:
        header = dataclasses.replace(header, job=job)
    exit_code, exit_line = _exit_code(header, scan)
    findings = find_errors(scan.candidates, header)
    if baseline is not None and not baseline.empty:
        findings = [
            dataclasses.replace(f, known=True) if baseline.knows(f.line.text) else f
            for f in findings
        ]
    findings = with_warned_causes(findings, scan, header, exit_code, baseline)
    return PreparedJoblog(scan, header, exit_code, exit_line, findings)


def analyze_joblog(
    data: bytes | str | Iterable[bytes],
    *,
    job: JobIdentity | None = None,
    baseline: Baseline | None = None,
) -> JoblogAnalysis:
    """Analyse one joblog given as bytes, text or an iterable of byte chunks.

    ``job`` names the job when the caller knows it (the banner may be missing, e.g. a joblog
    fetched with ``contentOnly``); it then wins over the banner. ``baseline``: see
    :func:`analyze_file`. The analysis is deterministic.
    """
    return conclude(prepare_joblog(data, job=job, baseline=baseline))


def conclude(prepared: PreparedJoblog, weights: Weights | None = None) -> JoblogAnalysis:
    """Choose the root cause among the prepared findings (``weights``: the chooser's, see
    :mod:`resync_analytics.joblog.chooser`) and state the verdict."""
    scan, exit_code = prepared.scan, prepared.exit_code
    scored = score_root_candidates(prepared.findings, exit_code, scan.total_lines, weights)
    root = choose_root(prepared.findings, exit_code, scan.total_lines, weights)
    # the finding chosen, or the one the chooser picked before moving to a better statement
    winner = next((s for s in scored if root is not None and s.finding.line == root.line), None)
    winner = winner or (pick(scored) if root is not None else None)
    reasons = explain_choice(winner, weights) if winner is not None else ()
    analysis = _verdict(
        scan, prepared.header, exit_code, prepared.exit_line, prepared.findings, root
    )
    header_line = stated_line(root, pick(scored), scan.warnings, prepared.findings)
    if header_line is not None and root is not None and analysis.error_line == root.line.number:
        analysis = dataclasses.replace(
            analysis,
            error_line=header_line.number,
            error_text=mask_secrets(header_line.text),
            pattern=error_pattern(mask_secrets(header_line.text)),
        )
    known = sum(1 for f in prepared.findings if f.known)
    if known:
        reasons = (*reasons, f"{known} line(s) also printed by good runs set aside")
    second = describe_runner_up(scored, winner, analysis.error_line, weights)
    return dataclasses.replace(analysis, reasons=reasons, runner_up=second)


def _reports_only(root: Finding, findings: Sequence[Finding]) -> bool:
    """Whether every error line of the run, the root among them, only reports the failure:
    a bare "ERROR: tfcli.exe ended with errorlevel 3" names no cause, however loud."""
    return root.category in GENERIC_CATEGORIES and all(
        f.tier <= 1
        or (
            f.category in GENERIC_CATEGORIES
            and f.tier == 2
            and not (f.python_exception or f.java_role or _RAISED.search(f.line.text))
            and is_consequence(f)
        )
        for f in findings
        if not f.known
    )


# An exception a program raised ("prefect.exceptions.Abort: This run has already terminated.",
# "ZOAUException('...')"): the program's own statement of what went wrong, however it words it.
_RAISED = re.compile(r"(?:^|[\s.])[A-Z]\w*(?:Exception|Error|Abort)\b\s*[:(]|\.exceptions?\.\w+:")


def _exit_code(header: JoblogHeader, scan: ScanResult) -> tuple[int | None, LogLine | None]:
    """The exit status and the line stating it: the trailer's, else the last one the job printed."""
    if header.exit_status is not None:
        line = next((ln for ln in reversed(scan.tail) if "exit status" in ln.text.lower()), None)
        return header.exit_status, line
    # JES2's job-ended notice is the z/OS job's own status, whatever a program printed in
    # the SYSOUT listed after it ("GLRATE ENDED RC=0"); an abend has no return code
    for line in (*scan.head, *scan.tail):
        if _JES_JOB_ABEND.search(line.text):
            return None, line
    for line in reversed(scan.tail):
        match = _JES_JOB_END.search(line.text) or exit_line().search(line.text)
        if match:
            return int(match.group(1)), line
    return _ansible_recap_status(scan)


def _ansible_recap_status(scan: ScanResult) -> tuple[int | None, LogLine | None]:
    """The status ansible-playbook exits with, read from its PLAY RECAP when the log shows no
    exit status: 4 when a host was unreachable, 2 when a task failed on one, else 0 (a
    failure the play ignored, "...ignoring", counts as ignored, not failed)."""
    rows = [(line, _ANSIBLE_RECAP.match(line.text)) for line in scan.tail]
    counted = [(line, m) for line, m in rows if m is not None]
    if not counted:
        return None, None
    first = counted[0][0]
    if any(int(m.group("unreachable")) for _, m in counted):
        return 4, first
    if any(int(m.group("failed")) for _, m in counted):
        return 2, first
    return 0, first


_ANSIBLE_RECAP = re.compile(
    r"^\S+\s+:\s+ok=\d+\s+changed=\d+\s+unreachable=(?P<unreachable>\d+)\s+"
    r"failed=(?P<failed>\d+)\b"
)
"""A host's row of ansible-playbook's PLAY RECAP."""


_JES_JOB_END = re.compile(r"\$HASP395\s+\S+\s+ENDED\s+-\s+(?:MAXCC|RC)=(\d{1,4})\b")
"""JES2's end of a z/OS job with the highest completion code of its steps
("$HASP395 CRDB0110 ENDED - MAXCC=0012"): the job's exit status."""
_JES_JOB_ABEND = re.compile(r"\$HASP395\s+\S+\s+ENDED\s+-\s+ABEND=")
"""JES2's end of a z/OS job that abended ("$HASP395 PRDGLP20 ENDED - ABEND=S913")."""
_JES_STEP = re.compile(r"^\s*[\d.]+\s+(?:JOB|TSU|STC)\d+\s+-(?!JOBNAME\s)\S+\s+\S+\s+(.*)$")
"""A row of JES2's step table ("-CRDB0110 STEP030   12   991 ..."): after the job and step
names, an optional procedure step, then the step's completion code."""


def _failure_report_line(
    scan: ScanResult, header: JoblogHeader, exit_code: int | None = None
) -> LogLine | None:
    """The first z/OS step whose completion code is the job's (its highest), else the last
    output line that reports a nonzero exit code ("END load.sh rc=1")."""
    if exit_code:
        for line in scan.tail:
            step = _JES_STEP.match(line.text)
            codes = [w for w in step.group(1).split()[:2] if w.isdigit()] if step else []
            if codes and int(codes[0]) == exit_code:
                return line
    end = header.trailer_start_line or (scan.total_lines + 1)
    for line in reversed(scan.tail):
        if line.number >= end or line.text.lstrip().startswith("="):
            continue
        match = exit_line().search(line.text)
        if match and int(match.group(1)) != 0:
            return line
    return None


def _verdict(
    scan: ScanResult,
    header: JoblogHeader,
    exit_code: int | None,
    exit_line: LogLine | None,
    findings: list[Finding],
    root: Finding | None,
) -> JoblogAnalysis:
    has_banner = header.variant != "none"
    rc_meaning = explain_exit_code(exit_code)
    special = is_special_exit_code(exit_code)

    benign = benign_exit(exit_code, scan, header)
    if (
        (exit_code == 0 and not fails_despite_exit_zero(root, findings, scan, header))
        or (benign is not None and not _fails_after(benign, findings, scan, header))
        or (exit_code is None and root is None and scan.total_lines > 0)
    ):
        features = ConfidenceFeatures(
            0,
            False,
            False,
            False,
            0,
            False,
            has_banner,
            exit_code == 0 or benign is not None,
            exit_code is None,
        )
        if benign is not None and exit_code:
            return _benign_success(scan, header, exit_code, benign, features)
        return _analysis(
            scan,
            header,
            exit_code,
            "success",
            "Job ended successfully"
            + (" (exit status 0)" if exit_code == 0 else " (no error found in the joblog)"),
            None,
            (),
            features,
            rule="success",
        )

    rc_only = False
    if root is None or (special and root.category in GENERIC_CATEGORIES and root.tier <= 2):
        if special and rc_meaning is not None:
            category: Category = rc_meaning.category
            label = rc_meaning.label
            line = exit_line or (root.line if root else None)
            rc_only = True
            rule = "exit_code"
        elif root is not None:
            category, label, line, rule = root.category, root.label, root.line, root.rule
        else:
            line = _failure_report_line(scan, header, exit_code) or exit_line
            category, label, rule = "unknown", "No error statement found", "none"
    elif root.tier <= 1 or _reports_only(root, findings):
        # Only consequences ("step 3 failed"): the failure is reported, its cause is not.
        # the first of its reports ("failed 4 times; aborting job", then "Job aborted ...")
        first = min(
            (f.line for f in findings if f.rule == root.rule and not f.known),
            key=lambda ln: ln.number,
            default=root.line,
        )
        category, label, line, rule = (
            "unknown",
            "Failure without a stated cause",
            first,
            root.rule,
        )
    else:
        category, label, line, rule = root.category, root.label, root.line, root.rule
    if category in GENERIC_CATEGORIES and line is not None:
        # a line no family names the failure of may still say it in plain words
        reading = read_verdict_line(rule, line, root)
        if reading is not None:
            category, label, rule = reading.category, reading.label, PROSE_RULE

    entities, related = _entities_around(
        category, line, root, header, findings, exit_code, rc_only, (*scan.head, *scan.tail)
    )
    corroborating = sum(1 for f in findings if f.category == category) - (0 if rc_only else 1)
    tier = 0 if rc_only or root is None else root.tier
    features = ConfidenceFeatures(
        tier=tier,
        rc_consistent=special and rc_meaning is not None and rc_meaning.category == category,
        rc_conflict=special and rc_meaning is not None and rc_meaning.category != category,
        rc_only=rc_only,
        corroborating=max(0, corroborating),
        generic_category=category in GENERIC_CATEGORIES,
        has_banner=has_banner,
        success_exit_zero=False,
        success_no_errors=False,
    )
    sentence = _root_cause_sentence(category, label, entities, line, exit_code)
    return _analysis(
        scan,
        header,
        exit_code,
        category,
        sentence,
        line,
        entities,
        features,
        rule,
        root=root,
        related=related,
    )


def _entities_around(
    category: Category,
    line: LogLine | None,
    root: Finding | None,
    header: JoblogHeader,
    findings: list[Finding],
    exit_code: int | None,
    rc_only: bool,
    kept: Iterable[LogLine] = (),
) -> tuple[list[Entity], list[Entity]]:
    """Entities of the root cause in two tiers: those of its line and what the lines right
    around it add (see :func:`select_entities`), then the further ones a wider neighbourhood
    names (see :func:`related_entities`). Banner lines around it are TWS plumbing and are
    left out. ``kept`` are the lines the scan kept whole (the log's head and tail): where they
    continue the root's context, a stack trace longer than the context is read on them."""
    if line is None:
        return [], []
    before: tuple[LogLine, ...] = ()
    after: tuple[LogLine, ...] = ()
    # Lines a good run also prints are noise for this job: their entities are not the cause's.
    known = {f.line.number for f in findings if f.known}
    if root is not None and root.line is line:
        before = tuple(
            ln
            for ln in root.context_before
            if not _in_banner(ln, header) and ln.number not in known
        )
        after = tuple(
            ln for ln in root.context_after if not _in_banner(ln, header) and ln.number not in known
        )
    stated = {f.line.number for f in findings if f.line is not line and f.tier >= 2 and not f.known}
    chain = [ln for ln in (*before, *after) if ln.number in stated]
    # The job's own script and agent are named around every error; they are not its subject.
    script = header.jclfile or ""
    exclude = {script, script.replace("\\", "/").rsplit("/", 1)[-1], header.agent or ""}
    if header.job is not None:
        exclude.add(header.job.workstation)
    exclude.discard("")
    near_before = tuple(ln for ln in before if ln.number >= line.number - _NEAR_LINES)
    near_after = tuple(ln for ln in after if ln.number <= line.number + _NEAR_LINES)
    near_chain = [ln for ln in chain if abs(ln.number - line.number) <= _NEAR_LINES]
    first = select_entities(
        category, line, near_before, near_after, chain=near_chain, exclude=exclude
    )
    first = _add_context_entities(first, category, header, exit_code, rc_only, line.text)
    wide_before, wide_after = _widened(line, before, after, kept, header, known)
    first = complete_roles(category, line, wide_before, wide_after, first, exclude=exclude)
    related = related_entities(
        category,
        line,
        before,
        after,
        chain=chain,
        named=first,
        exclude=exclude,
    )
    related = relevant_related(related, first)
    return first, related


def _widened(
    line: LogLine,
    before: tuple[LogLine, ...],
    after: tuple[LogLine, ...],
    kept: Iterable[LogLine],
    header: JoblogHeader,
    known: set[int],
) -> tuple[tuple[LogLine, ...], tuple[LogLine, ...]]:
    """``before`` and ``after`` continued, up to ``_WIDE_LINES`` lines from ``line``, on the
    ``kept`` lines that follow on from them without a gap."""
    by_number = {ln.number: ln for ln in kept}

    def usable(number: int) -> LogLine | None:
        found = by_number.get(number)
        if found is None or _in_banner(found, header) or number in known:
            return None
        return found

    wide_after = list(after)
    number = (after[-1].number if after else line.number) + 1
    while number <= line.number + _WIDE_LINES and (found := usable(number)) is not None:
        wide_after.append(found)
        number += 1
    wide_before = list(before)
    number = (before[0].number if before else line.number) - 1
    while number >= line.number - _WIDE_LINES and (found := usable(number)) is not None:
        wide_before.insert(0, found)
        number -= 1
    return tuple(wide_before), tuple(wide_after)


def _in_banner(line: LogLine, header: JoblogHeader) -> bool:
    if line.number <= header.header_end_line:
        return True
    return header.trailer_start_line is not None and line.number >= header.trailer_start_line


def _add_context_entities(
    entities: list[Entity],
    category: Category,
    header: JoblogHeader,
    exit_code: int | None,
    rc_only: bool,
    stated: str = "",
) -> list[Entity]:
    """Entities the error line implies but does not print: the logon user, the script, the RC."""
    extra: list[Entity] = []
    texts = {e.text for e in entities}
    # A refused logon with no account, host or URL named is the banner's logon user's only when
    # the refusal (``stated``, its line) names that user or is TWS's own (it could not start
    # the job as that user): otherwise the job logged on somewhere else as someone else (an
    # FTP, SMTP or database account its script holds).
    names_account = any(e.kind in ("user", "host", "url") for e in entities)
    if (
        category == "authentication"
        and header.user
        and not names_account
        and (_names_word(stated, header.user) or _TWS_ERROR.search(stated) is not None)
    ):
        extra.append(Entity("user", header.user))
    if category in ("command_not_found", "unknown") and header.jclfile and not entities:
        extra.append(Entity("command", header.jclfile))
    if rc_only and exit_code is not None:
        extra.append(Entity("code", str(exit_code)))
    return entities + [e for e in extra if e.text not in texts]


_TWS_ERROR = re.compile(r"\bAWS[A-Z]{3}\d{3}E\b")


def _names_word(text: str, word: str) -> bool:
    """Whether ``text`` names ``word`` on its own, not inside a host, pod or path name
    ("analytics-rated-usage-6857d79bd6", "/opt/demo/bin")."""
    return re.search(rf"(?<![\w\\/.-]){re.escape(word)}(?![\w\\/-])", text) is not None


_DEFAULT_SUBJECT_KINDS: tuple[str, ...] = ("path", "object", "host", "url", "command")
_MIN_SUBJECT = 3
_JOINERS = {"user": " for ", "value": " with "}
_CODE_LOCATED: frozenset[Category] = frozenset({"application_error", "out_of_memory"})
_MAX_MESSAGE = 80
_SQLSTATE = re.compile(r"\d[0-9A-Z]{4}")


def _root_cause_sentence(
    category: Category,
    label: str,
    entities: list[Entity],
    line: LogLine | None,
    exit_code: int | None,
) -> str:
    """ "Missing file: /data/in/a.csv (RC 1)", "Oracle tablespace full: ORA-01653 on SCOTT.EMP",
    "Out of memory: java.lang.OutOfMemoryError: Java heap space in com.acme.Job.load (RC 1)".

    Names the cause's code (an exception with its message) and the one entity a fix acts on;
    when neither is known, the error line itself without its timestamp and level.
    """
    text = mask_secrets(line.text) if line is not None else ""
    # a tool's own report of the exit code ("(code 23)") is said once, as the RC at the end
    stated = [e for e in entities if exit_code in (None, 0) or e.text != str(exit_code)]
    detail = _cause_detail(stated, text, label)
    subject = _subject(category, entities, detail)
    if subject is not None:
        joiner = _JOINERS.get(subject.kind, " on ")
        if category in _CODE_LOCATED and subject.text not in text:
            joiner = " in "  # the stack frame the error was thrown in
        detail = f"{detail}{joiner}{subject.text}" if detail else subject.text
    if not detail and text:
        detail = _shorten(LINE_PREFIX.sub("", text).strip() or text.strip(), 200)
    sentence = f"{label}: {detail}" if detail else label
    # "curl: (28) ..." with exit code 28: the tool's own report already states the RC
    restated = len(stated) < len(entities) and re.search(rf"\({exit_code}\)", detail)
    if exit_code not in (None, 0) and not restated:
        sentence += f" (RC {exit_code})"
    return sentence


def _cause_detail(entities: list[Entity], text: str, label: str) -> str:
    """The exception with its message, else up to two codes of the error line."""
    codes = [e for e in entities if e.kind in ("code", "exception") and e.text not in label]
    if any(not _SQLSTATE.fullmatch(e.text) for e in codes):
        # the SQLSTATE restates the vendor code in a portable class; the list names both
        codes = [e for e in codes if not _SQLSTATE.fullmatch(e.text)]
    exception = next((e for e in codes if e.kind == "exception" and e.text in text), None)
    if exception is not None:
        match = re.search(re.escape(exception.text) + r":\s*(\S.*)", text)
        if match:
            return f"{exception.text}: {_shorten(match.group(1).strip(), _MAX_MESSAGE)}"
        return exception.text
    named: list[str] = []
    for code in codes:
        if not any(code.text in other or other in code.text for other in named):
            named.append(code.text)
    return ", ".join(named[:2])


def _subject(category: Category, entities: list[Entity], detail: str) -> Entity | None:
    kinds = SUBJECT_KINDS.get(category, _DEFAULT_SUBJECT_KINDS)
    for kind in kinds:
        for entity in entities:
            if (
                entity.kind == kind
                and len(entity.text) >= _MIN_SUBJECT
                and entity.text not in detail
            ):
                return entity
    return None


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(".,;:") + "…"


def _fails_after(
    benign: BenignExit, findings: list[Finding], scan: ScanResult, header: JoblogHeader
) -> bool:
    """Whether an error outside the lines the tool's convention answers for failed the job,
    judged as under an exit status of 0 (the status is the tool's, which succeeded)."""
    outside = [
        f for f in findings if not benign.answers_from <= f.line.number <= benign.answers_through
    ]
    root = choose_root(outside, 0, scan.total_lines) if outside else None
    return root is not None and fails_despite_exit_zero(root, outside, scan, header)


def _benign_success(
    scan: ScanResult,
    header: JoblogHeader,
    exit_code: int,
    benign: BenignExit,
    features: ConfidenceFeatures,
) -> JoblogAnalysis:
    """A run that did its work although its status is not 0: the tool's convention says so."""
    analysis = _analysis(
        scan,
        header,
        exit_code,
        "success",
        f"Job ended successfully: exit status {exit_code} is {benign.tool}'s convention for "
        f"success ({benign.meaning}); TWS counts it a failure unless the job's success "
        f"condition allows it ({benign.condition})",
        None,
        (),
        features,
        rule="benign_exit",
    )
    return dataclasses.replace(
        analysis,
        steps=benign_exit_steps(header.job, exit_code, benign.condition),
        context=(LogLine(benign.line.number, mask_secrets(benign.line.text)),)
        if benign.line is not None
        else (),
    )


def _analysis(
    scan: ScanResult,
    header: JoblogHeader,
    exit_code: int | None,
    category: Category,
    root_cause: str,
    line: LogLine | None,
    entities: Iterable[Entity],
    features: ConfidenceFeatures,
    rule: str,
    root: Finding | None = None,
    related: Iterable[Entity] = (),
) -> JoblogAnalysis:
    """``entities`` (the first tier) drive the steps; ``related`` ones are only listed after."""
    root_text = line.text if line is not None else ""
    entity_list = keep_entities(list(entities), root_text, category)
    related = keep_entities(list(related), root_text, category)
    entity_list = without_pieces(entity_list, related)
    related = without_pieces(related, entity_list)
    # Entities taken from the banner (a dynamic agent's command line) were never masked.
    steps = tuple(
        mask_secrets(step)
        for step in suggest_steps(
            category,
            entity_list,
            job=header.job,
            user=header.user,
            exit_code=exit_code,
            family=rule,
        )
    )
    context: tuple[LogLine, ...] = ()
    if root is not None and line is root.line:
        context = (
            *root.context_before[-_NEAR_LINES:],
            root.line,
            *root.context_after[:_NEAR_LINES],
        )
    elif line is not None:
        context = (line,)
    roles: dict[str, EntityRole] = {}
    for entity in (*entity_list, *related):
        roles.setdefault(mask_secrets(entity.text), role_of(entity))
    return JoblogAnalysis(
        category=category,
        root_cause=mask_secrets(root_cause),
        error_line=line.number if line is not None else 0,
        error_text=mask_secrets(line.text) if line is not None else "",
        entities=tuple(roles),
        entity_roles=tuple(roles.items()),
        steps=steps,
        confidence=score_confidence(features),
        header=header,
        exit_code=exit_code,
        context=tuple(LogLine(c.number, mask_secrets(c.text)) for c in context),
        pattern=error_pattern(mask_secrets(line.text)) if line is not None else "",
        rule=rule,
        total_lines=scan.total_lines,
        total_bytes=scan.total_bytes,
    )

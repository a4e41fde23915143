"""Causes a failed job stated only at WARN level: a retry loop that logged each failed attempt
as a warning, then a bare "failed" or only the exit code.

Read only when no other line states a specific cause, so a warning never outranks an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from resync_analytics.joblog.baseline import Baseline
from resync_analytics.joblog.chooser import read_findings
from resync_analytics.joblog.knowledge import knowledge
from resync_analytics.joblog.models import GENERIC_CATEGORIES, Finding, JoblogHeader
from resync_analytics.joblog.rules import match_rule
from resync_analytics.joblog.scan import Candidate, ScanResult

WARNING_REACH = 20
"""How many lines before a failure report (or the end of the job's output) a warning-level
statement may sit to be read as its cause when no other line states one."""
_ATTEMPT_OF = re.compile(
    r"(?:attempt|try|retry)\s*#?\s*(\d+)\s*(?:of|/)\s*(\d+)|\((\d+)/(\d+)\)", re.IGNORECASE
)
_WARNING_LEVEL = re.compile(r"(?<![\w./-])\[?(?i:warn|warning)\]?(?![\w./-])")


def with_warned_causes(
    findings: list[Finding],
    scan: ScanResult,
    header: JoblogHeader,
    exit_code: int | None,
    baseline: Baseline | None,
) -> list[Finding]:
    """``findings`` with the specific causes stated at WARN level just before the failure,
    when the job failed and no other line states a specific cause.

    A retry loop may log each failed attempt as a warning ("WARN ... No space left on device
    ... (3/3)") and the job then fail with a bare "failed" or only its exit code: the warnings
    are the only statement of why. They take part only then, so a warning never outranks an
    error; only those within ``WARNING_REACH`` lines before a failure report or the end of
    the output count, and not lines good runs also print."""
    failed = exit_code not in (None, 0) or (
        exit_code is None and any(not f.known for f in findings)
    )
    if not failed or _states_a_cause(findings, exit_code):
        return findings
    stated = {f.line.number for f in findings}
    end = header.trailer_start_line or scan.total_lines + 1
    reports = sorted({*(f.line.number for f in findings if not f.known), end})
    warned: dict[int, Finding] = {}
    for candidate in (*scan.warnings, *scan.candidates):
        number = candidate.line.number
        if number in stated or number in warned or number <= header.header_end_line:
            continue
        if not any(0 < report - number <= WARNING_REACH for report in reports):
            continue
        finding = _warned_cause(candidate)
        if finding is not None and not (baseline is not None and baseline.knows(finding.line.text)):
            warned[number] = finding
    causes = _not_recovered(sorted(warned.values(), key=lambda f: f.line.number))
    if not causes:
        return findings
    return sorted([*findings, *causes], key=lambda f: f.line.number)


def _not_recovered(warned: list[Finding]) -> list[Finding]:
    """The warnings less those a retry recovered from: a retried attempt short of the last
    ("attempt 1/3", "retrying") that no later warning of its kind follows ("lock acquired on
    attempt 2")."""
    retry = knowledge().retry
    kept = []
    for index, finding in enumerate(warned):
        text = finding.line.text
        attempt = _ATTEMPT_OF.search(text)
        numbers = [int(g) for g in attempt.groups() if g] if attempt else []
        last = len(numbers) == 2 and numbers[0] >= numbers[1]
        retried = (bool(attempt) or bool(retry.search(text))) and not last
        again = any(f.category == finding.category for f in warned[index + 1 :])
        if not retried or again:
            kept.append(finding)
    return kept


def _states_a_cause(findings: list[Finding], exit_code: int | None) -> bool:
    """Whether a finding (read a second time, see :func:`.chooser.read_findings`) states a
    specific cause that good runs do not also print."""

    def specific(found: Iterable[Finding]) -> bool:
        return any(
            f.tier >= 3 and f.category not in GENERIC_CATEGORIES and not f.known for f in found
        )

    # the second reading only makes statements more specific: it is needed only without one
    return specific(findings) or specific(read_findings(findings, exit_code))


def _warned_cause(candidate: Candidate) -> Finding | None:
    """The specific cause a line logged at WARN level states, as a finding."""
    text = candidate.line.text
    if not _WARNING_LEVEL.search(text[:100]):
        return None
    rule = match_rule(text)
    if rule is None or rule.tier < 3 or rule.category in GENERIC_CATEGORIES:
        return None
    return Finding(
        line=candidate.line,
        rule=rule.name,
        category=rule.category,
        tier=rule.tier,
        label=rule.label,
        context_before=candidate.before,
        context_after=candidate.after,
    )

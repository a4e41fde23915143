"""What a job prints when it succeeds: the line templates of its good runs.

A job that fails often prints the same harmless errors as when it succeeds (a missing optional
config file, a deprecated-option warning logged at ERROR level, a cleanup ``rm`` that finds
nothing). Those lines are noise for this job, whatever they say. A line of a failing run whose
template also occurs in a good run of the same job is therefore *known*; the root-cause chooser
prefers novel lines and falls back on known ones only when nothing else states an error.

A template is the line with its variable parts masked: numbers, timestamps, ids, hosts' and
URLs' varying parts by :func:`resync_analytics.patterns.masking.mask_variables`; in a path only
the digits vary (``/data/in/sales_20250314.csv`` and ``/data/in/sales_20250315.csv`` are one
template, ``/data/in/sales.csv`` and ``/etc/app.conf`` are not), so a good run's harmless
``rm: /tmp/x: No such file`` never masks a failing run's missing input file. A number that names
the error (``Msg 3701``, ``ERROR 32``, ``[Errno 28]``, ``code 23``, ``reason "24"``,
``curl: (28)``) is kept too: SQL Server's harmless ``Msg 3701, Level 11`` (nothing to drop) must
not make a failing run's ``Msg 208, Level 16`` (invalid object) look known, nor robocopy's retried
``ERROR 32`` a final ``ERROR 5``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from resync_analytics.joblog.models import LogLine
from resync_analytics.joblog.scan import scan_joblog
from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.masking import mask_variables

_PATH = re.compile(
    r"(?<![\w:/.~$@-])(?:~|\.{1,2})?(?:/[\w.@%+~$-]+)+/?|\b[A-Za-z]:\\[^\s,;'\"]*|\\\\[^\s,;'\"]+"
)
# A number right after a word that names an error code (not a date or time: no separator and
# digit may follow), or curl's ``curl: (N)``.
_ERROR_CODE = re.compile(
    r"(?i:\b(?:msg|error|errno|code|reason|rc|sqlcode|sqlstate|status)\b)"
    r"\"?\s*[=:]?\s*[\"(\[]?\s*-?\d+(?![\d\w])(?![-/:.]\d)"
    r"|\bcurl: \(\d+\)"
)
_DIGITS = re.compile(r"\d+")
# Temporary names (mktemp's tmp.XXXXXXXX, .nfs1234abcd) vary without digits too.
_TEMP_PART = re.compile(r"(?<=[/\\])(?:tmp\.|\.nfs)[\w]+")
_SPACES = re.compile(r"\s+")
MAX_TEMPLATES = 20_000
"""Templates kept from all baselines together: a good run's error-looking lines are few; this
bounds memory whatever the baselines hold."""


def line_template(text: str) -> str:
    """``"2025-03-14 02:00:07 WARN cannot read /data/in/f_0314.csv (pid 4711)"`` →
    ``"<*> WARN cannot read /data/in/f_<*>.csv (pid <*>)"``. Pure; any string is accepted."""
    pieces: list[str] = []
    position = 0
    for match in _PATH.finditer(text):
        pieces.append(_mask_keeping_codes(text[position : match.start()]))
        path = _TEMP_PART.sub("<*>", match.group(0))
        pieces.append(_DIGITS.sub("<*>", path))
        position = match.end()
    pieces.append(_mask_keeping_codes(text[position:]))
    return _SPACES.sub(" ", "".join(pieces)).strip()


def _mask_keeping_codes(text: str) -> str:
    """:func:`mask_variables` on ``text`` except its error codes, kept verbatim."""
    pieces: list[str] = []
    position = 0
    for match in _ERROR_CODE.finditer(text):
        pieces.append(mask_variables(text[position : match.start()]))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(mask_variables(text[position:]))
    return "".join(pieces)


# Stored profiles keep hashes, not texts: a change to the masks or to this module's reading of
# a line changes every hash, so a profile carries the version that wrote it and one of another
# version is relearnt instead of silently matching nothing. Bump the suffix when
# ``line_template`` changes what it keeps.
TEMPLATE_VERSION = f"masks{MinerConfig().masks_version}.line1"
"""The version of :func:`line_template` and :func:`template_hash` stored with a profile."""


def template_hash(template: str) -> int:
    """A stable signed 64-bit id of a template (a PostgreSQL ``bigint``): what a stored
    profile keeps instead of the template's text."""
    digest = hashlib.blake2b(template.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass(frozen=True)
class Baseline:
    """Templates of the error-looking lines of a job's good runs (empty: no baseline).

    ``templates`` holds them as text (learnt from files at hand), ``hashes`` as
    :func:`template_hash` ids (read from a stored profile); a line is known if either holds it.
    """

    templates: frozenset[str] = field(default_factory=frozenset)
    runs: int = 0
    hashes: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        """Nothing to compare with: every line is novel."""
        return not self.templates and not self.hashes

    def knows(self, text: str) -> bool:
        """Whether a line of this template also occurs in a good run."""
        if self.empty:
            return False
        template = line_template(text)
        return template in self.templates or (
            bool(self.hashes) and template_hash(template) in self.hashes
        )


def learn_baseline(runs: Iterable[bytes | str | Iterable[bytes]]) -> Baseline:
    """The baseline of the good ``runs`` (each as :func:`scan_joblog` accepts it).

    Only the lines the scan's prefilter keeps as candidates are learned: a line that cannot be
    chosen as a root cause need not be recognised. Memory is bounded by :data:`MAX_TEMPLATES`.
    """
    templates: set[str] = set()
    count = 0
    for run in runs:
        count += 1
        for candidate in scan_joblog(run).candidates:
            if len(templates) >= MAX_TEMPLATES:
                break
            templates.add(line_template(candidate.line.text))
    return Baseline(frozenset(templates), count)


def template_counts(run: bytes | str | Iterable[bytes]) -> Counter[int]:
    """How often each template (as :func:`template_hash`) of a good ``run``'s candidate lines
    occurs: what a stored profile learns of one run, the same lines :func:`learn_baseline`
    learns. Bounded by the scan's candidate caps whatever the run's size."""
    return Counter(
        template_hash(line_template(candidate.line.text))
        for candidate in scan_joblog(run).candidates
    )


def novel_lines(
    data: bytes | str | Iterable[bytes], baseline: Baseline, limit: int = 20
) -> tuple[LogLine, ...]:
    """The first ``limit`` error-looking lines of a failing run that no good run printed
    ("new in this run"), in order; none when ``baseline`` is empty (nothing to compare)."""
    if baseline.empty:
        return ()
    found: list[LogLine] = []
    for candidate in scan_joblog(data).candidates:
        if not baseline.knows(candidate.line.text):
            found.append(candidate.line)
            if len(found) >= limit:
                break
    return tuple(found)


__all__ = [
    "MAX_TEMPLATES",
    "TEMPLATE_VERSION",
    "Baseline",
    "learn_baseline",
    "line_template",
    "novel_lines",
    "template_counts",
    "template_hash",
]

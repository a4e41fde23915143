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
``rm: /tmp/x: No such file`` never masks a failing run's missing input file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from resync_analytics.joblog.scan import scan_joblog
from resync_analytics.patterns.masking import mask_variables

_PATH = re.compile(
    r"(?<![\w:/.~$@-])(?:~|\.{1,2})?(?:/[\w.@%+~$-]+)+/?|\b[A-Za-z]:\\[^\s,;'\"]*|\\\\[^\s,;'\"]+"
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
        pieces.append(mask_variables(text[position : match.start()]))
        path = _TEMP_PART.sub("<*>", match.group(0))
        pieces.append(_DIGITS.sub("<*>", path))
        position = match.end()
    pieces.append(mask_variables(text[position:]))
    return _SPACES.sub(" ", "".join(pieces)).strip()


@dataclass(frozen=True)
class Baseline:
    """Templates of the error-looking lines of a job's good runs (empty: no baseline)."""

    templates: frozenset[str] = field(default_factory=frozenset)
    runs: int = 0

    def knows(self, text: str) -> bool:
        """Whether a line of this template also occurs in a good run."""
        return bool(self.templates) and line_template(text) in self.templates


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


__all__ = ["MAX_TEMPLATES", "Baseline", "learn_baseline", "line_template"]

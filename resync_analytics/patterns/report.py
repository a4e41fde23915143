"""The nightly pattern report: one line per template new tonight and one per surge."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from resync_analytics.patterns.surge import Surge


@dataclass(frozen=True)
class SurgeLine:
    """A surge with what the report names: its template and the jobs that failed most."""

    surge: Surge
    template: str
    top_jobs: Sequence[tuple[str, int]]
    top_workstations: Sequence[tuple[str, int]]


def render_report(new_templates: Mapping[str, str], surges: Sequence[SurgeLine]) -> str:
    """Markdown: new templates (id -> template) and surges, each one line."""
    lines = ["# Error patterns tonight", "", f"## New templates ({len(new_templates)})", ""]
    lines += [f"- `{pid}` {_code(t)}" for pid, t in sorted(new_templates.items())] or ["- none"]
    lines += ["", f"## Surges ({len(surges)})", ""]
    for one in surges:
        s = one.surge
        jobs = ", ".join(f"{job} ({runs})" for job, runs in one.top_jobs[:3]) or "-"
        lines.append(
            f"- `{s.pattern_id}` {_code(one.template)}: {s.tonight} failed run(s) tonight,"
            f" usually {s.usual_rate:.2f} a night over {s.history_nights} night(s)"
            f" ({s.ratio:.1f}x, p={s.p_value:.1e}); top jobs: {jobs}"
        )
    if not surges:
        lines.append("- none")
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    # A template may hold backticks; a longer fence keeps it one inline code span.
    return f"`` {text} ``" if "`" in text else f"`{text}`"

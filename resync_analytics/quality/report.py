"""The ``quality-report`` markdown: tonight's tests, each figure over the weeks, and time to
resolution."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from resync_analytics.masking import mask_secrets
from resync_analytics.quality.resolution import ResolutionSummary
from resync_analytics.quality.watch import QualityWatch
from resync_core.quality import ALL, WEEK, QualityFigure

DESCRIPTIONS = {
    "unknown_family": "failed joblogs of no known message family",
    "new_template": "error lines of templates never seen before",
    "new_job": "runs of jobs new to the history",
    "new_workstation": "runs on workstations new to the history",
    "wrong_diagnosis": "diagnoses operators called wrong",
    "calibration_ece": "expected calibration error of the analyser's claims",
    "risk_brier": "Brier score of the risk scores against the next night",
    "forecast_coverage": "forecast points inside their interval",
    "category_mix": "change of the mix of failure categories",
    "verdict_mix": "change of the mix of operators' verdicts",
}
WEEKLY_ORDER = (
    "unknown_family",
    "new_template",
    "new_job",
    "new_workstation",
    "calibration_ece",
    "risk_brier",
    "forecast_coverage",
    "category_mix",
    "verdict_mix",
)
MAX_SCOPES = 15


def _cell(text: object) -> str:
    return mask_secrets(str(text)).replace("|", "\\|").replace("\n", " ")


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _range(f: QualityFigure) -> str:
    if f.usual_low is None or f.usual_high is None:
        return "—"
    return f"{f.usual_low:.3f}–{f.usual_high:.3f}"


def _state(f: QualityFigure) -> str:
    if f.degraded:
        return "**degraded**"
    return "not tested" if f.p_value is None else "ok"


def render_quality_report(watch: QualityWatch) -> str:
    lines: list[str] = []
    add = lines.append
    config = watch.config
    add(f"# Quality of resync-flows' answers — night of {watch.night.isoformat()}")
    add("")
    degraded = watch.degraded
    if degraded:
        add(f"**{len(degraded)} measure(s) degraded** (resync.quality.degraded sent):")
        for f in degraded:
            drivers = ", ".join(_cell(d) for d in f.drivers) or "—"
            add(
                f"- {DESCRIPTIONS.get(f.measure, f.measure)} ({_cell(f.scope)}): {_num(f.value)},"
                f" usual {_range(f)}; driven by {drivers}"
            )
    else:
        add("No measure degraded tonight.")
    add("")
    add(f"## Tonight against the {config.baseline_weeks} week(s) before")
    add("")
    add(
        f"Degraded = the test is significant (p < {config.alpha:g}) and the change is large"
        f" enough to matter; tests need at least {config.min_count} observations."
    )
    add("")
    add("| Measure | Scope | Value | Count | Usual range | p | State | Drivers |")
    add("|---|---|---|---|---|---|---|---|")
    for f in watch.tonight:
        add(
            f"| {f.measure} | {_cell(f.scope)} | {_num(f.value)} | {f.count} | {_range(f)}"
            f" | {'—' if f.p_value is None else f'{f.p_value:.2g}'} | {_state(f)}"
            f" | {', '.join(_cell(d) for d in f.drivers) or '—'} |"
        )
    add("")
    add("## Over the weeks")
    add("")
    weeks = config.week_starts(watch.night)
    by_measure: dict[str, dict[str, dict[object, QualityFigure]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for f in watch.figures:
        if f.period == WEEK and f.measure in DESCRIPTIONS:
            by_measure[f.measure][f.scope][f.period_start] = f
    header = " | ".join(w.strftime("%m-%d") for w in weeks)
    for measure in WEEKLY_ORDER:
        scopes = by_measure.get(measure)
        if not scopes:
            continue
        add(f"### {measure}: {DESCRIPTIONS[measure]}")
        add("")
        add(f"| Scope | {header} |")
        add("|---|" + "---|" * len(weeks))
        ordered = [ALL, *sorted(s for s in scopes if s != ALL)][:MAX_SCOPES]
        for scope in ordered:
            if scope not in scopes:
                continue
            cells = []
            for w in weeks:
                week = scopes[scope].get(w)
                cells.append(
                    "—"
                    if week is None or week.value is None
                    else f"{week.value:.3f} ({week.count})"
                )
            add(f"| {_cell(scope)} | {' | '.join(cells)} |")
        add("")
    add("## Time to resolution (median hours from the ABEND)")
    add("")
    add(_resolution_table(watch.resolutions))
    return "\n".join(lines)


def _resolution_table(summaries: Sequence[ResolutionSummary]) -> str:
    if not summaries:
        return "No incidents in these weeks."
    rows = [
        "| Week | Category | Learned first step | Incidents | To rerun (n) | To verdict (n) |",
        "|---|---|---|---|---|---|",
    ]
    for s in summaries:
        rows.append(
            f"| {s.week_start.isoformat()} | {_cell(s.category)} | {s.learned} | {s.incidents}"
            f" | {_num(s.median_hours_to_rerun, 1)} ({s.rerun_ok})"
            f" | {_num(s.median_hours_to_verdict, 1)} ({s.verdicts}) |"
        )
    return "\n".join(rows)

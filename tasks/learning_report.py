"""The learning report: a markdown artifact (stable key ``learning-report``) showing what the
learning flow fitted and which resolutions it learned.

``render_learning_report`` is plain logic; ``publish_learning_report`` stores it. Resolutions
are operator text: masked again here, the last gate before people read them.
"""

from __future__ import annotations

from collections.abc import Sequence

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from resync_analytics.learning import GLOBAL, LLM
from resync_analytics.masking import mask_secrets
from tasks.learning import CalibrationFit, CauseResolutions

LEARNING_REPORT_KEY = "learning-report"
MAX_CAUSES = 30
MAX_RESOLUTIONS_PER_CAUSE = 3


def _cell(text: object) -> str:
    return mask_secrets(str(text)).replace("|", "\\|").replace("\n", " ")


def render_learning_report(
    fit: CalibrationFit, causes: Sequence[CauseResolutions], feedback_count: int, changed: int
) -> str:
    """The markdown report of one learning run."""
    lines: list[str] = []
    add = lines.append
    add("# What operators' feedback taught")
    add("")
    add(
        f"{feedback_count} feedback record(s), {fit.verdicts} verdict(s) on diagnoses;"
        f" calibration {'updated' if changed else 'unchanged'}."
    )
    add("")
    add("## Confidence calibration")
    add("")
    if not fit.assessments:
        add("No verdicts on diagnoses yet: confidences are shown as the analyser claims them.")
    else:
        add(
            "Claimed is the analyser's own confidence, calibrated what the incident flow shows"
            " now; Brier score and expected calibration error (ECE) are measured on the same"
            " verdicts (lower is better)."
        )
        add("")
        add(
            "| Category | Verdicts | Right | Claimed | Calibrated | Brier before → after"
            " | ECE before → after |"
        )
        add("|---|---|---|---|---|---|---|")
        for a in fit.assessments:
            name = "**all categories**" if a.category == GLOBAL else _cell(a.category)
            if a.analyser == LLM:
                name += " (LLM review)"
            add(
                f"| {name} | {a.verdicts} | {a.observed_accuracy:.0%} | {a.mean_claimed:.2f}"
                f" | {a.mean_calibrated:.2f} | {a.brier_before:.3f} → {a.brier_after:.3f}"
                f" | {a.ece_before:.3f} → {a.ece_after:.3f} |"
            )
    add("")
    add("## Resolutions learned")
    add("")
    if not causes:
        add("No resolutions recorded yet.")
    for cause in causes[:MAX_CAUSES]:
        add(f"- **{_cell(cause.fingerprint)}** ({_cell(cause.category)})")
        for resolution in cause.resolutions[:MAX_RESOLUTIONS_PER_CAUSE]:
            tried = resolution.worked + resolution.failed
            status = (
                "recommended first"
                if resolution.promoted
                else "flagged: did not work"
                if resolution.flagged
                else "not promoted"
            )
            add(
                f"  - {mask_secrets(resolution.text)} — worked {resolution.worked} of {tried}"
                f" ({status})"
            )
    if len(causes) > MAX_CAUSES:
        add(f"- ... and {len(causes) - MAX_CAUSES} more cause(s).")
    add("")
    return "\n".join(lines)


@task(name="publish-learning-report", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def publish_learning_report(
    fit: CalibrationFit, causes: Sequence[CauseResolutions], feedback_count: int, changed: int
) -> str:
    """Publish the report as the markdown artifact ``learning-report``; returns the key."""
    create_markdown_artifact(
        markdown=render_learning_report(fit, causes, feedback_count, changed),
        key=LEARNING_REPORT_KEY,
        description="Confidence calibration and resolutions learned from operator feedback.",
    )
    get_run_logger().info("learning report published as artifact %s", LEARNING_REPORT_KEY)
    return LEARNING_REPORT_KEY

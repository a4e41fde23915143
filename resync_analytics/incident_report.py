"""The incident report an operator reads, as markdown. Plain logic: no database, no Prefect.

Every piece of joblog-derived text goes through ``mask_secrets`` here, whatever was done
before: the report is the last gate before people and other systems read it.
"""

from __future__ import annotations

from datetime import datetime

from resync_analytics.incident_similarity import SimilarIncident
from resync_analytics.incident_view import IncidentView
from resync_analytics.masking import mask_secrets

# Rows of the affected-jobs table and rerun commands listed in full; the rest is counted.
MAX_LISTED_RUNS = 100
MAX_RESOLUTIONS_PER_INCIDENT = 3
# Lines listed under "New in this run": the few an operator reads first.
MAX_NEW_LINES = 10


def artifact_key(incident_id: int) -> str:
    """The artifact key of an incident's report (lowercase, digits and dashes only)."""
    return f"incident-{incident_id}"


def _cell(text: object) -> str:
    return mask_secrets(str(text)).replace("|", "\\|").replace("\n", " ")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if value else "-"


def render_incident_report(view: IncidentView, similar: tuple[SimilarIncident, ...]) -> str:
    """The markdown report of ``view`` (secrets masked)."""
    incident = view.incident
    lines: list[str] = []
    add = lines.append
    title = "ABEND storm" if view.storm else "Incident"
    add(f"# {title} #{incident.id}: {_cell(incident.category)}")
    add("")
    add(f"**Root cause:** {mask_secrets(incident.root_cause)}")
    add("")
    add(
        f"**Confidence:** {incident.confidence:.0%} ({view.source} analysis)"
        f" · **Status:** {incident.status} · **Affected runs:** {view.affected_count}"
        f" · **Opened:** {_when(incident.created_at)}"
    )
    if view.confidence_note:
        add("")
        add(view.confidence_note)
    if view.note:
        add("")
        add(f"> {mask_secrets(view.note)}")
    if view.storm:
        storm = view.storm
        minutes = (storm.last_failed_at - storm.first_failed_at).total_seconds() / 60
        add("")
        add(
            f"**{storm.job_count} jobs failed within {minutes:.0f} minute(s) for the same reason"
            f" ({_cell(storm.key)}).** This looks like one shared dependency failing, not"
            f" {storm.job_count} separate problems: fix the cause once, then rerun the affected"
            " jobs."
        )

    if view.new_lines:
        add("")
        add("## New in this run")
        add("")
        add(
            f"Error lines of run `{_cell(view.context_run_id)}` that the job's good runs never"
            " printed (lines they also print are routine for this job):"
        )
        add("")
        add("```text")
        shown = view.new_lines[:MAX_NEW_LINES]
        width = len(str(max(line.number for line in shown)))
        for line in shown:
            add(f"  {line.number:>{width}} | {mask_secrets(line.text)}")
        add("```")
        if len(view.new_lines) > MAX_NEW_LINES:
            add(f"... and {len(view.new_lines) - MAX_NEW_LINES} more.")

    add("")
    add("## Error line")
    add("")
    if incident.error_line:
        add(f"Line {incident.error_line} of the joblog of run `{_cell(view.context_run_id)}`:")
        add("")
        add("```text")
        if view.context:
            width = len(str(max(line.number for line in view.context)))
            for line in view.context:
                marker = ">" if line.number == incident.error_line else " "
                add(f"{marker} {line.number:>{width}} | {mask_secrets(line.text)}")
        else:
            add(f"> {incident.error_line} | {mask_secrets(incident.error_text or '')}")
        add("```")
        if view.chosen_for:
            add("")
            add(f"Chosen for: {_cell(', '.join(view.chosen_for))}.")
        if view.runner_up is not None:
            second = view.runner_up
            text = _cell(second.text).replace("`", "'")
            add("")
            add(
                f"Runner-up, {second.score_gap:.2f} lower ({_cell(second.category)}):"
                f" line {second.line} `{text}`"
            )
    else:
        add("No line of the joblog states the cause.")

    add("")
    add("## What to do")
    add("")
    for number, step in enumerate(view.steps, start=1):
        add(f"{number}. {mask_secrets(step)}")
    if not view.steps:
        add("No steps known for this failure.")
    if view.rerun_command:
        add("")
        add("Rerun after the fix:")
        add("")
        add("```sh")
        add(mask_secrets(view.rerun_command))
        add("```")
    if view.storm and len(view.rerun_commands) > 1:
        add("")
        add(f"Rerun commands for the affected jobs ({len(view.rerun_commands)}):")
        add("")
        add("```sh")
        for command in view.rerun_commands[:MAX_LISTED_RUNS]:
            add(mask_secrets(command))
        add("```")
        if len(view.rerun_commands) > MAX_LISTED_RUNS:
            add(f"... and {len(view.rerun_commands) - MAX_LISTED_RUNS} more.")

    add("")
    add("## Similar incidents")
    add("")
    if not similar:
        add("None recorded for this error before.")
    for item in similar:
        past = item.incident
        relation = "same cause" if item.same_cause else "same error pattern"
        add(
            f"- **#{past.incident_id}** ({relation}, {past.status}, {_when(past.created_at)},"
            f" {past.run_count} run(s)): {mask_secrets(past.root_cause)}"
        )
        for resolution in past.resolutions[:MAX_RESOLUTIONS_PER_INCIDENT]:
            add(f"  - Resolved by: {mask_secrets(resolution)}")
        verdicts = sorted({note.verdict for note in past.feedback})
        if verdicts:
            add(f"  - Feedback: {', '.join(_cell(v) for v in verdicts)}")

    add("")
    add(f"## Affected jobs ({view.affected_count})")
    add("")
    add("| Job | Run id | Status | RC | Failed at | Error line |")
    add("|---|---|---|---|---|---|")
    for run in view.affected[:MAX_LISTED_RUNS]:
        add(
            f"| {_cell(run.job_key or '?')} | {_cell(run.run_id)}"
            f" | {_cell(run.internal_status or '?')}"
            f" | {'' if run.return_code is None else run.return_code} | {_when(run.end_time)}"
            f" | {run.error_line or ''} |"
        )
    if view.affected_count > min(len(view.affected), MAX_LISTED_RUNS):
        add("")
        add(f"... and {view.affected_count - min(len(view.affected), MAX_LISTED_RUNS)} more.")
    add("")
    return "\n".join(lines)

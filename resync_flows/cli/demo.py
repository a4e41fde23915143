"""``resync-flows demo``: the whole system end to end on the embedded defaults."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

console = Console()


def demo(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where the demo keeps its embedded PostgreSQL [default: <data dir>/demo]."
        ),
    ] = None,
    history_days: Annotated[int, typer.Option(min=1, max=90, help="Days of history.")] = 30,
) -> None:
    """Run a simulated TWS shop through every flow and show what it found."""
    import os

    # Flow-run logs would drown the summary; the Prefect UI keeps them in full.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from resync_core.settings import load_settings
    from resync_flows.demo import run_demo, timed_step

    directory = data_dir or load_settings().data_dir / "demo"
    console.print(
        Panel.fit(
            "[bold]resync-flows demo[/]: a simulated TWS shop (REST API v2 simulator), an "
            "embedded PostgreSQL and Prefect's ephemeral API.\nNothing here touches a real "
            f"TWS. Data: {directory}",
            border_style="cyan",
        )
    )
    started = time.monotonic()
    status = console.status("")

    def announce(title: str) -> None:
        status.update(f"[cyan]{title}…")

    def done(title: str, seconds: float) -> None:
        console.print(f"[green]✓[/] {title} [dim]({seconds:.1f} s)[/]")

    with status:
        report = run_demo(timed_step(announce, done), data_dir=directory, history_days=history_days)
    _print_summary(report, time.monotonic() - started)


def _print_summary(report: Any, seconds: float) -> None:
    console.print()
    console.print(
        f"Store: {report.store_location} (schema v{report.schema_version}) · simulator "
        f"{report.simulator_url} · {report.plan_jobs:,} jobs in today's plan · "
        f"{report.history_runs:,} historical runs · {report.metric_samples:,} metric samples"
    )
    console.print(
        f"\n[bold]Tonight's incidents[/] ({report.failures_tonight} failed jobs → "
        f"{len(report.incidents)} incidents), most certain first:"
    )
    ordered = sorted(report.incidents, key=lambda i: -float(i.get("confidence") or 0))
    for number, incident in enumerate(ordered, start=1):
        console.print(
            f"\n[bold]{number}. {incident.get('job_key') or '?'}[/] — "
            f"[magenta]{incident.get('category')}[/] "
            f"(confidence {float(incident.get('confidence') or 0):.2f}, "
            f"{incident.get('runs', 1)} run(s))"
        )
        console.print(f"   [bold]{incident.get('root_cause')}[/]", highlight=False)
        if incident.get("error_line"):
            console.print(
                f"   line {incident['error_line']}: {incident.get('error_text') or ''}",
                highlight=False,
                markup=False,
            )
        if incident.get("rerun_command"):
            console.print(
                f"   rerun after approval: {incident['rerun_command']}",
                highlight=False,
                markup=False,
            )
    _print_capacity(report.capacity_risks)
    _print_at_risk(report.at_risk_jobs)
    _print_learning(report.learning)
    if report.patterns:
        patterns = Table(title="Most frequent error patterns (a month of failed joblogs)")
        patterns.add_column("runs", justify="right")
        patterns.add_column("template")
        for row in report.patterns[:8]:
            patterns.add_row(str(row.occurrences), row.template)
        console.print(patterns)
    _print_quality(report.quality)
    _print_resolution(report.resolution)
    console.print(
        f"\nDone in {seconds:.0f} s. To see the same results in the Prefect UI (flow runs, "
        "incident reports as artifacts):\n  prefect server start   # in another terminal\n"
        "  PREFECT_API_URL=http://127.0.0.1:4200/api resync-flows demo\n"
        "then open http://127.0.0.1:4200 → Artifacts."
    )


def _print_at_risk(jobs: list[dict[str, Any]]) -> None:
    if not jobs:
        return
    fresh = [job for job in jobs if not job["known"] and not job["everyday"]]
    known = sum(job["known"] for job in jobs)
    console.print(
        f"\n[bold]Tonight's risks[/] ({len(jobs)} jobs scored above 2%, {len(fresh)} with a "
        f"sign of trouble; the newest first, {known} more are late most nights):"
    )
    from resync_analytics.maintenance.report import group_by_stream

    for group in group_by_stream(fresh, lambda job: job["job_key"])[:6]:
        job = group[0]
        if len(group) > 1:
            stream, name = job["job_key"].rsplit(".", 1)
            title = f"[bold]{stream}[/]: {len(group)} jobs at risk together, e.g. {name}"
        else:
            title = f"[bold]{job['job_key']}[/]"
        console.print(
            f"  {title} {job['score']:.0%} (fail {job['fail']:.0%}, late {job['late']:.0%})",
            highlight=False,
        )
        for reason in job["reasons"][:3]:
            console.print(f"    - {reason}", highlight=False, markup=False)
        for action in job["actions"][:1]:
            console.print(f"    → {action}", highlight=False, markup=False)


def _print_learning(learning: dict[str, Any]) -> None:
    if not learning:
        return
    console.print(
        f"\n[bold]Learning[/] ({learning['verdicts']} operator verdicts over "
        f"{learning['categories']} categories): {learning['repeated']} of tonight's failures "
        "struck again; their new recommendations begin with"
    )
    for step_text in learning["first_steps"]:
        console.print(f"  - {step_text}", highlight=False, markup=False)


def _print_capacity(risks: list[dict[str, Any]]) -> None:
    if not risks:
        return
    over = [r for r in risks if r["now"] >= r["threshold"]]
    coming = [r for r in risks if r["now"] < r["threshold"]]
    console.print("\n[bold]Capacity[/] (forecast six weeks ahead, 80% intervals):")
    for risk in coming[:8]:
        drivers = ", ".join(risk["drivers"]) or "no single job stands out"
        console.print(
            f"  {risk['host']} {risk['metric']} at {risk['now']:.0f}% will reach "
            f"{risk['threshold']:.0f}% around {risk['eta']:%Y-%m-%d} ({risk['range']}); "
            f"growth driven by {drivers}",
            highlight=False,
        )
    if over:
        hosts = ", ".join(sorted({f"{r['host']} ({r['metric']})" for r in over})[:8])
        console.print(
            f"  [red]Already at or over the threshold:[/] {hosts}"
            + (f" and {len(over) - 8} more" if len(over) > 8 else ""),
            highlight=False,
        )


_MEASURES = {
    "new_template": "failed joblogs whose error line is in a template never seen before",
    "unknown_family": "failed joblogs of no known message family",
    "new_job": "runs of jobs never seen before",
    "new_workstation": "runs on workstations never seen before",
}


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _print_quality(quality: dict[str, Any]) -> None:
    if not quality:
        return
    degraded = quality["degraded"]
    night, application = quality["night"], quality["application"]
    if not degraded:
        console.print(
            f"\n[bold]Quality watch[/] (night of {night}): nothing degraded, although "
            f"{application}'s joblogs changed format that night."
        )
        return
    console.print(
        f"\n[bold]Quality watch[/] (night of {night}): the quality watch flagged the new log "
        f"format of {application}'s joblogs ({len(degraded)} measure(s) degraded, "
        f"{quality['events']} resync.quality.degraded event(s) sent):"
    )
    for figure in degraded:
        low, high = figure["usual"]
        drivers = ", ".join(figure["drivers"][:5]) or "no single job or workstation"
        console.print(
            f"  [red]{figure['measure']}[/] — {_MEASURES.get(figure['measure'], figure['measure'])}"
            f": {_share(figure['value'])} of {figure['count']} (usual range {_share(low)} – "
            f"{_share(high)}, p = {figure['p_value']:.1g}); drivers: {drivers}",
            highlight=False,
        )


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} h"


def _print_resolution(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = Table(
        title="Time to resolution, median hours from the ABEND (`resync-flows report value "
        "--weeks 2` splits it by learned first step)"
    )
    table.add_column("week", no_wrap=True)
    table.add_column("category", overflow="fold")
    for column in ("incidents", "to rerun (n)", "to verdict (n)"):
        table.add_column(column, justify="right", no_wrap=True)
    for row in rows:
        table.add_row(
            row["week_start"].isoformat(),
            "all categories" if row["category"] == "*" else row["category"],
            str(row["incidents"]),
            f"{_hours(row['median_hours_to_rerun'])} ({row['rerun_ok']})",
            f"{_hours(row['median_hours_to_verdict'])} ({row['verdicts']})",
        )
    console.print(table)

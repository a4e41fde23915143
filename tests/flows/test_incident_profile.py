"""The incident flow reads the job's stored good-run profile: simulator → poller → incident."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from flows.incident import IncidentRequest, incident_analysis
from flows.poller import poll_tws
from resync_analytics.joblog.baseline import TEMPLATE_VERSION
from resync_clients.postgres.joblog_profiles import record_good_run
from resync_core.settings import get_settings
from tasks.joblog_profiles import good_run_counts
from tests.flows.test_incident_flow import read_artifact_markdown


def test_the_report_lists_first_the_lines_new_in_this_run(
    poller_settings, poller_simulator, store, monkeypatch
):
    monkeypatch.setenv("RESYNC_GOOD_JOBLOGS_PER_CYCLE", "0")  # the profile is set by hand here
    get_settings.cache_clear()
    asyncio.run(poll_tws(full=True))
    run_id = poller_simulator.engine.inject(template_id="fnf.shell_read")
    asyncio.run(poll_tws())
    truth = poller_simulator.engine.ground_truth(run_id)
    with store.connection() as conn:
        row = conn.execute(
            "SELECT job_key, joblog_text FROM job_runs WHERE run_id = %s", (run_id,)
        ).fetchone()
        # A good run of the job: what the failing run printed before its error.
        lines = row["joblog_text"].splitlines()
        good = "\n".join(lines[: truth.error_line - 1]) + "\n= Exit Status : 0\n"
        record_good_run(
            conn,
            row["job_key"],
            "good-1",
            good_run_counts(good.encode()),
            datetime.now(UTC),
            template_version=TEMPLATE_VERSION,
        )

    outcome = asyncio.run(incident_analysis(IncidentRequest(run_id=run_id, propose_rerun=False)))

    markdown = read_artifact_markdown(outcome.report_key)
    assert markdown.index("## New in this run") < markdown.index("## Error line")
    section = markdown.split("## New in this run", 1)[1].split("## Error line", 1)[0]
    numbers = [
        int(line.split("|", 1)[0])
        for line in section.splitlines()
        if line[:1] == " " and "|" in line
    ]
    assert truth.error_line in numbers
    assert all(number >= truth.error_line for number in numbers)  # the good part is known
    assert f"Line {truth.error_line} of the joblog" in markdown

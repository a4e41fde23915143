"""``resync-flows demo`` on the embedded defaults, as a fresh machine runs it: embedded
PostgreSQL in its own directory, the simulator on loopback, a real (temporary) Prefect API.
The CRM application's joblogs change format on the last night of the history; the quality
watch flags it, and the summary ends with the time-to-resolution table."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from rich.console import Console

from resync_flows.cli import demo as demo_cli
from resync_flows.demo import CHANGED_APPLICATION, TONIGHT_FAILURES, run_demo, timed_step

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def test_the_demo_shows_the_format_drift_and_the_time_to_resolution(prefect_api, monkeypatch):
    titles: list[str] = []
    step = timed_step(titles.append, lambda title, seconds: None)
    # Not under pytest's tmp_path, whose mode 0700 locks the server's system user out.
    with tempfile.TemporaryDirectory(prefix="resync-demo-test-") as directory:
        report = run_demo(step, data_dir=Path(directory) / "demo")

    assert len(report.incidents) == report.failures_tonight == len(TONIGHT_FAILURES)
    assert any("quality" in title for title in titles)
    quality = report.quality
    assert quality["application"] == CHANGED_APPLICATION
    flagged = {figure["measure"]: figure for figure in quality["degraded"]}
    assert "new_template" in flagged, quality
    new = flagged["new_template"]
    assert new["value"] > new["usual"][1] and new["p_value"] < 0.001
    assert new["drivers"] and quality["events"] >= 1
    # Tonight's incidents are judged by the simulated night shift: their verdict times count.
    everything = [row for row in report.resolution if row["category"] == "*"]
    assert everything and sum(row["incidents"] for row in everything) >= len(TONIGHT_FAILURES)
    assert any(row["verdicts"] for row in everything)

    console = Console(record=True, width=160)
    monkeypatch.setattr(demo_cli, "console", console)
    demo_cli._print_summary(report, 1.0)
    text = console.export_text()
    assert f"the quality watch flagged the new log format of {CHANGED_APPLICATION}" in text
    assert "new_template" in text and "usual range" in text and "drivers:" in text
    assert "Time to resolution" in text and "all categories" in text

"""The nightly pattern report: a line per new template and per surge."""

from __future__ import annotations

from resync_analytics.patterns.report import SurgeLine, render_report
from resync_analytics.patterns.surge import Surge


def test_each_new_template_and_each_surge_gets_one_line():
    surge = Surge("abc", tonight=12, usual_rate=1.0, history_nights=28, ratio=12.0, p_value=3e-9)
    line = SurgeLine(surge, "Connection to <*> refused", [("WS2#S.LOAD", 9), ("WS1#S.X", 3)], [])
    report = render_report({"n1": "ORA-01653 <*>", "n2": "disk `full`"}, [line])
    bullets = [row for row in report.splitlines() if row.startswith("- ")]
    assert len(bullets) == 3
    assert "- `abc` `Connection to <*> refused`: 12 failed run(s) tonight" in report
    assert "usually 1.00 a night over 28 night(s) (12.0x, p=3.0e-09)" in report
    assert "top jobs: WS2#S.LOAD (9), WS1#S.X (3)" in report
    assert "``  disk `full` ``" not in report and "`` disk `full` ``" in report


def test_a_quiet_night_says_none():
    report = render_report({}, [])
    assert "## New templates (0)" in report and "## Surges (0)" in report
    assert report.count("- none") == 2

"""Month ends along the plan's graph: a closing stream runs long at every month end, and the
graph sees it on the first month-end night, when the 28-day window holds no month end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from resync_analytics.maintenance import run_history_frame
from resync_analytics.maintenance.history import is_month_end
from resync_analytics.plan_graph.scoring import plan_model
from resync_core.plan_graph import PlanEdge, PlanNode

CLOSE, REPORT = "FTA01#GLCLOSE.CLOSE", "FTA01#GLREPORT.REPORT"
# 28 days before 30 March reach back to 2 March: February's month end (27 February to
# 1 March) lies outside the scoring window.
FIRST_MONTH_END = datetime(2026, 3, 30, tzinfo=UTC)
ORDINARY = datetime(2026, 3, 20, tzinfo=UTC)


def closing_history(before: datetime, nights: int, factor: float = 2.5) -> pd.DataFrame:
    """CLOSE (00:00, 40 min, 2.5x at month end) and REPORT of another stream waiting for
    it (scheduled 00:30, 10 min, deadline 01:30): an ordinary night ends at 00:50."""
    rng = np.random.default_rng(7)
    rows = []
    for back in range(1, nights + 1):
        night = before - timedelta(days=back)
        heavy = factor if is_month_end(night.date()) else 1.0
        close = 2400.0 * heavy * float(np.exp(rng.normal(0, 0.05)))
        report = 600.0 * float(np.exp(rng.normal(0, 0.05)))
        start = night.timestamp()
        report_start = max(start + 1800.0, start + close)
        rows += [
            _row(CLOSE, start, start, close, None),
            _row(REPORT, start + 1800.0, report_start, report, start + 5400.0),
        ]
    return run_history_frame(pd.DataFrame(rows))


def _row(key: str, sched: float, start: float, seconds: float, deadline: float | None) -> dict:
    return {
        "job_key": key,
        "workstation": "FTA01",
        "sched_time": sched,
        "start_time": start,
        "end_time": start + seconds,
        "deadline_time": deadline,
        "duration_seconds": seconds,
        "failed": False,
        "run_attempt": 1,
        "error_pattern": None,
    }


def late_report(history: pd.DataFrame, tonight: datetime) -> float:
    day: date = tonight.date()
    nodes = [
        PlanNode(CLOSE, tonight, None),
        PlanNode(REPORT, tonight + timedelta(minutes=30), tonight + timedelta(minutes=90)),
    ]
    edges = [PlanEdge(day, CLOSE, REPORT, "job", False)]
    model = plan_model(history, tonight, nodes, edges)
    return float(model.simulation.late_probability()[model.dag.node(REPORT)])


def test_the_month_end_before_the_window_makes_the_first_month_end_night_late() -> None:
    # Month end: CLOSE runs 100 min, so REPORT starts at 01:40 and misses 01:30.
    assert is_month_end(FIRST_MONTH_END.date())
    long_history = closing_history(FIRST_MONTH_END, nights=70)
    assert late_report(long_history, FIRST_MONTH_END) > 0.9
    assert late_report(long_history, ORDINARY) < 0.05


def test_without_an_older_month_end_the_first_month_end_night_looks_ordinary() -> None:
    # The same shop with only the window's 28 nights: nothing to learn the month end from.
    # This is what the older month ends are for.
    short_history = closing_history(FIRST_MONTH_END, nights=28)
    assert late_report(short_history, FIRST_MONTH_END) < 0.05


def test_a_month_end_stuck_run_is_no_month_end_effect() -> None:
    # One month-end night hung for 30x: the other month-end nights say there is no effect.
    history = closing_history(FIRST_MONTH_END, nights=70, factor=1.0)
    stuck = (history["job_key"] == CLOSE) & (
        history["sched_time"] == (FIRST_MONTH_END - timedelta(days=31)).timestamp()
    )
    assert is_month_end((FIRST_MONTH_END - timedelta(days=31)).date())
    history.loc[stuck, "duration_seconds"] *= 30.0
    assert stuck.sum() == 1
    assert late_report(history, FIRST_MONTH_END) == pytest.approx(0.0, abs=0.05)

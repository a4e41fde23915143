"""Risk scores keep the plan graph's critical path and latest safe end (migration 0011)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from resync_clients.postgres.risk_scores import (
    replace_risk_scores,
    risk_score_of,
    top_risk_scores,
)
from resync_core.risk import RiskScore

DAY = date(2026, 3, 2)
SAFE = datetime(2026, 3, 2, 3, 15, tzinfo=UTC)


def test_critical_path_and_latest_safe_end_round_trip(store) -> None:
    path = ("FTA01#LOAD.EXTRACT", "FTA01#LOAD.MERGE", "FTA02#CLOSE.REPORT")
    with store.connection() as conn:
        replace_risk_scores(
            conn,
            DAY,
            [
                RiskScore("FTA02#CLOSE.REPORT", 0.7, {"reasons": []}, path, SAFE),
                RiskScore("FTA01#NIGHTLY.PLAIN", 0.2, {"reasons": []}),
            ],
        )
        rows = top_risk_scores(conn, DAY)
        one = risk_score_of(conn, DAY, "FTA02#CLOSE.REPORT")
        missing = risk_score_of(conn, DAY, "FTA01#NIGHTLY.NOPE")
        # A rescoring without the graph clears both.
        replace_risk_scores(conn, DAY, [RiskScore("FTA02#CLOSE.REPORT", 0.5, {"reasons": []})])
        cleared = risk_score_of(conn, DAY, "FTA02#CLOSE.REPORT")
    assert [row.job_key for row in rows] == ["FTA02#CLOSE.REPORT", "FTA01#NIGHTLY.PLAIN"]
    assert one is not None and list(one.critical_path) == list(path)
    assert one.latest_safe_end == SAFE
    assert list(rows[1].critical_path) == [] and rows[1].latest_safe_end is None
    assert missing is None
    assert cleared is not None and list(cleared.critical_path) == []
    assert cleared.latest_safe_end is None

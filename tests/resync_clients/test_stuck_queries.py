"""What the poller reads to call a running job stuck by our model: the stored runtime
quantiles of the running jobs, and the part of the stored graph below a stuck job."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from resync_clients.postgres.job_runs import upsert_job_runs
from resync_clients.postgres.plan_graph import load_downstream, write_plan_edges
from resync_clients.postgres.risk_scores import replace_risk_scores, runtime_quantiles
from resync_core.plan_graph import PlanEdge
from resync_core.risk import RiskScore
from tests.job_runs import job_run

DAY = date(2026, 3, 1)
NIGHT = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)


def test_the_quantiles_of_the_asked_jobs_come_in_one_read_scored_ones_only(store) -> None:
    with store.connection() as conn:
        replace_risk_scores(
            conn,
            DAY,
            [
                RiskScore("WS#S.A", 0.4, {"predicted_seconds": 600.0, "p90_seconds": 900.0}),
                RiskScore("WS#S.B", 0.4, {"predicted_seconds": 0.0, "p90_seconds": 900.0}),
                RiskScore("WS#S.C", 0.4, {"reasons": []}),
            ],
        )
        replace_risk_scores(
            conn, DAY + timedelta(days=1), [RiskScore("WS#S.D", 0.4, {"predicted_seconds": 5.0,
                                                                      "p90_seconds": 9.0})]
        )  # fmt: skip
        asked = [(DAY, key) for key in ("WS#S.A", "WS#S.B", "WS#S.C", "WS#S.D", "WS#S.X")]
        assert runtime_quantiles(conn, asked) == {(DAY, "WS#S.A"): (600.0, 900.0)}
        assert runtime_quantiles(conn, [(DAY + timedelta(days=1), "WS#S.D")]) == {
            (DAY + timedelta(days=1), "WS#S.D"): (5.0, 9.0)
        }
        assert runtime_quantiles(conn, []) == {}


def test_the_graph_below_a_job_follows_waiting_job_and_stream_edges_with_deadlines(
    store,
) -> None:
    def edge(pred: str, succ: str, kind: str = "job", status: str = "unsatisfied") -> PlanEdge:
        return PlanEdge(DAY, pred, succ, kind, False, status)  # type: ignore[arg-type]

    edges = [
        edge("WS#A.STUCK", "WS#A.NEXT"),
        edge("WS#A", "WS#C.WAITS", kind="job_stream"),
        edge("WS#C.WAITS", "WS#D.LAST"),
        edge("WS#A.STUCK", "WS#E.DONE", status="satisfied"),
        edge("WS#A.STUCK", "WS#F.RES", kind="resource"),
        edge("WS#Z.OTHER", "WS#Z.MORE"),
    ]
    due = NIGHT + timedelta(hours=5)
    with store.connection() as conn:
        write_plan_edges(conn, DAY, edges, NIGHT)
        write_plan_edges(conn, DAY + timedelta(days=1),
                         [PlanEdge(DAY + timedelta(days=1), "WS#A.STUCK", "WS#G.TOMORROW",
                                   "job", False)], NIGHT)  # fmt: skip
        # One started job has its deadline on its run; one still to run on its risk score.
        upsert_job_runs(
            conn,
            [job_run("WAITS", NIGHT, seconds=60, run_id="r1", workstation="WS", stream="C",
                     deadline_after=timedelta(hours=4))],
        )  # fmt: skip
        replace_risk_scores(
            conn, DAY, [RiskScore("WS#D.LAST", 0.1, {"plan_graph": {"deadline": due.isoformat()}})]
        )
        below, deadlines = load_downstream(conn, DAY, ["WS#A.STUCK"])
        assert load_downstream(conn, DAY, []) == ([], {})
    pairs = {(e.predecessor_key, e.successor_key) for e in below}
    assert pairs == {
        ("WS#A.STUCK", "WS#A.NEXT"),
        ("WS#A", "WS#C.WAITS"),
        ("WS#C.WAITS", "WS#D.LAST"),
    }
    assert deadlines == {
        "WS#A.NEXT": None,
        "WS#C.WAITS": NIGHT + timedelta(hours=4),
        "WS#D.LAST": due,
    }

"""The nightly capacity flow on a real PostgreSQL and a real (temporary) Prefect API."""

import asyncio
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from flows.capacity import CapacityParameters, forecast_capacity
from resync_clients.host_metrics import MetricSample
from resync_clients.postgres.job_runs import upsert_job_runs
from resync_clients.postgres.metric_samples import upsert_metric_samples
from resync_core.job_runs import JobRunRecord
from tests.job_runs import job_run as make_job_run

AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
DAYS = 21


def hourly_samples(host: str, metric: str, values: np.ndarray, **labels: str):
    start = AS_OF - timedelta(hours=len(values))
    return [
        MetricSample(host, metric, start + timedelta(hours=i), float(v), labels)
        for i, v in enumerate(values)
    ]


def job_run(day: int, job: str, number: int, seconds: float) -> JobRunRecord:
    start = AS_OF - timedelta(days=DAYS - day) + timedelta(hours=1, minutes=number)
    return make_job_run(job, start, seconds=seconds, run_id=f"{job}-{day}-{number}")


@pytest.fixture
def history(store):
    rng = np.random.default_rng(5)
    hours = np.arange(DAYS * 24)
    # CPU grows 1.5 points a day from 50: 95% about 9 days after AS_OF.
    cpu = 50 + 1.5 * hours / 24 + 5 * np.sin(2 * np.pi * hours / 24) + rng.normal(0, 1, hours.size)
    cpu = cpu - 1.5 * DAYS + 31.5  # ends near 81.5 (+ season)
    memory = 40 + rng.normal(0, 1, hours.size)
    samples = [
        *hourly_samples("fta01", "cpu.percent", cpu),
        *hourly_samples("fta01", "memory.percent", memory),
        *hourly_samples("other", "disk.used_percent", np.full(hours.size, 35.0), mount="/data"),
    ]
    runs = []
    for day in range(DAYS):
        runs.append(job_run(day, "REPORT", 0, 600.0))  # steady
        for n in range(1 + day // 3):  # ever more runs, ever longer
            runs.append(job_run(day, "ETL_LOAD", n, 300.0 + 60 * day))
    with store.connection() as conn:
        upsert_metric_samples(conn, samples)
        upsert_job_runs(conn, runs)


def run_flow() -> int:
    return asyncio.run(
        forecast_capacity(CapacityParameters(as_of=AS_OF, horizon_days=21, alert_within_days=14))
    )


def test_growing_cpu_gets_an_eta_a_driver_and_one_event(flow_settings, store, history):
    assert run_flow() == 3
    with store.connection() as conn:
        rows = {
            r["series_key"]: r
            for r in conn.execute("SELECT * FROM forecasts ORDER BY series_key").fetchall()
        }
        events = conn.execute("SELECT * FROM event_outbox").fetchall()
    assert set(rows) == {
        "fta01:cpu.percent",
        "fta01:memory.percent",
        "other:disk.used_percent{mount=/data}",
    }
    cpu = rows["fta01:cpu.percent"]
    assert cpu["horizon"] == 21 * 24 and len(cpu["points"]) == 21 * 24
    assert cpu["threshold"] == 95.0
    assert cpu["threshold_eta"] is not None
    assert AS_OF + timedelta(days=3) <= cpu["threshold_eta"] <= AS_OF + timedelta(days=16)
    assert cpu["threshold_eta_lower"] <= cpu["threshold_eta"]
    assert cpu["details"]["workstation"] == "FTA01"
    assert cpu["details"]["drivers"][0]["job_key"] == "FTA01#NIGHTLY.ETL_LOAD"
    assert rows["fta01:memory.percent"]["threshold_eta"] is None
    assert rows["other:disk.used_percent{mount=/data}"]["threshold_eta"] is None

    assert [e["event"] for e in events] == ["resync.capacity.risk"]
    assert events[0]["resource_id"] == "tws.workstation.FTA01"
    assert events[0]["payload"]["drivers"][0]["job_key"] == "FTA01#NIGHTLY.ETL_LOAD"
    assert events[0]["emitted_at"] is not None


def test_rerun_for_the_same_night_adds_nothing(flow_settings, store, history):
    run_flow()
    run_flow()
    with store.connection() as conn:
        forecasts = conn.execute("SELECT count(*) AS n FROM forecasts").fetchone()["n"]
        events = conn.execute("SELECT count(*) AS n FROM event_outbox").fetchone()["n"]
    assert forecasts == 3
    assert events == 1


def test_report_artifact_names_the_risk(flow_settings, store, history):
    from prefect.artifacts import Artifact

    run_flow()
    artifact = Artifact.get("capacity-report")
    assert artifact is not None
    assert "fta01:cpu.percent" in artifact.data
    assert "ETL_LOAD" in artifact.data
    # One chart, for the one series at risk.
    assert artifact.data.count("](data:image/png;base64,") == 1
    assert Artifact.get("capacity-forecasts") is not None

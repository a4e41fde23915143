"""The capacity forecast spread over task runs: threads, and a real local Dask cluster."""

import asyncio

import pytest
from distributed import Client, LocalCluster, get_task_stream
from prefect_dask import DaskTaskRunner

from flows.capacity import CapacityParameters, forecast_capacity
from resync_analytics.forecasting.capacity_report import split_by_host
from tests.flows.test_capacity_flow import AS_OF, history  # noqa: F401  (fixture)


def stored_forecasts(store) -> dict[str, tuple]:
    with store.connection() as conn:
        rows = conn.execute(
            "SELECT series_key, method, threshold_eta, points FROM forecasts"
        ).fetchall()
    return {r["series_key"]: (r["method"], r["threshold_eta"], r["points"]) for r in rows}


def parameters(chunks: int) -> CapacityParameters:
    return CapacityParameters(
        as_of=AS_OF, horizon_days=21, alert_within_days=14, parallel_chunks=chunks
    )


def test_split_by_host_keeps_hosts_whole_and_order():
    from types import SimpleNamespace

    series = [SimpleNamespace(host=h) for h in ("a", "a", "b", "c", "c", "d")]
    chunks = split_by_host(series, 3)  # type: ignore[arg-type]
    assert [[s.host for s in c] for c in chunks] == [["a", "a", "b"], ["c", "c", "d"]]
    assert [s for c in chunks for s in c] == series
    assert split_by_host(series, 100)[0][0].host == "a" and len(split_by_host(series, 100)) == 4
    assert split_by_host([], 4) == []


@pytest.mark.slow
def test_a_dask_cluster_forecasts_exactly_what_one_thread_does(flow_settings, store, history):  # noqa: F811
    assert asyncio.run(forecast_capacity(parameters(1))) == 3
    single = stored_forecasts(store)
    with store.connection() as conn:
        conn.execute("TRUNCATE forecasts, event_outbox")
        conn.commit()

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster,
        Client(cluster) as client,
        get_task_stream(client) as stream,
    ):
        runner = DaskTaskRunner(address=cluster.scheduler_address)
        on_dask = forecast_capacity.with_options(task_runner=runner)
        assert asyncio.run(on_dask(parameters(2))) == 3
    # Two hosts, two chunks: both forecast on the cluster's worker processes.
    assert len(stream.data) == 2
    assert len({task["worker"] for task in stream.data}) >= 1
    assert stored_forecasts(store) == single

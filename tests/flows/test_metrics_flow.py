from pathlib import Path

from flows.metrics import import_metrics, sample_host_metrics


def count_rows(store, host: str) -> int:
    with store.connection() as conn:
        row = conn.execute(
            "SELECT count(*) AS n FROM metric_samples WHERE host = %s", (host,)
        ).fetchone()
    return row["n"]


def test_sampling_flow_stores_every_sample(flow_settings, store):
    written = sample_host_metrics(samples=2, interval_seconds=0.05, host="flow-test-host")
    assert written > 20
    assert count_rows(store, "flow-test-host") == written
    with store.connection() as conn:
        metrics = {r["metric"] for r in conn.execute("SELECT DISTINCT metric FROM metric_samples")}
    assert {"cpu.percent", "memory.percent", "disk.used_percent", "net.recv_bytes_per_s"} <= metrics


def test_history_import_is_idempotent(flow_settings, store, tmp_path: Path):
    path = tmp_path / "cpu.csv"
    path.write_text(
        "timestamp,value\n"
        + "".join(f"2026-01-0{day} 00:00:00,{day * 10}\n" for day in range(1, 8))
    )
    assert import_metrics(path, host="legacy-host", metric="cpu.percent") == 7
    assert import_metrics(path, host="legacy-host", metric="cpu.percent") == 0
    assert count_rows(store, "legacy-host") == 7

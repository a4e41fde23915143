import time

from resync_clients.host_metrics import HostMetricsSampler, MetricSample


def test_sample_reports_core_metrics_with_sane_values():
    sampler = HostMetricsSampler(host="test-host", top_processes=3)
    samples = sampler.sample()
    by_metric: dict[str, list[MetricSample]] = {}
    for sample in samples:
        by_metric.setdefault(sample.metric, []).append(sample)

    assert all(sample.host == "test-host" for sample in samples)
    assert 0.0 <= by_metric["cpu.percent"][0].value <= 100.0
    assert 0.0 < by_metric["memory.percent"][0].value <= 100.0
    assert by_metric["memory.total_bytes"][0].value > 0
    assert len(by_metric["cpu.core.percent"]) == by_metric["cpu.count"][0].value
    assert any(sample.labels.get("mount") == "/" for sample in by_metric["disk.used_percent"])
    assert 1 <= len(by_metric["process.rss_bytes"]) <= 3
    # The first sample has no previous counters, so no rates yet.
    assert "disk.read_bytes_per_s" not in by_metric


def test_second_sample_reports_io_rates():
    sampler = HostMetricsSampler(host="h")
    sampler.sample()
    time.sleep(0.05)
    metrics = {sample.metric for sample in sampler.sample()}
    assert {"net.recv_bytes_per_s", "net.sent_bytes_per_s"} <= metrics


def test_series_key_orders_labels():
    sample = MetricSample("h", "disk.used_percent", None, 1.0, {"mount": "/data", "dev": "sda"})  # type: ignore[arg-type]
    assert sample.series == "disk.used_percent{dev=sda,mount=/data}"

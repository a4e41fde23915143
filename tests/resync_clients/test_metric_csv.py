from datetime import UTC, datetime
from pathlib import Path

import pytest

from resync_clients.metric_csv import MetricHistoryError, read_metric_csv


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "history.csv"
    path.write_text(text)
    return path


def test_long_layout_with_labels(tmp_path):
    path = write(
        tmp_path,
        "timestamp,host,metric,value,labels\n"
        "2026-01-05 10:00:00,fta01,cpu.percent,41.5,\n"
        "2026-01-05T10:05:00+01:00,fta01,disk.used_percent,77,mount=/data;dev=sdb\n",
    )
    first, second = read_metric_csv(path)
    assert (first.host, first.metric, first.value, first.labels) == (
        "fta01",
        "cpu.percent",
        41.5,
        {},
    )
    assert first.sampled_at == datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    assert second.sampled_at == datetime(2026, 1, 5, 9, 5, tzinfo=UTC)
    assert second.labels == {"mount": "/data", "dev": "sdb"}


def test_single_series_layout_needs_host_and_metric(tmp_path):
    path = write(tmp_path, "timestamp,value\n2026-01-05 10:00:00,12\n")
    with pytest.raises(MetricHistoryError, match="host"):
        list(read_metric_csv(path))
    (sample,) = read_metric_csv(path, host="agent7", metric="cpu.percent")
    assert (sample.host, sample.metric, sample.value) == ("agent7", "cpu.percent", 12.0)


def test_bad_rows_are_reported_with_line_numbers(tmp_path):
    path = write(tmp_path, "timestamp,value\n2026-01-05 10:00:00,1\nyesterday,2\n2026-01-05,x\n")
    with pytest.raises(MetricHistoryError, match=r"timestamp on line\(s\) 3"):
        list(read_metric_csv(path, host="h", metric="m"))


def test_non_numeric_value_is_reported(tmp_path):
    path = write(tmp_path, "timestamp,value\n2026-01-05 10:00:00,1\n2026-01-05 10:05:00,n/a\n")
    with pytest.raises(MetricHistoryError, match=r"non-numeric value on line\(s\) 3"):
        list(read_metric_csv(path, host="h", metric="m"))


def test_missing_file_and_garbage(tmp_path):
    with pytest.raises(MetricHistoryError, match="no such file"):
        list(read_metric_csv(tmp_path / "absent.csv", host="h", metric="m"))
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"")
    with pytest.raises(MetricHistoryError, match="not a readable CSV"):
        list(read_metric_csv(garbage, host="h", metric="m"))


def test_reads_a_real_nab_series_when_available():
    path = (
        Path(__file__).parents[3]
        / "shared/data/nab/realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv"
    )
    if not path.exists():
        pytest.skip("../shared/data/nab not present (a user's clone has no shared data)")
    samples = list(read_metric_csv(path, host="ec2", metric="cpu.percent"))
    assert len(samples) == 4032
    assert all(0 <= sample.value <= 100 for sample in samples)


def test_wide_layout_maps_columns_to_sampler_metrics(tmp_path):
    path = write(
        tmp_path,
        "host,timestamp,cpu_percent,memory_percent,disk_percent,running_jobs\n"
        "aix01,2026-01-05T10:00:00Z,55.5,61,70.25,12\n"
        "aix01,2026-01-05T10:05:00Z,57,,71,9\n",
    )
    samples = list(read_metric_csv(path))
    by_metric = {}
    for sample in samples:
        by_metric.setdefault(sample.metric, []).append(sample)
    assert [s.value for s in by_metric["cpu.percent"]] == [55.5, 57.0]
    assert len(by_metric["memory.percent"]) == 1  # the empty cell is a gap
    assert by_metric["disk.used_percent"][0].labels == {"mount": "/"}
    assert by_metric["jobs.running"][1].value == 9.0
    assert all(s.host == "aix01" for s in samples)


def test_wide_layout_rejects_text_values(tmp_path):
    path = write(tmp_path, "host,timestamp,cpu_percent\nh,2026-01-05T10:00:00Z,high\n")
    with pytest.raises(MetricHistoryError, match=r"non-numeric cpu_percent on line\(s\) 2"):
        list(read_metric_csv(path))

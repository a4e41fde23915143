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

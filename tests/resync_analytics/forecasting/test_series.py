from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resync_analytics.forecasting.series import SeriesError, read_series_csv, regularise


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "series.csv"
    path.write_text(text)
    return path


def hourly(count: int, start: str = "2026-01-01 00:00:00") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=count, freq="h")


def test_gaps_are_filled_by_interpolation_and_reported():
    times = hourly(12).delete([4, 5])
    values = np.arange(12, dtype=float)[[i for i in range(12) if i not in (4, 5)]]
    series = regularise(times, values)
    assert len(series) == 12
    assert series.values[4] == pytest.approx(4.0)
    assert series.values[5] == pytest.approx(5.0)
    assert any("2 missing point(s)" in note for note in series.notes)


def test_unsorted_rows_and_duplicates_are_repaired():
    times = hourly(10)
    order = [3, 1, 2, 0, 4, 5, 6, 7, 8, 9, 9]
    values = [float(i) for i in order]
    values[-1] = 11.0  # a second reading for the last hour
    series = regularise(times[order], values)
    assert list(series.values[:4]) == [0.0, 1.0, 2.0, 3.0]
    assert series.values[-1] == pytest.approx(10.0)
    assert any("sorted" in note for note in series.notes)
    assert any("duplicate" in note for note in series.notes)


def test_jittered_timestamps_snap_to_the_grid():
    jitter = pd.to_timedelta(np.tile([0, 3, -2], 10)[:30], unit="s")
    series = regularise(hourly(30) + jitter, np.ones(30))
    assert series.step == pd.Timedelta(hours=1)
    assert len(series) == 30


def test_mostly_empty_grid_is_rejected():
    times = pd.DatetimeIndex(
        [pd.Timestamp("2026-01-01") + pd.Timedelta(minutes=m) for m in [0, 1, 2, 3, 4, 5, 6, 7]]
        + [pd.Timestamp("2026-01-01 05:00")]
    )
    with pytest.raises(SeriesError, match="irregular"):
        regularise(times, np.ones(len(times)))


def test_too_few_points_is_rejected():
    with pytest.raises(SeriesError, match="at least"):
        regularise(hourly(3), [1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("time,val\n2026-01-01,1\n", "missing column"),
        ("timestamp,value\n2026-01-01 00:00,abc\n", "non-numeric value on line"),
        ("timestamp,value\nyesterday,1\n", "unreadable timestamp on line"),
        ("", "empty file"),
    ],
)
def test_bad_csv_names_the_problem(tmp_path, text, message):
    with pytest.raises(SeriesError, match=message):
        read_series_csv(write(tmp_path, text))


def test_output_timestamps_keep_the_input_style(tmp_path):
    rows = "".join(f"2026-01-01T{h:02d}:00:00Z,{h}\n" for h in range(10))
    series = read_series_csv(write(tmp_path, "timestamp,value\n" + rows))
    assert series.format_timestamp(series.future_index(1)[0]) == "2026-01-01T10:00:00Z"
    naive = read_series_csv(
        write(tmp_path, "timestamp,value\n" + rows.replace("T", " ").replace("Z", ""))
    )
    assert naive.format_timestamp(naive.future_index(1)[0]) == "2026-01-01 10:00:00"

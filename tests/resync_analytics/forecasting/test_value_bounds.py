"""Values too large to forecast are refused with a clear message, never a crash later."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from resync_analytics.forecasting import SeriesError, forecast_series, read_series_csv
from resync_analytics.forecasting.series import MAX_ABS_VALUE, regularise


def csv(values: list[float]) -> io.StringIO:
    rows = [f"2025-01-01T{hour:02d}:00:00,{value!r}" for hour, value in enumerate(values)]
    return io.StringIO("timestamp,value\n" + "\n".join(rows) + "\n")


def test_values_near_the_float_limit_are_refused_with_their_csv_lines() -> None:
    values = [1.0] * 20
    values[4] = -1.7e308
    with pytest.raises(SeriesError, match=r"value too large on line\(s\) 6 \(e.g. '-1.7e\+308'\)"):
        read_series_csv(csv(values))


def test_regularise_refuses_values_beyond_the_bound() -> None:
    times = pd.date_range("2025-01-01", periods=12, freq="h")
    with pytest.raises(SeriesError, match="within"):
        regularise(times, [1e308] * 12)


def test_values_at_the_bound_forecast_finite_numbers() -> None:
    values = [MAX_ABS_VALUE * (1 if hour % 2 else -1) for hour in range(24)]
    forecast = forecast_series(read_series_csv(csv(values)), 5)
    assert len(forecast.value) == 5
    assert all(abs(v) < float("inf") for v in [*forecast.value, *forecast.lower, *forecast.upper])

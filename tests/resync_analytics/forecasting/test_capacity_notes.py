"""The capacity details document carries what forecasting did to each series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from resync_analytics.forecasting import regularise
from resync_analytics.forecasting.capacity import MetricSeries, assess_capacity
from resync_analytics.forecasting.capacity_report import forecast_details


def test_details_notes_name_a_level_shift_and_filled_gaps():
    rng = np.random.default_rng(8)
    times = pd.date_range("2026-01-01", periods=24 * 14, freq="h")
    values = 40 + 5 * np.sin(2 * np.pi * np.arange(times.size) / 24) + rng.normal(0, 1, times.size)
    values[24 * 10 :] += 25  # the disk filled up on day 11 and stayed full
    keep = np.ones(times.size, dtype=bool)
    keep[50:53] = False
    series = regularise(times[keep], values[keep])
    target = MetricSeries("app01", "disk.used_percent", {"mount": "/data"}, series)
    (assessment,) = assess_capacity([target], {"disk.used_percent": 95.0}, 24)
    notes = forecast_details(assessment)["notes"]
    assert isinstance(notes, list)
    assert any("level shift of +" in note for note in notes)
    assert any("missing point(s) filled" in note for note in notes)

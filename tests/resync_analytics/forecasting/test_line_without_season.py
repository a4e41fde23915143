"""The straight line without the season: the baseline itself is a candidate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.forecast_outside import straight_line as baseline_line
from bench.forecast_outside import trials
from bench.swf_series import DEFAULT_TRACE, load
from resync_analytics.forecasting.models import (
    DEFAULT_METHODS,
    straight_line,
    straight_line_no_season,
)
from resync_analytics.forecasting.select import SELECTABLE


def test_the_line_without_season_is_the_least_squares_line_even_when_a_season_is_given():
    rng = np.random.default_rng(3)
    days = np.arange(70)
    history = 40 + 0.3 * days + 9 * (days % 7 >= 5) + rng.normal(0, 1, days.size)
    bare = straight_line_no_season(history[None, :], 14, 7)[0]
    np.testing.assert_allclose(bare, baseline_line(history, 14), atol=1e-9)
    # The seasonal line is a different forecast here: it puts the weekends back.
    seasonal = straight_line(history[None, :], 14, 7)[0]
    assert np.abs(seasonal - bare).max() > 3


def test_both_lines_are_in_the_pool_and_selectable():
    names = [m.name for m in DEFAULT_METHODS]
    assert {"straight_line", "straight_line_no_season"} <= set(names)
    assert "straight_line_no_season" in SELECTABLE


@pytest.mark.skipif(
    not DEFAULT_TRACE.is_file(), reason=f"job trace not found at {DEFAULT_TRACE}: skipped"
)
@pytest.mark.parametrize("name", ["busy", "cpu"])
def test_daily_machine_load_is_no_worse_than_the_better_baseline(name: str):
    # Daily busy processors and processor-hours of a real job trace: the weekly season is
    # noise there and the bare line is the better baseline; with only the seasonal line in
    # the pool the forecast stayed with seasonal naive, 17-24% worse than the line.
    loaded = load()
    assert loaded is not None
    found = trials("daily", {name: loaded["daily"][name]}, 7, 7, 3)
    mase = np.mean([t.mase for t in found])
    better = min(np.mean([t.naive for t in found]), np.mean([t.line for t in found]))
    assert mase <= better * 1.02
    assert all(isinstance(t.origin, str) and t.origin for t in found)
    assert pd.Timestamp(found[-1].origin) == pd.Timestamp("1993-11-24")

"""The small-count tests behind the watch: guards, pooling, direction."""

from __future__ import annotations

import pytest

from resync_analytics.quality.config import WatchConfig
from resync_analytics.quality.stats import (
    mix_change,
    share_below,
    share_increase,
    total_variation,
    usual_range,
    values_larger,
)


def test_share_increase_is_one_sided_and_guarded() -> None:
    assert share_increase(9, 10, 10, 100, min_count=5).p_value < 1e-5  # type: ignore[operator]
    assert share_increase(0, 10, 50, 100, min_count=5).p_value == pytest.approx(1.0)
    guarded = share_increase(3, 4, 0, 100, min_count=5)
    assert guarded.p_value is None and "fewer than 5" in guarded.reason
    assert not guarded.significant(0.05)
    with pytest.raises(ValueError, match="hits at most"):
        share_increase(5, 4, 0, 10, min_count=1)


def test_mix_change_with_small_expected_counts_names_the_group_that_grew() -> None:
    base = {"a": 500, "b": 400, "c": 60, "d": 40}
    now = {"a": 20, "b": 15, "d": 15}  # d: 4 % before, 30 % tonight
    result, drivers = mix_change(now, base, min_count=5)
    assert result.p_value is not None and result.p_value < 0.001
    assert next(iter(drivers)) == "d"
    same, _ = mix_change({"a": 25, "b": 20, "c": 3, "d": 2}, base, min_count=5)
    assert same.p_value is not None and same.p_value > 0.1
    assert mix_change({"a": 3}, base, min_count=5)[0].p_value is None


def test_values_larger_and_share_below() -> None:
    assert values_larger([0.5] * 10, [0.01] * 50, min_count=5).significant(0.001)
    assert values_larger([0.1] * 3, [0.1] * 50, min_count=5).p_value is None
    assert values_larger([0.1] * 10, [0.1] * 50, min_count=5).p_value == 1.0
    assert share_below(10, 40, 0.8, min_count=5).significant(0.001)
    assert not share_below(31, 40, 0.8, min_count=5).significant(0.05)
    with pytest.raises(ValueError, match="nominal"):
        share_below(1, 2, 1.0, min_count=1)


def test_helpers_and_config_validation() -> None:
    assert total_variation({"a": 1}, {"b": 1}) == 1.0
    assert total_variation({"a": 2, "b": 2}, {"a": 1, "b": 1}) == 0.0
    assert usual_range([]) == (None, None)
    assert usual_range([0.2, float("nan"), 0.1]) == (0.1, 0.2)
    with pytest.raises(ValueError, match="alpha"):
        WatchConfig(alpha=0.0)
    with pytest.raises(ValueError, match="min_lift"):
        WatchConfig(min_lift=2.0)

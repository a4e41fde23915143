"""Surge detection: a jump is found, stable nights stay quiet, small counts never alarm."""

from __future__ import annotations

import numpy as np
import pytest

from resync_analytics.patterns.surge import NightlyCounts, SurgeConfig, find_surges, night_surge

CONFIG = SurgeConfig()


def nights(tonight: int, history: list[int], first_seen: int | None = None) -> NightlyCounts:
    by_night = {0: tonight, **{i + 1: n for i, n in enumerate(history)}}
    return NightlyCounts("p1", first_seen if first_seen is not None else 60, by_night)


def test_a_jump_is_found_with_its_rate_ratio_and_p_value():
    surge = night_surge(nights(24, [2, 3, 1, 2, 2, 4, 2] * 4), CONFIG)
    assert surge is not None
    assert surge.tonight == 24 and surge.history_nights == 28
    assert surge.usual_rate == pytest.approx(16 / 7)
    assert surge.ratio == pytest.approx(24 / (16 / 7))
    assert surge.p_value < 1e-6


def test_a_template_rare_until_tonight_surges():
    assert night_surge(nights(6, [0] * 27 + [1]), CONFIG) is not None


def test_small_counts_do_not_alarm():
    # Never seen in four weeks, then once or twice tonight: below the minimum count.
    assert night_surge(nights(2, [0] * 28), CONFIG) is None
    assert night_surge(nights(1, [0] * 28), CONFIG) is None
    # Three tonight against about one a night: below the minimum ratio.
    assert night_surge(nights(3, [1] * 28), CONFIG) is None


def test_a_template_new_tonight_or_too_young_is_never_a_surge():
    assert night_surge(nights(50, [], first_seen=0), CONFIG) is None
    assert night_surge(nights(50, [1, 1], first_seen=2), CONFIG) is None
    # Seen three nights: enough history, and only those nights count (not 28 empty ones).
    surge = night_surge(nights(50, [1, 1, 1], first_seen=3), CONFIG)
    assert surge is not None and surge.history_nights == 3 and surge.usual_rate == 1.0


def test_a_bursty_template_is_judged_against_its_own_bursts():
    # Usually 2, but every week a night of 20: 20 tonight is a usual night for it.
    history = [2, 2, 20, 2, 2, 2, 2] * 4
    assert night_surge(nights(20, history), CONFIG) is None
    # A Poisson test alone would call it: the overdispersion guard is what keeps it quiet.
    poisson_only = night_surge(nights(20, [2] * 28), CONFIG)
    assert poisson_only is not None


@pytest.mark.parametrize("rate", [0.1, 0.5, 1.0, 3.0, 10.0, 50.0])
def test_stable_nights_are_quiet(rate):
    rng = np.random.default_rng(int(rate * 1000))
    trials = 3000
    counts = rng.poisson(rate, size=(trials, 29))
    surges = find_surges(
        NightlyCounts(f"p{i}", 60, {n: int(c) for n, c in enumerate(row)})
        for i, row in enumerate(counts)
    )
    assert len(surges) / trials <= 1e-3


def test_stable_overdispersed_nights_are_quiet():
    rng = np.random.default_rng(7)
    trials = 3000
    # Negative binomial nights: mean 4, variance 12.
    counts = rng.negative_binomial(2, 1 / 3, size=(trials, 29))
    surges = find_surges(
        NightlyCounts(f"p{i}", 60, {n: int(c) for n, c in enumerate(row)})
        for i, row in enumerate(counts)
    )
    assert len(surges) / trials <= 2e-3


def test_surges_come_strongest_first_and_bad_input_is_refused():
    found = find_surges(
        [
            NightlyCounts("weak", 60, {0: 12, **{i: 1 for i in range(1, 29)}}),
            NightlyCounts("strong", 60, {0: 40, **{i: 1 for i in range(1, 29)}}),
            NightlyCounts("quiet", 60, {0: 1, **{i: 1 for i in range(1, 29)}}),
        ]
    )
    assert [s.pattern_id for s in found] == ["strong", "weak"]
    with pytest.raises(ValueError, match="negative"):
        night_surge(NightlyCounts("bad", 60, {0: -1}), CONFIG)
    with pytest.raises(ValueError, match="min_ratio"):
        SurgeConfig(min_ratio=0.5)

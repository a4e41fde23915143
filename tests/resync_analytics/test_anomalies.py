import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resync_analytics.anomalies import (
    DetectorConfig,
    LabelledWindow,
    detect_anomalies,
    evaluate_detections,
)
from resync_analytics.forecasting import read_series_csv, regularise

NAB = Path(__file__).resolve().parents[3] / "shared" / "data" / "nab"


def five_minute(values):
    return regularise(pd.date_range("2026-03-01", periods=len(values), freq="5min"), values)


def noisy_daily(days: int = 6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    steps = np.arange(days * 288)
    return 40 + 15 * np.sin(2 * np.pi * steps / 288) + rng.normal(0, 1.0, steps.size)


def test_flat_series_has_no_anomalies():
    assert detect_anomalies(five_minute(np.full(2000, 12.5))) == []


def test_noise_alone_is_rarely_flagged():
    assert len(detect_anomalies(five_minute(noisy_daily()))) <= 1


def test_planted_spike_is_flagged_at_its_time():
    values = noisy_daily()
    values[1000] += 25
    series = five_minute(values)
    anomalies = detect_anomalies(series)
    assert [a.timestamp for a in anomalies] == [series.index[1000]]
    assert 0.5 <= anomalies[0].score <= 1.0


def test_level_shift_is_reported_once_where_it_starts():
    values = noisy_daily()
    values[1200:] += 20
    series = five_minute(values)
    anomalies = detect_anomalies(series)
    assert len(anomalies) == 1
    assert series.index[1200] <= anomalies[0].timestamp <= series.index[1210]


def test_nightly_burst_is_routine_but_a_bigger_one_is_not():
    values = noisy_daily(days=8)
    for day in range(8):
        start = day * 288 + 24 + (day % 3)  # ~02:00, a few minutes' jitter
        values[start : start + 3] += 30
    series = five_minute(values)
    assert detect_anomalies(series) == []
    values[7 * 288 + 150] += 90
    flagged = detect_anomalies(five_minute(values))
    assert [a.timestamp for a in flagged] == [series.index[7 * 288 + 150]]


def test_higher_threshold_flags_no_more():
    values = noisy_daily(seed=4)
    values[[500, 900, 1400]] += [8, 12, 30]
    loose = detect_anomalies(five_minute(values), DetectorConfig(threshold=3.5))
    strict = detect_anomalies(five_minute(values), DetectorConfig(threshold=8))
    assert len(strict) <= len(loose)


def test_window_score_rewards_early_hits_and_penalises_false_alarms():
    window = LabelledWindow(pd.Timestamp("2026-01-02"), pd.Timestamp("2026-01-03"))
    early = evaluate_detections([pd.Timestamp("2026-01-02 01:00")], [window])
    late = evaluate_detections([pd.Timestamp("2026-01-02 23:00")], [window])
    noisy = evaluate_detections(
        [pd.Timestamp("2026-01-02 01:00"), pd.Timestamp("2026-01-05")], [window]
    )
    nothing = evaluate_detections([], [window])
    assert early.normalised_score > late.normalised_score > nothing.normalised_score == 0
    assert noisy.false_positives == 1 and noisy.normalised_score < early.normalised_score
    assert early.recall == 1.0 and nothing.recall == 0.0


@pytest.mark.skipif(not NAB.is_dir(), reason="NAB data not present (../shared/data/nab)")
def test_nab_aws_windows_are_mostly_found_with_few_false_alarms():
    labels = json.loads((NAB / "combined_windows.json").read_text())
    total = None
    for key, windows in labels.items():
        if not key.startswith("realAWSCloudwatch/"):
            continue
        series = read_series_csv(NAB / key)
        found = [a.timestamp for a in detect_anomalies(series)]
        result = evaluate_detections(
            found, [LabelledWindow(pd.Timestamp(a), pd.Timestamp(b)) for a, b in windows]
        )
        total = result if total is None else total + result
    assert total is not None
    assert total.recall >= 0.5
    assert total.normalised_score > 39.6  # NAB's windowed-Gaussian baseline

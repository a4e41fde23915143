"""Anomaly detection on the NAB AWS CloudWatch CPU series, against a baseline in the same run.

Per file: labelled windows hit, detections outside any window (false positives), and the
NAB-like normalised score (0 = reports nothing, 100 = every window at its start; see
``resync_analytics.anomalies.evaluation``). The baseline is a windowed Gaussian: z-score of each
point against the mean and standard deviation of the previous day, flagged at |z| >= 3, with the
same one-report-per-episode rule. Also prints the detector's time per series.

    .venv/bin/python -m bench.anomalies [--data ../shared/data/nab]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from resync_analytics.anomalies import LabelledWindow, detect_anomalies, evaluate_detections
from resync_analytics.forecasting import RegularSeries, read_series_csv

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"


def windowed_gaussian(series: RegularSeries, threshold: float = 3.0) -> list[pd.Timestamp]:
    window = int(pd.Timedelta(days=1) / series.step)
    past = pd.Series(series.values).shift(1)
    mean = past.rolling(window, min_periods=window // 2).mean()
    std = past.rolling(window, min_periods=window // 2).std().replace(0, np.nan)
    z = ((series.values - mean) / std).abs().fillna(0).to_numpy()
    flagged = np.flatnonzero(z >= threshold)
    starts, last = [], None
    for position in flagged:
        if last is None or position - last > window // 2:
            starts.append(series.index[position])
        last = position
    return starts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    labels_path = args.data / "combined_windows.json"
    if not labels_path.is_file():
        print(f"skipping: NAB data not found at {args.data}")
        return
    labels = json.loads(labels_path.read_text())
    ours = baseline = None
    seconds = []
    print(f"{'series':42} {'windows':>7} {'hit':>4} {'FP':>4} {'score':>6} | baseline hit FP score")
    for key in sorted(k for k in labels if k.startswith("realAWSCloudwatch/")):
        series = read_series_csv(args.data / key)
        windows = [LabelledWindow(pd.Timestamp(a), pd.Timestamp(b)) for a, b in labels[key]]
        started = time.perf_counter()
        found = [a.timestamp for a in detect_anomalies(series)]
        seconds.append(time.perf_counter() - started)
        mine = evaluate_detections(found, windows)
        theirs = evaluate_detections(windowed_gaussian(series), windows)
        ours = mine if ours is None else ours + mine
        baseline = theirs if baseline is None else baseline + theirs
        print(
            f"{key:42} {mine.windows:7d} {mine.windows_hit:4d} {mine.false_positives:4d} "
            f"{mine.normalised_score:6.1f} | {theirs.windows_hit:8d} {theirs.false_positives:2d}"
            f" {theirs.normalised_score:5.1f}"
        )
    assert ours is not None and baseline is not None
    for name, result in (("detector", ours), ("windowed Gaussian", baseline)):
        print(
            f"{name:18}: windows hit {result.windows_hit}/{result.windows} "
            f"(recall {result.recall:.0%}), precision {result.precision:.0%}, "
            f"false positives {result.false_positives}, NAB-like score "
            f"{result.normalised_score:.1f}"
        )
    print(f"detector time per series ({len(series)} points): {1000 * np.mean(seconds):.1f} ms")


if __name__ == "__main__":
    main()

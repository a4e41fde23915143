"""Grouping Accuracy on the public Loghub 2k samples, one generic configuration for all."""

from pathlib import Path

import pytest

from resync_analytics.patterns.evaluation import grouping_accuracy, load_loghub_system, mine_groups

LOGHUB = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "loghub-2k"

# A little below what the miner measures (bench/patterns.py): a drop means a regression.
FLOORS = {
    "BGL": 0.93,
    "HDFS": 0.99,
    "HPC": 0.92,
    "Hadoop": 0.93,
    "HealthApp": 0.88,
    "Linux": 0.72,
    "Spark": 0.90,
    "Zookeeper": 0.95,
}

pytestmark = pytest.mark.skipif(
    not LOGHUB.is_dir(), reason=f"Loghub data not found at {LOGHUB} (../shared/data absent)"
)


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    found = {}
    for system in FLOORS:
        directory = LOGHUB / system
        if (directory / f"{system}_2k.log_structured.csv").is_file():
            log = load_loghub_system(directory)
            found[system] = grouping_accuracy(log.events, mine_groups(log.messages))
    return found


@pytest.mark.parametrize("system", sorted(FLOORS))
def test_grouping_accuracy_per_system(scores, system):
    if system not in scores:
        pytest.skip(f"{system} not in {LOGHUB}")
    assert scores[system] >= FLOORS[system]


def test_average_grouping_accuracy(scores):
    if len(scores) < len(FLOORS):
        pytest.skip("not every Loghub system is present")
    assert sum(scores.values()) / len(scores) >= 0.90

"""Grouping Accuracy on the public Loghub 2k samples, one generic configuration for all."""

from pathlib import Path

import pytest

from resync_analytics.patterns.evaluation import (
    grouping_accuracy,
    load_loghub_system,
    mine_templates,
    parsing_accuracy,
)

LOGHUB = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "loghub-2k"

# A little below what the miner measures (bench/patterns.py): a drop means a regression.
FLOORS = {
    "BGL": 0.96,
    "HDFS": 0.99,
    "HPC": 0.93,
    "Hadoop": 0.98,
    "HealthApp": 0.99,
    "Linux": 0.92,
    "Spark": 0.98,
    "Zookeeper": 0.98,
}
# Parsing accuracy (exact template, Loghub's way of writing variables), mean over systems.
MEAN_PA_FLOOR = 0.84

pytestmark = pytest.mark.skipif(
    not LOGHUB.is_dir(), reason=f"Loghub data not found at {LOGHUB} (../shared/data absent)"
)


@pytest.fixture(scope="module")
def mined() -> dict[str, tuple[float, float]]:
    found = {}
    for system in FLOORS:
        directory = LOGHUB / system
        if (directory / f"{system}_2k.log_structured.csv").is_file():
            log = load_loghub_system(directory)
            ids, templates = mine_templates(log.messages)
            found[system] = (
                grouping_accuracy(log.events, ids),
                parsing_accuracy(log.templates, templates),
            )
    return found


@pytest.fixture(scope="module")
def scores(mined) -> dict[str, float]:
    return {system: ga for system, (ga, _) in mined.items()}


@pytest.mark.parametrize("system", sorted(FLOORS))
def test_grouping_accuracy_per_system(scores, system):
    if system not in scores:
        pytest.skip(f"{system} not in {LOGHUB}")
    assert scores[system] >= FLOORS[system]


def test_average_grouping_accuracy(scores):
    if len(scores) < len(FLOORS):
        pytest.skip("not every Loghub system is present")
    assert sum(scores.values()) / len(scores) >= 0.96


def test_mean_parsing_accuracy(mined):
    if len(mined) < len(FLOORS):
        pytest.skip("not every Loghub system is present")
    assert sum(pa for _, pa in mined.values()) / len(mined) >= MEAN_PA_FLOOR

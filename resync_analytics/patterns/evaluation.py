"""Grouping Accuracy of a template miner on labelled logs (the Loghub benchmark's metric).

A message counts as correctly parsed when the set of messages the miner put in its group is
exactly the set of messages sharing its true event id (Zhu et al., ICSE-SEIP 2019).
Used by ``bench/patterns.py`` and the regression tests.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.miner import PatternMiner


@dataclass(frozen=True)
class LabelledLog:
    """Messages of one system with the true event id of each."""

    system: str
    messages: tuple[str, ...]
    events: tuple[str, ...]


def load_loghub_system(directory: Path) -> LabelledLog:
    """Read ``<dir>/<Sys>_2k.log_structured.csv`` (Content and EventId columns)."""
    system = directory.name
    path = directory / f"{system}_2k.log_structured.csv"
    messages: list[str] = []
    events: list[str] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle):
            messages.append(row["Content"])
            events.append(row["EventId"])
    return LabelledLog(system, tuple(messages), tuple(events))


def load_loghub(root: Path) -> list[LabelledLog]:
    """Every system under ``root`` (a ``loghub-2k`` folder), in name order."""
    return [
        load_loghub_system(d)
        for d in sorted(root.iterdir())
        if (d / f"{d.name}_2k.log_structured.csv").is_file()
    ]


def grouping_accuracy(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Share of messages whose predicted group equals their true group (0 for no messages)."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted must have one label per message")
    if not truth:
        return 0.0
    true_sizes = Counter(truth)
    predicted_groups: dict[Hashable, list[int]] = defaultdict(list)
    for index, label in enumerate(predicted):
        predicted_groups[label].append(index)
    # A predicted group is correct when all its messages share one true event and that event
    # has no messages elsewhere (its size equals the true group's size).
    correct = 0
    for indices in predicted_groups.values():
        true_labels = {truth[i] for i in indices}
        if len(true_labels) == 1 and true_sizes[truth[indices[0]]] == len(indices):
            correct += len(indices)
    return correct / len(truth)


def mine_groups(messages: Sequence[str], config: MinerConfig | None = None) -> list[str]:
    """The pattern id the miner gives each message after learning from all of them."""
    miner = PatternMiner(config)
    keys = list(miner.add_all(messages))
    miner.compact()
    return [miner.pattern(key).pattern_id for key in keys]

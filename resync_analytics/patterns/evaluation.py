"""Accuracy of a template miner on labelled logs, with the Loghub-2.0 metrics.

- GA (grouping accuracy, Zhu et al., ICSE-SEIP 2019): a message counts as correct when the set
  of messages the miner put in its group is exactly the set sharing its true event.
- FGA (Jiang et al., ICSE 2024, "Loghub-2.0"): F1 over groups; a predicted group is correct
  when it holds exactly the messages of one true group. Precision = correct / predicted
  groups, recall = correct / true groups. Unlike GA it is not dominated by a few huge events.
- PA (parsing accuracy): share of messages whose predicted template text equals the true
  template, after ``normalise_template`` (whitespace and runs of ``<*>``).

Used by ``bench/patterns.py`` and the regression tests.
"""

from __future__ import annotations

import csv
import re
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
    # The true template text of each message (empty when the source has none).
    templates: tuple[str, ...] = ()


def load_loghub_system(directory: Path) -> LabelledLog:
    """Read ``<dir>/<Sys>_2k.log_structured.csv`` (Content, EventId, EventTemplate columns)."""
    path = directory / f"{directory.name}_2k.log_structured.csv"
    return load_structured_csv(path, directory.name)


def load_template_set(directory: Path) -> list[LabelledLog]:
    """Every ``<family>.csv`` under ``directory`` (Loghub's structured columns), in name
    order; the system is the file's stem (``tests/data/templates`` is such a set)."""
    return [load_structured_csv(path, path.stem) for path in sorted(directory.glob("*.csv"))]


def load_structured_csv(path: Path, system: str) -> LabelledLog:
    """Read one CSV with Content, EventId and (optionally) EventTemplate columns."""
    messages: list[str] = []
    events: list[str] = []
    templates: list[str] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle):
            messages.append(row["Content"])
            events.append(row["EventId"])
            templates.append(row.get("EventTemplate") or "")
    return LabelledLog(system, tuple(messages), tuple(events), tuple(templates))


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


def _groups(labels: Sequence[Hashable]) -> set[frozenset[int]]:
    members: dict[Hashable, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        members[label].append(index)
    return {frozenset(indices) for indices in members.values()}


def group_f1(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """FGA: F1 of group precision and recall (0 for no messages or no correct group).

    A predicted group is correct when its messages are exactly one true group's messages.
    """
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted must have one label per message")
    if not truth:
        return 0.0
    true_groups = _groups(truth)
    predicted_groups = _groups(predicted)
    correct = len(true_groups & predicted_groups)
    if correct == 0:
        return 0.0
    precision = correct / len(predicted_groups)
    recall = correct / len(true_groups)
    return 2 * precision * recall / (precision + recall)


_WHITESPACE = re.compile(r"\s+")
# A wildcard run: "<*> <*>", "<*>:<*>", "<*><*>" all stand for one variable span.
_WILDCARD_RUN = re.compile(r"<\*>(?:[\s,;:#/._-]*<\*>)+")


def normalise_template(template: str) -> str:
    """Template text as PA compares it: whitespace runs are one space, the ends are stripped,
    and a run of ``<*>`` joined only by separators is one ``<*>``."""
    collapsed = _WHITESPACE.sub(" ", template).strip()
    return _WILDCARD_RUN.sub("<*>", collapsed)


def parsing_accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """PA: share of messages whose predicted template equals the true one (normalised)."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted must have one template per message")
    if not truth:
        return 0.0
    correct = sum(
        normalise_template(t) == normalise_template(p)
        for t, p in zip(truth, predicted, strict=True)
    )
    return correct / len(truth)


def mine_templates(
    messages: Sequence[str], config: MinerConfig | None = None
) -> tuple[list[str], list[str]]:
    """Pattern id and final template text of each message, after learning from all of them."""
    miner = PatternMiner(config)
    keys = list(miner.add_all(messages))
    miner.compact()
    patterns = [miner.pattern(key) for key in keys]
    return [p.pattern_id for p in patterns], [p.template for p in patterns]


def mine_groups(messages: Sequence[str], config: MinerConfig | None = None) -> list[str]:
    """The pattern id the miner gives each message after learning from all of them."""
    miner = PatternMiner(config)
    keys = list(miner.add_all(messages))
    miner.compact()
    return [miner.pattern(key).pattern_id for key in keys]

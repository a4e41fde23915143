"""Mining one batch of error lines into a saved miner: which pattern each line is, which
patterns the batch merged, and what to record of each touched pattern."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from resync_analytics.patterns.miner import PatternMiner
from resync_core.patterns import ErrorLine, PatternSighting


@dataclass(frozen=True)
class MinedBatch:
    """``by_pattern``: the lines of each touched pattern id, in input order; ``merged``:
    pattern ids the batch folded into a survivor (absorbed -> survivor); ``templates``:
    every known pattern id's template."""

    by_pattern: dict[str, list[ErrorLine]]
    merged: dict[str, str]
    templates: dict[str, str]

    def sightings(self) -> list[PatternSighting]:
        """One sighting per touched pattern, by pattern id."""
        return [
            PatternSighting(
                pattern_id=pattern_id,
                template=self.templates[pattern_id],
                category=main_category(lines),
                first_seen=min(line.failed_at for line in lines),
                last_seen=max(line.failed_at for line in lines),
            )
            for pattern_id, lines in sorted(self.by_pattern.items())
        ]

    def runs(self) -> list[tuple[str, str]]:
        """(run id, pattern id) of every mined line."""
        return [(line.run_id, pid) for pid, lines in self.by_pattern.items() for line in lines]


def main_category(lines: Sequence[ErrorLine]) -> str | None:
    """The category most of ``lines`` carry; None when none carries one."""
    categories = Counter(line.category for line in lines if line.category)
    return categories.most_common(1)[0][0] if categories else None


def mine_batch(miner: PatternMiner, lines: Sequence[ErrorLine]) -> MinedBatch:
    """Add ``lines`` to ``miner`` (in place), compact it, and say what the batch touched."""
    redirects_before = dict(miner.state().redirects)
    keys = [miner.add(line.text) for line in lines]
    miner.compact()
    state = miner.state()
    # An absorbed template is named by its own id here (``pattern`` would follow the
    # redirect to the survivor's); a template founded as another name of a known one
    # already carries the survivor's id and merges nothing.
    own_ids = {template.key: template.pattern_id for template in state.templates}
    merged = {}
    for old in state.redirects:
        if old in redirects_before:
            continue
        survivor = miner.pattern(old).pattern_id
        if own_ids[old] != survivor:
            merged[own_ids[old]] = survivor
    by_pattern: dict[str, list[ErrorLine]] = {}
    for line, key in zip(lines, keys, strict=True):
        by_pattern.setdefault(miner.pattern(key).pattern_id, []).append(line)
    templates = {p.pattern_id: p.template for p in miner.patterns()}
    return MinedBatch(by_pattern, merged, templates)

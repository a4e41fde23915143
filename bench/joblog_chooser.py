"""Choose the root-cause chooser's weights by leave-one-source-out cross-validation.

    .venv/bin/python -m bench.joblog_chooser [--grid small|full]

Only the development parts are used (the frozen test parts are never read here): the written
corpus and the real transcripts by other authors. A real transcript's source is the platform
``sources.json`` records for it (python, spark, powershell, db2...), a written log's its file
name's first word (``net_``, ``db_``, ``auth_``...: the family of logs written together).
For each source, the weights that maximise exact error-line and category accuracy on the
other sources are scored on it; the held-out figure is reported first, then the weights chosen
on all of development, which :data:`resync_analytics.joblog.chooser.DEFAULT_WEIGHTS` should
hold. Ties between weight vectors go to the one closest to a prior that says only "specific
beats free text, the exit code's convention breaks ties, consequences lose", so the choice does
not drift where the data says nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections import defaultdict
from collections.abc import Sequence

from resync_analytics.joblog.analyzer import PreparedJoblog, conclude, prepare_joblog
from resync_analytics.joblog.chooser import DEFAULT_WEIGHTS
from resync_analytics.joblog.classify import choose_root
from resync_analytics.joblog.evaluation import LabelledJoblog
from tests.resync_analytics.joblog_corpora import (
    REAL_DIR,
    REAL_PREFIX,
    load_corpus,
    load_real_corpus,
)
from tests.resync_analytics.joblog_split import load_real_test_names, split_corpus

# Written out, not derived from DEFAULT_WEIGHTS: the prior stays fixed while the defaults
# follow what this benchmark chooses.
PRIOR: dict[str, float] = {
    "specific": 8.0,
    "free_text": 2.0,
    "exact_family": 0.0,
    "rc_agrees": 4.0,
    "consequence": -2.0,
    "explained": -6.0,
    "after_report": -1.0,
    "wrapper": -2.0,
    "stack_head": 0.0,
    "repeated": 0.0,
    "early": 0.0,
}
GRIDS: dict[str, dict[str, tuple[float, ...]]] = {
    "small": {
        "rc_agrees": (2.0, 4.0),
        "consequence": (0.0, -2.0, -4.0),
        "explained": (0.0, -3.0, -6.0, -10.0),
        "after_report": (0.0, -1.0, -2.0),
        "wrapper": (0.0, -2.0, -4.0),
        "stack_head": (0.0, 1.0),
        "repeated": (0.0, -1.0),
        "early": (0.0, -0.5, 0.5),
    },
    "full": {
        "rc_agrees": (1.0, 2.0, 4.0, 6.0),
        "exact_family": (0.0, 1.0),
        "consequence": (0.0, -1.0, -2.0, -4.0),
        "explained": (0.0, -3.0, -6.0, -10.0),
        "after_report": (0.0, -1.0, -2.0),
        "wrapper": (0.0, -2.0, -4.0),
        "stack_head": (0.0, 1.0),
        "repeated": (0.0, -1.0, -2.0),
        "early": (-1.0, -0.5, 0.0, 0.5, 1.0),
    },
}


def source_of(name: str, platforms: dict[str, str]) -> str:
    if name.startswith(REAL_PREFIX):
        platform = platforms.get(name[len(REAL_PREFIX) :], "")
        return "real:" + (platform.split()[0] if platform else "other")
    return "written:" + name.split("_", 1)[0]


def load_platforms() -> dict[str, str]:
    path = REAL_DIR / "sources.json"
    if not path.exists():
        return {}
    sources = json.loads(path.read_text(encoding="utf-8"))
    return {name: str(entry.get("platform", "")) for name, entry in sources.items()}


class Judge:
    """Right or wrong (line and category) per log for a weight vector; the verdict of a log
    depends only on the root chosen, so it is computed once per distinct root."""

    def __init__(self, samples: Sequence[LabelledJoblog]) -> None:
        self.samples = list(samples)
        self.prepared: list[PreparedJoblog] = [prepare_joblog(s.data) for s in self.samples]
        self.memo: dict[tuple[int, int], bool] = {}

    def correct(self, index: int, weights: dict[str, float]) -> bool:
        prepared, sample = self.prepared[index], self.samples[index]
        root = choose_root(
            prepared.findings, prepared.exit_code, prepared.scan.total_lines, weights
        )
        key = (index, root.line.number if root is not None else 0)
        if key not in self.memo:
            analysis = conclude(prepared, weights)
            self.memo[key] = (
                analysis.error_line == sample.error_line and analysis.category == sample.category
            )
        return self.memo[key]


def candidates(grid: dict[str, tuple[float, ...]]) -> list[dict[str, float]]:
    names = sorted(grid)
    return [
        {**PRIOR, **dict(zip(names, values, strict=True))}
        for values in itertools.product(*(grid[n] for n in names))
    ]


def distance(weights: dict[str, float]) -> float:
    return sum(abs(weights[k] - PRIOR[k]) for k in PRIOR)


def best(table: list[list[bool]], vectors: list[dict[str, float]], keep: list[int]) -> int:
    """The vector with most right answers on the logs ``keep``; the closest to the prior on
    a tie."""
    return max(
        range(len(vectors)),
        key=lambda v: (sum(table[v][i] for i in keep), -distance(vectors[v])),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--grid", choices=sorted(GRIDS), default="small")
    args = parser.parse_args()
    platforms = load_platforms()
    _, written_dev = split_corpus(load_corpus())
    _, real_dev = split_corpus(load_real_corpus(), load_real_test_names())
    development = [*written_dev, *real_dev]
    judge = Judge(development)
    vectors = candidates(GRIDS[args.grid])
    table = [[judge.correct(i, w) for i in range(len(development))] for w in vectors]
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, sample in enumerate(development):
        by_source[source_of(sample.name, platforms)].append(i)

    held_right = 0
    default_right = 0
    default_index = next((v for v, w in enumerate(vectors) if w == DEFAULT_WEIGHTS), None)
    for source, members in sorted(by_source.items()):
        others = [i for i in range(len(development)) if i not in set(members)]
        chosen = best(table, vectors, others)
        right = sum(table[chosen][i] for i in members)
        held_right += right
        print(f"  held out {source:<12} {right:3d}/{len(members):<3d}")
        if default_index is not None:
            default_right += sum(table[default_index][i] for i in members)
    n = len(development)
    print(f"development logs: {n} in {len(by_source)} sources; {len(vectors)} weight vectors")
    print(f"leave-one-source-out line+category accuracy (held out): {held_right / n:6.1%}")
    if default_index is not None:
        print(f"current DEFAULT_WEIGHTS on the same logs             : {default_right / n:6.1%}")
    final_index = best(table, vectors, list(range(n)))
    final = vectors[final_index]
    print(f"weights chosen on all of development (in-sample {sum(table[final_index]) / n:.1%}):")
    print("  " + ", ".join(f"{k}={v:g}" for k, v in final.items()))
    if final != DEFAULT_WEIGHTS:
        print("note: DEFAULT_WEIGHTS differ from the weights chosen here")


if __name__ == "__main__":
    main()

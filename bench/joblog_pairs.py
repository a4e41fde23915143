"""Pass/fail pairs: does a job's good runs as baseline put the chosen error line in the
labelled error range more often?

    .venv/bin/python -m bench.joblog_pairs [--misses]

Each pair in ``tests/data/joblogs/pairs/pairs.json`` is a real failing joblog (from
``tests/data/joblogs/real``) and one or more good runs of the same job, either real successful
output of the same tool and command found in a public thread (``real``) or derived from the
failing log by ``scripts/derive_good_joblogs.py`` (``derived``: the failing region removed).
Every failing log is analysed twice, without and with ``--baseline`` (its good runs), and
scored a hit when the chosen error line falls in the labelled ``[first, last]`` range.

The frozen test split (``real/split.json``) is reported first; only development pairs may be
looked at to change anything (``--misses`` lists those only). Derived good runs keep exactly
what the job printed before it failed, so they flatter the baseline: the real ones are the
honest figure, reported apart.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from resync_analytics.joblog.analyzer import analyze_file, load_baseline

PAIRS_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "joblogs" / "pairs"
GOAL_WITH_BASELINE = 0.80


@dataclass(frozen=True)
class Pair:
    """A failing log, its good runs and the labelled range of lines stating the cause."""

    failing: Path
    good: tuple[Path, ...]
    provenance: str
    first: int
    last: int
    split: str


@dataclass(frozen=True)
class PairOutcome:
    pair: Pair
    chosen_without: int
    chosen_with: int

    @property
    def hit_without(self) -> bool:
        return in_range(self.chosen_without, self.pair.first, self.pair.last)

    @property
    def hit_with(self) -> bool:
        return in_range(self.chosen_with, self.pair.first, self.pair.last)


def in_range(chosen: int, first: int, last: int) -> bool:
    """Whether the chosen error line (0: none chosen) lies in ``[first, last]``."""
    if first < 1 or last < first:
        raise ValueError(f"not a labelled range: [{first}, {last}]")
    return first <= chosen <= last


def load_pairs(directory: Path = PAIRS_DIR) -> list[Pair]:
    manifest = json.loads((directory / "pairs.json").read_text())
    return [
        Pair(
            failing=(directory / item["failing"]).resolve(),
            good=tuple(directory / name for name in item["good"]),
            provenance=item["good_provenance"],
            first=item["error_range"][0],
            last=item["error_range"][1],
            split=item["split"],
        )
        for item in manifest["pairs"]
    ]


def run_pair(pair: Pair) -> PairOutcome:
    without = analyze_file(pair.failing).error_line
    with_baseline = analyze_file(pair.failing, baseline=load_baseline(pair.good)).error_line
    return PairOutcome(pair, without, with_baseline)


def summary_rows(outcomes: Sequence[PairOutcome]) -> list[tuple[str, str, int, int, int, int]]:
    """(split, provenance, pairs, hits without, hits with, choices changed), test split first,
    each split's "all" row after its provenances."""
    rows = []
    for split in ("test", "development"):
        mine = [o for o in outcomes if o.pair.split == split]
        for provenance in ("real", "derived", "all"):
            group = [o for o in mine if provenance in ("all", o.pair.provenance)]
            if not group:
                continue
            rows.append(
                (
                    split,
                    provenance,
                    len(group),
                    sum(o.hit_without for o in group),
                    sum(o.hit_with for o in group),
                    sum(o.chosen_with != o.chosen_without for o in group),
                )
            )
    return rows


def _share(hits: int, total: int) -> str:
    return f"{hits:3d}/{total:<3d} {hits / total:6.1%}" if total else "   -"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list development misses")
    args = parser.parse_args(argv)
    outcomes = [run_pair(pair) for pair in load_pairs()]
    print("split        good runs  pairs  in range without   in range with   changed")
    for split, provenance, total, without, with_, changed in summary_rows(outcomes):
        print(
            f"{split:<12} {provenance:<9} {total:6d}  {_share(without, total):>15}"
            f"  {_share(with_, total):>15}  {changed:7d}"
        )
    print(f"goal with baseline: >= {GOAL_WITH_BASELINE:.0%}")
    if args.misses:
        for outcome in outcomes:
            if outcome.pair.split != "development" or outcome.hit_with:
                continue
            print(
                f"miss {outcome.pair.failing.name}: range [{outcome.pair.first},"
                f" {outcome.pair.last}], chosen {outcome.chosen_without} without,"
                f" {outcome.chosen_with} with baseline ({outcome.pair.provenance})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

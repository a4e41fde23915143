"""Pass/fail pairs: does a job's good runs as baseline put the chosen error line in the
labelled error range more often, and does it set aside only what the good runs print?

    .venv/bin/python -m bench.joblog_pairs [--misses]

Each pair in ``tests/data/joblogs/pairs/pairs.json`` is a real failing joblog (from
``tests/data/joblogs/real``) and one or more good runs of the same job, either real successful
output of the same tool found in a public thread (``real``: warnings, tolerated errors and all)
or derived from the failing log by ``scripts/derive_good_joblogs.py`` (``derived``: the failing
region removed). Every failing log is analysed twice, without and with ``--baseline`` (its good
runs), and scored a hit when the chosen error line falls in the labelled ``[first, last]``
range. Two more counts check the marking of lines "also printed by good runs": the pairs where
the baseline set aside at least one line of the failing run, and the pairs where it knew a line
of the labelled cause (it never should).

Public failing transcripts rarely print the harmless noise their good runs print, so the
baseline seldom has anything to set aside in them. ``real + noise`` asks what it does when they
do: the first real good run's output, as the tool printed it, is put in front of the failing
run's output (a run that printed its usual warnings, then failed), the labelled range moved
with it, and the baseline is the good runs as stored (their times, dates and ids shifted as
another night's run prints them).

The frozen test split (``real/split.json``) is reported first; only development pairs may be
looked at to change anything (``--misses`` lists those only). Derived good runs keep exactly
what the job printed before it failed, so they flatter the baseline: the real ones are the
honest figure, reported apart.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from resync_analytics.joblog.analyzer import conclude, load_baseline, prepare_joblog
from scripts.derive_good_joblogs import body_bounds

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
    outputs: tuple[Path, ...] = ()
    """The real good runs' output as the tool printed it (none for derived good runs)."""


@dataclass(frozen=True)
class PairOutcome:
    pair: Pair
    chosen_without: int
    chosen_with: int
    known_lines: int = 0
    """Error-looking lines of the failing run the baseline set aside as printed by good runs."""
    cause_known: bool = False
    """Whether a line of the labelled cause was taken for one the good runs print."""

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
            outputs=tuple(directory / name for name in item.get("good_outputs", ())),
        )
        for item in manifest["pairs"]
    ]


def run_pair(pair: Pair) -> PairOutcome:
    """The pair's failing log analysed without and with its good runs as baseline."""
    return score(pair, pair.failing.read_bytes())


def run_with_noise(pair: Pair) -> PairOutcome | None:
    """The pair scored on its failing run preceded by its first real good run's output (see
    the module's docstring); None when the pair has no real good run."""
    if not pair.outputs:
        return None
    data, added = splice(pair.failing.read_bytes(), pair.outputs[0].read_bytes())
    shifted = replace(pair, first=pair.first + added, last=pair.last + added, provenance=NOISE)
    return score(shifted, data)


NOISE = "real + noise"


def splice(failing: bytes, output: bytes) -> tuple[bytes, int]:
    """``failing`` with ``output`` put before the job's own output (after the TWS banner), in
    the failing run's line ends; and the number of lines put in."""
    newline = b"\r\n" if b"\r\n" in failing else b"\n"
    lines = failing.split(b"\n")
    start, _ = body_bounds(lines)
    noise = output.replace(b"\r\n", b"\n").rstrip(b"\n").split(b"\n")
    if newline == b"\r\n":
        noise = [line + b"\r" for line in noise]
    return b"\n".join(lines[:start] + noise + lines[start:]), len(noise)


def score(pair: Pair, data: bytes) -> PairOutcome:
    baseline = load_baseline(pair.good)
    without = conclude(prepare_joblog(data)).error_line
    prepared = prepare_joblog(data, baseline=baseline)
    lines = data.decode("utf-8", "replace").split("\n")
    cause = lines[pair.first - 1 : pair.last]
    return PairOutcome(
        pair,
        without,
        conclude(prepared).error_line,
        known_lines=sum(f.known for f in prepared.findings),
        cause_known=any(baseline.knows(line) for line in cause),
    )


Row = tuple[str, str, int, int, int, int, int, int]


def summary_rows(outcomes: Sequence[PairOutcome]) -> list[Row]:
    """(split, good runs, pairs, hits without, hits with, choices changed, pairs with lines set
    aside, pairs with a cause line taken for a good run's), test split first; each split's
    rows: real, derived, all, then real + noise."""
    rows: list[Row] = []
    for split in ("test", "development"):
        mine = [o for o in outcomes if o.pair.split == split]
        published = [o for o in mine if o.pair.provenance != NOISE]
        for provenance in ("real", "derived", "all", NOISE):
            pool = published if provenance in ("all", "real", "derived") else mine
            group = [o for o in pool if provenance in ("all", o.pair.provenance)]
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
                    sum(o.known_lines > 0 for o in group),
                    sum(o.cause_known for o in group),
                )
            )
    return rows


def _share(hits: int, total: int) -> str:
    return f"{hits:3d}/{total:<3d} {hits / total:6.1%}" if total else "   -"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list development misses")
    args = parser.parse_args(argv)
    pairs = load_pairs()
    outcomes = [run_pair(pair) for pair in pairs]
    outcomes += [o for o in map(run_with_noise, pairs) if o is not None]
    print(
        "split        good runs     pairs  in range without   in range with"
        "   changed  set aside  cause known"
    )
    for split, group, total, without, with_, changed, aside, cause in summary_rows(outcomes):
        print(
            f"{split:<12} {group:<12} {total:6d}  {_share(without, total):>15}"
            f"  {_share(with_, total):>15}  {changed:7d}  {aside:9d}  {cause:11d}"
        )
    print(f"goal with baseline: >= {GOAL_WITH_BASELINE:.0%}")
    if args.misses:
        for outcome in outcomes:
            if outcome.pair.split != "development" or (
                outcome.hit_with and not outcome.cause_known
            ):
                continue
            print(
                f"miss {outcome.pair.failing.name}: range [{outcome.pair.first},"
                f" {outcome.pair.last}], chosen {outcome.chosen_without} without,"
                f" {outcome.chosen_with} with baseline ({outcome.pair.provenance}),"
                f" cause known: {outcome.cause_known}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

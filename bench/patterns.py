"""Pattern miner against drain3 and a trivial baseline: GA, FGA, PA, leave-one-out, lines/s.

    .venv/bin/python -m bench.patterns [--loghub ../shared/data/loghub-2k] [--lines 200000]
                                       [--skip-loso] [--skip-speed]
                                       [--outside tests/data/templates]
                                       [--compare-to REV]

Quality: Grouping Accuracy (GA) on every Loghub 2k system found under ``--loghub``
(default ``../shared/data/loghub-2k``), one generic configuration for all, beside drain3; then
GA, FGA and PA (Loghub-2.0's metrics, see resync_analytics.patterns.evaluation) of ours.

Leave-one-system-out: every ``MinerConfig`` combination of ``LOSO_GRID`` is scored on every
system; for each held-out system the combination with the best mean GA on the other systems
is chosen (ties go to the default, then to grid order) and the held-out system is scored with
it. The held-out column is printed before the plain (default-config) column, with the means
and the gap (plain minus held-out). ``cache_size`` is left out of the grid: it only changes
speed. Progress goes to stderr. Speed: lines/s on
a larger stream built from the same messages with their digits re-drawn at random (so lines
repeat in shape, as real logs do, but rarely verbatim), every miner on the same lines in the
same run; plus the full ``patterns mine --json`` path (file in, JSON lines out); and the time
to mask 64 KiB lines shaped to make a regular expression backtrack, against a plain line.

Outside (``--outside DIR``, e.g. ``tests/data/templates``): GA, FGA and PA on hand-labelled
templates of real tool transcripts, one family of tools per file, the frozen test families
(``DIR/split.json``) first, then the development ones. Then each mask of
``resync_analytics.patterns.masking`` (``MASK_NAMES`` and ``RUNS``) is checked leaving one
source out: for every source (a Loghub system or an outside family) each mask is switched
off when that raises the mean of GA and PA over the other sources, and the held-out source is
scored with the masks so chosen. Masks are chosen on Loghub and the development families
only; a test family is only ever held out. Held-out figures come first, then the plain ones,
then each mask's effect (switched off minus on) per part.

Compare (``--compare-to REV``, with ``--outside``): the miner of git revision ``REV``
(its ``resync_analytics/patterns`` run in a subprocess) against the working tree's, default
config, per development source (each Loghub system and each development family): GA and PA
before and after, the difference, and leave-one-source-out: for each held-out source the
change is kept when it raises the mean (GA+PA)/2 of the other development sources, and the
held-out source is scored with the version so chosen. The frozen test families are shown as
one mean only. A change generalises when it wins or ties on a clear majority of sources and
loses little anywhere.

Miners: ``ours`` (resync_analytics.patterns), ``drain3`` with its defaults and ``drain3+masks`` with
the generic masks of its documentation, and ``mask+exact`` (our masks, then identical masked
messages grouped together). drain3 is optional: its ``cachetools==4.2.1`` pin conflicts with
Prefect's, so install it apart, e.g. ``pip install --no-deps --target /tmp/d3 drain3
jsonpickle cachetools==4.2.1`` and run with ``PYTHONPATH=/tmp/d3``.

Goals: held-out GA within 0.03 of plain; GA >= drain3 on every system; lines/s >= drain3's.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import redirect_stdout
from dataclasses import dataclass, replace
from pathlib import Path

from resync_analytics.patterns import masking
from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.evaluation import (
    LabelledLog,
    group_f1,
    grouping_accuracy,
    load_loghub,
    load_template_set,
    mine_groups,
    mine_templates,
    parsing_accuracy,
)
from resync_analytics.patterns.masking import MASK_NAMES, RUNS, mask_variables, masks_switched_off

Grouper = Callable[[Sequence[str]], list]

DEFAULT_LOGHUB = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "loghub-2k"

# The masks drain3's README and example configuration suggest.
_DRAIN3_MASKS = (
    (r"((?<=[^A-Za-z0-9])|^)(([0-9a-f]{2,}:){3,}([0-9a-f]{2,}))((?=[^A-Za-z0-9])|$)", "ID"),
    (r"((?<=[^A-Za-z0-9])|^)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})((?=[^A-Za-z0-9])|$)", "IP"),
    (r"((?<=[^A-Za-z0-9])|^)([0-9a-f]{6,} ?){3,}((?=[^A-Za-z0-9])|$)", "SEQ"),
    (r"((?<=[^A-Za-z0-9])|^)([0-9A-F]{4} ?){4,}((?=[^A-Za-z0-9])|$)", "SEQ"),
    (r"((?<=[^A-Za-z0-9])|^)(0x[a-f0-9A-F]+)((?=[^A-Za-z0-9])|$)", "HEX"),
    (r"((?<=[^A-Za-z0-9])|^)([\-\+]?\d+)((?=[^A-Za-z0-9])|$)", "NUM"),
)


# Every quality-relevant MinerConfig field, each with the default among its values.
LOSO_GRID: dict[str, tuple] = {
    "similarity_threshold": (0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    "prefix_depth": (1, 2, 3, 4),
    "max_children": (10, 100),
    "max_tokens": (32, 256),
    "min_variants": (3, 4, 6, 10),
}


@dataclass(frozen=True)
class Scores:
    ga: float
    fga: float
    pa: float


def score(log: LabelledLog, config: MinerConfig | None = None) -> Scores:
    ids, templates = mine_templates(log.messages, config)
    return Scores(
        grouping_accuracy(log.events, ids),
        group_f1(log.events, ids),
        parsing_accuracy(log.templates, templates),
    )


def _grid_configs(grid: dict[str, tuple]) -> list[MinerConfig]:
    default = MinerConfig()
    names = list(grid)
    configs = [
        replace(default, **dict(zip(names, values, strict=True)))
        for values in itertools.product(*(grid[n] for n in names))
    ]
    if default not in configs:
        configs.insert(0, default)
    return configs


def _describe(config: MinerConfig, grid: dict[str, tuple]) -> str:
    return " ".join(f"{name}={getattr(config, name)}" for name in grid)


def leave_one_out(
    logs: Sequence[LabelledLog], grid: dict[str, tuple]
) -> list[tuple[LabelledLog, MinerConfig, Scores]]:
    """Per held-out system: the config chosen on the others (best mean GA) and its scores."""
    configs = _grid_configs(grid)
    default = MinerConfig()
    table: dict[MinerConfig, dict[str, Scores]] = {}
    for number, config in enumerate(configs, 1):
        if number % 20 == 1 or number == len(configs):
            print(f"grid: scoring config {number}/{len(configs)}", file=sys.stderr, flush=True)
        table[config] = {log.system: score(log, config) for log in logs}
    results = []
    for fold, held_out in enumerate(logs, 1):
        print(f"fold {fold}/{len(logs)}: held out {held_out.system}", file=sys.stderr, flush=True)
        others = [log.system for log in logs if log.system != held_out.system]

        def train_ga(config: MinerConfig, others: list[str] = others) -> float:
            return sum(table[config][s].ga for s in others) / len(others)

        # max keeps the first of equals: the default first, then grid order.
        ordered = [default] + [c for c in configs if c != default]
        chosen = max(ordered, key=train_ga)
        results.append((held_out, chosen, table[chosen][held_out.system]))
    return results


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def print_metrics_and_loso(logs: Sequence[LabelledLog], grid: dict[str, tuple]) -> None:
    plain = {log.system: score(log) for log in logs}
    print("\nours, default config: GA / FGA / PA (Loghub-2.0 metrics)")
    print(f"{'system':<12}{'GA':>8}{'FGA':>8}{'PA':>8}")
    for log in logs:
        s = plain[log.system]
        print(f"{log.system:<12}{s.ga:>8.3f}{s.fga:>8.3f}{s.pa:>8.3f}")
    print(
        f"{'mean':<12}{_mean([s.ga for s in plain.values()]):>8.3f}"
        f"{_mean([s.fga for s in plain.values()]):>8.3f}"
        f"{_mean([s.pa for s in plain.values()]):>8.3f}"
    )

    configs = len(_grid_configs(grid))
    print(
        f"\nleave-one-system-out: config chosen by mean GA on the other {len(logs) - 1} systems, "
        f"joint grid of {configs} configs over "
        + ", ".join(f"{n} {list(v)}" for n, v in grid.items())
    )
    results = leave_one_out(logs, grid)
    header = f"{'system':<12}{'held GA':>9}{'FGA':>7}{'PA':>7}  |{'plain GA':>9}{'FGA':>7}{'PA':>7}"
    print(header + "  chosen on the others")
    held: list[Scores] = []
    for log, chosen, s in results:
        p = plain[log.system]
        held.append(s)
        print(
            f"{log.system:<12}{s.ga:>9.3f}{s.fga:>7.3f}{s.pa:>7.3f}  |"
            f"{p.ga:>9.3f}{p.fga:>7.3f}{p.pa:>7.3f}  {_describe(chosen, grid)}"
        )
    means = {m: _mean([getattr(s, m) for s in held]) for m in ("ga", "fga", "pa")}
    plain_means = {m: _mean([getattr(s, m) for s in plain.values()]) for m in ("ga", "fga", "pa")}
    print(
        f"{'mean':<12}{means['ga']:>9.3f}{means['fga']:>7.3f}{means['pa']:>7.3f}  |"
        f"{plain_means['ga']:>9.3f}{plain_means['fga']:>7.3f}{plain_means['pa']:>7.3f}"
    )
    print(
        "gap (plain - held-out): "
        + "  ".join(f"{m.upper()} {plain_means[m] - means[m]:+.3f}" for m in ("ga", "fga", "pa"))
    )


def _print_scores(title: str, logs: Sequence[LabelledLog], scores: dict[str, Scores]) -> None:
    print(f"{title:<12}{'lines':>7}{'GA':>8}{'FGA':>8}{'PA':>8}")
    for log in logs:
        s = scores[log.system]
        print(f"{log.system:<12}{len(log.messages):>7}{s.ga:>8.3f}{s.fga:>8.3f}{s.pa:>8.3f}")
    if logs:
        picked = [scores[log.system] for log in logs]
        print(
            f"{'mean':<12}{sum(len(log.messages) for log in logs):>7}"
            f"{_mean([s.ga for s in picked]):>8.3f}{_mean([s.fga for s in picked]):>8.3f}"
            f"{_mean([s.pa for s in picked]):>8.3f}"
        )


def outside_split(directory: Path) -> set[str]:
    """Names of the frozen test families of an outside template set (``split.json``)."""
    path = directory / "split.json"
    return set(json.loads(path.read_text(encoding="utf-8"))["test"]) if path.is_file() else set()


def _score_masked(log: LabelledLog, off: frozenset[str]) -> Scores:
    if not off:
        masking._mask_shape.cache_clear()
        return score(log)
    with masks_switched_off(off):
        return score(log)


def mask_leave_one_out(
    sources: Sequence[LabelledLog], pool: set[str]
) -> tuple[dict[str, tuple[frozenset[str], Scores]], dict[frozenset[str], dict[str, Scores]]]:
    """Per held-out source: the masks switched off by the other sources of ``pool`` (mean of
    GA and PA over them, each mask on its own against all on; ties keep it on) and the
    held-out scores with them. Also the table of every single-mask variant on every source."""
    variants: list[frozenset[str]] = [frozenset()]
    variants += [frozenset({name}) for name in (*MASK_NAMES, RUNS)]
    table: dict[frozenset[str], dict[str, Scores]] = {}
    for number, off in enumerate(variants, 1):
        print(f"masks: variant {number}/{len(variants)}", file=sys.stderr, flush=True)
        table[off] = {log.system: _score_masked(log, off) for log in sources}

    def value(s: Scores) -> float:
        return (s.ga + s.pa) / 2

    held: dict[str, tuple[frozenset[str], Scores]] = {}
    for log in sources:
        others = [name for name in pool if name != log.system]
        base = _mean([value(table[frozenset()][o]) for o in others])
        off = frozenset(
            name
            for variant in variants[1:]
            for name in variant
            if _mean([value(table[variant][o]) for o in others]) > base
        )
        held[log.system] = (
            off,
            table[off][log.system] if off in table else _score_masked(log, off),
        )
    return held, table


def print_outside(loghub: Sequence[LabelledLog], directory: Path) -> None:
    families = load_template_set(directory)
    test = outside_split(directory)
    test_logs = [log for log in families if log.system in test]
    dev_logs = [log for log in families if log.system not in test]
    plain = {log.system: score(log) for log in families}
    print(f"\noutside template set {directory} (hand-labelled real transcripts), default config")
    _print_scores("test", test_logs, plain)
    _print_scores("development", dev_logs, plain)

    sources = [*loghub, *test_logs, *dev_logs]
    pool = {log.system for log in (*loghub, *dev_logs)}
    held, table = mask_leave_one_out(sources, pool)
    print(
        "\nmasks leave-one-source-out: each mask switched off when that raises mean (GA+PA)/2 on "
        "the other Loghub systems and development families; test families only held out"
    )
    print(
        f"{'source':<12}{'held GA':>9}{'FGA':>7}{'PA':>7}  |{'plain GA':>9}{'FGA':>7}{'PA':>7}  off"
    )
    parts = (("test", test_logs), ("development", dev_logs), ("Loghub", loghub))
    for part, logs in parts:
        for log in logs:
            off, s = held[log.system]
            p = table[frozenset()][log.system]
            print(
                f"{log.system:<12}{s.ga:>9.3f}{s.fga:>7.3f}{s.pa:>7.3f}  |"
                f"{p.ga:>9.3f}{p.fga:>7.3f}{p.pa:>7.3f}  {','.join(sorted(off)) or '-'}"
            )
        if logs:
            hs = [held[log.system][1] for log in logs]
            ps = [table[frozenset()][log.system] for log in logs]
            print(
                f"{'mean ' + part:<12}{_mean([s.ga for s in hs]):>9.3f}"
                f"{_mean([s.fga for s in hs]):>7.3f}{_mean([s.pa for s in hs]):>7.3f}  |"
                f"{_mean([s.ga for s in ps]):>9.3f}{_mean([s.fga for s in ps]):>7.3f}"
                f"{_mean([s.pa for s in ps]):>7.3f}"
            )
    print("\neffect of switching one mask off (mean GA / PA, off minus on), folds switching it off")
    print(f"{'mask':<16}" + "".join(f"{part:>16}" for part, _ in parts) + f"{'off in':>8}")
    for name in (*MASK_NAMES, RUNS):
        variant = frozenset({name})
        row = f"{name:<16}"
        for _, logs in parts:
            ga = _mean(
                [table[variant][g.system].ga - table[frozenset()][g.system].ga for g in logs]
            )
            pa = _mean(
                [table[variant][g.system].pa - table[frozenset()][g.system].pa for g in logs]
            )
            row += f"{ga:>+8.3f}{pa:>+8.3f}"
        folds = sum(name in off for off, _ in held.values())
        print(row + f"{folds:>5}/{len(held)}")


def all_scores(loghub: Sequence[LabelledLog], directory: Path) -> dict[str, Scores]:
    """Default-config scores of every Loghub system and outside family, by name."""
    masking._mask_shape.cache_clear()
    return {log.system: score(log) for log in (*loghub, *load_template_set(directory))}


def scores_at(revision: str, loghub_dir: Path, directory: Path) -> dict[str, Scores]:
    """``all_scores`` with the pattern package of git ``revision``, in a subprocess: its
    ``resync_analytics/patterns`` is extracted to a temporary folder placed before this tree
    on the path (the package imports nothing else of the product)."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(
            [
                "git",
                "archive",
                revision,
                "resync_analytics/__init__.py",
                "resync_analytics/patterns",
            ],
            cwd=root,
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([folder, str(root)])}
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.patterns",
                "--loghub",
                str(loghub_dir.resolve()),
                "--scores-json",
                str(directory.resolve()),
            ],
            cwd=folder,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return {name: Scores(*values) for name, values in json.loads(out).items()}


def print_compare(
    before: dict[str, Scores],
    after: dict[str, Scores],
    development: Sequence[str],
    test: Sequence[str],
    label: str,
) -> None:
    """Per development source: before/after and the leave-one-source-out choice."""

    def value(s: Scores) -> float:
        return (s.ga + s.pa) / 2

    print(f"\n{label} (before) against the working tree (after), default config")
    print(
        f"{'source':<12}{'GA bef':>8}{'aft':>7}{'PA bef':>8}{'aft':>7}{'dGA':>8}{'dPA':>8}"
        f"  {'LOSO: kept?':<12}{'held GA':>8}{'PA':>7}"
    )
    wins = ties = losses = 0
    worst = 0.0
    held: list[Scores] = []
    for name in development:
        b, a = before[name], after[name]
        others = [o for o in development if o != name]
        kept = _mean([value(after[o]) for o in others]) > _mean([value(before[o]) for o in others])
        chosen = a if kept else b
        held.append(chosen)
        d_ga, d_pa = a.ga - b.ga, a.pa - b.pa
        delta = value(a) - value(b)
        wins += delta > 1e-9
        ties += abs(delta) <= 1e-9
        losses += delta < -1e-9
        worst = min(worst, d_ga, d_pa)
        print(
            f"{name:<12}{b.ga:>8.3f}{a.ga:>7.3f}{b.pa:>8.3f}{a.pa:>7.3f}{d_ga:>+8.3f}{d_pa:>+8.3f}"
            f"  {'yes' if kept else 'no':<12}{chosen.ga:>8.3f}{chosen.pa:>7.3f}"
        )
    for part, names in (("development", development), ("test (mean)", test)):
        if not names:
            continue
        sb = [before[n] for n in names]
        sa = [after[n] for n in names]
        print(
            f"{part:<12}{_mean([s.ga for s in sb]):>8.3f}{_mean([s.ga for s in sa]):>7.3f}"
            f"{_mean([s.pa for s in sb]):>8.3f}{_mean([s.pa for s in sa]):>7.3f}"
            f"{_mean([s.ga for s in sa]) - _mean([s.ga for s in sb]):>+8.3f}"
            f"{_mean([s.pa for s in sa]) - _mean([s.pa for s in sb]):>+8.3f}"
            + (
                f"  {'held-out':<12}{_mean([s.ga for s in held]):>8.3f}"
                f"{_mean([s.pa for s in held]):>7.3f}"
                if part == "development"
                else ""
            )
        )
    print(
        f"(GA+PA)/2 per development source: {wins} better, {ties} equal, {losses} worse; "
        f"largest drop of GA or PA {worst:+.3f}"
    )


def ours(messages: Sequence[str]) -> list:
    return mine_groups(messages)


def mask_and_exact(messages: Sequence[str]) -> list:
    return [mask_variables(message) for message in messages]


def _drain3(with_masks: bool) -> Grouper | None:
    try:
        from drain3 import TemplateMiner
        from drain3.masking import MaskingInstruction
        from drain3.template_miner_config import TemplateMinerConfig
    except ImportError:
        return None
    logging.getLogger("drain3").setLevel(logging.WARNING)

    def group(messages: Sequence[str]) -> list:
        config = TemplateMinerConfig()
        if with_masks:
            config.masking_instructions = [MaskingInstruction(p, m) for p, m in _DRAIN3_MASKS]
        miner = TemplateMiner(config=config)
        return [miner.add_log_message(message)["cluster_id"] for message in messages]

    return group


def _fresh(grouper: Grouper) -> Grouper:
    # Each measurement starts cold: our masks memoise shapes across calls.
    def run(messages: Sequence[str]) -> list:
        masking._mask_shape.cache_clear()
        return grouper(messages)

    return run


def _jittered(logs: Sequence[LabelledLog], lines: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    digits = "0123456789"
    pool = [message for log in logs for message in log.messages]
    out: list[str] = []
    while len(out) < lines:
        for message in pool:
            out.append("".join(rng.choice(digits) if c.isdigit() else c for c in message))
            if len(out) == lines:
                break
    return out


def _rate(grouper: Grouper, messages: Sequence[str]) -> float:
    start = time.perf_counter()
    grouper(messages)
    return len(messages) / (time.perf_counter() - start)


def _cli_rate(messages: Sequence[str]) -> float:
    from resync_flows.cli.patterns import mine

    with tempfile.NamedTemporaryFile("w", suffix=".log", encoding="utf-8") as handle:
        handle.write("\n".join(messages) + "\n")
        handle.flush()
        masking._mask_shape.cache_clear()
        sink = io.StringIO()
        start = time.perf_counter()
        with redirect_stdout(sink):
            mine(Path(handle.name), as_json=True, top=30)
        elapsed = time.perf_counter() - start
    if sink.getvalue().count("\n") != len(messages):
        raise RuntimeError("patterns mine --json did not print one line per message")
    return len(messages) / elapsed


# 64 KiB lines (the most the miner reads of one message) built to make a regex rescan the
# rest of a run from every word in it; a plain line of words of the same size is the baseline.
_LONG = 64 * 1024
_ADVERSARIAL = {
    "dotted name": "a1." + "b." * (_LONG // 2 - 4),
    "dotted, no TLD": ("x1.y." * (_LONG // 5)) + "q",
    "dashed word": "a-" * (_LONG // 2),
    "underscored": "a_-" * (_LONG // 3),
    "colon list": "1:" * (_LONG // 2),
    "path with spaces": "/" + "aa " * (_LONG // 3),
    "key=value": "PSR0=1 " * (_LONG // 7),
    "relative path": "a/" * (_LONG // 2) + "b",
    "quoted dots": "'" + "a." * (_LONG // 2) + "b",
    "dashed code": "A-" * (_LONG // 2) + "12",
    "source:line": "a." * (_LONG // 2) + "java:12",
    "user@host": "a@b." * (_LONG // 4),
    "quoted values": "='1" * (_LONG // 3),
    "backslash path": "a\\" * (_LONG // 2) + "b",
    "capital qualifiers": "A." * (_LONG // 2) + "b",
}


def print_adversarial_masking() -> None:
    """Masking time of each adversarial line as a multiple of a plain line of that size."""

    def seconds(text: str) -> float:
        start = time.perf_counter()
        masking._mask(text)
        return time.perf_counter() - start

    plain = min(seconds("word " * (_LONG // 5)) for _ in range(3))
    print(f"\nmasking one 64 KiB line, as a multiple of a plain one ({plain * 1000:.0f} ms):")
    for name, text in _ADVERSARIAL.items():
        print(f"  {name:<18}{seconds(text) / plain:>8.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loghub", type=Path, default=DEFAULT_LOGHUB)
    parser.add_argument("--lines", type=int, default=200_000, help="lines for the speed run")
    parser.add_argument("--skip-loso", action="store_true", help="no GA/FGA/PA or leave-one-out")
    parser.add_argument("--skip-speed", action="store_true", help="no lines/s measurement")
    parser.add_argument(
        "--outside", type=Path, help="hand-labelled template set (tests/data/templates)"
    )
    parser.add_argument(
        "--compare-to",
        metavar="REV",
        help="with --outside: per-source scores of git REV's miner against the working tree's",
    )
    parser.add_argument("--scores-json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.loghub.is_dir():
        sys.exit(f"Loghub data not found at {args.loghub} (--loghub DIR)")
    logs = load_loghub(args.loghub)
    if args.scores_json is not None:
        # The worker of --compare-to: scores of whichever pattern package is on the path.
        found = all_scores(logs, args.scores_json)
        print(json.dumps({name: [s.ga, s.fga, s.pa] for name, s in found.items()}))
        return
    if args.compare_to is not None:
        if args.outside is None:
            sys.exit("--compare-to needs --outside DIR")
        test = outside_split(args.outside)
        families = [log.system for log in load_template_set(args.outside)]
        development = [log.system for log in logs] + [f for f in families if f not in test]
        before = scores_at(args.compare_to, args.loghub, args.outside)
        after = all_scores(logs, args.outside)
        print_compare(
            before, after, development, [f for f in families if f in test], args.compare_to
        )
        return

    miners: dict[str, Grouper] = {"ours": ours, "mask+exact": mask_and_exact}
    for name, with_masks in (("drain3", False), ("drain3+masks", True)):
        grouper = _drain3(with_masks)
        if grouper is not None:
            miners[name] = grouper
    if "drain3" not in miners:
        print("drain3 not importable: its columns are left out (see the module docstring)\n")

    names = list(miners)
    print(f"{'Grouping Accuracy':<18}" + "".join(f"{n:>14}" for n in names))
    totals = dict.fromkeys(names, 0.0)
    by_system: dict[str, dict[str, float]] = {}
    for log in logs:
        row = f"{log.system:<18}"
        for name in names:
            score = grouping_accuracy(log.events, _fresh(miners[name])(log.messages))
            totals[name] += score
            by_system.setdefault(log.system, {})[name] = score
            row += f"{score:>14.3f}"
        print(row)
    print(f"{'average':<18}" + "".join(f"{totals[n] / len(logs):>14.3f}" for n in names))
    if "drain3" in names:
        behind = [s for s, row in by_system.items() if row["ours"] < row["drain3"]]
        print("systems where ours is below drain3: " + (", ".join(behind) or "none"))

    if args.outside is not None:
        print_outside(logs, args.outside)
    if not args.skip_loso:
        print_metrics_and_loso(logs, LOSO_GRID)
    if args.skip_speed:
        return

    print_adversarial_masking()
    stream = _jittered(logs, args.lines, seed=7)
    print(f"\nlines/s on {len(stream):,} lines (digits re-drawn, same lines for all)")
    rates = {name: _rate(_fresh(miners[name]), stream) for name in names}
    for name in names:
        ratio = rates[name] / rates["ours"]
        print(f"{name:<18}{rates[name]:>14,.0f}   ({ratio:.2f}x ours)")
    cli = _cli_rate(stream)
    print(f"{'ours, CLI --json':<18}{cli:>14,.0f}   (file read, mined, JSON lines written)")
    if "drain3" in rates:
        print(f"\nours vs drain3 default: {rates['ours'] / rates['drain3']:.2f}x the speed")


if __name__ == "__main__":
    main()

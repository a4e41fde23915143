"""Pattern miner against drain3 and a trivial baseline: Grouping Accuracy and lines/s.

    .venv/bin/python -m bench.patterns [--loghub ../shared/data/loghub-2k] [--lines 200000]

Quality: Grouping Accuracy (GA) on every Loghub 2k system found under ``--loghub``
(default ``../shared/data/loghub-2k``), one generic configuration for all. Speed: lines/s on
a larger stream built from the same messages with their digits re-drawn at random (so lines
repeat in shape, as real logs do, but rarely verbatim), every miner on the same lines in the
same run; plus the full ``patterns mine --json`` path (file in, JSON lines out).

Miners: ``ours`` (resync_analytics.patterns), ``drain3`` with its defaults and ``drain3+masks`` with
the generic masks of its documentation, and ``mask+exact`` (our masks, then identical masked
messages grouped together). drain3 is optional: its ``cachetools==4.2.1`` pin conflicts with
Prefect's, so install it apart, e.g. ``pip install --no-deps --target /tmp/d3 drain3
jsonpickle`` and run with ``PYTHONPATH=/tmp/d3``.

Goals: average GA >= .85 over the 8 systems; lines/s >= drain3's.
"""

from __future__ import annotations

import argparse
import io
import logging
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import redirect_stdout
from pathlib import Path

from resync_analytics.patterns import masking
from resync_analytics.patterns.evaluation import (
    LabelledLog,
    grouping_accuracy,
    load_loghub,
    mine_groups,
)
from resync_analytics.patterns.masking import mask_variables

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loghub", type=Path, default=DEFAULT_LOGHUB)
    parser.add_argument("--lines", type=int, default=200_000, help="lines for the speed run")
    args = parser.parse_args()
    if not args.loghub.is_dir():
        sys.exit(f"Loghub data not found at {args.loghub} (--loghub DIR)")
    logs = load_loghub(args.loghub)

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
    for log in logs:
        row = f"{log.system:<18}"
        for name in names:
            score = grouping_accuracy(log.events, _fresh(miners[name])(log.messages))
            totals[name] += score
            row += f"{score:>14.3f}"
        print(row)
    print(f"{'average':<18}" + "".join(f"{totals[n] / len(logs):>14.3f}" for n in names))

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

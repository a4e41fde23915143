"""Peak memory of ``resync-flows patterns mine --json`` on very long lines, against short ones.

    .venv/bin/python -m bench.patterns_memory [--limit-gb 6]

Each case writes a file, runs the real CLI in a subprocess and reads that child's peak RSS
(``os.wait4``'s ``ru_maxrss``). The baseline in the same run is the same number of bytes of
ordinary log lines (the Loghub 2k messages, repeated), so the number to read is the ratio:
memory should depend on the bytes mined, not on how many tokens share a line. (Random short
lines make a poor baseline: each founds a template of its own, which costs time, not memory.)

Cases: 20 lines x 5,000 words and 20 lines x 20,000 words (random 7-letter words, ~3 MB for
the latter; the CLI reads at most 64 KiB of a line, ~8,200 words). Before token caps, mining
grew with the square of the words per line (20 x 20,000 took 10.7 GB). Each child runs under
an address-space limit (``--limit-gb``) so a regression fails fast instead of taking the host.

Goal: every long-line case within 1.5x the baseline's peak RSS.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LOGHUB = ROOT.parent / "shared" / "data" / "loghub-2k"
CLI = [sys.executable, "-m", "resync_flows.cli", "patterns", "mine"]


def _words(rng: random.Random, count: int) -> str:
    letters = string.ascii_lowercase
    return " ".join("".join(rng.choices(letters, k=7)) for _ in range(count))


def write_long_lines(path: Path, lines: int, words: int, seed: int = 7) -> int:
    """``lines`` lines of ``words`` random words each; returns the bytes written."""
    rng = random.Random(seed)
    with path.open("w") as out:
        for _ in range(lines):
            out.write(_words(rng, words) + "\n")
    return path.stat().st_size


def write_short_lines(path: Path, total_bytes: int, loghub: Path) -> None:
    """About ``total_bytes`` of real log lines: the Loghub 2k messages, repeated."""
    from resync_analytics.patterns.evaluation import load_loghub

    messages = [m for log in load_loghub(loghub) for m in log.messages]
    if not messages:
        raise SystemExit(f"no Loghub logs under {loghub}")
    written = 0
    with path.open("w") as out:
        while written < total_bytes:
            for message in messages:
                line = message + "\n"
                out.write(line)
                written += len(line.encode())
                if written >= total_bytes:
                    break


def peak_rss_mb(path: Path, limit_gb: float) -> tuple[float, float, str]:
    """Run ``patterns mine PATH --json``; (peak RSS MB, seconds, outcome)."""
    limit = int(limit_gb * 1024**3)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.perf_counter()
    child = subprocess.Popen(
        [*CLI, str(path), "--json"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=cap,
    )
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if child.returncode == 0:
        outcome = "ok"
    elif b"MemoryError" in err:
        outcome = f"MemoryError at the {limit_gb:g} GB cap"
    else:
        outcome = f"exit {child.returncode}: {err.decode(errors='replace').strip()[-200:]}"
    return usage.ru_maxrss / 1024, elapsed, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loghub", type=Path, default=DEFAULT_LOGHUB)
    parser.add_argument("--limit-gb", type=float, default=6.0, help="address-space cap per run")
    args = parser.parse_args()
    cases = [(20, 5_000), (20, 20_000)]
    with tempfile.TemporaryDirectory(prefix="resync-bench-") as tmp:
        folder = Path(tmp)
        sizes = {}
        for lines, words in cases:
            sizes[(lines, words)] = write_long_lines(folder / f"long-{words}.log", lines, words)
        baseline_file = folder / "short.log"
        write_short_lines(baseline_file, max(sizes.values()), args.loghub)
        base_mb, base_s, base_outcome = peak_rss_mb(baseline_file, args.limit_gb)
        print(f"{'input':<34}{'bytes':>11}{'peak RSS MB':>13}{'x base':>8}{'s':>7}  outcome")
        print(
            f"{'baseline: same bytes, Loghub lines':<34}{baseline_file.stat().st_size:>11,}"
            f"{base_mb:>13.0f}{1.0:>8.2f}{base_s:>7.1f}  {base_outcome}"
        )
        for lines, words in cases:
            path = folder / f"long-{words}.log"
            mb, seconds, outcome = peak_rss_mb(path, args.limit_gb)
            label = f"{lines} lines x {words:,} words"
            print(
                f"{label:<34}{sizes[(lines, words)]:>11,}{mb:>13.0f}"
                f"{mb / base_mb:>8.2f}{seconds:>7.1f}  {outcome}"
            )


if __name__ == "__main__":
    main()

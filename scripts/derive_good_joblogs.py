"""Derive a good run from a real failing joblog, for the pass/fail-pair benchmark.

Where no real successful run of the same job is at hand, a stand-in is made from the failing
run: the failing region is removed (the error statement with the block of error, kill,
signal and traceback lines leading to it, and everything the job printed after it), the TWS
trailer says exit status 0, and the variable fields (timestamps, dates, durations, job
numbers, hex ids) carry other values, as a run on another night would print them. What the
job printed before it failed is kept: that is what it prints when it succeeds too (which
flatters a baseline when that output held the failure's first signs).

    python -m scripts.derive_good_joblogs          # writes tests/data/joblogs/pairs/

Each pair's labelled error range (``[first, last]``): the labelled root-cause line and the
indented lines continuing it. Pairs whose good run is real are listed in ``REAL_GOOD_RUNS``
below and kept as they are.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "joblogs" / "real"
PAIRS = ROOT / "tests" / "data" / "joblogs" / "pairs"

_BANNER = re.compile(rb"^(=|WA for UNIX/JOBMANRC|AWSBIS307I)")
_TRAILER_START = re.compile(rb"^(AWSBIS308I|={20,}\s*$)")
_EXIT = re.compile(rb"^(= Exit Status\s*:\s*)\d+")
# Lines that belong to an error statement before its labelled line (a traceback, a chain).
_LEAD_IN = re.compile(
    rb"^(\s|Traceback|Caused by|During handling|The above exception|"
    rb"[\w.$]+(Exception|Error)\b)"
    rb"|(?i:error|exception|fail|fatal|abort|denied|refused|killed|terminated|oom|signal"
    rb"|core dumped|segmentation|timed out|timeout)"
)
_CONTINUATION = re.compile(rb"^(\s+\S|\tat |at \S)")
_VARIABLE = re.compile(
    rb"\b\d{4}-\d{2}-\d{2}|\b\d{2}/\d{2}/\d{2,4}\b"  # dates
    rb"|\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"  # times
    rb"|\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds|min)\b"  # durations
    rb"|(?<=Job Number: )\d+|(?<=pid )\d+|(?<=PID )\d+"  # job numbers, pids
    rb"|\b[0-9a-f]{8,}\b"  # hex ids
)


def _shift_digits(match: re.Match[bytes]) -> bytes:
    """Another night's value of the same shape: the last digit of each number moves on."""
    return re.sub(
        rb"\d+",
        lambda m: m.group(0)[:-1] + str((int(m.group(0)[-1:]) + 1) % 10).encode(),
        match.group(0),
    )


def error_range(lines: list[bytes], error_line: int) -> tuple[int, int]:
    """The labelled line and the indented lines continuing it (1-based, inclusive)."""
    last = error_line
    while last < len(lines) and _CONTINUATION.match(lines[last]) and last - error_line < 40:
        last += 1
    return error_line, last


def body_bounds(lines: list[bytes]) -> tuple[int, int]:
    """Indexes (0-based, half-open) of the job's own output between TWS banner and trailer."""
    start = 0
    while start < len(lines) and start < 40 and _BANNER.match(lines[start]):
        start += 1
    end = len(lines)
    for index in range(len(lines) - 1, start - 1, -1):
        if _TRAILER_START.match(lines[index]) or lines[index].startswith(b"= "):
            end = index
        elif lines[index].strip():
            break
    return start, end


def derive_good_run(data: bytes, error_line: int) -> bytes:
    """The stand-in good run of a failing joblog (see the module's docstring)."""
    lines = data.split(b"\n")
    start, end = body_bounds(lines)
    # The failure's block before its labelled line: lines stating errors, kills, signals or
    # continuing a traceback, with at most one unrelated line between two of them.
    cut = error_line - 1
    index, misses = cut - 1, 0
    while index >= start and misses < 2 and error_line - index < 200:
        if _LEAD_IN.search(lines[index]):
            cut, misses = index, 0
        else:
            misses += 1
        index -= 1
    kept = lines[:start] + lines[start:cut] + lines[end:]
    rewritten = [_EXIT.sub(rb"\g<1>0", _VARIABLE.sub(_shift_digits, line)) for line in kept]
    return b"\n".join(rewritten)


def wrap_real_output(failing: bytes, output: bytes) -> bytes:
    """A real successful run's output in the failing run's TWS stdlist: its banner and
    trailer (variable fields rewritten, exit status 0) around ``output``, with its line ends."""
    newline = b"\r\n" if b"\r\n" in failing else b"\n"
    lines = failing.split(b"\n")
    start, end = body_bounds(lines)
    body = output.replace(b"\r\n", b"\n").rstrip(b"\n").split(b"\n")
    if newline == b"\r\n":
        body = [line + b"\r" for line in body]
    kept = lines[:start] + body + lines[end:]
    return b"\n".join(_EXIT.sub(rb"\g<1>0", _VARIABLE.sub(_shift_digits, line)) for line in kept)


# Real successful runs of the same tool and command (the same job where the thread has it),
# from the public source named; the output is in pairs/real_output/, anonymised as the
# failing transcript is.
_SQLLDR = {
    "output": "sqlldr_database_gui_6.txt",
    "url": "https://github.com/ThreeFourSeven/Database-Gui/issues/6",
    "note": "the same project's seed loop (sqlplus schema, sqlldr loads) run successfully",
}
_RSYNC = {
    "output": "rsync_avp_oferchen_6108.txt",
    "url": "https://github.com/oferchen/rsync/issues/6108",
    "note": "upstream rsync -avP run that succeeded (quoted for comparison in the thread)",
}
REAL_GOOD_RUNS: dict[str, list[dict[str, str]]] = {
    "fnf_sqlldr_windows_csv_missing_repeated.log": [_SQLLDR],
    "input_sqlldr_ora12899_value_too_large.log": [_SQLLDR],
    "cmd_zfs_autobackup_cron_exit127.log": [
        {
            "output": "zfs_autobackup_244.txt",
            "url": "https://github.com/psy0rz/zfs_autobackup/issues/244",
            "note": "zfs-autobackup -v run that ended successfully",
        }
    ],
    "net_ansible_ping_unreachable_timeout.log": [
        {
            "output": "ansible_ping_philote_7.txt",
            "url": "https://github.com/noctux/philote/pull/7",
            "note": "ansible all -m ping answered SUCCESS/pong",
        }
    ],
    "timeout_curl28_clamav_sigs_download.log": [
        {
            "output": "clamav_unofficial_sigs_287.txt",
            "url": "https://github.com/extremeshok/clamav-unofficial-sigs/issues/287",
            "note": "clamav-unofficial-sigs.sh run with nothing due (no update check, no error)",
        }
    ],
    "perm_rsync_send_files_code23.log": [_RSYNC],
    "perm_rsync_chmod_not_permitted.log": [_RSYNC],
}


def build() -> dict[str, object]:
    labels = json.loads((REAL / "labels.json").read_text())
    split = json.loads((REAL / "split.json").read_text())
    test = set(split["test"])
    pairs = []
    PAIRS.mkdir(parents=True, exist_ok=True)
    for name in sorted(labels):
        error_line = labels[name]["error_line"]
        if error_line <= 0:
            continue
        data = (REAL / name).read_bytes()
        first, last = error_range(data.split(b"\n"), error_line)
        real = REAL_GOOD_RUNS.get(name)
        if real:
            good = []
            for number, item in enumerate(real, start=1):
                good_name = f"{name.removesuffix('.log')}.real{number}.good.log"
                output = (PAIRS / "real_output" / item["output"]).read_bytes()
                (PAIRS / good_name).write_bytes(wrap_real_output(data, output))
                good.append(good_name)
            provenance, sources = "real", [item["url"] for item in real]
        else:
            good_name = name.removesuffix(".log") + ".good.log"
            (PAIRS / good_name).write_bytes(derive_good_run(data, error_line))
            good, provenance, sources = [good_name], "derived", []
        pairs.append(
            {
                "failing": f"../real/{name}",
                "good": good,
                "good_provenance": provenance,
                "good_sources": sources,
                "error_range": [first, last],
                "category": labels[name]["category"],
                "split": "test" if name in test else "development",
            }
        )
    manifest: dict[str, object] = {
        "description": (
            "Pass/fail pairs: a real failing joblog (tests/data/joblogs/real) and good runs of "
            "the same job. good_provenance 'real': a successful run of the same tool and "
            "command from the public source in good_sources; 'derived': made from the "
            "failing log by scripts/derive_good_joblogs.py (failing region removed, exit "
            "status 0, variable fields rewritten). error_range: 1-based [first, last] lines "
            "of the failing log that state the root cause. split: the failing log's split in "
            "real/split.json."
        ),
        "pairs": pairs,
    }
    (PAIRS / "pairs.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


if __name__ == "__main__":
    built = build()
    print(f"{len(built['pairs'])} pairs written to {PAIRS}")  # type: ignore[arg-type]

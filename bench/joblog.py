"""Joblog analyser throughput and memory on a large synthetic joblog.

    .venv/bin/python -m bench.joblog [--mb 300]

Prints the analyser's MB/s next to a single compiled-regex scan of the same bytes
(``re.compile(rb"error|fail", re.I).finditer``) measured in the same run, the analyser's time
as a multiple of the scan's, and the peak RSS against the RSS before the analysis. Each figure
is given on the wall clock and on the process's CPU time: on a machine other work shares, the
CPU figures are the ones that describe the code. The analyser's time includes the one-off
start-up of a process's first analysis (loading and compiling the knowledge base, ~0.1 s),
which is also printed on its own with the ratio without it: on a small ``--mb`` it is a
large part of the figure. Size: ``--mb`` or ``RESYNC_BENCH_JOBLOG_MB``
(default 200). Goals: >= 20 MB/s, at most 1.5x the scan's time, memory that does not grow
with the log.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

from resync_analytics.joblog.analyzer import analyze_file
from resync_analytics.joblog.knowledge import knowledge

HEADER = b"""===============================================================
= JOB       : FTA01#NIGHTLY[(0200 03/14/25),(0AAAAAAAAAAAB2CD)].BIG_EXTRACT
= USER      : batchusr
= JCLFILE   : /opt/app/bin/big_extract.sh
= Job Number: 512233
= Fri 03/14/25 02:00:05 CET
===============================================================
WA for UNIX/JOBMANRC 10.2.x
AWSBIS307I Starting /opt/hwa/TWS/jobmanrc /opt/app/bin/big_extract.sh
"""
TRAILER = b"""AWSBIS308I End of job
===============================================================
= Exit Status           : 1
= System Time (Seconds) : 12     Elapsed Time (hh:mm:ss) : 01:10:01
= User Time (Seconds)   : 3400
= Fri 03/14/25 03:10:06 CET
===============================================================
"""
# A realistic mix: mostly progress lines, some warnings and recovered retries that mention
# errors, identifiers containing "error", and one real failure near the end.
BODY = [
    b"2025-03-14 02:%02d:%02d INFO  [extract-%d] fetched 5000 rows from SALES.ORDERS batch %d\n",
    b"2025-03-14 02:%02d:%02d INFO  [extract-%d] wrote /data/out/orders_part_%d.csv (1.2 MB)\n",
    b"2025-03-14 02:%02d:%02d DEBUG [extract-%d] commit checkpoint %d reached, 0 errors so far\n",
    b"2025-03-14 02:%02d:%02d INFO  [extract-%d] progress 37%% (%d of 99999 partitions)\n",
    b"2025-03-14 02:%02d:%02d INFO  [extract-%d] loading into ERRORS_TABLE staging %d\n",
]
MIN_MB_S = 20
MAX_RATIO = 1.5
RARE = b"2025-03-14 02:%02d:%02d WARN  [extract-%d] Connection reset by peer, retrying (%d/5)\n"
FAILURE = b"ORA-01653: unable to extend table SALES.ORDERS_STAGE by 8192 in tablespace STAGE_TS\n"


def generate(path: Path, size_mb: int) -> int:
    target = size_mb * 1024 * 1024
    written = 0
    with path.open("wb") as out:
        out.write(HEADER)
        block = bytearray()
        i = 0
        while written < target:
            block.clear()
            for _ in range(20000):
                i += 1
                template = RARE if i % 997 == 0 else BODY[i % len(BODY)]
                block += template % (i // 60 % 60, i % 60, i % 8, i)
            out.write(block)
            written += len(block)
        out.write(FAILURE)
        out.write(b"ERROR: extract failed, see above\n")
        out.write(TRAILER)
    return path.stat().st_size


def baseline_scan(path: Path) -> int:
    pattern = re.compile(rb"error|fail", re.I)
    hits = 0
    with path.open("rb") as handle:
        carry = b""
        while chunk := handle.read(4 * 1024 * 1024):
            buf = carry + chunk
            cut = buf.rfind(b"\n") + 1
            for _ in pattern.finditer(buf, 0, cut):
                hits += 1
            carry = buf[cut:]
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--mb", type=int, default=int(os.environ.get("RESYNC_BENCH_JOBLOG_MB", 200))
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.joblog"
        size = generate(path, args.mb)
        mb = size / 1024 / 1024
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        start, cpu = time.perf_counter(), time.process_time()
        hits = baseline_scan(path)
        baseline_s, baseline_cpu = time.perf_counter() - start, time.process_time() - cpu

        start, cpu = time.perf_counter(), time.process_time()
        knowledge()  # the start-up a first analysis pays, timed on its own (see below)
        startup_s, startup_cpu = time.perf_counter() - start, time.process_time() - cpu
        analysis = analyze_file(path)
        analyser_s, analyser_cpu = time.perf_counter() - start, time.process_time() - cpu
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    print(f"joblog size               : {mb:8.1f} MB ({analysis.total_lines} lines)")
    print(
        f"baseline regex scan       : {mb / baseline_s:8.1f} MB/s wall, "
        f"{mb / baseline_cpu:.1f} MB/s CPU ({hits} hits, {baseline_s:.2f} s, "
        f"{baseline_cpu:.2f} s CPU)"
    )
    print(
        f"analyser                  : {mb / analyser_s:8.1f} MB/s wall, "
        f"{mb / analyser_cpu:.1f} MB/s CPU ({analyser_s:.2f} s, {analyser_cpu:.2f} s CPU)"
    )
    ratio_wall, ratio_cpu = analyser_s / baseline_s, analyser_cpu / baseline_cpu
    print(
        f"analyser time / scan time : {ratio_wall:8.2f}x wall, {ratio_cpu:.2f}x CPU "
        f"(goal <= {MAX_RATIO}x)"
    )
    print(
        f"  of which start-up       : {startup_s:8.2f} s wall, {startup_cpu:.2f} s CPU "
        f"(knowledge base load); without it "
        f"{(analyser_cpu - startup_cpu) / baseline_cpu:.2f}x CPU"
    )
    print(
        f"peak RSS                  : {rss_after / 1024:8.1f} MB "
        f"(before analysis {rss_before / 1024:.1f} MB, +{(rss_after - rss_before) / 1024:.1f} MB)"
    )
    print(
        f"verdict                   : {analysis.category} at line {analysis.error_line}: "
        f"{analysis.root_cause}"
    )
    if mb / analyser_cpu < MIN_MB_S:
        print(f"below the {MIN_MB_S} MB/s goal", file=sys.stderr)
    if ratio_cpu > MAX_RATIO:
        print(f"slower than {MAX_RATIO}x the regex scan", file=sys.stderr)


if __name__ == "__main__":
    main()

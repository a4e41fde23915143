"""Secret masking throughput on a joblog of the size the poller stores.

    .venv/bin/python -m bench.masking [--mb 8]

``mask_secrets`` runs on every stored joblog (up to ``joblog_max_bytes``, 8 MB by default) and
on every line the analyser shows. Prints MB/s for a typical mix (progress lines, every 50th an
echoed command with credentials), a dense one (every line such a command), a worst case of
lines full of near misses (``-p``/``password``/``://`` without a value) and one huge line, next
to one compiled-regex scan of the same text. Size: ``--mb`` or ``RESYNC_BENCH_MASKING_MB``
(default 8).
"""

from __future__ import annotations

import argparse
import os
import re
import time

from resync_analytics.masking import mask_secrets

# Most joblog lines are progress lines; every 50th one here echoes a command with credentials.
TYPICAL = [
    "2025-03-14 02:{m:02d}:{s:02d} INFO  [extract-{i}] fetched 5000 rows from SALES.ORDERS\n",
    "2025-03-14 02:{m:02d}:{s:02d} INFO  [extract-{i}] wrote /data/out/orders_{i}.csv (1.2 MB)\n",
    "2025-03-14 02:{m:02d}:{s:02d} DEBUG [extract-{i}] commit checkpoint reached, 0 errors\n",
    "2025-03-14 02:{m:02d}:{s:02d} INFO  [extract-{i}] progress 37% ({i} of 99999 partitions)\n",
    "2025-03-14 02:{m:02d}:{s:02d} INFO  [extract-{i}] loading into ERRORS_TABLE staging\n",
]
# Every line a command or connection string (a script run with set -x): the worst real case.
DENSE = [
    "2025-03-14 02:{m:02d}:{s:02d} INFO  [extract-{i}] fetched 5000 rows from SALES.ORDERS\n",
    "2025-03-14 02:{m:02d}:{s:02d} INFO  [extract-{i}] wrote /data/out/orders_{i}.csv (1.2 MB)\n",
    "+ sqlplus -s etl/Tiger{i}@DWPROD @/opt/app/sql/load_{i}.sql\n",
    "+ curl -fsS -u etl:Pw{i} https://api.example.com/upload/{i} -T out.csv\n",
    "+ mysql -h db02 -u etl -p dw < /opt/app/sql/step_{i}.sql\n",
    "connecting to jdbc:oracle:thin:@//db01:1521/ORCL;user=etl;password=X{i};\n",
    "2025-03-14 02:{m:02d}:{s:02d} WARN  retry {i}/5: Connection reset by peer (db01:1521)\n",
    "+ mkdir -p /data/out/{i} && cp -p /data/in/{i}.csv /data/out/{i}/\n",
]
# Near misses: each prefix makes a rule start matching, then fail.
ADVERSARIAL = (
    "-p -p -p -u -u password password: token= https:// a:b c/d e@f "
    "curl -u sshpass -p smbclient -U net use \\\\h\\s /user: jdbc:oracle:thin: "
    + "x" * 200
    + " :// " * 20
    + "@" * 50
    + "/" * 50
    + "\n"
)


def realistic_text(size_mb: int, dense: bool = True) -> str:
    target = size_mb * 1024 * 1024
    parts: list[str] = []
    written = i = 0
    while written < target:
        i += 1
        if dense or i % 50 == 0:
            line = DENSE[i % len(DENSE)].format(m=i // 60 % 60, s=i % 60, i=i)
        else:
            line = TYPICAL[i % len(TYPICAL)].format(m=i // 60 % 60, s=i % 60, i=i)
        parts.append(line)
        written += len(line)
    return "".join(parts)


def measure(name: str, text: str) -> float:
    mb = len(text.encode()) / 1024 / 1024
    start = time.perf_counter()
    for _ in re.finditer(r"(?i)error|fail", text):
        pass
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    mask_secrets(text)
    seconds = time.perf_counter() - start
    print(
        f"{name:<12}: {mb:6.1f} MB masked in {seconds:6.2f} s = {mb / seconds:7.1f} MB/s "
        f"(regex scan baseline {mb / baseline:7.1f} MB/s)"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=int(os.environ.get("RESYNC_BENCH_MASKING_MB", 8)))
    args = parser.parse_args()
    measure("typical", realistic_text(args.mb, dense=False))
    measure("dense", realistic_text(args.mb))
    adversarial = ADVERSARIAL * (args.mb * 1024 * 1024 // len(ADVERSARIAL))
    measure("adversarial", adversarial)
    # Linear: one line of 4x the length must not cost much more than 4x.
    long_line = ("-p " + "a" * 1000 + " ") * (args.mb * 256)
    measure("one line", long_line)


if __name__ == "__main__":
    main()

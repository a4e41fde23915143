"""Catalogue of the ways a TWS batch job fails, written the way the job's own output shows them.

Each :class:`FailureTemplate` is one realistic failure scenario (a category from the joblog
taxonomy, the return code the job exits with, a relative frequency) plus a ``compose`` function
that writes the job's stdout/stderr into a :class:`JobOutput`, marking exactly one line as the
root cause and naming the entities (paths, tables, host:port, users, codes) that occur in it.

The scenarios are deliberately not easy to classify: they carry warnings that are not the cause,
errors that were retried and recovered before the real failure, the word "error" inside names,
"0 errors" summaries and cascades of consequential errors after the first causal one. The
root-cause line is always the FIRST causal line: for Java the deepest ``Caused by:``, for Python
the final ``XxxError:`` line of the traceback, for a cascade the error that started it.

The TWS banners around the output, hostile bytes and line numbering live in
:mod:`resync_simulator.joblogs`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from resync_core.taxonomy import CATEGORIES as TAXONOMY
from resync_simulator.model import AgentKind

# The taxonomy is the product's contract (architecture.md); ground truth uses the same one.
CATEGORIES: tuple[str, ...] = TAXONOMY

# Timestamp styles as the programs that write them use them (strftime plus {ms} for millis).
TS_ISO = "%Y-%m-%d %H:%M:%S"
TS_JAVA = "%Y-%m-%d %H:%M:%S.{ms}"
TS_PYTHON = "%Y-%m-%d %H:%M:%S,{ms}"
TS_DATE_CMD = "%a %b %d %H:%M:%S %Z %Y"
TS_SYSLOG = "%b %d %H:%M:%S"
TS_COMPACT = "%Y%m%d-%H%M%S"
TS_EUROPEAN = "%d/%m/%Y %H:%M:%S"
TS_ISO_T = "%Y-%m-%dT%H:%M:%S.{ms}%z"
TS_SAP = "%d.%m.%Y %H:%M:%S"

_ANSI_LEVEL_COLOURS = {"ERROR": "31", "FATAL": "31;1", "WARN": "33", "WARNING": "33", "INFO": "32"}


class JobOutput:
    """The stdout/stderr of one job run, as a failure template writes it.

    Lines are stored as bytes without their terminator. Exactly one line may be marked as the
    root cause with :meth:`cause`; entities named there (or with :meth:`entity`) must occur
    byte-for-byte in the output. The clock only moves forward and never passes ``end``.
    """

    def __init__(
        self,
        rng: random.Random,
        *,
        workstation: str,
        job_name: str,
        job_stream: str,
        user: str,
        script: str,
        return_code: int,
        agent_kind: AgentKind,
        start: datetime,
        end: datetime,
        long_log: bool = False,
        ansi: bool = False,
    ) -> None:
        self.rng = rng
        self.workstation = workstation
        self.job_name = job_name
        self.job_stream = job_stream
        self.user = user
        self.script = script
        self.return_code = return_code
        self.agent_kind = agent_kind
        self.long_log = long_log
        self.ansi = ansi
        self.lines: list[bytes] = []
        self.cause_index: int | None = None
        self.entities: list[str] = []
        self._now = start
        self._end = max(end, start)
        self.pid = rng.randint(2_000, 4_000_000)  # the job's main process

    # -- writing -------------------------------------------------------------------------
    def say(self, text: str) -> None:
        """Append one or more lines (a text containing newlines becomes several lines)."""
        for line in text.split("\n"):
            self.lines.append(line.encode("utf-8"))

    def say_bytes(self, data: bytes) -> None:
        """Append one line given as raw bytes (e.g. a message in a legacy 8-bit encoding)."""
        self.lines.append(data)

    def cause(self, text: str | bytes, *entities: str) -> None:
        """Append the single line that states the root cause and record its entities."""
        if self.cause_index is not None:
            raise ValueError("a joblog has exactly one root-cause line")
        data = text.encode("utf-8") if isinstance(text, str) else text
        if b"\n" in data:
            raise ValueError("the root-cause line must be a single line")
        self.cause_index = len(self.lines)
        self.lines.append(data)
        self.entity(*entities)

    def entity(self, *values: str) -> None:
        """Record entities (strings that occur exactly in the output) of the root cause."""
        for value in values:
            if value and value not in self.entities:
                self.entities.append(value)

    # -- helpers for templates -----------------------------------------------------------
    def pick(self, options: Sequence[str]) -> str:
        return options[self.rng.randrange(len(options))]

    def now(self, style: str = TS_ISO) -> str:
        """The current time in ``style`` after advancing the clock a little."""
        remaining = (self._end - self._now).total_seconds()
        if remaining > 0:
            self._now += timedelta(seconds=remaining * self.rng.uniform(0.0, 0.06))
        if self._now.tzinfo is None:
            style = style.replace(" %Z", "").replace("%z", "")
        text = self._now.strftime(style.replace("{ms}", "%%MS%%"))
        return text.replace("%MS%", f"{self.rng.randrange(1000):03d}")

    def level(self, name: str) -> str:
        """A log level token, coloured with ANSI codes when the job writes to a 'terminal'."""
        if not self.ansi or name not in _ANSI_LEVEL_COLOURS:
            return name
        return f"\x1b[{_ANSI_LEVEL_COLOURS[name]}m{name}\x1b[0m"

    def progress(self, render: Callable[[int, int], str], typical: int = 6) -> None:
        """Write the repetitive progress lines of the job's main work.

        ``render(i, total)`` returns line ``i`` of ``total``. Usually a handful of lines; in a
        long log, ten thousand and more, as a chatty loader would print before failing.
        """
        if self.long_log:
            total = self.rng.randint(10_000, 14_000)
        else:
            total = self.rng.randint(max(1, typical // 2), typical * 2)
        for i in range(1, total + 1):
            self.say(render(i, total))


@dataclass(frozen=True)
class FailureTemplate:
    """One realistic failure scenario the simulator can give a job.

    ``template_id`` is stable across releases; ``category`` is one of :data:`CATEGORIES`;
    ``return_code`` is the RC the job exits with; ``weight`` is its relative frequency among
    failures. ``cause_pattern`` is a bytes regex that the root-cause line matches in every
    variant. ``job_status`` is "FAIL" when the job never launched, else "ABEND".
    """

    template_id: str
    category: str
    return_code: int
    weight: float
    summary: str
    cause_pattern: bytes
    compose: Callable[[JobOutput], None] = field(repr=False, compare=False)
    job_status: Literal["ABEND", "FAIL"] = "ABEND"

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES or self.category == "success":
            raise ValueError(f"{self.template_id}: not a failure category: {self.category}")
        if self.weight <= 0:
            raise ValueError(f"{self.template_id}: weight must be positive")
        re.compile(self.cause_pattern)


def pick_failure(rng: random.Random) -> FailureTemplate:
    """A failure template drawn according to the templates' weights (deterministic per rng)."""
    return rng.choices(FAILURE_TEMPLATES, weights=_WEIGHTS, k=1)[0]


# ---------------------------------------------------------------------------------------------
# Parameter pools: what real shops name their files, hosts, tables and accounts.
# ---------------------------------------------------------------------------------------------
_DATA_DIRS = (
    "/data/in",
    "/interfaces/inbound/sap",
    "/app/etl/landing",
    "/u01/feeds/incoming",
    "/mnt/nas/finance/in",
    "/var/opt/batch/work",
    "/srv/mft/recv/partner01",
)
_OUT_DIRS = ("/data/out", "/interfaces/outbound/bank", "/app/etl/export", "/mnt/nas/reports/daily")
_FILE_STEMS = (
    "employees",
    "gl_postings",
    "orders_delta",
    "customer_master",
    "inv_movements",
    "payroll_export",
    "card_txn",
    "price_list",
    "claims_batch",
)
_FILE_EXTS = (".csv", ".dat", ".txt", ".csv.gz", ".xml", ".json")
_DB_HOSTS = ("dbprd01", "dbprd02.corp.local", "ora-scan.dc1.example.com", "pgdwh01", "db2prd03")
_REMOTE_HOSTS = (
    "sftp.partner-bank.com",
    "mft.logistics.example.net",
    "files.acme-payroll.com",
    "10.20.31.45",
    "edi.supplier-hub.de",
)
_API_HOSTS = ("api.crm.internal", "billing-svc.prod.example.com", "gateway.example.org")
_TABLES = (
    "STG.ORDERS_DELTA",
    "DWH.FACT_SALES",
    "FIN.GL_JOURNAL_LINES",
    "HR.EMP_MASTER",
    "CRM.CUSTOMER_ADDR",
    "INV.STOCK_MOVES",
)
_PG_TABLES = ("staging.orders_delta", "dwh.fact_sales", "finance.gl_journal", "hr.employee")
_DB_USERS = ("etl_load", "dwh_batch", "FINBATCH", "svc_ingest", "rpt_reader", "app_owner")
_SCHEMAS = ("DWH", "STG", "FIN", "CRM")
_JAVA_PACKAGES = ("com.acme.batch", "br.com.banco.lote", "de.logistik.etl", "com.example.payroll")
_LOCALIZED_CANNOT_STAT = (
    # cp's "cannot stat" message as coreutils prints it under several locales, and the encoding
    # the terminal of an old system would write it in.
    ("cp: não foi possível obter estado de '{path}': Arquivo ou diretório inexistente", "utf-8"),
    ("cp: não foi possível obter estado de '{path}': Arquivo ou diretório inexistente", "latin-1"),
    (
        "cp: der Aufruf von stat für '{path}' ist nicht möglich: Datei oder Verzeichnis nicht "
        "gefunden",
        "utf-8",
    ),
    (
        "cp: no se puede efectuar `stat' sobre '{path}': No existe el archivo o el directorio",
        "utf-8",
    ),
    (
        "cp: no se puede efectuar `stat' sobre '{path}': No existe el fichero o el directorio",
        "latin-1",
    ),
    ("cp: impossible d'évaluer '{path}': Aucun fichier ou dossier de ce type", "utf-8"),
    ("cp: cannot stat '{path}': No such file or directory", "utf-8"),
)


def _data_file(out: JobOutput) -> str:
    day = out.now("%Y%m%d")
    return f"{out.pick(_DATA_DIRS)}/{out.pick(_FILE_STEMS)}_{day}{out.pick(_FILE_EXTS)}"


def _out_file(out: JobOutput) -> str:
    return f"{out.pick(_OUT_DIRS)}/{out.pick(_FILE_STEMS)}_{out.now('%Y%m%d')}.csv"


def _java_class(out: JobOutput, suffix: str) -> str:
    return f"{out.pick(_JAVA_PACKAGES)}.{suffix}"


def _pid(out: JobOutput) -> int:
    return out.rng.randint(2_000, 4_000_000)


# ---------------------------------------------------------------------------------------------
# Shared noise: what surrounds a failure in real batch output.
# ---------------------------------------------------------------------------------------------
def _shell_prologue(out: JobOutput, xtrace: bool | None = None) -> None:
    """Environment setup lines of a shell job: profile noise, set -x, start banner."""
    rng = out.rng
    if rng.random() < 0.35:
        out.say(
            out.pick(
                (
                    "stty: standard input: Inappropriate ioctl for device",
                    "tput: No value for $TERM and no -T specified",
                    "ksh: /home/batch/.kshrc[7]: shopt: not found",
                )
            )
        )
    if xtrace is None:
        xtrace = rng.random() < 0.4
    if xtrace:
        out.say("+ . /opt/app/etc/batch_env.sh")
        out.say("+ export ORACLE_HOME=/u01/app/oracle/product/19.0.0/dbhome_1")
        out.say(f"+ export RUN_DATE={out.now('%Y%m%d')}")
        out.say("+ LOGDIR=/var/log/batch")
    out.say(f"{out.now(TS_DATE_CMD)} - START {out.script.rsplit('/', 1)[-1]} on {out.workstation}")


def _misleading_warnings(out: JobOutput, style: str = TS_ISO) -> None:
    """Warnings that look alarming but are not the cause."""
    picks = out.rng.sample(
        [
            f"{out.now(style)} {out.level('WARN')}  config key 'retry.count' is deprecated, "
            "use 'retry.max_attempts'",
            f"{out.now(style)} {out.level('WARN')}  disk usage on /var/log is 81% (threshold 80%)",
            f"{out.now(style)} {out.level('WARN')}  no previous checkpoint found, "
            "starting from the beginning",
            f"{out.now(style)} {out.level('WARN')}  3 records skipped: duplicate key in input "
            "(see error_report.sh output)",
            "log4j:WARN No appenders could be found for logger (org.apache.http.client).",
            f"{out.now(style)} {out.level('WARNING')} Unable to load native-hadoop library for "
            "your platform... using builtin-java classes where applicable",
        ],
        k=out.rng.randint(1, 2),
    )
    for line in picks:
        out.say(line)


def _recovered_error(out: JobOutput, style: str = TS_ISO) -> None:
    """An error that was retried and succeeded: a trap for 'first error wins' analysers."""
    host = out.pick(_DB_HOSTS)
    variant = out.rng.randrange(3)
    if variant == 0:
        out.say(
            f"{out.now(style)} {out.level('ERROR')} connection to {host}:1521 reset by peer "
            "(attempt 1 of 3), retrying in 15s"
        )
        out.say(f"{out.now(style)} {out.level('INFO')}  connected to {host}:1521 on attempt 2")
    elif variant == 1:
        out.say(
            f"{out.now(style)} {out.level('WARN')}  lock file /var/tmp/{out.job_name.lower()}.lck "
            "held by pid 4711, waiting"
        )
        out.say(f"{out.now(style)} {out.level('INFO')}  lock acquired after 42s")
    else:
        out.say(
            f"{out.now(style)} {out.level('ERROR')} HTTP 503 Service Unavailable from "
            f"{out.pick(_API_HOSTS)}, retry 1/5"
        )
        out.say(f"{out.now(style)} {out.level('INFO')}  request succeeded after 1 retry")


def _error_word_noise(out: JobOutput, style: str = TS_ISO) -> None:
    """Benign lines that contain the word error."""
    out.say(
        out.pick(
            (
                f"{out.now(style)} {out.level('INFO')}  running /opt/app/bin/error_report.sh "
                "--mode=summary",
                f"{out.now(style)} {out.level('INFO')}  truncating ERRORS_TABLE before load",
                f"{out.now(style)} {out.level('INFO')}  0 rows written to ETL.LOAD_ERRORS",
                f"{out.now(style)} {out.level('INFO')}  validation finished: 0 errors, 2 warnings",
                f"{out.now(style)} {out.level('INFO')}  errors=0 rejected=0 loaded=18231",
            )
        )
    )


def _shell_cascade(out: JobOutput, step: str) -> None:
    """Consequential lines after the cause: rc checks, cleanup errors, a failure summary."""
    rc = out.return_code
    if out.rng.random() < 0.5:
        out.say(f"+ rc={rc}")
        out.say(f"+ '[' {rc} -ne 0 ']'")
    out.say(f"{out.now(TS_ISO)} ERROR step {step} failed with rc={rc}")
    if out.rng.random() < 0.5:
        out.say(
            f"rm: cannot remove '/var/tmp/{out.job_name.lower()}.{_pid(out)}.tmp': "
            "No such file or directory"
        )
    if out.rng.random() < 0.4:
        out.say(
            f"{out.now(TS_ISO)} ERROR sending failure mail to batch-oncall failed: "
            "mailx: cannot send message"
        )
    out.say(f"{out.now(TS_DATE_CMD)} - END {out.script.rsplit('/', 1)[-1]} rc={rc}")


def _java_start(out: JobOutput, main_class: str) -> None:
    out.say(f"{out.now(TS_DATE_CMD)} starting {main_class} with -Xmx{out.pick(('2g', '4g', '8g'))}")
    out.say(
        f"{out.now(TS_JAVA)}  INFO {out.pid} --- [           main] {main_class}  : "
        f"Starting {main_class.rsplit('.', 1)[-1]} v3.2.{out.rng.randint(0, 9)} "
        f"using Java 17.0.{out.rng.randint(2, 12)} with PID {out.pid}"
    )


def _java_log(out: JobOutput, level: str, logger: str, message: str) -> str:
    return (
        f"{out.now(TS_JAVA)} {out.level(level):>5} {out.pid} --- [           main] "
        f"{logger:<40} : {message}"
    )


def _java_frames(out: JobOutput, frames: Sequence[str], more: int | None = None) -> None:
    for frame in frames:
        out.say(f"\tat {frame}")
    if more:
        out.say(f"\t... {more} more")


def _spring_batch_frames(out: JobOutput, pkg: str) -> None:
    _java_frames(
        out,
        (
            f"{pkg}.step.LoadStepConfig.reader(LoadStepConfig.java:{out.rng.randint(40, 140)})",
            "org.springframework.batch.core.step.item.SimpleChunkProvider.doRead"
            "(SimpleChunkProvider.java:99)",
            "org.springframework.batch.core.step.item.SimpleChunkProvider.read"
            "(SimpleChunkProvider.java:180)",
            "org.springframework.batch.core.step.tasklet.TaskletStep.doExecute"
            "(TaskletStep.java:255)",
        ),
    )


def _python_log(out: JobOutput, level: str, logger: str, message: str) -> str:
    return f"{out.now(TS_PYTHON)} {out.level(level)} [{logger}] {message}"


def _python_traceback(
    out: JobOutput, script: str, frames: Sequence[tuple[str, int, str, str]]
) -> None:
    out.say("Traceback (most recent call last):")
    out.say(f'  File "{script}", line {out.rng.randint(300, 420)}, in <module>')
    out.say("    sys.exit(main())")
    for path, lineno, func, code in frames:
        out.say(f'  File "{path}", line {lineno}, in {func}')
        out.say(f"    {code}")


def _sqlplus_banner(out: JobOutput) -> None:
    out.say("")
    out.say(f"SQL*Plus: Release 19.0.0.0.0 - Production on {out.now('%a %b %d %H:%M:%S %Y')}")
    out.say("Version 19.21.0.0.0")
    out.say("")
    out.say("Copyright (c) 1982, 2023, Oracle.  All rights reserved.")
    out.say("")


def _sqlplus_connected(out: JobOutput) -> None:
    out.say("")
    out.say("Connected to:")
    out.say("Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production")
    out.say("Version 19.21.0.0.0")
    out.say("")


def _sqlplus_end(out: JobOutput) -> None:
    out.say(
        "Disconnected from Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production"
    )
    out.say("Version 19.21.0.0.0")


def _loader_progress(out: JobOutput, what: str) -> None:
    out.progress(
        lambda i, total: (
            f"{out.now(TS_ISO)} INFO  {what}: {i * 5000} rows processed "
            f"({min(99, i * 100 // total)}%)"
        )
    )


# ---------------------------------------------------------------------------------------------
# file_not_found
# ---------------------------------------------------------------------------------------------
def _fnf_shell_cat(out: JobOutput) -> None:
    path = _data_file(out)
    _shell_prologue(out)
    _misleading_warnings(out)
    out.say(f"{out.now(TS_ISO)} INFO reading {path}")
    tool = out.pick(("cat", "gzip", "wc", "sort", "head"))
    msg = f"{tool}: {path}: No such file or directory"
    if tool == "gzip":
        msg = f"gzip: {path}: No such file or directory"
    out.cause(msg, path)
    out.say(f"{out.now(TS_ISO)} INFO 0 records read from input")
    _shell_cascade(out, "EXTRACT")


def _fnf_localized_cp(out: JobOutput) -> None:
    src = _data_file(out)
    dst = f"{out.pick(_DATA_DIRS)}/archive/"
    message, encoding = _LOCALIZED_CANNOT_STAT[out.rng.randrange(len(_LOCALIZED_CANNOT_STAT))]
    _shell_prologue(out, xtrace=True)
    out.say(f"+ cp -p {src} {dst}")
    out.cause(message.format(path=src).encode(encoding), src)
    out.say("+ RC=1")
    out.say("+ echo 'copy of input failed RC=1'")
    out.say("copy of input failed RC=1")
    out.say("+ exit 1")


def _fnf_java(out: JobOutput) -> None:
    pkg = out.pick(_JAVA_PACKAGES)
    path = _data_file(out)
    main = f"{pkg}.LoadJobApplication"
    _java_start(out, main)
    _recovered_error(out, TS_JAVA)
    out.say(
        _java_log(
            out,
            "INFO",
            "o.s.b.c.l.support.SimpleJobLauncher",
            f"Job: [SimpleJob: [name={out.job_name.lower()}Job]] launched",
        )
    )
    out.say(
        _java_log(out, "INFO", "o.s.batch.core.job.SimpleStepHandler", "Executing step: [loadStep]")
    )
    out.say(
        _java_log(
            out,
            "ERROR",
            "o.s.batch.core.step.AbstractStep",
            f"Encountered an error executing step loadStep in job {out.job_name.lower()}Job",
        )
    )
    out.say("org.springframework.batch.item.ItemStreamException: Failed to initialize the reader")
    _java_frames(
        out,
        (
            "org.springframework.batch.item.support.AbstractItemCountingItemStreamItemReader.open"
            "(AbstractItemCountingItemStreamItemReader.java:153)",
            "org.springframework.batch.item.support.CompositeItemStream.open"
            "(CompositeItemStream.java:124)",
        ),
    )
    out.cause(
        f"Caused by: java.io.FileNotFoundException: {path} (No such file or directory)",
        "java.io.FileNotFoundException",
        path,
    )
    _java_frames(
        out,
        (
            "java.base/java.io.FileInputStream.open0(Native Method)",
            "java.base/java.io.FileInputStream.open(FileInputStream.java:216)",
            "org.springframework.core.io.FileSystemResource.getInputStream"
            "(FileSystemResource.java:180)",
        ),
        more=14,
    )
    out.say(
        _java_log(
            out,
            "INFO",
            "o.s.b.c.l.support.SimpleJobLauncher",
            f"Job: [SimpleJob: [name={out.job_name.lower()}Job]] completed with the "
            "following status: [FAILED]",
        )
    )


def _fnf_python(out: JobOutput) -> None:
    path = _data_file(out)
    script = f"/opt/etl/jobs/{out.job_name.lower()}.py"
    out.say(
        _python_log(
            out,
            "INFO",
            "etl.main",
            f"run date {out.now('%Y-%m-%d')}, config /opt/etl/conf/{out.job_name.lower()}.yaml",
        )
    )
    _error_word_noise(out, TS_PYTHON)
    out.say(_python_log(out, "INFO", "etl.extract", f"opening {path}"))
    _python_traceback(
        out,
        script,
        (
            (script, out.rng.randint(60, 200), "main", "rows = extract(cfg.input_path)"),
            ("/opt/etl/lib/etl/extract.py", 41, "extract", "with open(path, newline='') as fh:"),
        ),
    )
    out.cause(
        f"FileNotFoundError: [Errno 2] No such file or directory: '{path}'",
        "FileNotFoundError",
        path,
    )


def _fnf_sqlldr(out: JobOutput) -> None:
    path = _data_file(out).rsplit(".", 1)[0] + ".dat"
    ctl = f"/opt/app/ctl/{out.job_name.lower()}.ctl"
    out.say("")
    out.say(f"SQL*Loader: Release 19.0.0.0.0 - Production on {out.now('%a %b %d %H:%M:%S %Y')}")
    out.say("Version 19.21.0.0.0")
    out.say("")
    out.say("Copyright (c) 1982, 2023, Oracle and/or its affiliates.  All rights reserved.")
    out.say("")
    out.say(f"Control File:   {ctl}")
    out.cause(f"SQL*Loader-500: Unable to open file ({path})", "SQL*Loader-500", path)
    out.say("SVR4 Error: 2: No such file or directory")
    out.say("SQL*Loader-2026: the load was aborted because SQL Loader cannot continue.")


def _fnf_rsync(out: JobOutput) -> None:
    host = out.pick(_REMOTE_HOSTS)
    remote = f"/export/outbound/{out.pick(_FILE_STEMS)}_{out.now('%Y%m%d')}.zip"
    local = f"{out.pick(_DATA_DIRS)}/"
    _shell_prologue(out)
    out.say(f"rsync -av --timeout=300 batch@{host}:{remote} {local}")
    out.say("receiving incremental file list")
    out.cause(f'rsync: [sender] link_stat "{remote}" failed: No such file or directory (2)', remote)
    out.say("")
    out.say("sent 8 bytes  received 112 bytes  240.00 bytes/sec")
    out.say("total size is 0  speedup is 0.00")
    out.say(
        "rsync error: some files/attrs were not transferred (see previous errors) (code 23) "
        "at main.c(1865) [Receiver=3.2.7]"
    )
    out.say(f"{out.now(TS_ISO)} transfer failed (rsync exit 23)")


def _fnf_trigger_file(out: JobOutput) -> None:
    path = f"{out.pick(_DATA_DIRS)}/{out.pick(_FILE_STEMS)}.ok"
    _shell_prologue(out)
    _misleading_warnings(out)
    waited = out.rng.choice((30, 45, 60, 90))
    for minute in range(0, waited, 15):
        out.say(f"{out.now(TS_ISO)} waiting for trigger file {path} ({minute} min)")
    out.cause(
        f"{out.now(TS_ISO)} ERROR trigger file {path} not found after {waited} minutes, giving up",
        path,
    )
    _shell_cascade(out, "WAIT_TRIGGER")


# ---------------------------------------------------------------------------------------------
# permission_denied
# ---------------------------------------------------------------------------------------------
def _perm_redirect(out: JobOutput) -> None:
    path = _out_file(out)
    lineno = out.rng.randint(20, 180)
    _shell_prologue(out)
    _error_word_noise(out)
    out.say(f"{out.now(TS_ISO)} INFO exporting to {path}")
    out.cause(f"{out.script}: line {lineno}: {path}: Permission denied", path)
    _shell_cascade(out, "EXPORT")


def _perm_noexec(out: JobOutput) -> None:
    target = out.script
    variant = out.rng.randrange(2)
    if variant == 0:
        out.cause(f"/opt/hwa/TWS/TWS/jobmanrc: line 342: {target}: Permission denied", target)
    else:
        out.cause(
            f"/opt/hwa/TWS/jobmanrc[336]: {target}: cannot execute [Permission denied]", target
        )


def _perm_java(out: JobOutput) -> None:
    pkg = out.pick(_JAVA_PACKAGES)
    path = _out_file(out)
    _java_start(out, f"{pkg}.ExportRunner")
    _misleading_warnings(out, TS_JAVA)
    out.say(_java_log(out, "ERROR", f"{pkg}.ExportRunner", "export failed"))
    out.say(f"java.io.UncheckedIOException: cannot write report {path}")
    _java_frames(
        out,
        (
            f"{pkg}.report.CsvWriter.open(CsvWriter.java:58)",
            f"{pkg}.ExportRunner.run(ExportRunner.java:77)",
        ),
    )
    out.cause(
        f"Caused by: java.nio.file.AccessDeniedException: {path}",
        "java.nio.file.AccessDeniedException",
        path,
    )
    _java_frames(
        out,
        (
            "java.base/sun.nio.fs.UnixException.translateToIOException(UnixException.java:90)",
            "java.base/sun.nio.fs.UnixFileSystemProvider.newByteChannel"
            "(UnixFileSystemProvider.java:218)",
        ),
        more=6,
    )


def _perm_python(out: JobOutput) -> None:
    path = f"{out.pick(_OUT_DIRS)}/.{out.job_name.lower()}.lock"
    script = f"/opt/etl/jobs/{out.job_name.lower()}.py"
    out.say(_python_log(out, "INFO", "etl.main", "starting"))
    _recovered_error(out, TS_PYTHON)
    _python_traceback(
        out,
        script,
        (
            (script, 88, "main", "lock = acquire_lock(cfg.lock_path)"),
            ("/opt/etl/lib/etl/locking.py", 19, "acquire_lock", "fd = os.open(path, flags, 0o644)"),
        ),
    )
    out.cause(f"PermissionError: [Errno 13] Permission denied: '{path}'", "PermissionError", path)


def _perm_sftp_put(out: JobOutput) -> None:
    host = out.pick(_REMOTE_HOSTS)
    local = _out_file(out)
    name = local.rsplit("/", 1)[-1]
    remote = f"/inbound/{name}"
    _shell_prologue(out)
    out.say(f"Connected to {host}.")
    out.say(f"sftp> put {local} /inbound/")
    out.say(f"Uploading {local} to {remote}")
    out.cause(f'remote open("{remote}"): Permission denied', remote)
    out.say("sftp> bye")
    out.say(f"{out.now(TS_ISO)} ERROR sftp batch returned 1")


# ---------------------------------------------------------------------------------------------
# disk_full
# ---------------------------------------------------------------------------------------------
def _disk_shell(out: JobOutput) -> None:
    path = _out_file(out)
    _shell_prologue(out)
    _loader_progress(out, "sort")
    tool = out.rng.randrange(3)
    if tool == 0:
        out.cause(f"cp: error writing '{path}': No space left on device", path)
    elif tool == 1:
        out.cause(f"tar: {path}: Wrote only 4096 of 10240 bytes", path)
        out.say("tar: Error is not recoverable: exiting now")
    else:
        tmp = f"/tmp/sort{out.rng.randint(100000, 999999)}"
        out.cause(f"sort: write failed: {tmp}: No space left on device", tmp)
    _shell_cascade(out, "SORT_MERGE")


def _disk_oracle_extend(out: JobOutput) -> None:
    table = out.pick(_TABLES)
    tablespace = out.pick(("USERS", "DWH_DATA", "TS_FIN_01", "STG_TBS"))
    variant = out.rng.randrange(2)
    _sqlplus_banner(out)
    _sqlplus_connected(out)
    out.say(f"{out.rng.randint(1000, 90000)} rows created.")
    out.say("")
    out.say("Commit complete.")
    out.say(f"INSERT /*+ APPEND */ INTO {table} SELECT * FROM {table}_EXT")
    out.say("*")
    out.say("ERROR at line 1:")
    if variant == 0:
        out.cause(
            f"ORA-01653: unable to extend table {table} by 8192 in tablespace {tablespace}",
            "ORA-01653",
            table,
            tablespace,
        )
    else:
        out.cause(
            "ORA-01652: unable to extend temp segment by 128 in tablespace TEMP",
            "ORA-01652",
            "TEMP",
        )
    out.say("")
    out.say("")
    _sqlplus_end(out)


def _disk_java(out: JobOutput) -> None:
    pkg = out.pick(_JAVA_PACKAGES)
    path = f"/var/opt/batch/work/{out.job_name.lower()}/part-{out.rng.randint(0, 99):05d}.avro"
    _java_start(out, f"{pkg}.AggregationJob")
    _loader_progress(out, "aggregate")
    out.say(_java_log(out, "ERROR", f"{pkg}.AggregationJob", "step aggregate failed"))
    out.say(f"{pkg}.BatchException: write of partition failed")
    _java_frames(out, (f"{pkg}.AggregationJob.flush(AggregationJob.java:212)",))
    out.say(f"Caused by: java.io.UncheckedIOException: could not flush {path}")
    _java_frames(out, (f"{pkg}.io.AvroSink.flush(AvroSink.java:88)",), more=3)
    out.cause("Caused by: java.io.IOException: No space left on device", "java.io.IOException")
    out.entity(path)
    _java_frames(
        out,
        (
            "java.base/java.io.FileOutputStream.writeBytes(Native Method)",
            "java.base/java.io.FileOutputStream.write(FileOutputStream.java:349)",
        ),
        more=5,
    )


def _disk_python(out: JobOutput) -> None:
    script = f"/opt/etl/jobs/{out.job_name.lower()}.py"
    out.say(_python_log(out, "INFO", "etl.main", "starting"))
    _loader_progress(out, "extract")
    _python_traceback(
        out,
        script,
        (
            (script, 140, "main", "writer.write_rows(batch)"),
            ("/opt/etl/lib/etl/writer.py", 63, "write_rows", "self._fh.write(payload)"),
        ),
    )
    out.cause("OSError: [Errno 28] No space left on device", "OSError")


def _disk_db2(out: JobOutput) -> None:
    table = out.pick(_TABLES)
    out.say(f"db2 LOAD FROM /data/in/{table.split('.')[1].lower()}.del OF DEL INSERT INTO {table}")
    out.say(
        f"SQL3109N  The utility is beginning to load data from file "
        f'"/data/in/{table.split(".")[1].lower()}.del".'
    )
    out.say(
        'SQL3500W  The utility is beginning the "LOAD" phase at time '
        f'"{out.now("%m/%d/%Y %H:%M:%S.000000")}".'
    )
    out.cause("SQL0968C  The file system is full.  SQLSTATE=57011", "SQL0968C", "57011")
    out.say("SQL3107W  At least one warning message was encountered during LOAD processing.")


# ---------------------------------------------------------------------------------------------
# out_of_memory
# ---------------------------------------------------------------------------------------------
def _oom_java_heap(out: JobOutput) -> None:
    pkg = out.pick(_JAVA_PACKAGES)
    main = f"{pkg}.ReconciliationJob"
    _java_start(out, main)
    _misleading_warnings(out, TS_JAVA)
    _loader_progress(out, "reconcile")
    out.say(
        _java_log(
            out,
            "WARN",
            "o.h.engine.jdbc.spi.SqlExceptionHelper",
            "GC overhead high: 92% of time spent in GC over last 60s",
        )
    )
    out.cause(
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
        "java.lang.OutOfMemoryError",
    )
    _java_frames(
        out,
        (
            "java.base/java.util.Arrays.copyOf(Arrays.java:3537)",
            "java.base/java.util.ArrayList.grow(ArrayList.java:237)",
            f"{pkg}.ReconciliationJob.loadAll(ReconciliationJob.java:141)",
        ),
    )


def _oom_killed(out: JobOutput) -> None:
    binary = out.pick(("/opt/app/bin/aggregate", "/opt/sas/bin/sas", "/opt/app/bin/matchengine"))
    lineno = out.rng.randint(30, 200)
    pid = _pid(out)
    _shell_prologue(out)
    _loader_progress(out, "match")
    out.say(
        f"{out.now(TS_ISO)} WARN  rss of {binary.rsplit('/', 1)[-1]} is 15.2G (container limit 16G)"
    )
    out.cause(
        f"{out.script}: line {lineno}: {pid} Killed                  {binary} "
        f"--input /data/in --threads 8",
        binary,
    )
    _shell_cascade(out, "MATCH")


def _oom_python(out: JobOutput) -> None:
    script = f"/opt/etl/jobs/{out.job_name.lower()}.py"
    out.say(_python_log(out, "INFO", "etl.main", "loading full history into memory"))
    _loader_progress(out, "read_parquet")
    _python_traceback(
        out,
        script,
        (
            (script, 97, "main", "df = pd.concat(frames, ignore_index=True)"),
            (
                "/opt/etl/venv/lib/python3.11/site-packages/pandas/core/reshape/concat.py",
                393,
                "concat",
                "return op.get_result()",
            ),
        ),
    )
    out.cause(
        "MemoryError: Unable to allocate 11.2 GiB for an array with shape (1503211, 1000) "
        "and data type float64",
        "MemoryError",
    )


def _oom_fork(out: JobOutput) -> None:
    _shell_prologue(out)
    _loader_progress(out, "fan-out")
    if out.rng.random() < 0.5:
        out.cause(f"{out.script}: fork: Cannot allocate memory")
    else:
        out.cause(f"{out.script}: line {out.rng.randint(10, 90)}: fork: Cannot allocate memory")
    out.entity(out.script)
    _shell_cascade(out, "PARALLEL_EXTRACT")


def _oom_oracle(out: JobOutput) -> None:
    _sqlplus_banner(out)
    _sqlplus_connected(out)
    out.say("BEGIN pkg_month_end.run_allocation(p_period => '2025-02'); END;")
    out.say("")
    out.say("*")
    out.say("ERROR at line 1:")
    size = out.rng.choice((16328, 32808, 65560))
    out.cause(
        f"ORA-04030: out of process memory when trying to allocate {size} bytes "
        "(kxs-heap-w,kllcqgf:kllsltba)",
        "ORA-04030",
    )
    out.say('ORA-06512: at "FIN.PKG_MONTH_END", line 412')
    out.say("ORA-06512: at line 1")
    out.say("")
    _sqlplus_end(out)


# ---------------------------------------------------------------------------------------------
# timeout
# ---------------------------------------------------------------------------------------------
def _timeout_coreutils(out: JobOutput) -> None:
    limit = out.rng.choice((1800, 3600, 7200))
    binary = out.pick(("/opt/app/bin/extract_gl", "/opt/app/bin/build_cube", "/usr/bin/rman"))
    _shell_prologue(out, xtrace=True)
    out.say(f"+ timeout {limit} {binary} --period current")
    _loader_progress(out, "extract")
    out.say("+ rc=124")
    out.cause(
        f"{out.now(TS_ISO)} ERROR {binary} did not finish within {limit}s (timeout rc=124), killed",
        binary,
    )
    out.say(f"{out.now(TS_DATE_CMD)} - END rc=124")


def _timeout_java_socket(out: JobOutput) -> None:
    pkg = out.pick(_JAVA_PACKAGES)
    host = out.pick(_API_HOSTS)
    _java_start(out, f"{pkg}.SyncCustomers")
    _recovered_error(out, TS_JAVA)
    out.say(_java_log(out, "ERROR", f"{pkg}.SyncCustomers", "page 12 failed, aborting"))
    out.say(
        f"org.springframework.web.client.ResourceAccessException: I/O error on GET request for "
        f'"https://{host}/v2/customers?page=12": Read timed out'
    )
    _java_frames(
        out,
        (
            "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:888)",
            f"{pkg}.SyncCustomers.fetchPage(SyncCustomers.java:64)",
        ),
    )
    out.cause(
        "Caused by: java.net.SocketTimeoutException: Read timed out",
        "java.net.SocketTimeoutException",
    )
    out.entity(host)
    _java_frames(
        out, ("java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)",), more=22
    )


def _timeout_curl(out: JobOutput) -> None:
    host = out.pick(_API_HOSTS)
    _shell_prologue(out)
    out.say("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current")
    out.say("                                 Dload  Upload   Total   Spent    Left  Speed")
    out.say("  0     0    0     0    0     0      0      0 --:--:--  0:05:00 --:--:--     0")
    out.cause("curl: (28) Operation timed out after 300001 milliseconds with 0 bytes received")
    out.entity(host)
    out.say(f"{out.now(TS_ISO)} ERROR export request to https://{host}/reports/daily failed")


def _timeout_psql_statement(out: JobOutput) -> None:
    table = out.pick(_PG_TABLES)
    out.say("SET")
    out.say("BEGIN")
    out.say(
        f"psql:/opt/etl/sql/refresh_{table.split('.')[1]}.sql:12: NOTICE:  table "
        f'"{table.split(".")[1]}_tmp" does not exist, skipping'
    )
    out.say("DROP TABLE")
    sql = f"/opt/etl/sql/refresh_{table.split('.')[1]}.sql"
    out.cause(f"psql:{sql}:27: ERROR:  canceling statement due to statement timeout", sql)
    out.say(f'CONTEXT:  SQL statement "INSERT INTO {table} SELECT * FROM {table}_stage"')
    out.entity(table)
    out.say("ROLLBACK")


# ---------------------------------------------------------------------------------------------
# network
# ---------------------------------------------------------------------------------------------
def _net_ssh_refused(out: JobOutput) -> None:
    host = out.pick(_REMOTE_HOSTS)
    port = out.pick(("22", "2222", "10022"))
    why = out.pick(
        ("Connection refused", "No route to host", "Connection timed out", "Network is unreachable")
    )
    _shell_prologue(out)
    out.say(f"{out.now(TS_ISO)} INFO sending {out.pick(_FILE_STEMS)}.zip to {host}")
    out.cause(f"ssh: connect to host {host} port {port}: {why}", f"{host}")
    out.say("Connection closed")
    out.say("scp: Connection closed" if out.rng.random() < 0.5 else "sftp: connection closed")
    _shell_cascade(out, "TRANSFER")


def _net_dns(out: JobOutput) -> None:
    host = out.pick(_API_HOSTS)
    _shell_prologue(out)
    _misleading_warnings(out)
    out.cause(f"curl: (6) Could not resolve host: {host}", host)
    _shell_cascade(out, "UPLOAD")


def _net_java_connect(out: JobOutput) -> None:
    pkg = out.pick(_JAVA_PACKAGES)
    host = out.pick(_DB_HOSTS)
    port = out.pick(("1521", "5432", "50000", "8443"))
    _java_start(out, f"{pkg}.ExtractRunner")
    out.say(
        _java_log(out, "INFO", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Starting...")
    )
    out.say(
        _java_log(
            out,
            "ERROR",
            "com.zaxxer.hikari.pool.HikariPool",
            "HikariPool-1 - Exception during pool initialization.",
        )
    )
    out.say(
        "org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC "
        "Connection"
    )
    _java_frames(
        out,
        (
            "org.springframework.jdbc.datasource.DataSourceUtils.getConnection"
            "(DataSourceUtils.java:84)",
        ),
    )
    out.say(
        "Caused by: java.sql.SQLRecoverableException: IO Error: The Network Adapter could not "
        "establish the connection"
    )
    _java_frames(out, ("oracle.jdbc.driver.T4CConnection.logon(T4CConnection.java:858)",), more=9)
    out.cause(
        f"Caused by: java.net.ConnectException: Connection refused ({host}:{port})",
        "java.net.ConnectException",
        f"{host}:{port}",
    )
    _java_frames(out, ("java.base/sun.nio.ch.Net.pollConnect(Native Method)",), more=12)


def _net_oracle_tns(out: JobOutput) -> None:
    alias = out.pick(("DWHPRD", "FINPRD", "ORCLPDB1", "SAPSR3"))
    _sqlplus_banner(out)
    out.say("ERROR:")
    variant = out.rng.randrange(3)
    if variant == 0:
        out.cause("ORA-12541: TNS:no listener", "ORA-12541")
    elif variant == 1:
        out.cause(
            "ORA-12514: TNS:listener does not currently know of service requested in "
            "connect descriptor",
            "ORA-12514",
        )
    else:
        out.cause("ORA-12170: TNS:Connect timeout occurred", "ORA-12170")
    out.entity(alias)
    out.say("")
    out.say("")
    out.say("SP2-0751: Unable to connect to Oracle.  Exiting SQL*Plus")
    out.say(f"{out.now(TS_ISO)} ERROR sqlplus could not connect to {alias}")


def _net_db2_comm(out: JobOutput) -> None:
    ip = f"10.{out.rng.randint(1, 250)}.{out.rng.randint(1, 250)}.{out.rng.randint(2, 250)}"
    out.say(f"db2 connect to DWHPRD user {out.pick(_DB_USERS)} using ********")
    out.cause(
        f"SQL30081N  A communication error has been detected. Communication protocol "
        f'being used: "TCP/IP".  Communication API being used: "SOCKETS".  Location where '
        f'the error was detected: "{ip}".  Communication function detecting the error: '
        f'"connect".  Protocol specific error code(s): "111", "*", "*".  SQLSTATE=08001',
        "SQL30081N",
        ip,
    )
    out.say(f"{out.now(TS_ISO)} db2 connect failed, rc=8")


def _net_reset(out: JobOutput) -> None:
    host = out.pick(_REMOTE_HOSTS)
    local = _out_file(out)
    _shell_prologue(out)
    out.say(f"rsync -az {local} batch@{host}:/inbound/")
    out.cause("client_loop: send disconnect: Connection reset by peer")
    out.entity(host)
    out.say("rsync: connection unexpectedly closed (1034 bytes received so far) [sender]")
    out.say(
        "rsync error: error in rsync protocol data stream (code 12) at io.c(232) [sender=3.2.7]"
    )
    _shell_cascade(out, "PUSH")


# ---------------------------------------------------------------------------------------------
# authentication
# ---------------------------------------------------------------------------------------------
def _auth_oracle(out: JobOutput) -> None:
    user = out.pick(_DB_USERS)
    _shell_prologue(out)
    out.say(f"{out.now(TS_ISO)} INFO connecting as {user}@DWHPRD")
    _sqlplus_banner(out)
    out.say("ERROR:")
    variant = out.rng.randrange(3)
    if variant == 0:
        out.cause("ORA-01017: invalid username/password; logon denied", "ORA-01017")
    elif variant == 1:
        out.cause("ORA-28000: The account is locked.", "ORA-28000")
    else:
        out.cause("ORA-28001: the password has expired", "ORA-28001")
    out.entity(user)
    out.say("")
    out.say("SP2-0751: Unable to connect to Oracle.  Exiting SQL*Plus")


def _auth_psql(out: JobOutput) -> None:
    user = out.pick(_DB_USERS).lower()
    host = out.pick(_DB_HOSTS)
    ip = f"10.{out.rng.randint(1, 250)}.{out.rng.randint(1, 250)}.{out.rng.randint(2, 250)}"
    _shell_prologue(out)
    out.cause(
        f'psql: error: connection to server at "{host}" ({ip}), port 5432 failed: FATAL:  '
        f'password authentication failed for user "{user}"',
        user,
        host,
    )
    _shell_cascade(out, "LOAD_PG")


def _auth_ssh_key(out: JobOutput) -> None:
    host = out.pick(_REMOTE_HOSTS)
    user = out.pick(("ftpbatch", "edi_user", "payroll01", "xfer"))
    _shell_prologue(out)
    out.say(f"Warning: Permanently added '{host}' (ED25519) to the list of known hosts.")
    out.cause(f"{user}@{host}: Permission denied (publickey,password).", f"{user}@{host}")
    out.say("Connection closed")
    _shell_cascade(out, "SFTP_GET")


def _auth_tws_logon(out: JobOutput) -> None:
    out.say(
        f'AWSBDW057E The job "{out.workstation}#{out.job_stream}.{out.job_name}" could not '
        "be launched."
    )
    out.cause(
        "AWSBDW009E The following operating system error occurred retrieving the password "
        f'structure for either the logon user, or the user who owns a file: "{out.user}: '
        'user not found".',
        "AWSBDW009E",
        out.user,
    )


def _auth_http_401(out: JobOutput) -> None:
    host = out.pick(_API_HOSTS)
    _shell_prologue(out)
    _recovered_error(out)
    out.say(f"{out.now(TS_ISO)} INFO requesting token from https://{host}/oauth/token")
    out.cause("curl: (22) The requested URL returned error: 401 Unauthorized", "401")
    out.entity(host)
    _shell_cascade(out, "FETCH_TOKEN")


def _auth_db2(out: JobOutput) -> None:
    user = out.pick(_DB_USERS)
    out.say(f"db2 connect to FINPRD user {user} using ********")
    out.cause(
        'SQL30082N  Security processing failed with reason "24" ("USERNAME AND/OR PASSWORD '
        'INVALID").  SQLSTATE=08001',
        "SQL30082N",
    )
    out.entity(user)
    out.say("SQL1024N  A database connection does not exist.  SQLSTATE=08003")
    out.say("SQL1024N  A database connection does not exist.  SQLSTATE=08003")


# ---------------------------------------------------------------------------------------------
# database
# ---------------------------------------------------------------------------------------------
def _db_ora_942(out: JobOutput) -> None:
    table = out.pick(_TABLES)
    _sqlplus_banner(out)
    _sqlplus_connected(out)
    out.say("Session altered.")
    out.say("")
    out.say(f"SELECT COUNT(*) FROM {table}_V WHERE load_date = TRUNC(SYSDATE)")
    out.say("                     *")
    out.say("ERROR at line 1:")
    out.cause("ORA-00942: table or view does not exist", "ORA-00942")
    out.entity(f"{table}_V")
    out.say("")
    _sqlplus_end(out)


def _db_ora_unique(out: JobOutput) -> None:
    schema = out.pick(_SCHEMAS)
    constraint = f"{schema}.PK_{out.pick(_FILE_STEMS).upper()}"
    _sqlplus_banner(out)
    _sqlplus_connected(out)
    out.say("Table truncated.")
    out.say("")
    out.say(f"{out.rng.randint(100, 9000)} rows created.")
    out.say("")
    out.say("*")
    out.say("ERROR at line 1:")
    out.cause(f"ORA-00001: unique constraint ({constraint}) violated", "ORA-00001", constraint)
    out.say("ORA-06512: at line 14")
    out.say("")
    _sqlplus_end(out)


def _db_psql_relation(out: JobOutput) -> None:
    table = out.pick(_PG_TABLES)
    sql = f"/opt/etl/sql/merge_{table.split('.')[1]}.sql"
    out.say("SET")
    out.say("SET")
    out.say(f'psql:{sql}:4: NOTICE:  schema "{table.split(".")[0]}" already exists, skipping')
    out.say("CREATE SCHEMA")
    out.cause(f'psql:{sql}:19: ERROR:  relation "{table}_src" does not exist', f"{table}_src")
    out.say(f"LINE 3: FROM {table}_src s")
    out.say("           ^")
    out.say(
        f"psql:{sql}:31: ERROR:  current transaction is aborted, commands ignored until end "
        "of transaction block"
    )
    out.say("ROLLBACK")


def _db_db2_undefined(out: JobOutput) -> None:
    name = f"DB2INST1.{out.pick(_FILE_STEMS).upper()}_HIST"
    out.say(f"db2 -tvf /opt/app/sql/archive_{out.pick(_FILE_STEMS)}.sql")
    out.say("DELETE FROM ... WHERE ARCHIVE_DT < CURRENT DATE - 90 DAYS")
    out.say("DB20000I  The SQL command completed successfully.")
    out.cause(f'SQL0204N  "{name}" is an undefined name.  SQLSTATE=42704', "SQL0204N", name)
    out.say("SQL0204N  ...")


def _db_java_sql(out: JobOutput) -> None:
    pkg = out.pick(_JAVA_PACKAGES)
    column = out.pick(("LOAD_TS", "CUST_SEGMENT", "IBAN_HASH", "COST_CENTER"))
    _java_start(out, f"{pkg}.PostingJob")
    _error_word_noise(out, TS_JAVA)
    out.say(
        _java_log(
            out,
            "ERROR",
            "o.h.engine.jdbc.spi.SqlExceptionHelper",
            f'ORA-00904: "{column}": invalid identifier',
        )
    )
    out.say(
        "org.springframework.dao.InvalidDataAccessResourceUsageException: could not extract "
        "ResultSet; SQL [n/a]"
    )
    _java_frames(out, (f"{pkg}.repository.PostingRepository.findOpen(PostingRepository.java:31)",))
    out.say("Caused by: org.hibernate.exception.SQLGrammarException: could not extract ResultSet")
    _java_frames(
        out,
        (
            "org.hibernate.exception.internal.SQLStateConversionDelegate.convert"
            "(SQLStateConversionDelegate.java:103)",
        ),
        more=40,
    )
    out.cause(
        f'Caused by: java.sql.SQLSyntaxErrorException: ORA-00904: "{column}": invalid identifier',
        "java.sql.SQLSyntaxErrorException",
        "ORA-00904",
        column,
    )
    _java_frames(
        out, ("oracle.jdbc.driver.T4CTTIoer11.processError(T4CTTIoer11.java:630)",), more=55
    )


def _db_plsql(out: JobOutput) -> None:
    pkg = out.pick(("PKG_GL_CLOSE", "PKG_LOAD_CUSTOMERS", "PKG_STOCK_REVAL"))
    _sqlplus_banner(out)
    _sqlplus_connected(out)
    out.say(f"BEGIN {pkg}.run(p_date => SYSDATE - 1); END;")
    out.say("")
    out.say("      *")
    out.say("ERROR at line 1:")
    out.cause("ORA-06550: line 1, column 7:", "ORA-06550")
    out.say(f"PLS-00201: identifier '{pkg}.RUN' must be declared")
    out.entity(pkg)
    out.say("ORA-06550: line 1, column 7:")
    out.say("PL/SQL: Statement ignored")
    out.say("")
    _sqlplus_end(out)


# ---------------------------------------------------------------------------------------------
# command_not_found
# ---------------------------------------------------------------------------------------------
def _cmd_bash(out: JobOutput) -> None:
    command = out.pick(("sqlplus", "db2", "python3.11", "aws", "kinit", "zip", "java"))
    lineno = out.rng.randint(8, 120)
    _shell_prologue(out)
    _error_word_noise(out)
    out.cause(f"{out.script}: line {lineno}: {command}: command not found", command)
    _shell_cascade(out, "RUN")


def _cmd_jobmanrc(out: JobOutput) -> None:
    command = out.pick(("my_custom_tool", "runjob.sh", "sapevt", "infacmd.sh", "dsjob"))
    out.cause(f"/opt/hwa/TWS/TWS/jobmanrc: line 342: {command}: command not found", command)


def _cmd_ksh(out: JobOutput) -> None:
    command = out.pick(("db2", "sqlplus", "pmcmd", "bteq", "gpg"))
    lineno = out.rng.randint(8, 120)
    _shell_prologue(out)
    out.cause(f"{out.script}[{lineno}]: {command}: not found [No such file or directory]", command)
    out.say(f"{out.now(TS_ISO)} {command} returned 127")


def _cmd_env(out: JobOutput) -> None:
    interpreter = out.pick(("python3.11", "python3.9", "perl5.36"))
    out.cause(f"/usr/bin/env: '{interpreter}': No such file or directory", interpreter)


def _cmd_windows(out: JobOutput) -> None:
    command = out.pick(("sqlcmd", "7z", "robocopy2", "pwsh", "psexec"))
    out.say(f"D:\\TWS\\{out.user}>call D:\\batch\\jobs\\{out.job_name.lower()}.cmd")
    out.cause(f"'{command}' is not recognized as an internal or external command,", command)
    out.say("operable program or batch file.")


# ---------------------------------------------------------------------------------------------
# invalid_input
# ---------------------------------------------------------------------------------------------
def _input_python_value(out: JobOutput) -> None:
    script = f"/opt/etl/jobs/{out.job_name.lower()}.py"
    path = _data_file(out)
    bad = out.pick(("12,50", "N/A", "1.234.567,89", "", "2025-13-01"))
    out.say(_python_log(out, "INFO", "etl.main", f"parsing {path}"))
    _misleading_warnings(out, TS_PYTHON)
    _python_traceback(
        out,
        script,
        (
            (script, 75, "main", "records = [parse(r) for r in reader]"),
            ("/opt/etl/lib/etl/parse.py", 33, "parse", "amount = float(row['amount'])"),
        ),
    )
    if bad == "2025-13-01":
        out.cause(f"ValueError: time data '{bad}' does not match format '%Y-%m-%d'", "ValueError")
    else:
        out.cause(f"ValueError: could not convert string to float: '{bad}'", "ValueError")
    out.entity(path)


def _input_java_number(out: JobOutput) -> None:
    pkg = out.pick(_JAVA_PACKAGES)
    path = _data_file(out)
    line = out.rng.randint(2, 50000)
    value = out.pick(("12O4", "1,5", "null", "  ", "9999999999999"))
    _java_start(out, f"{pkg}.ImportJob")
    out.say(
        _java_log(
            out,
            "ERROR",
            "o.s.batch.core.step.AbstractStep",
            "Encountered an error executing step importStep",
        )
    )
    out.say(
        f"org.springframework.batch.item.file.FlatFileParseException: Parsing error at line: "
        f"{line} in resource=[file [{path}]], input=[...]"
    )
    _spring_batch_frames(out, pkg)
    out.cause(
        f'Caused by: java.lang.NumberFormatException: For input string: "{value}"',
        "java.lang.NumberFormatException",
    )
    out.entity(path)
    _java_frames(
        out,
        (
            "java.base/java.lang.NumberFormatException.forInputString"
            "(NumberFormatException.java:67)",
        ),
        more=18,
    )


def _input_sqlldr_rejects(out: JobOutput) -> None:
    table = out.pick(_TABLES)
    column = out.pick(("AMOUNT", "POSTING_DATE", "QTY", "CUST_ID"))
    out.say(f"Table {table}, loaded from every logical record.")
    out.say("Insert option in effect for this table: APPEND")
    out.say("")
    out.cause(f"Record 1: Rejected - Error on table {table}, column {column}.", table, column)
    out.say("ORA-01722: invalid number")
    out.say("")
    for record in range(2, 52):
        out.say(f"Record {record}: Rejected - Error on table {table}, column {column}.")
        out.say("ORA-01722: invalid number")
        out.say("")
    out.say("MAXIMUM ERROR COUNT EXCEEDED - Above statistics reflect partial run.")


def _input_trailer_count(out: JobOutput) -> None:
    path = _data_file(out)
    expected = out.rng.randint(10_000, 900_000)
    _shell_prologue(out)
    _error_word_noise(out)
    out.say(f"{out.now(TS_ISO)} INFO header OK: {path.rsplit('/', 1)[-1]}")
    out.cause(
        f"{out.now(TS_ISO)} ERROR trailer record count {expected} does not match records "
        f"read {expected - out.rng.randint(1, 400)} in {path}",
        path,
    )
    _shell_cascade(out, "VALIDATE")


def _input_usage(out: JobOutput) -> None:
    bad = out.pick(("2025-02-30", "20251301", "yesterday", "^RUNDATE^"))
    _shell_prologue(out)
    out.cause(f"{out.script.rsplit('/', 1)[-1]}: invalid run date '{bad}'", bad)
    out.say(f"Usage: {out.script.rsplit('/', 1)[-1]} -d YYYYMMDD [-e ENV] [-n]")


def _input_xml(out: JobOutput) -> None:
    pkg = out.pick(_JAVA_PACKAGES)
    path = _data_file(out).rsplit(".", 1)[0] + ".xml"
    line, col = out.rng.randint(2, 9000), out.rng.randint(1, 120)
    _java_start(out, f"{pkg}.InvoiceImport")
    out.say(_java_log(out, "ERROR", f"{pkg}.InvoiceImport", f"cannot parse {path}"))
    out.say("javax.xml.bind.UnmarshalException")
    out.say(" - with linked exception:")
    out.cause(
        f"[org.xml.sax.SAXParseException; systemId: file:{path}; lineNumber: {line}; "
        f"columnNumber: {col}; XML document structures must start and end within the same "
        "entity.]",
        "org.xml.sax.SAXParseException",
        path,
    )


# ---------------------------------------------------------------------------------------------
# resource_busy
# ---------------------------------------------------------------------------------------------
def _busy_ora_54(out: JobOutput) -> None:
    table = out.pick(_TABLES)
    _sqlplus_banner(out)
    _sqlplus_connected(out)
    out.say(f"TRUNCATE TABLE {table}")
    out.say("               *")
    out.say("ERROR at line 1:")
    out.cause(
        "ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired", "ORA-00054"
    )
    out.entity(table)
    out.say("")
    _sqlplus_end(out)


def _busy_db2_deadlock(out: JobOutput) -> None:
    reason = out.pick(("2", "68"))
    out.say("db2 -stvf /opt/app/sql/post_batch.sql")
    out.say("UPDATE FIN.ACCOUNT_BAL SET ...")
    out.cause(
        f"SQL0911N  The current transaction has been rolled back because of a deadlock or "
        f'timeout.  Reason code "{reason}".  SQLSTATE=40001',
        "SQL0911N",
    )
    out.say("ROLLBACK")
    out.say("DB20000I  The SQL command completed successfully.")


def _busy_pg_deadlock(out: JobOutput) -> None:
    table = out.pick(_PG_TABLES)
    p1, p2 = _pid(out), _pid(out)
    out.say("BEGIN")
    out.cause("ERROR:  deadlock detected")
    out.say(
        f"DETAIL:  Process {p1} waits for ShareLock on transaction 88123041; blocked by "
        f"process {p2}."
    )
    out.say(f"Process {p2} waits for ShareLock on transaction 88123039; blocked by process {p1}.")
    out.say("HINT:  See server log for query details.")
    out.say(f'CONTEXT:  while updating tuple (1021,7) in relation "{table.split(".")[1]}"')
    out.entity(table.split(".")[1])
    out.say("ROLLBACK")


def _busy_lockfile(out: JobOutput) -> None:
    lock = f"/var/run/batch/{out.job_name.lower()}.pid"
    pid = _pid(out)
    _shell_prologue(out)
    out.cause(
        f"{out.now(TS_ISO)} ERROR another instance is already running (pid {pid}, "
        f"lock {lock}); refusing to start",
        lock,
    )
    out.say(f"{out.now(TS_DATE_CMD)} - END rc={out.return_code}")


def _busy_text_file(out: JobOutput) -> None:
    binary = f"/opt/app/bin/{out.pick(('pricing_engine', 'gl_post', 'ledgerd'))}"
    _shell_prologue(out, xtrace=True)
    out.say(f"+ cp /opt/app/release/current/{binary.rsplit('/', 1)[-1]} {binary}")
    out.cause(f"cp: cannot create regular file '{binary}': Text file busy", binary)
    _shell_cascade(out, "DEPLOY")


# ---------------------------------------------------------------------------------------------
# signal_or_crash
# ---------------------------------------------------------------------------------------------
def _crash_segv(out: JobOutput) -> None:
    binary = out.pick(("/opt/app/bin/tax_calc", "/opt/cobol/bin/FINR0420", "/opt/app/bin/imgconv"))
    lineno = out.rng.randint(20, 140)
    _shell_prologue(out)
    _loader_progress(out, "compute")
    out.cause(
        f"{out.script}: line {lineno}: {_pid(out)} Segmentation fault      (core dumped) "
        f"{binary} -c /opt/app/etc/prod.cfg",
        binary,
    )
    _shell_cascade(out, "COMPUTE")


def _crash_sigterm(out: JobOutput) -> None:
    _shell_prologue(out)
    _loader_progress(out, "extract")
    out.cause(f"{out.now(TS_ISO)} caught signal 15 (SIGTERM), shutting down", "SIGTERM")
    out.say(f"{out.now(TS_ISO)} INFO flushed 0 pending records")
    out.say("Terminated")


def _crash_abort(out: JobOutput) -> None:
    binary = out.pick(("/opt/app/bin/matcher", "/opt/app/bin/ledger_sync"))
    lineno = out.rng.randint(20, 140)
    _shell_prologue(out)
    out.cause(
        "free(): double free detected in tcache 2"
        if out.rng.random() < 0.5
        else "malloc(): corrupted top size"
    )
    out.say(
        f"{out.script}: line {lineno}: {_pid(out)} Aborted                 (core dumped) {binary}"
    )
    out.entity(binary)


def _crash_jvm(out: JobOutput) -> None:
    pid = _pid(out)
    lib = out.pick(("libzip.so+0x5a1f", "libnio.so+0x7c21", "libocijdbc19.so+0x1e3c8"))
    _java_start(out, f"{out.pick(_JAVA_PACKAGES)}.ArchiveJob")
    _loader_progress(out, "compress")
    out.say("#")
    out.say("# A fatal error has been detected by the Java Runtime Environment:")
    out.say("#")
    out.cause(f"#  SIGSEGV (0xb) at pc=0x00007f3a2c1b5a1f, pid={pid}, tid={pid + 17}", "SIGSEGV")
    out.say("#")
    out.say("# JRE version: OpenJDK Runtime Environment (17.0.9+9) (build 17.0.9+9)")
    out.say(f"# Problematic frame:\n# C  [{lib}]")
    out.say("#")
    out.say(
        f"# An error report file with more information is saved as:\n# /tmp/hs_err_pid{pid}.log"
    )
    out.entity(lib)


# ---------------------------------------------------------------------------------------------
# application_error
# ---------------------------------------------------------------------------------------------
def _app_npe(out: JobOutput) -> None:
    pkg = out.pick(_JAVA_PACKAGES)
    cls = out.pick(("InvoiceMapper", "PayrollCalculator", "OrderEnricher"))
    _java_start(out, f"{pkg}.Main")
    _recovered_error(out, TS_JAVA)
    out.cause(
        'Exception in thread "main" java.lang.NullPointerException: Cannot invoke '
        '"java.math.BigDecimal.add(java.math.BigDecimal)" because "total" is null',
        "java.lang.NullPointerException",
    )
    _java_frames(
        out,
        (
            f"{pkg}.{cls}.map({cls}.java:{out.rng.randint(20, 400)})",
            f"{pkg}.Main.main(Main.java:42)",
        ),
    )
    out.entity(f"{pkg}.{cls}.map")


def _app_sap(out: JobOutput) -> None:
    """An SM37-style job log: date, time, message text, class, number, type."""
    program = out.pick(("ZFI_GL_UPLOAD", "ZSD_BILLING_RUN", "RM07MRES", "ZHR_PAYROLL_POST"))
    spool = out.rng.randint(10_000, 99_999)

    def sap(text: str, msg: str) -> str:
        return f"{out.now(TS_SAP)} {text:<72}{msg}"

    out.say(sap("Job started", "00           516          S"))
    out.say(sap(f"Step 001 started (program {program}, variant PROD_DAILY, user ID "
                f"{out.user.upper()})", "00           550          S"))  # fmt: skip
    out.say(sap(f"Spool request (number 00000{spool}) created without immediate output",
                "SY           055          S"))  # fmt: skip
    out.cause(sap("Posting period 013 2024 is not open", "F5           201          E"),
              "Posting period 013 2024 is not open")  # fmt: skip
    out.say(
        sap("Job cancelled after system exception ERROR_MESSAGE", "00           564          A")
    )
    out.entity(program)


def _app_reconciliation(out: JobOutput) -> None:
    total = out.rng.randint(1_000_000, 90_000_000)
    diff = out.rng.randint(1, 9999)
    _shell_prologue(out)
    _error_word_noise(out)
    _loader_progress(out, "sum")
    ledger = out.pick(("GL_BALANCE_DAILY", "SUBLEDGER_AR", "CARD_SETTLEMENT"))
    out.cause(
        f"{out.now(TS_ISO)} FATAL reconciliation failed for {ledger}: control total "
        f"{total / 100:.2f} != ledger total {(total + diff) / 100:.2f} "
        f"(difference {diff / 100:.2f})",
        ledger,
    )
    out.say(f"{out.now(TS_ISO)} INFO  writing discrepancy report to /data/out/recon_diff.csv")
    _shell_cascade(out, "RECONCILE")


def _app_python_keyerror(out: JobOutput) -> None:
    script = f"/opt/etl/jobs/{out.job_name.lower()}.py"
    key = out.pick(("'cost_center'", "'customer_id'", "'EUR'"))
    out.say(_python_log(out, "INFO", "etl.main", "starting"))
    _error_word_noise(out, TS_PYTHON)
    _python_traceback(
        out,
        script,
        (
            (script, 120, "main", "enrich(rows, mapping)"),
            ("/opt/etl/lib/etl/enrich.py", 54, "enrich", "row['region'] = mapping[row['cc']]"),
        ),
    )
    out.cause(f"KeyError: {key}", "KeyError")


def _app_http_500(out: JobOutput) -> None:
    host = out.pick(_API_HOSTS)
    _shell_prologue(out)
    out.say(f"{out.now(TS_ISO)} INFO POST https://{host}/v1/settlements/close")
    out.cause(
        f"{out.now(TS_ISO)} ERROR POST https://{host}/v1/settlements/close returned HTTP 500: "
        '{"error":"SettlementAlreadyClosed","detail":"batch 7781 is closed"}',
        host,
    )
    _shell_cascade(out, "CLOSE_SETTLEMENT")


# ---------------------------------------------------------------------------------------------
# unknown
# ---------------------------------------------------------------------------------------------
def _unknown_silent(out: JobOutput) -> None:
    _shell_prologue(out)
    _loader_progress(out, "process")
    name = out.script.rsplit("/", 1)[-1]
    out.cause(f"{out.now(TS_DATE_CMD)} - END {name} rc={out.return_code}", name)


def _unknown_generic(out: JobOutput) -> None:
    program = out.pick(("FINB0310", "CALCINT", "GLPOST01"))
    out.say(f"{program} STARTED {out.now('%Y-%m-%d-%H.%M.%S')}")
    out.say(f"{program} INPUT RECORDS READ    : {out.rng.randint(1000, 90000):>9}")
    out.cause(f"{program} ENDED ABNORMALLY - RETURN CODE {out.return_code:04d}", program)


def _unknown_wrapper(out: JobOutput) -> None:
    _shell_prologue(out)
    _misleading_warnings(out)
    out.cause(f"{out.now(TS_ISO)} step 3/5 failed", "step 3/5")
    out.say(f"{out.now(TS_ISO)} see application log for details")


# ---------------------------------------------------------------------------------------------
# success: clean runs that still carry warnings, recovered errors and the word "error"
# ---------------------------------------------------------------------------------------------
def _ok_shell(out: JobOutput) -> None:
    path = _data_file(out)
    _shell_prologue(out)
    _misleading_warnings(out)
    out.say(f"{out.now(TS_ISO)} INFO reading {path}")
    _recovered_error(out)
    _loader_progress(out, "load")
    _error_word_noise(out)
    out.say(f"{out.now(TS_DATE_CMD)} - END {out.script.rsplit('/', 1)[-1]} rc=0")


def _ok_spring_batch(out: JobOutput) -> None:
    pkg = out.pick(_JAVA_PACKAGES)
    job = f"{out.job_name.lower()}Job"
    _java_start(out, f"{pkg}.LoadJobApplication")
    _misleading_warnings(out, TS_JAVA)
    out.say(
        _java_log(
            out,
            "INFO",
            "o.s.b.c.l.support.SimpleJobLauncher",
            f"Job: [SimpleJob: [name={job}]] launched with the following parameters: "
            f"[{{run.date={out.now('%Y-%m-%d')}}}]",
        )
    )
    out.say(
        _java_log(out, "INFO", "o.s.batch.core.job.SimpleStepHandler", "Executing step: [loadStep]")
    )
    _recovered_error(out, TS_JAVA)
    count = out.rng.randint(1_000, 900_000)
    out.say(
        _java_log(
            out,
            "INFO",
            "o.s.batch.core.step.AbstractStep",
            f"Step: [loadStep] executed in {out.rng.randint(2, 59)}s "
            f"readCount={count}, writeCount={count}, skipCount=0, errorCount=0",
        )
    )
    out.say(
        _java_log(
            out,
            "INFO",
            "o.s.b.c.l.support.SimpleJobLauncher",
            f"Job: [SimpleJob: [name={job}]] completed with the following status: [COMPLETED]",
        )
    )


def _ok_sqlplus(out: JobOutput) -> None:
    _sqlplus_banner(out)
    _sqlplus_connected(out)
    out.say("Table truncated.")
    out.say("")
    out.say(f"{out.rng.randint(100, 90_000)} rows created.")
    out.say("")
    out.say("0 rows deleted.")
    out.say("")
    out.say("PL/SQL procedure successfully completed.")
    out.say("")
    out.say("ERRORS_FOUND")
    out.say("------------")
    out.say("           0")
    out.say("")
    out.say("Commit complete.")
    out.say("")
    _sqlplus_end(out)


def _ok_python(out: JobOutput) -> None:
    out.say(_python_log(out, "INFO", "etl.main", "starting"))
    out.say(
        "/opt/etl/venv/lib/python3.11/site-packages/pandas/io/sql.py:1412: UserWarning: "
        "pandas only supports SQLAlchemy connectable"
    )
    out.say("  warnings.warn(")
    _recovered_error(out, TS_PYTHON)
    _loader_progress(out, "transform")
    _error_word_noise(out, TS_PYTHON)
    out.say(_python_log(out, "INFO", "etl.main", "finished OK, 0 errors"))


def _ok_transfer(out: JobOutput) -> None:
    host = out.pick(_REMOTE_HOSTS)
    local = _out_file(out)
    _shell_prologue(out)
    out.say(f"Warning: Permanently added '{host}' (ED25519) to the list of known hosts.")
    out.say(f"Connected to {host}.")
    out.say(f"sftp> put {local} /inbound/")
    out.say(f"Uploading {local} to /inbound/{local.rsplit('/', 1)[-1]}")
    out.say("sftp> bye")
    out.say(f"{out.now(TS_ISO)} INFO transfer complete, errors: 0")


SUCCESS_SCENARIOS: tuple[tuple[str, Callable[[JobOutput], None]], ...] = (
    ("success.shell", _ok_shell),
    ("success.spring_batch", _ok_spring_batch),
    ("success.sqlplus", _ok_sqlplus),
    ("success.python", _ok_python),
    ("success.transfer", _ok_transfer),
)


def compose_success(out: JobOutput) -> str:
    """Write the output of a successful run into ``out``; returns the scenario id."""
    scenario_id, compose = SUCCESS_SCENARIOS[out.rng.randrange(len(SUCCESS_SCENARIOS))]
    compose(out)
    return scenario_id


# ---------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------
def _t(template_id: str, category: str, rc: int, weight: float, summary: str, pattern: bytes,
       compose: Callable[[JobOutput], None], job_status: Literal["ABEND", "FAIL"] = "ABEND"
       ) -> FailureTemplate:  # fmt: skip
    return FailureTemplate(template_id, category, rc, weight, summary, pattern, compose, job_status)


_NO_SUCH_FILE = rb"No such file or directory|inexistente|nicht gefunden|No existe el|Aucun fichier"

FAILURE_TEMPLATES: tuple[FailureTemplate, ...] = (
    _t("fnf.shell_read", "file_not_found", 1, 8, "shell tool cannot open its input",
       rb": No such file or directory$", _fnf_shell_cat),
    _t("fnf.localized_cp", "file_not_found", 1, 3, "cp of a missing file on a localized OS",
       _NO_SUCH_FILE, _fnf_localized_cp),
    _t("fnf.java_reader", "file_not_found", 1, 4, "Spring Batch reader input missing",
       rb"Caused by: java\.io\.FileNotFoundException", _fnf_java),
    _t("fnf.python_open", "file_not_found", 1, 4, "Python ETL input missing",
       rb"^FileNotFoundError: \[Errno 2\]", _fnf_python),
    _t("fnf.sqlldr_datafile", "file_not_found", 1, 2, "SQL*Loader data file missing",
       rb"SQL\*Loader-500: Unable to open file", _fnf_sqlldr),
    _t("fnf.rsync_remote", "file_not_found", 23, 2, "remote file absent for rsync",
       rb"link_stat .* failed: No such file or directory", _fnf_rsync),
    _t("fnf.trigger_file", "file_not_found", 2, 2, "expected trigger file never arrived",
       rb"trigger file .* not found", _fnf_trigger_file),
    _t("perm.redirect", "permission_denied", 1, 4, "shell cannot write its output",
       rb": Permission denied$", _perm_redirect),
    _t("perm.noexec", "permission_denied", 126, 3, "script not executable or noexec mount",
       rb"Permission denied", _perm_noexec),
    _t("perm.java_access", "permission_denied", 1, 2, "Java AccessDeniedException on output",
       rb"Caused by: java\.nio\.file\.AccessDeniedException", _perm_java),
    _t("perm.python", "permission_denied", 1, 2, "Python PermissionError on lock file",
       rb"^PermissionError: \[Errno 13\]", _perm_python),
    _t("perm.sftp_put", "permission_denied", 1, 2, "remote directory not writable",
       rb'remote open\(".*"\): Permission denied', _perm_sftp_put),
    _t("disk.shell_write", "disk_full", 1, 3, "file system full while writing",
       rb"No space left on device|Wrote only", _disk_shell),
    _t("disk.oracle_extend", "disk_full", 1, 3, "Oracle tablespace cannot extend",
       rb"ORA-0165[23]: unable to extend", _disk_oracle_extend),
    _t("disk.java_io", "disk_full", 1, 2, "Java IOException no space left",
       rb"Caused by: java\.io\.IOException: No space left on device", _disk_java),
    _t("disk.python", "disk_full", 1, 2, "Python OSError 28",
       rb"^OSError: \[Errno 28\] No space left on device", _disk_python),
    _t("disk.db2_fs_full", "disk_full", 8, 1, "DB2 LOAD with full file system",
       rb"SQL0968C", _disk_db2),
    _t("oom.java_heap", "out_of_memory", 1, 3, "Java heap exhausted",
       rb"java\.lang\.OutOfMemoryError: Java heap space", _oom_java_heap),
    _t("oom.killed", "out_of_memory", 137, 3, "process killed by the OOM killer (RC 137)",
       rb" Killed ", _oom_killed),
    _t("oom.python", "out_of_memory", 1, 2, "pandas MemoryError",
       rb"^MemoryError: Unable to allocate", _oom_python),
    _t("oom.fork", "out_of_memory", 1, 1, "fork cannot allocate memory",
       rb"fork: Cannot allocate memory", _oom_fork),
    _t("oom.oracle_pga", "out_of_memory", 1, 1, "Oracle ORA-04030 process memory",
       rb"ORA-04030: out of process memory", _oom_oracle),
    _t("timeout.coreutils", "timeout", 124, 3, "timeout(1) killed the step",
       rb"did not finish within \d+s", _timeout_coreutils),
    _t("timeout.java_socket", "timeout", 1, 3, "REST call read timed out",
       rb"Caused by: java\.net\.SocketTimeoutException: Read timed out", _timeout_java_socket),
    _t("timeout.curl", "timeout", 28, 2, "curl operation timed out",
       rb"curl: \(28\) Operation timed out", _timeout_curl),
    _t("timeout.pg_statement", "timeout", 3, 2, "PostgreSQL statement_timeout",
       rb"canceling statement due to statement timeout", _timeout_psql_statement),
    _t("net.ssh_connect", "network", 255, 4, "ssh/scp/sftp cannot connect",
       rb"ssh: connect to host .* port \d+: ", _net_ssh_refused),
    _t("net.dns", "network", 6, 2, "host name does not resolve",
       rb"curl: \(6\) Could not resolve host", _net_dns),
    _t("net.java_connect", "network", 1, 3, "JDBC connect refused",
       rb"Caused by: java\.net\.ConnectException: Connection refused", _net_java_connect),
    _t("net.oracle_tns", "network", 1, 3, "Oracle listener unreachable",
       rb"ORA-125(41|14)|ORA-12170", _net_oracle_tns),
    _t("net.db2_comm", "network", 8, 1, "DB2 communication error",
       rb"SQL30081N", _net_db2_comm),
    _t("net.reset", "network", 12, 1, "connection reset during transfer",
       rb"Connection reset by peer", _net_reset),
    _t("auth.oracle", "authentication", 1, 3, "Oracle logon rejected",
       rb"ORA-01017|ORA-28000|ORA-28001", _auth_oracle),
    _t("auth.psql", "authentication", 2, 2, "PostgreSQL password authentication failed",
       rb"password authentication failed for user", _auth_psql),
    _t("auth.ssh_key", "authentication", 255, 3, "ssh public key rejected",
       rb"Permission denied \(publickey", _auth_ssh_key),
    _t("auth.tws_logon", "authentication", 1, 1, "TWS logon user unknown, job FAILs",
       rb"AWSBDW009E", _auth_tws_logon, "FAIL"),
    _t("auth.http_401", "authentication", 22, 2, "REST token request unauthorized",
       rb"returned error: 401", _auth_http_401),
    _t("auth.db2", "authentication", 8, 1, "DB2 security processing failed",
       rb"SQL30082N", _auth_db2),
    _t("db.ora_942", "database", 1, 3, "table or view does not exist",
       rb"ORA-00942", _db_ora_942),
    _t("db.ora_unique", "database", 1, 3, "unique constraint violated",
       rb"ORA-00001: unique constraint", _db_ora_unique),
    _t("db.pg_relation", "database", 3, 2, "PostgreSQL relation missing",
       rb'ERROR:  relation ".*" does not exist', _db_psql_relation),
    _t("db.db2_undefined", "database", 4, 2, "DB2 undefined name",
       rb"SQL0204N  \"", _db_db2_undefined),
    _t("db.java_invalid_identifier", "database", 1, 2, "JPA query on a missing column",
       rb"Caused by: java\.sql\.SQLSyntaxErrorException: ORA-00904", _db_java_sql),
    _t("db.plsql_compile", "database", 1, 1, "PL/SQL call to an undeclared package",
       rb"ORA-06550", _db_plsql),
    _t("cmd.bash", "command_not_found", 127, 4, "command not on jobmanrc PATH",
       rb": command not found$", _cmd_bash),
    _t("cmd.jobmanrc", "command_not_found", 127, 2, "JCL names a command not on PATH",
       rb"jobmanrc: line \d+: .*: command not found", _cmd_jobmanrc),
    _t("cmd.ksh", "command_not_found", 127, 2, "ksh cannot find a command",
       rb": not found \[No such file or directory\]", _cmd_ksh),
    _t("cmd.env", "command_not_found", 127, 1, "shebang interpreter missing",
       rb"/usr/bin/env: '.*': No such file or directory", _cmd_env),
    _t("cmd.windows", "command_not_found", 9009, 1, "Windows command not recognized",
       rb"is not recognized as an internal or external command", _cmd_windows),
    _t("input.python_value", "invalid_input", 1, 3, "unparsable value in input",
       rb"^ValueError: ", _input_python_value),
    _t("input.java_number", "invalid_input", 1, 2, "NumberFormatException in flat file",
       rb"Caused by: java\.lang\.NumberFormatException", _input_java_number),
    _t("input.sqlldr_rejects", "invalid_input", 2, 2, "SQL*Loader rejects beyond ERRORS",
       rb"^Record 1: Rejected - Error on table", _input_sqlldr_rejects),
    _t("input.trailer_count", "invalid_input", 3, 2, "trailer count mismatch",
       rb"trailer record count \d+ does not match", _input_trailer_count),
    _t("input.bad_run_date", "invalid_input", 2, 1, "invalid run date argument",
       rb"invalid run date", _input_usage),
    _t("input.xml", "invalid_input", 1, 1, "truncated XML input",
       rb"SAXParseException", _input_xml),
    _t("busy.ora_54", "resource_busy", 1, 2, "table locked by another session",
       rb"ORA-00054: resource busy", _busy_ora_54),
    _t("busy.db2_deadlock", "resource_busy", 4, 2, "DB2 deadlock or lock timeout",
       rb"SQL0911N", _busy_db2_deadlock),
    _t("busy.pg_deadlock", "resource_busy", 3, 1, "PostgreSQL deadlock",
       rb"ERROR:  deadlock detected", _busy_pg_deadlock),
    _t("busy.lockfile", "resource_busy", 3, 2, "previous run still active",
       rb"another instance is already running", _busy_lockfile),
    _t("busy.text_file", "resource_busy", 1, 1, "binary in use during deploy",
       rb"Text file busy", _busy_text_file),
    _t("crash.segv", "signal_or_crash", 139, 2, "segmentation fault",
       rb"Segmentation fault", _crash_segv),
    _t("crash.sigterm", "signal_or_crash", 143, 2, "terminated by SIGTERM",
       rb"caught signal 15 \(SIGTERM\)", _crash_sigterm),
    _t("crash.abort", "signal_or_crash", 134, 1, "glibc abort on heap corruption",
       rb"double free|corrupted top size", _crash_abort),
    _t("crash.jvm", "signal_or_crash", 134, 1, "JVM crash in native code",
       rb"SIGSEGV \(0xb\) at pc=", _crash_jvm),
    _t("app.npe", "application_error", 1, 3, "NullPointerException in business code",
       rb"java\.lang\.NullPointerException", _app_npe),
    _t("app.sap", "application_error", 1, 2, "SAP job cancelled by an error message",
       rb"Posting period .* is not open +F5", _app_sap),
    _t("app.reconciliation", "application_error", 8, 2, "control totals differ",
       rb"reconciliation failed", _app_reconciliation),
    _t("app.python_keyerror", "application_error", 1, 2, "missing mapping key",
       rb"^KeyError: ", _app_python_keyerror),
    _t("app.http_500", "application_error", 1, 1, "downstream service rejects the request",
       rb"returned HTTP 500", _app_http_500),
    _t("unknown.silent", "unknown", 1, 2, "nonzero exit without any message",
       rb" - END .* rc=", _unknown_silent),
    _t("unknown.generic_abend", "unknown", 12, 1, "program ends abnormally without reason",
       rb"ENDED ABNORMALLY", _unknown_generic),
    _t("unknown.wrapper", "unknown", 5, 1, "wrapper reports a failed step only",
       rb"step 3/5 failed", _unknown_wrapper),
)  # fmt: skip

_WEIGHTS: tuple[float, ...] = tuple(t.weight for t in FAILURE_TEMPLATES)

if len({t.template_id for t in FAILURE_TEMPLATES}) != len(FAILURE_TEMPLATES):
    raise RuntimeError("failure template ids must be unique")

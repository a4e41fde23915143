"""Render a TWS joblog (stdlist) for a simulated job run, with the ground truth of its failure.

The three layouts follow the product's stdlist format: the UNIX fault-tolerant agent (banner,
``WA for UNIX/JOBMANRC`` and AWSBIS307I/308I around the output), the dynamic agent (a
``= TASK :`` JSDL block and ``= AGENT :``, CPU and memory in the trailer) and Windows (CRLF line
ends, system and user time always 0). The trailer's exit status is the job's return code.

A small share of logs carry the bytes real logs carry: ANSI colour codes, NUL bytes, invalid
UTF-8, carriage returns, a very long line, and rarely ten thousand lines of progress before the
error. The ground-truth line number is computed from the rendered bytes (lines split on b"\\n").
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from resync_simulator.failures import FailureTemplate, JobOutput, compose_success
from resync_simulator.model import AgentKind

_RULE = b"=" * 63
_JSDL_NS = "http://www.ibm.com/xmlns/prod/scheduling/1.0/jsdl"

# Chances that a rendered log carries one of the hostile features.
_P_ANSI = 0.08
_P_NUL = 0.03
_P_INVALID_UTF8 = 0.05
_P_CARRIAGE_RETURNS = 0.04
_P_LONG_LINE = 0.04
_P_LONG_LOG = 0.015


@dataclass(frozen=True)
class JobContext:
    """What the plan knows about one job run. Datetimes may be naive or timezone-aware."""

    workstation: str
    job_stream: str
    job_name: str
    job_number: int
    user: str
    script: str
    sched_time: datetime
    start_time: datetime
    end_time: datetime
    return_code: int
    agent_kind: AgentKind


@dataclass(frozen=True)
class GroundTruth:
    """The known root cause of a rendered joblog.

    ``error_line`` is the 1-based number of the line (``data.split(b"\\n")``) that states the
    root cause, 0 for a successful run. ``entities`` occur byte-for-byte (UTF-8) in the data.
    """

    category: str
    error_line: int
    entities: tuple[str, ...]
    template_id: str


@dataclass(frozen=True)
class RenderedJoblog:
    data: bytes
    ground_truth: GroundTruth | None


# Rewrites the application's own output lines, one for one (see resync_simulator.format_change).
Restyle = Callable[[list[bytes], int | None, Sequence[str]], list[bytes]]


@dataclass(frozen=True)
class _Hostility:
    ansi: bool
    nul: bool
    invalid_utf8: bool
    carriage_returns: bool
    long_line: bool
    long_log: bool

    @classmethod
    def draw(cls, rng: random.Random, agent_kind: str) -> _Hostility:
        return cls(
            ansi=rng.random() < _P_ANSI,
            nul=rng.random() < _P_NUL,
            invalid_utf8=rng.random() < _P_INVALID_UTF8,
            # Windows logs are CRLF throughout already.
            carriage_returns=rng.random() < _P_CARRIAGE_RETURNS and agent_kind != "windows",
            long_line=rng.random() < _P_LONG_LINE,
            long_log=rng.random() < _P_LONG_LOG,
        )


def render_joblog(
    ctx: JobContext,
    failure: FailureTemplate | None,
    rng: random.Random,
    restyle: Restyle | None = None,
) -> RenderedJoblog:
    """Render the stdlist of ``ctx``'s run: failing as ``failure`` describes, or successful.

    Deterministic for a given ``rng`` state. The trailer's exit status is ``ctx.return_code``
    (callers normally pass ``failure.return_code``, or 0 for a success). ``restyle`` rewrites
    the job's own output (not TWS's banner and trailer) line for line.
    """
    hostility = _Hostility.draw(rng, ctx.agent_kind)
    out = JobOutput(
        rng,
        workstation=ctx.workstation,
        job_name=ctx.job_name,
        job_stream=ctx.job_stream,
        user=ctx.user,
        script=ctx.script,
        return_code=ctx.return_code,
        agent_kind=ctx.agent_kind,
        start=ctx.start_time,
        end=ctx.end_time,
        long_log=hostility.long_log,
        ansi=hostility.ansi,
    )
    launched = failure is None or failure.job_status != "FAIL"
    if failure is None:
        template_id = compose_success(out)
        category = "success"
    else:
        failure.compose(out)
        template_id = failure.template_id
        category = failure.category
        if out.cause_index is None:
            raise RuntimeError(f"template {template_id} marked no root-cause line")
    if launched:
        _add_hostile_lines(out, hostility, rng)
    if restyle is not None and launched:  # a job never launched printed nothing of its own
        out.lines = restyle(out.lines, out.cause_index, out.entities)

    records = _header(ctx, rng)
    if launched and ctx.agent_kind == "unix":
        records += [
            b"WA for UNIX/JOBMANRC 10.2.8.00",
            f"AWSBIS307I Starting /opt/hwa/TWS/jobmanrc {ctx.script}".encode(),
        ]
    body_start = len(records)
    records += out.lines
    if launched and ctx.agent_kind == "unix":
        records.append(b"AWSBIS308I End of job")
    records += _trailer(ctx, rng)

    newline = b"\r\n" if ctx.agent_kind == "windows" else b"\n"
    data = newline.join(records) + newline
    if out.cause_index is None:
        error_line = 0
    else:
        cause_record = body_start + out.cause_index
        offset = sum(len(r) for r in records[:cause_record]) + len(newline) * cause_record
        error_line = data.count(b"\n", 0, offset) + 1

    missing = [e for e in out.entities if e.encode("utf-8") not in data]
    if missing:
        raise RuntimeError(f"template {template_id} names entities absent from the log: {missing}")
    truth = GroundTruth(category, error_line, tuple(out.entities), template_id)
    return RenderedJoblog(data=data, ground_truth=truth)


# ---------------------------------------------------------------------------------------------
# Banners
# ---------------------------------------------------------------------------------------------
def _banner_date(moment: datetime) -> bytes:
    zone = moment.strftime("%Z") if moment.tzinfo is not None else ""
    text = moment.strftime("%a %m/%d/%y %H:%M:%S")
    return f"= {text} {zone}".rstrip().encode()


def _job_id(ctx: JobContext, rng: random.Random) -> str:
    jsid = "0AAAAAAAAAA" + "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(5)
    )
    sched = ctx.sched_time.strftime("%H%M %m/%d/%y")
    return f"{ctx.workstation}#{ctx.job_stream}[({sched}),({jsid})].{ctx.job_name}"


def _header(ctx: JobContext, rng: random.Random) -> list[bytes]:
    lines = [
        _RULE,
        f"= JOB       : {_job_id(ctx, rng)}".encode(),
        f"= USER      : {ctx.user}".encode(),
    ]
    if ctx.agent_kind == "dynamic":
        lines.append(b"= TASK      : " + _jsdl(ctx)[0])
        lines += _jsdl(ctx)[1:]
    else:
        lines.append(f"= JCLFILE   : {ctx.script}".encode())
    lines += [
        b"= TWSRCMAP  :",
        f"= AGENT     : {ctx.workstation}".encode(),
        f"= Job Number: {ctx.job_number}".encode(),
        _banner_date(ctx.start_time),
        _RULE,
    ]
    return lines


def _jsdl(ctx: JobContext) -> list[bytes]:
    iawstz = ctx.sched_time.strftime("%Y%m%d%H%M")
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<jsdl:jobDefinition xmlns:jsdl="{_JSDL_NS}" xmlns:jsdle="{_JSDL_NS}e" description="" \
name="{ctx.job_name}">
  <jsdl:variables>
    <jsdl:stringVariable name="tws.jobstream.name">{ctx.job_stream}</jsdl:stringVariable>
    <jsdl:stringVariable name="tws.job.name">{ctx.job_name}</jsdl:stringVariable>
    <jsdl:stringVariable name="tws.job.workstation">{ctx.workstation}</jsdl:stringVariable>
    <jsdl:stringVariable name="tws.job.iawstz">{iawstz}</jsdl:stringVariable>
    <jsdl:stringVariable name="tws.job.num">{ctx.job_number}</jsdl:stringVariable>
  </jsdl:variables>
  <jsdl:application name="executable">
    <jsdle:executable interactive="false">
      <jsdle:script>{ctx.script}</jsdle:script>
    </jsdle:executable>
  </jsdl:application>
  <jsdl:resources>
    <jsdl:orderedCandidatedWorkstations>
      <jsdl:workstation>{ctx.workstation}</jsdl:workstation>
    </jsdl:orderedCandidatedWorkstations>
  </jsdl:resources>
</jsdl:jobDefinition>"""
    return [line.encode() for line in text.split("\n")]


def _elapsed(ctx: JobContext) -> tuple[int, str]:
    seconds = max(0, int((ctx.end_time - ctx.start_time).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return seconds, f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _trailer(ctx: JobContext, rng: random.Random) -> list[bytes]:
    seconds, elapsed = _elapsed(ctx)
    lines = [_RULE, f"= Exit Status           : {ctx.return_code}".encode()]
    if ctx.agent_kind == "dynamic":
        cpu_ms = int(seconds * 1000 * rng.uniform(0.05, 0.9))
        lines += [
            f"= Elapsed Time (hh:mm:ss) : {elapsed}".encode(),
            f"= Job CPU usage (ms) : {cpu_ms}".encode(),
            f"= Job Memory usage (kb) : {rng.randint(2_048, 4_194_304)}".encode(),
        ]
    else:
        if ctx.agent_kind == "windows":
            system_s = user_s = 0  # the product always reports 0 on Windows
        else:
            user_s = int(seconds * rng.uniform(0.02, 0.8))
            system_s = int(seconds * rng.uniform(0.0, 0.1))
        times = f"= System Time (Seconds) : {system_s}     Elapsed Time (hh:mm:ss) : {elapsed}"
        lines += [
            times.encode(),
            f"= User Time (Seconds)   : {user_s}".encode(),
        ]
    lines += [_banner_date(ctx.end_time), _RULE]
    return lines


# ---------------------------------------------------------------------------------------------
# Hostile bytes
# ---------------------------------------------------------------------------------------------
def _add_hostile_lines(out: JobOutput, hostility: _Hostility, rng: random.Random) -> None:
    """Insert noise lines with hostile bytes and mark CR line ends, never on the cause line."""
    extra: list[bytes] = []
    if hostility.nul:
        extra.append(b"checkpoint written: \x00\x00\x00\x00\x01\x9c" + bytes(rng.randrange(8)))
    if hostility.invalid_utf8:
        extra.append(
            rng.choice(
                (
                    b"INFO  relat\xf3rio de concilia\xe7\xe3o gerado em /data/out",
                    b"INFO  Stra\xdfe/Geb\xe4ude fields normalised",
                    b"\xff\xfe\x00I\x00N\x00F\x00O\x00",
                    b"WARN  unexpected byte \xc3\x28 in column NOME, replaced",
                )
            )
        )
    if hostility.long_line:
        ids = ",".join(str(rng.randrange(10**9)) for _ in range(rng.randint(2_500, 4_000)))
        extra.append(f"DEBUG SELECT * FROM ORDERS WHERE ORDER_ID IN ({ids})".encode())
    if hostility.carriage_returns:
        extra.append(b"  10%\r  25%\r  50%\r  75%\r 100%")
    for line in extra:
        limit = out.cause_index if out.cause_index is not None else len(out.lines)
        position = rng.randint(0, limit)
        out.lines.insert(position, line)
        if out.cause_index is not None and position <= out.cause_index:
            out.cause_index += 1
    if hostility.carriage_returns and out.lines:
        # Output copied from a file written on Windows: a run of lines ending in CR.
        start = rng.randrange(len(out.lines))
        for i in range(start, min(len(out.lines), start + rng.randint(2, 12))):
            out.lines[i] += b"\r"

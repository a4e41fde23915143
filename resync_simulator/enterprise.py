"""The static shape of a simulated TWS enterprise, generated deterministically from a seed.

:func:`generate_enterprise` lays out workstations (master, FTAs, dynamic agents, Windows agents,
pools, an extended agent), job streams spread over the day with most of them in the night
batch window, and jobs chained by dependencies inside their stream. Per-job attributes that
drive behaviour (median runtime, variability, growth, failure rate) are drawn with numpy in one
pass so that 200k jobs generate in about a second.
"""

from __future__ import annotations

import bisect
import uuid
import zlib
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from resync_simulator.model import (
    GROWTH_CYCLE_WEEKS,
    JobDef,
    JobStreamDef,
    Workstation,
)

_APPS = (
    "PAYROLL", "GLEDGER", "BILLING", "CRM", "INVENTORY", "DWH", "RISK", "TREASURY", "HR",
    "ORDERS", "LOGISTICS", "CLAIMS", "POLICY", "CARDS", "LOANS", "AUDIT", "MDM", "REPORTS",
)  # fmt: skip
_CADENCES = ("DAILY", "NIGHT", "EOD", "INTRADAY", "SYNC", "LOAD", "CLOSE", "FEED")
_VERBS = (
    "EXTRACT", "LOAD", "TRANSFORM", "VALIDATE", "EXPORT", "IMPORT", "ARCHIVE", "PURGE",
    "REPORT", "RECONCILE", "BACKUP", "INDEX", "AGGREGATE", "NOTIFY", "SORT", "MERGE", "CHECK",
)  # fmt: skip
_OBJECTS = (
    "EMP", "GL", "INV", "CUST", "ORD", "PAY", "TXN", "ACCT", "RATES", "STOCK", "CLAIM", "FX",
    "LEDGER", "USERS", "STATS", "FILES", "DB", "CUBE",
)  # fmt: skip
_USERS = ("batchusr", "tws", "dwhload", "appbatch", "oracle", "etluser", "finops")


@dataclass(frozen=True)
class Enterprise:
    """Workstations, job streams and job definitions; job indices are positions in ``jobs``."""

    seed: int
    workstations: tuple[Workstation, ...]
    streams: tuple[JobStreamDef, ...]
    jobs: tuple[JobDef, ...]

    @property
    def seed_tag(self) -> int:
        """32 bits identifying the seed, embedded in every id the simulator hands out."""
        return zlib.crc32(str(self.seed).encode())

    def workstation_by_name(self, name: str) -> Workstation | None:
        for ws in self.workstations:
            if ws.name == name:
                return ws
        return None

    def hosts(self) -> list[str]:
        return [ws.host for ws in self.workstations if ws.host is not None]

    # ------------------------------------------------------------ the plan's graph
    @cached_property
    def schedule_order(self) -> tuple[int, ...]:
        """Stream indices by start time: every stream comes after the streams it waits for."""
        return tuple(sorted(range(len(self.streams)),
                            key=lambda s: (self.streams[s].start_offset, s)))  # fmt: skip

    @cached_property
    def dependent_streams(self) -> tuple[tuple[int, ...], ...]:
        """Per stream, the other streams with a job waiting for it (or for one of its jobs)."""
        found: list[set[int]] = [set() for _ in self.streams]
        for job in self.jobs:
            for pred in job.external_predecessors:
                found[self.jobs[pred].stream].add(job.stream)
            for stream in job.stream_predecessors:
                found[stream].add(job.stream)
        return tuple(tuple(sorted(s)) for s in found)

    @cached_property
    def stream_final_jobs(self) -> tuple[tuple[int, ...], ...]:
        """Per stream, its jobs no other job of the stream waits for: once they ended
        successfully, every job of the stream has."""
        waited_for = {p for job in self.jobs for p in job.predecessors}
        return tuple(
            tuple(j for j in range(st.first_job, st.stop_job) if j not in waited_for)
            for st in self.streams
        )

    @cached_property
    def graph_predecessors(self) -> tuple[tuple[int, ...], ...]:
        """Per job, the jobs it waits for directly; a whole-stream dependency counts as
        waiting for that stream's final jobs."""
        finals = self.stream_final_jobs
        return tuple(
            tuple(dict.fromkeys(
                job.job_predecessors + tuple(j for s in job.stream_predecessors for j in finals[s])
            ))
            for job in self.jobs
        )  # fmt: skip

    @cached_property
    def graph_successors(self) -> tuple[tuple[int, ...], ...]:
        """Per job, the jobs that wait for it directly (the reverse of graph_predecessors)."""
        found: list[list[int]] = [[] for _ in self.jobs]
        for job, preds in enumerate(self.graph_predecessors):
            for pred in preds:
                found[pred].append(job)
        return tuple(tuple(s) for s in found)


def _uuid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


def _generate_workstations(rng: np.random.Generator, count: int) -> list[Workstation]:
    stations: list[Workstation] = [
        Workstation(0, _uuid(rng), "MDM", "MANAGER", "LINUX", "unix", "twsmdm01", "MASTERDM",
                    100, 31111, "10.2.5")
    ]  # fmt: skip
    kinds = rng.choice(4, size=count - 1, p=[0.35, 0.4, 0.15, 0.10])
    counters = {"FTA": 0, "AGT": 0, "WIN": 0, "XAG": 0}
    for kind in kinds:
        index = len(stations)
        version = str(rng.choice(["9.5.0.6", "10.1.0.3", "10.2.3", "10.2.5"]))
        unlink = float(rng.choice([0.0, 0.0, 0.02, 0.08]))
        if kind == 0:
            counters["FTA"] += 1
            n = counters["FTA"]
            os_name = str(rng.choice(["LINUX", "AIX", "UNIX"]))
            stations.append(Workstation(index, _uuid(rng), f"FTA{n:03d}", "FTA", os_name, "unix",
                                        f"fta{n:03d}.corp.local", f"DOM{1 + n % 3}",
                                        int(rng.integers(10, 40)), 31111, version,
                                        unlink_rate=unlink))  # fmt: skip
        elif kind == 1:
            counters["AGT"] += 1
            n = counters["AGT"]
            stations.append(Workstation(index, _uuid(rng), f"AGT{n:03d}", "AGENT", "LINUX",
                                        "dynamic", f"agent{n:03d}.corp.local", "MASTERDM",
                                        int(rng.integers(20, 60)), 31114, version,
                                        unlink_rate=unlink))  # fmt: skip
        elif kind == 2:
            counters["WIN"] += 1
            n = counters["WIN"]
            stations.append(Workstation(index, _uuid(rng), f"WIN{n:03d}", "AGENT", "WINDOWS",
                                        "windows", f"winbat{n:03d}.corp.local", "MASTERDM",
                                        int(rng.integers(10, 30)), 31114, version,
                                        unlink_rate=unlink))  # fmt: skip
        else:
            counters["XAG"] += 1
            n = counters["XAG"]
            stations.append(Workstation(index, _uuid(rng), f"SAP{n:02d}", "X-AGENT", "LINUX",
                                        "dynamic", f"sapgw{n:02d}.corp.local", "MASTERDM",
                                        int(rng.integers(5, 20)), 31114, version,
                                        unlink_rate=unlink))  # fmt: skip
    # Pools group dynamic agents; their jobs run on one member (jobruns[].actualWorkstation).
    agents = [ws.index for ws in stations if ws.type == "AGENT" and ws.os == "LINUX"]
    for n in range(1, max(1, len(agents) // 4) + 1):
        if len(agents) < 2:
            break
        members = tuple(sorted(int(a) for a in rng.choice(agents, size=min(3, len(agents)),
                                                          replace=False)))  # fmt: skip
        stations.append(Workstation(len(stations), _uuid(rng), f"POOL{n:02d}", "POOL", "LINUX",
                                    "dynamic", None, "MASTERDM", 50, 31114, "10.2.5",
                                    members=members))  # fmt: skip
    return stations


def _stream_start_offsets(rng: np.random.Generator, count: int) -> np.ndarray:
    # Night batch window dominates: 45% between 00:00 and 06:00, 35% from 18:00, the rest daytime.
    window = rng.choice(3, size=count, p=[0.45, 0.20, 0.35])
    low = np.array([0.0, 6 * 3600.0, 18 * 3600.0])[window]
    high = np.array([6 * 3600.0, 18 * 3600.0, 23.5 * 3600.0])[window]
    offsets = rng.uniform(low, high)
    return np.round(offsets / 300.0) * 300.0  # streams start on 5-minute marks


def generate_enterprise(seed: int, job_count: int) -> Enterprise:
    """Generate the enterprise for ``seed`` with exactly ``job_count`` jobs (>= 1)."""
    if job_count < 1:
        raise ValueError("job_count must be at least 1")
    rng = np.random.default_rng([seed, 0x5EED])
    ws_count = int(np.clip(job_count // 120, 6, 300))
    workstations = _generate_workstations(rng, ws_count)
    runnable = [ws.index for ws in workstations if ws.type != "MANAGER"]

    # Stream sizes: 3..30 jobs, mean ~10.
    sizes: list[int] = []
    remaining = job_count
    while remaining > 0:
        size = int(min(remaining, max(1, round(rng.lognormal(np.log(9), 0.5)))))
        size = min(size, 30)
        sizes.append(size)
        remaining -= size
    stream_count = len(sizes)
    starts = _stream_start_offsets(rng, stream_count)
    stream_ws = rng.choice(runnable, size=stream_count)

    # Per-job draws, vectorised.
    medians = np.exp(rng.normal(np.log(120.0), 1.1, size=job_count)).clip(3, 4 * 3600)
    sigmas = rng.uniform(0.08, 0.45, size=job_count)
    growing = rng.random(job_count) < 0.08
    growth = np.where(growing, rng.uniform(0.01, 0.05, size=job_count), 0.0)
    # Drawn from a generator of its own so that adding it left every other draw unchanged.
    growth_phase = np.random.default_rng([seed, 0x6207]).uniform(
        0.0, GROWTH_CYCLE_WEEKS, size=job_count
    )
    fail_rate = np.where(rng.random(job_count) < 0.05, rng.uniform(0.03, 0.15, job_count), 0.004)
    recovery = rng.random(job_count) < 0.15
    critical = rng.random(job_count) < 0.05
    priority = rng.choice([10, 10, 10, 20, 50, 80], size=job_count)
    own_ws = rng.random(job_count) < 0.2  # a fifth of jobs run off their stream's workstation
    job_ws = rng.choice(runnable, size=job_count)
    users = rng.integers(0, len(_USERS), size=job_count)
    verbs = rng.integers(0, len(_VERBS), size=job_count)
    objects = rng.integers(0, len(_OBJECTS), size=job_count)
    fan_in = rng.choice([1, 1, 1, 2, 3], size=job_count)
    skip_back = rng.choice([0, 0, 0, 1, 2], size=job_count)

    streams: list[JobStreamDef] = []
    jobs: list[JobDef] = []
    stream_names: set[str] = set()
    for s, size in enumerate(sizes):
        app = _APPS[s % len(_APPS)]
        name = f"{app}_{_CADENCES[(s // len(_APPS)) % len(_CADENCES)]}{s // 144:02d}"
        if name in stream_names:
            name = f"{name}_{s}"
        stream_names.add(name)
        month_end = 2.2 if app in ("GLEDGER", "TREASURY", "PAYROLL", "AUDIT", "REPORTS") else 1.0
        first = len(jobs)
        ws_index = int(stream_ws[s])
        expected = 0.0
        names_in_stream: set[str] = set()
        for position in range(size):
            j = first + position
            job_name = f"{_VERBS[verbs[j]]}_{_OBJECTS[objects[j]]}"
            if job_name in names_in_stream:
                job_name = f"{job_name}{position:02d}"
            names_in_stream.add(job_name)
            preds: tuple[int, ...] = ()
            if position > 0:
                back = max(0, position - 1 - int(skip_back[j]))
                chosen = {first + back}
                for extra in range(1, int(fan_in[j])):
                    if back - extra >= 0:
                        chosen.add(first + back - extra)
                preds = tuple(sorted(chosen))
            ws_for_job = int(job_ws[j]) if own_ws[j] else ws_index
            ws = workstations[ws_for_job]
            script = (
                f"D:\\batch\\{app.lower()}\\{job_name.lower()}.cmd"
                if ws.os == "WINDOWS"
                else f"/opt/{app.lower()}/bin/{job_name.lower()}.sh"
            )
            jobs.append(
                JobDef(
                    index=j,
                    name=job_name,
                    stream=s,
                    workstation=ws_for_job,
                    position=position,
                    script=script,
                    user=_USERS[users[j]],
                    is_command=bool(position % 7 == 3),
                    median_seconds=float(medians[j]),
                    sigma=float(sigmas[j]),
                    weekly_growth=float(growth[j]),
                    month_end_factor=month_end,
                    fail_rate=float(fail_rate[j]),
                    recovery_rerun=bool(recovery[j]),
                    critical=bool(critical[j]),
                    priority=int(priority[j]),
                    predecessors=preds,
                    growth_phase_weeks=float(growth_phase[j]),
                )
            )
            expected += float(medians[j])
        streams.append(
            JobStreamDef(
                index=s,
                name=name,
                folder="/" if s % 5 else f"/{app}/",
                workstation=ws_index,
                start_offset=float(starts[s]),
                deadline_offset=float(starts[s]) + max(1800.0, 2.0 * expected),
                first_job=first,
                stop_job=first + size,
            )
        )
    jobs = _wire_streams(seed, streams, jobs)
    return Enterprise(seed, tuple(workstations), tuple(streams), tuple(jobs))


# Share of streams whose first job waits for another stream, and of those the share that
# waits for a whole stream rather than one job of it.
_CROSS_STREAM_RATE = 0.3
_WHOLE_STREAM_SHARE = 0.35
# A stream waits only for streams that usually end before it starts (the batch is planned
# that way), chosen among the latest few of them.
_RECENT_STREAMS = 40
_RESOURCE_RATE = 0.05
_FILE_RATE = 0.25  # of streams: their first job waits for an input file


def _wire_streams(
    seed: int,
    streams: list[JobStreamDef],
    jobs: list[JobDef],
) -> list[JobDef]:
    """Add dependencies across streams, resources and files to ``jobs``.

    Drawn from a generator of its own, after every other draw, so the rest of the enterprise
    (names, runtimes, failures) is the same as without them. A stream only waits for streams
    whose expected end (start plus its jobs' median runtimes) is before its own start, so
    the dependency binds only on a night that runs long, as in a planned batch.
    """
    rng = np.random.default_rng([seed, 0xDE95])
    expected_end = [
        st.start_offset + sum(jobs[j].median_seconds for j in range(st.first_job, st.stop_job))
        for st in streams
    ]
    by_end = sorted(range(len(streams)), key=lambda s: (expected_end[s], s))
    ends = [expected_end[s] for s in by_end]
    draws = rng.random((len(streams), 4))
    picks = rng.integers(0, 1 << 30, size=(len(streams), 2))
    wired = list(jobs)
    for st in streams:
        u_link, u_kind, u_resource, u_file = draws[st.index]
        first = wired[st.first_job]
        external: tuple[int, ...] = ()
        whole: tuple[int, ...] = ()
        ready = bisect.bisect_right(ends, st.start_offset)
        if u_link < _CROSS_STREAM_RATE and ready:
            candidates = by_end[max(0, ready - _RECENT_STREAMS) : ready]
            pred = streams[candidates[int(picks[st.index, 0]) % len(candidates)]]
            if u_kind < _WHOLE_STREAM_SHARE:
                whole = (pred.index,)
            else:
                size = pred.stop_job - pred.first_job
                external = (pred.first_job + int(picks[st.index, 1]) % size,)
        app = st.name.split("_", 1)[0]
        resources = (f"{app}_DBLOCK",) if u_resource < _RESOURCE_RATE else ()
        files: tuple[str, ...] = ()
        if u_file < _FILE_RATE:
            files = (f"/data/in/{app.lower()}/{first.name.lower()}.dat",)
        if external or whole or resources or files:
            wired[st.first_job] = replace(first, external_predecessors=external,
                                          stream_predecessors=whole, resources=resources,
                                          files=files)  # fmt: skip
    return wired

"""Run ``resync-flows poll --once`` against a mock on a fresh PostgreSQL database; judge it.

The poll runs as its own process (the way an operator runs it) with ``RESYNC_TWS_URL`` on the
recording proxy and a database created for it and dropped afterwards. Beyond its exit, the
database is read back: every run the mock served must be stored or quarantined (a run
neither stored nor quarantined was dropped silently), and a failed run stored without a
joblog although the mock serves joblogs lost it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from resync_clients.tws import errors as tws_errors

from .mock import Exchange, RecordingProxy
from .verdict import Outcome, names_violation, request_breaches

_CYCLE_FAILED = re.compile(r"cycle failed:\s*(\w+)[:\s]+(.*)", re.S)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _served_runs(exchanges: list[Exchange]) -> dict[str, str | None]:
    """Run id -> internal status of every run on the 2xx job pages the mock served."""
    runs: dict[str, str | None] = {}
    for exchange in exchanges:
        if not (exchange.path.endswith("/plan/job") and 200 <= exchange.status < 300):
            continue
        try:
            page = json.loads(exchange.body)
        except ValueError:
            continue
        for job in page.get("results") or []:
            for run in job.get("jobruns") or []:
                if isinstance(run, dict) and isinstance(run.get("id"), str):
                    runs[run["id"]] = (run.get("compositeStatus") or {}).get("status")
    return runs


def _run_poll(command: list[str], env: dict[str, str], timeout: float) -> tuple[int | None, str]:
    """Run the poll in a session of its own, so a timeout also ends its Prefect server."""
    process = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        out, _ = process.communicate(timeout=timeout)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
        code = None
    return code, out.decode("utf-8", "replace")


def _read_back(url: str) -> dict[str, object]:
    with psycopg.connect(url, autocommit=True) as conn:
        stored = conn.execute("SELECT count(*) FROM job_runs").fetchone()
        missing = conn.execute(
            "SELECT count(*) FROM job_runs WHERE internal_status IN ('ABEND', 'FAIL')"
            " AND joblog_text IS NULL"
        ).fetchone()
        exists = conn.execute("SELECT to_regclass('job_run_quarantine') IS NOT NULL").fetchone()
        quarantined = 0
        if exists and exists[0]:
            row = conn.execute("SELECT count(*) FROM job_run_quarantine").fetchone()
            quarantined = row[0] if row else 0
        ids = {r[0] for r in conn.execute("SELECT run_id FROM job_runs").fetchall()}
    return {
        "stored": stored[0] if stored else 0,
        "failed_without_joblog": missing[0] if missing else 0,
        "quarantined": quarantined,
        "ids": ids,
    }


def probe_poll(
    mode: str, proxy: RecordingProxy, admin_url: str, *, timeout: float, workdir: Path
) -> Outcome:
    """One ``poll --once`` against the proxy's current mock, judged like a client call."""
    name = f"probe_{secrets.token_hex(4)}"
    url = _with_database(admin_url, name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    mark = proxy.mark()
    # No TWS credentials: Prism refuses any (see tws_probe.calls.probe_client).
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RESYNC_TWS_")},
        "RESYNC_TWS_URL": proxy.url,
        "RESYNC_DATABASE_URL": url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    cli = Path(sys.executable).with_name("resync-flows")
    log_path = workdir / f"poll-{mode}.log"
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="probe-poll-") as home:
            env["PREFECT_HOME"] = home
            env["RESYNC_DATA_DIR"] = home
            code, output = _run_poll([str(cli), "poll", "--once"], env, timeout)
        log_path.write_text(output)
        exchanges = proxy.since(mark)
        database = _read_back(url) if code is not None else {}
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    return _judge_poll(mode, code, output, exchanges, database, time.monotonic() - started, timeout)


def _is_tws_error(name: str) -> bool:
    """Whether ``name`` is a class of the client's error hierarchy (CircuitOpenError too)."""
    found = getattr(tws_errors, name, None)
    return isinstance(found, type) and issubclass(found, tws_errors.TWSError)


def _judge_poll(
    mode: str,
    code: int | None,
    output: str,
    exchanges: list[Exchange],
    database: dict[str, object],
    seconds: float,
    timeout: float,
) -> Outcome:
    call = "poll --once"
    requests = [exchange.describe() for exchange in exchanges]

    def outcome(verdict: str, detail: str, kind: str | None = None) -> Outcome:
        return Outcome(mode, call, verdict, detail, kind, requests)  # type: ignore[arg-type]

    if code is None:
        return outcome("problem", f"no exit within {timeout:g}s", "hang")
    breaches = request_breaches(exchanges)
    if breaches:
        more = f" (+{len(breaches) - 1} more)" if len(breaches) > 1 else ""
        return outcome("problem", f"{breaches[0]}{more}; poll exit {code}", "request")
    if code != 0:
        failed = _CYCLE_FAILED.search(output)
        if failed is None:
            tail = output.strip().splitlines()[-1:] or ["(no output)"]
            return outcome("problem", f"exit {code} without a cycle report: {tail[0]}", "crash")
        kind_name, message = failed.group(1), " ".join(failed.group(2).split())[:300]
        if not _is_tws_error(kind_name):
            return outcome("problem", f"{kind_name}: {message}", "crash")
        answered = [e for e in exchanges if 200 <= e.status < 300]
        violated = {path for e in answered for path in e.violated_fields}
        if kind_name == "TWSProtocolError" and answered and not names_violation(message, violated):
            return outcome("problem", f"cycle lost on a spec-valid answer: {message}", "rejects")
        return outcome("clear", f"{kind_name}: {message}")
    served = _served_runs(exchanges)
    stored_ids = database.get("ids") or set()
    assert isinstance(stored_ids, set)
    quarantined = int(database.get("quarantined") or 0)  # type: ignore[call-overload]
    lost = [run_id for run_id in served if run_id not in stored_ids]
    if len(lost) > quarantined:
        return outcome(
            "problem",
            f"{len(lost)} of {len(served)} served run(s) neither stored nor quarantined "
            f"(quarantined {quarantined})",
            "silent",
        )
    joblogs_served = any("joblog" in e.path and 200 <= e.status < 300 for e in exchanges)
    without = int(database.get("failed_without_joblog") or 0)  # type: ignore[call-overload]
    if without and joblogs_served:
        return outcome(
            "problem",
            f"{without} failed run(s) stored without the joblog the mock served",
            "silent",
        )
    return outcome(
        "ok",
        f"exit 0 in {seconds:.0f}s: {database.get('stored')} run(s) stored of {len(served)} "
        f"served, {quarantined} quarantined, {without} failed without joblog",
    )

"""Weeks of a small shop written straight into PostgreSQL, as the poller, the incident flow,
operators, predictive maintenance and the capacity forecast would have left them; on the
last night one application's joblog format changes (its failures match no rule and mask into
templates never seen)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from psycopg.types.json import Jsonb

WORKSTATIONS = ("APP1", "APP2", "APP3", "DB1")
JOBS = [f"{ws}#DAILY.JOB{j}" for ws in WORKSTATIONS for j in range(10)]
CATEGORIES = {"APP1": "file_not_found", "APP2": "timeout", "APP3": "disk_full", "DB1": "database"}


def _at(night: date, hour: float) -> datetime:
    return datetime(night.year, night.month, night.day, tzinfo=UTC) + timedelta(hours=hour)


def seed_shop(conn: Any, first: date, nights: int, *, changed: str | None) -> date:
    """Write ``nights`` nights from ``first``; returns the last night (where ``changed``, a
    workstation, fails in a new format)."""
    rng = random.Random(11)
    last = first + timedelta(days=nights - 1)
    runs: list[tuple[Any, ...]] = []
    failures: list[tuple[str, str, str, float, str, datetime, bool]] = []
    for offset in range(nights):
        night = first + timedelta(days=offset)
        for index, job in enumerate(JOBS):
            ws = job.split("#")[0]
            start = _at(night, 1 + index * 0.1)
            deadline = start + timedelta(hours=2)
            new_format = changed == ws and night == last
            failed = new_format or rng.random() < 0.12
            run_id = f"{job}:{night}"
            pattern = f"{job}-format{2 if new_format else 1}"
            status = "ABEND" if failed else "SUCC"
            end = start + timedelta(minutes=10)
            runs.append(
                (run_id, job, ws, status, start, end, deadline, pattern if failed else None)
            )
            if failed:
                category = "unknown" if new_format else CATEGORIES[ws]
                confidence = 0.2 if new_format else 0.85
                rerun_ok = not new_format
                failures.append((run_id, job, category, confidence, pattern, end, rerun_ok))
                if rerun_ok:  # the operator reran it an hour later
                    runs.append(
                        (
                            f"{run_id}:rr",
                            job,
                            ws,
                            "SUCC",
                            end + timedelta(hours=1),
                            end + timedelta(hours=1, minutes=10),
                            deadline,
                            None,
                        )
                    )
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO job_runs (run_id, job_key, workstation, job_stream, job_name, status,"
            " internal_status, sched_time, start_time, end_time, deadline_time, error_pattern,"
            " error_line)"
            " VALUES (%s, %s, %s, 'DAILY', split_part(%s, '.', 2), %s, %s, %s, %s, %s, %s, %s,"
            " %s)",
            [
                (
                    r[0],
                    r[1],
                    r[2],
                    r[1],
                    "ERROR" if r[3] == "ABEND" else "SUCCESSFUL",
                    r[3],
                    r[4],
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    0 if r[7] is None else 3,
                )
                for r in runs
            ],
        )
        for number, (run_id, job, category, confidence, pattern, end, _) in enumerate(failures):
            incident = cur.execute(
                "INSERT INTO incidents (fingerprint, pattern_id, job_key, category, root_cause,"
                " confidence, created_at) VALUES (%s, %s, %s, %s, 'cause', %s, %s) RETURNING id",
                (f"{category}:{run_id}", pattern, job, category, confidence, end),
            ).fetchone()["id"]
            cur.execute(
                "INSERT INTO incident_runs (incident_id, run_id) VALUES (%s, %s)",
                (incident, run_id),
            )
            learned = number % 2 == 0
            cur.execute(
                "INSERT INTO recommendations (incident_id, steps, source, confidence)"
                " VALUES (%s, %s, %s, 0.8)",
                (incident, Jsonb(["check"]), "learned" if learned else "deterministic"),
            )
            if category != "unknown":
                verdict = "helpful" if rng.random() < 0.85 else "wrong"
                cur.execute(
                    "INSERT INTO feedback (incident_id, verdict, operator, created_at)"
                    " VALUES (%s, %s, 'ops', %s)",
                    (incident, verdict, end + timedelta(hours=2)),
                )
        cur.executemany(
            "INSERT INTO risk_scores (job_key, scored_for, score) VALUES (%s, %s, %s)",
            [(job, first + timedelta(days=o), 0.12) for o in range(nights) for job in JOBS],
        )
        for offset in range(nights):
            night = first + timedelta(days=offset)
            generated = _at(night, 0)
            points = [
                {
                    "timestamp": _at(night, h).isoformat(),
                    "value": 50.0,
                    "lower": 40.0,
                    "upper": 60.0,
                }
                for h in range(24)
            ]
            cur.execute(
                "INSERT INTO forecasts (series_key, generated_at, method, step_seconds, horizon,"
                " points, details) VALUES ('db01:cpu_percent', %s, 'naive', 3600, 24, %s, %s)",
                (
                    generated,
                    Jsonb(points),
                    Jsonb({"host": "db01", "metric": "cpu_percent", "labels": {}, "coverage": 0.8}),
                ),
            )
            cur.executemany(
                "INSERT INTO metric_samples (host, metric, sampled_at, value)"
                " VALUES ('db01', 'cpu_percent', %s, %s)",
                [(_at(night, h + 0.25), 50.0 + rng.uniform(-12, 12)) for h in range(24)],
            )
    return last

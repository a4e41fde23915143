"""Which successful runs a poll cycle samples for the jobs' good-run profiles."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from resync_analytics.joblog.profiles import ProfilePolicy, good_job_keys, good_runs_to_sample
from resync_core.job_runs import JobRunRecord

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
POLICY = ProfilePolicy(per_cycle=3, max_age=timedelta(days=7))


def run(job: str, run_id: str, status: str = "SUCC", ended: int = 60, rc: int | None = 0):
    return JobRunRecord(
        run_id=run_id, job_id=job, job_key=job, plan_id="P", workstation="WS", job_stream="S",
        job_name=job.rsplit(".", 1)[-1], folder="/", status=status, internal_status=status,
        return_code=rc, sched_time=None, start_time=NOW - timedelta(minutes=ended + 1),
        end_time=NOW - timedelta(minutes=ended), duration_seconds=60.0, rerun_type=None,
        run_attempt=1, is_critical=False,
    )  # fmt: skip


def test_at_most_n_runs_one_per_job_its_latest_success() -> None:
    runs = [run(f"WS#S.J{i}", f"r{i}") for i in range(10)]
    runs += [run("WS#S.J0", "r0-later", ended=5), run("WS#S.J1", "r1-failed", "ABEND", rc=1)]
    chosen = good_runs_to_sample(runs, {}, NOW, POLICY, random.Random(1))
    assert len(chosen) == 3
    assert len({r.job_key for r in chosen}) == 3
    assert all(r.internal_status == "SUCC" for r in chosen)
    latest = good_runs_to_sample(runs[:1] + runs[-2:], {}, NOW, POLICY)
    assert [r.run_id for r in latest] == ["r0-later"]


def test_fresh_profiles_are_skipped_and_stale_ones_are_due_again() -> None:
    runs = [run("WS#S.A", "a"), run("WS#S.B", "b"), run("WS#S.C", "c")]
    ages = {"WS#S.A": NOW - timedelta(hours=1), "WS#S.B": NOW - timedelta(days=8)}
    chosen = good_runs_to_sample(runs, ages, NOW, POLICY)
    assert [r.job_key for r in chosen] == ["WS#S.B", "WS#S.C"]


def test_every_due_job_gets_its_turn_and_zero_turns_sampling_off() -> None:
    runs = [run(f"WS#S.J{i:02d}", f"r{i}") for i in range(30)]
    rng = random.Random(7)
    ages: dict[str, datetime] = {}
    for _ in range(10):  # each cycle profiles what it sampled: 30 jobs, 3 a cycle
        chosen = good_runs_to_sample(runs, ages, NOW, POLICY, rng)
        assert len(chosen) == 3 and not set(ages) & {r.job_key for r in chosen}
        ages.update({r.job_key: NOW for r in chosen})
    assert len(ages) == 30
    assert good_runs_to_sample(runs, ages, NOW, POLICY, rng) == []
    assert good_runs_to_sample(runs, {}, NOW, ProfilePolicy(0, timedelta(days=1))) == []
    assert good_job_keys([*runs, run("WS#S.X", "x", "ABEND", rc=1)]) == sorted(
        r.job_key for r in runs
    )

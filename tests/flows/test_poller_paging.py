"""The poller against a TWS that pages badly (repeats pages, sends a count no offset can reach),
through the strict gate in front of the real simulator, with real PostgreSQL and Prefect."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from prefect import flow

from flows.poller import poll_tws
from resync_core.settings import get_settings
from tasks.maintenance import read_planned_jobs
from tasks.resources import close_resources
from tests.resync_clients.tws.strict_gate import Gate, serve_asgi


@pytest.fixture
def gate(poller_settings, poller_simulator, monkeypatch) -> Iterator[Gate]:  # type: ignore[no-untyped-def]
    """The poller's TWS URL points at a well-behaved gate in front of its simulator."""
    behaviour = Gate(upstream=poller_simulator.base_url)
    with serve_asgi(behaviour) as url:
        monkeypatch.setenv("RESYNC_TWS_URL", url)
        get_settings.cache_clear()
        close_resources()  # the next cycle opens its TWS connections on the gate
        yield behaviour
    close_resources()
    get_settings.cache_clear()


def repeat_first_job(behaviour: Gate) -> set[str]:
    """Make the gate serve each query's first job that has runs only, claim more, and ignore
    ``offset``: every second page repeats the first. Returns the run ids it serves (filled as
    it goes)."""
    served: set[str] = set()

    def first_only(page: dict[str, Any]) -> None:
        page["count"] = max(page.get("count") or 0, len(page["results"])) + 1
        started = [job for job in page["results"] if job.get("jobruns")]
        page["results"] = (started or page["results"])[:1]
        served.update(run["id"] for job in page["results"] for run in job.get("jobruns") or [])

    behaviour.ignore_offset = True
    behaviour.rewrite_page = first_only
    return served


def behave(behaviour: Gate) -> None:
    behaviour.ignore_offset = False
    behaviour.rewrite_page = None


def cursor_row(store) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with store.connection() as conn:
        row = conn.execute("SELECT cursor FROM poller_state WHERE name = 'tws'").fetchone()
    return row["cursor"]


def stored_run_ids(store) -> set[str]:  # type: ignore[no-untyped-def]
    with store.connection() as conn:
        return {r["run_id"] for r in conn.execute("SELECT run_id FROM job_runs").fetchall()}


def test_a_full_read_cut_short_by_a_repeated_page_stores_what_was_read_and_keeps_the_cursor(
    gate, store
):
    served = repeat_first_job(gate)
    cut = asyncio.run(poll_tws(full=True))
    assert cut.full and not cut.complete
    assert served and served <= stored_run_ids(store), "every run TWS sent is stored"
    cursor = cursor_row(store)
    assert cursor["since"] is None, "the cursor does not move past an incomplete read"

    behave(gate)
    whole = asyncio.run(poll_tws())
    assert whole.full and whole.complete, "the next cycle reads the whole plan again"
    assert len(stored_run_ids(store)) > len(served)
    after = cursor_row(store)
    assert after["since"] is not None and after["cycles_since_full"] == 0


def test_an_incremental_read_cut_short_keeps_the_cursor_and_the_next_cycle_catches_up(
    gate, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    before = cursor_row(store)
    assert before["since"] is not None
    run_id = poller_simulator.engine.inject()

    served = repeat_first_job(gate)
    cut = asyncio.run(poll_tws())
    assert not cut.full and not cut.complete
    assert served <= stored_run_ids(store)
    during = cursor_row(store)
    assert during["since"] == before["since"]
    assert during["cycles_since_full"] == before["cycles_since_full"] + 1

    behave(gate)
    caught_up = asyncio.run(poll_tws())
    assert caught_up.complete
    assert run_id in stored_run_ids(store)
    assert cursor_row(store)["since"] >= before["since"]


def test_a_negative_count_is_read_as_unknown_and_the_whole_plan_is_stored(gate, store):
    reference = asyncio.run(poll_tws(full=True))
    stored = stored_run_ids(store)

    def negative(page: dict[str, Any]) -> None:
        page["count"] = -9007199254740991

    gate.rewrite_page = negative
    summary = asyncio.run(poll_tws(full=True))
    assert summary.complete and summary.jobs_read == reference.jobs_read
    assert stored_run_ids(store) == stored
    assert cursor_row(store)["cycles_since_full"] == 0


@flow
async def read_tonights_plan() -> list[Any] | None:
    return await read_planned_jobs(get_settings())


def test_tonights_plan_read_only_in_part_falls_back_to_the_recent_jobs(gate):
    behave(gate)
    assert asyncio.run(read_tonights_plan()), "a plan read to its end gives tonight's jobs"

    repeat_first_job(gate)
    assert asyncio.run(read_tonights_plan()) is None, "part of a plan would leave jobs unscored"

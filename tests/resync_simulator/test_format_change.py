"""One application's joblogs change format from a plan day on; everything before is as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_simulator import ids
from resync_simulator.config import SimulatorConfig
from resync_simulator.engine import SimulationEngine
from resync_simulator.format_change import LogFormatChange, application_of

START = datetime(2025, 3, 14, 7, 0, tzinfo=UTC)
CHANGE_DAY = (START - timedelta(days=2)).date()


def _engine(change: LogFormatChange | None) -> SimulationEngine:
    config = SimulatorConfig(seed=7, jobs=1200, backfill_days=5, start=START, format_change=change)
    return SimulationEngine(config)


def _failed_joblogs(engine: SimulationEngine, day: int) -> dict[str, tuple[str, bytes]]:
    """run id → (application, joblog bytes) of every failed run of plan ``day``."""
    plan = engine.plan(f"PLAN_{datetime.fromtimestamp(day * 86400, UTC):%Y%m%d}")
    assert plan is not None
    found = {}
    for index, instance in enumerate(plan.instances):
        for run in instance.runs:
            if run.final_status in ("ABEND", "FAIL") and run.end <= engine.now:
                run_id = ids.run_id(engine.enterprise.seed_tag, day, index, run.attempt)
                snapshot = engine.joblog(run_id)
                assert snapshot is not None
                found[run_id] = (application_of(engine.enterprise, index), b"".join(snapshot.lines))
    return found


def test_only_the_application_changes_and_only_from_its_day_on() -> None:
    change = LogFormatChange(application="CRM", from_day=CHANGE_DAY)
    plain, changed = _engine(None), _engine(change)
    first = change.day_number()
    # Days before the change: byte for byte the scenario without it.
    for day in range(first - 3, first):
        assert _failed_joblogs(plain, day) == _failed_joblogs(changed, day)

    before, after = _failed_joblogs(plain, first), _failed_joblogs(changed, first)
    crm = {rid: data for rid, (app, data) in after.items() if app == "CRM"}
    others = {rid: data for rid, (app, data) in after.items() if app != "CRM"}
    # The release night is rough: the application fails more than it used to.
    assert len(crm) > 2 * sum(app == "CRM" for app, _ in before.values())
    assert others == {rid: data for rid, (app, data) in before.items() if app != "CRM"}
    launched = {rid: data for rid, data in crm.items() if b"AWSBIS307I" in data or b"TASK" in data}
    assert launched
    for run_id, data in launched.items():
        lines = data.split(b"\n")
        assert lines[0] == b"=" * 63 and lines[-2] == b"=" * 63  # TWS's banner and trailer
        body = [line for line in lines if line.startswith(b"NVX-CRM-")]
        assert body, run_id
        truth = changed.ground_truth(run_id)
        assert truth is not None and truth.error_line
        cause = lines[truth.error_line - 1]
        assert cause.startswith(b"NVX-CRM-") and cause.split(b" ", 1)[0].endswith(b"E")
        assert all(entity.encode() in data for entity in truth.entities)
        analysis = analyze_joblog(data)
        assert analysis.pattern is not None and analysis.pattern.startswith("NVX-CRM-")
    # Deterministic with the seed.
    assert _failed_joblogs(_engine(change), first) == _failed_joblogs(changed, first)


def test_an_unknown_application_is_refused() -> None:
    with pytest.raises(ValueError, match="no application 'NOPE'"):
        _engine(LogFormatChange(application="NOPE", from_day=CHANGE_DAY))

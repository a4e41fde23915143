"""Rendering simulated TWS joblogs with their ground truth."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta, timezone

import pytest

from resync_simulator.failures import FAILURE_TEMPLATES, FailureTemplate
from resync_simulator.joblogs import JobContext, RenderedJoblog, render_joblog

AGENT_KINDS = ("unix", "dynamic", "windows")
CET = timezone(timedelta(hours=1), "CET")
SEEDS_PER_TEMPLATE = 6


def _context(agent_kind: str, return_code: int, *, aware: bool = True) -> JobContext:
    start = datetime(2025, 3, 14, 2, 0, 5, tzinfo=CET if aware else None)
    script = (
        "D:\\batch\\jobs\\load_emp.cmd" if agent_kind == "windows" else "/opt/app/bin/load_emp.sh"
    )
    return JobContext(
        workstation="FTA01",
        job_stream="PAYROLL",
        job_name="LOAD_EMP",
        job_number=412233,
        user="batchusr",
        script=script,
        sched_time=start.replace(minute=0, second=0),
        start_time=start,
        end_time=start + timedelta(minutes=7, seconds=12),
        return_code=return_code,
        agent_kind=agent_kind,  # type: ignore[arg-type]
    )


def _render(template: FailureTemplate | None, agent_kind: str, seed: int) -> RenderedJoblog:
    rc = template.return_code if template else 0
    return render_joblog(_context(agent_kind, rc), template, random.Random(seed))


def _line(log: RenderedJoblog, number: int) -> bytes:
    return log.data.split(b"\n")[number - 1].rstrip(b"\r")


@pytest.mark.parametrize("agent_kind", AGENT_KINDS)
@pytest.mark.parametrize("template", FAILURE_TEMPLATES, ids=lambda t: t.template_id)
def test_ground_truth_line_states_the_cause(template: FailureTemplate, agent_kind: str) -> None:
    for seed in range(SEEDS_PER_TEMPLATE):
        log = _render(template, agent_kind, seed)
        truth = log.ground_truth
        assert truth is not None
        assert truth.category == template.category
        assert truth.template_id == template.template_id
        line_count = len(log.data.split(b"\n"))
        assert 1 <= truth.error_line <= line_count
        cause_line = _line(log, truth.error_line)
        assert re.search(template.cause_pattern, cause_line), (seed, cause_line[:300])
        for entity in truth.entities:
            assert entity.encode("utf-8") in log.data, (seed, entity)
        assert truth.entities, "a failure names at least one entity"


@pytest.mark.parametrize("agent_kind", AGENT_KINDS)
@pytest.mark.parametrize("template", FAILURE_TEMPLATES, ids=lambda t: t.template_id)
def test_trailer_exit_status_is_the_return_code(template: FailureTemplate, agent_kind: str) -> None:
    log = _render(template, agent_kind, seed=1)
    match = re.search(rb"^= Exit Status\s*: (-?\d+)\r?$", log.data, re.MULTILINE)
    assert match is not None
    assert int(match.group(1)) == template.return_code


def test_unix_layout_has_jobmanrc_lines_around_the_output() -> None:
    log = _render(FAILURE_TEMPLATES[0], "unix", seed=2)
    lines = log.data.split(b"\n")
    assert lines[1].startswith(b"= JOB       : FTA01#PAYROLL[(0200 03/14/25),(")
    assert b"= JCLFILE   : /opt/app/bin/load_emp.sh" in lines
    assert b"AWSBIS307I Starting /opt/hwa/TWS/jobmanrc /opt/app/bin/load_emp.sh" in lines
    assert b"AWSBIS308I End of job" in lines
    started = lines.index(b"AWSBIS307I Starting /opt/hwa/TWS/jobmanrc /opt/app/bin/load_emp.sh")
    ended = lines.index(b"AWSBIS308I End of job")
    assert started < log.ground_truth.error_line - 1 < ended
    assert b"= Fri 03/14/25 02:00:05 CET" in lines
    assert b"\r\n" not in log.data or b"\r" in log.data  # no CRLF banner lines on UNIX
    assert lines[-2] == b"=" * 63


def test_dynamic_layout_has_task_block_and_usage_trailer() -> None:
    log = _render(FAILURE_TEMPLATES[0], "dynamic", seed=2)
    assert b"= TASK      : <?xml" in log.data
    assert b"<jsdle:script>/opt/app/bin/load_emp.sh</jsdle:script>" in log.data
    assert b"= AGENT     : FTA01" in log.data
    assert re.search(rb"^= Job CPU usage \(ms\) : \d+$", log.data, re.MULTILINE)
    assert re.search(rb"^= Job Memory usage \(kb\) : \d+$", log.data, re.MULTILINE)
    assert b"= Elapsed Time (hh:mm:ss) : 00:07:12" in log.data
    assert b"AWSBIS307I" not in log.data


def test_windows_layout_is_crlf_with_zero_system_and_user_time() -> None:
    log = _render(FAILURE_TEMPLATES[0], "windows", seed=2)
    assert log.data.count(b"\n") == log.data.count(b"\r\n")
    assert b"= System Time (Seconds) : 0     Elapsed Time (hh:mm:ss) : 00:07:12\r\n" in log.data
    assert b"= User Time (Seconds)   : 0\r\n" in log.data
    assert b"AWSBIS307I" not in log.data


def test_job_that_never_launched_has_no_jobmanrc_lines() -> None:
    template = next(t for t in FAILURE_TEMPLATES if t.job_status == "FAIL")
    log = _render(template, "unix", seed=0)
    assert b"AWSBIS307I" not in log.data
    assert b"AWSBDW009E" in _line(log, log.ground_truth.error_line)
    assert "batchusr" in log.ground_truth.entities


@pytest.mark.parametrize("agent_kind", AGENT_KINDS)
def test_success_has_zero_error_line_and_exit_zero(agent_kind: str) -> None:
    scenarios = set()
    for seed in range(40):
        log = _render(None, agent_kind, seed)
        truth = log.ground_truth
        assert truth is not None
        assert (truth.category, truth.error_line, truth.entities) == ("success", 0, ())
        assert re.search(rb"^= Exit Status\s*: 0\r?$", log.data, re.MULTILINE)
        scenarios.add(truth.template_id)
    assert len(scenarios) >= 4


def test_rendering_is_deterministic_per_seed() -> None:
    for template in FAILURE_TEMPLATES[::7]:
        assert _render(template, "unix", 5) == _render(template, "unix", 5)
        assert _render(template, "unix", 5).data != _render(template, "unix", 6).data


def test_naive_datetimes_render_without_a_zone() -> None:
    ctx = _context("unix", 1, aware=False)
    log = render_joblog(ctx, FAILURE_TEMPLATES[0], random.Random(0))
    assert b"= Fri 03/14/25 02:00:05\n" in log.data
    assert b"  2025" not in log.data


def test_hostile_bytes_appear_across_many_logs_without_breaking_ground_truth() -> None:
    seen = {"ansi": False, "nul": False, "invalid_utf8": False, "long_line": False,
            "long_log": False, "carriage_return": False}  # fmt: skip
    for seed in range(1500):
        template = FAILURE_TEMPLATES[seed % len(FAILURE_TEMPLATES)]
        log = _render(template, "unix", seed)
        data = log.data
        lines = data.split(b"\n")
        seen["ansi"] |= b"\x1b[" in data
        seen["nul"] |= b"\x00" in data
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            seen["invalid_utf8"] = True
        seen["long_line"] |= max(len(line) for line in lines) > 10_000
        seen["long_log"] |= len(lines) > 10_000
        seen["carriage_return"] |= b"\r" in data
        assert re.search(template.cause_pattern, _line(log, log.ground_truth.error_line))
        if all(seen.values()):
            break
    assert all(seen.values()), seen

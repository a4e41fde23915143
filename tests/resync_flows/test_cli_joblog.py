"""``resync-flows joblog analyze``: the JSON-lines contract and bad input handling."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from resync_flows.cli import app
from tests.resync_analytics.joblog_samples import joblog, line_of

CONTRACT_KEYS = [
    "file",
    "category",
    "root_cause",
    "error_line",
    "error_text",
    "entities",
    "steps",
    "confidence",
]


def test_json_prints_one_contract_object_per_file(tmp_path):
    missing = tmp_path / "missing.log"
    missing.write_text(joblog("cat: /data/in/employees.csv: No such file or directory\n"))
    ok = tmp_path / "ok.log"
    ok.write_text(joblog("all good\n", 0))
    result = CliRunner().invoke(app, ["joblog", "analyze", str(missing), str(ok), "--json"])
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [list(o) for o in objects] == [CONTRACT_KEYS, CONTRACT_KEYS]
    first, second = objects
    assert first["file"] == str(missing) and first["category"] == "file_not_found"
    assert first["error_line"] == line_of(missing.read_text(), "No such file")
    assert "/data/in/employees.csv" in first["entities"]
    assert first["steps"][-1].endswith('`conman "rr FTA01#PAYROLL.LOAD_EMP;noask"`.')
    assert (second["category"], second["error_line"]) == ("success", 0)


def test_unreadable_file_errors_on_stderr_but_others_are_analysed(tmp_path):
    good = tmp_path / "good.log"
    good.write_bytes(b"\xff\x00\x1b[31mbash: sqlldr: command not found\r\n")
    result = CliRunner().invoke(
        app, ["joblog", "analyze", str(tmp_path / "nope.log"), str(good), "--json"]
    )
    stdout, stderr, code = result.stdout, result.stderr, result.exit_code
    assert code == 1
    assert "nope.log" in stderr
    (obj,) = [json.loads(line) for line in stdout.splitlines()]
    assert obj["category"] == "command_not_found" and obj["error_line"] == 1


def test_readable_summary_without_json(tmp_path):
    log = tmp_path / "j.log"
    log.write_text(joblog("ORA-01653: unable to extend table SCOTT.EMP by 8 in tablespace USERS\n"))
    result = CliRunner().invoke(app, ["joblog", "analyze", str(log)])
    assert result.exit_code == 0
    assert "disk_full" in result.stdout and "ORA-01653" in result.stdout

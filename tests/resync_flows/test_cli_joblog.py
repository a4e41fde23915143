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
    "entity_roles",
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
    # the contract's keys in their order; later additions (why, the runner-up) may follow
    assert [[k for k in o if k in CONTRACT_KEYS] for o in objects] == [CONTRACT_KEYS] * 2
    assert all("chosen_for" in o and "runner_up" in o for o in objects)
    first, second = objects
    assert first["file"] == str(missing) and first["category"] == "file_not_found"
    assert first["error_line"] == line_of(missing.read_text(), "No such file")
    assert "/data/in/employees.csv" in first["entities"]
    assert {"text": "/data/in/employees.csv", "role": "path"} in first["entity_roles"]
    assert [r["text"] for r in first["entity_roles"]] == first["entities"]
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


# lines good runs print too, which the analyser alone takes for errors (not a read-only probe's
# missing file nor an expiry warning: those it sets aside without any baseline)
BASELINE_NOISE = "cp: cannot stat '/etc/etl/site.conf': No such file or directory\n"
ORACLE_NOISE = "ORA-00942: table or view does not exist\n"


def test_baseline_sets_aside_the_errors_good_runs_also_print(tmp_path):
    failing = tmp_path / "fail.log"
    failing.write_text(
        joblog(
            BASELINE_NOISE + "sftp: connect to host files.acme.com port 22: Connection refused\n"
        )
    )
    good = tmp_path / "good.log"
    good.write_text(joblog(BASELINE_NOISE + "transferred 3 files\n", 0))
    plain = CliRunner().invoke(app, ["joblog", "analyze", str(failing), "--json"])
    against = CliRunner().invoke(
        app, ["joblog", "analyze", str(failing), "--baseline", str(good), "--json"]
    )
    assert plain.exit_code == 0 and against.exit_code == 0, against.output
    before, after = json.loads(plain.stdout), json.loads(against.stdout)
    text = failing.read_text()
    assert before["error_line"] == line_of(text, "site.conf")
    assert [key for key in after if key in CONTRACT_KEYS] == CONTRACT_KEYS
    assert after["error_line"] == line_of(text, "Connection refused")
    assert after["category"] == "network"
    assert "files.acme.com" in " ".join(after["entities"])


def test_every_file_is_analysed_against_all_baselines(tmp_path):
    good_one, good_two = tmp_path / "g1.log", tmp_path / "g2.log"
    good_one.write_text(joblog(BASELINE_NOISE, 0))
    good_two.write_text(joblog(ORACLE_NOISE, 0))
    first, second = tmp_path / "f1.log", tmp_path / "f2.log"
    first.write_text(joblog(BASELINE_NOISE + "ORA-01653: unable to extend table A.B by 8\n"))
    second.write_text(joblog(ORACLE_NOISE + "Killed by signal 9\n", 1))
    args = ["joblog", "analyze", str(first), str(second), "--json"]
    args += ["--baseline", str(good_one), "--baseline", str(good_two)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    one, two = (json.loads(line) for line in result.stdout.splitlines())
    assert one["error_line"] == line_of(first.read_text(), "ORA-01653")
    assert two["error_line"] == line_of(second.read_text(), "Killed by signal 9")
    alone = CliRunner().invoke(app, ["joblog", "analyze", str(second), "--json"])
    assert json.loads(alone.stdout)["error_line"] == line_of(second.read_text(), "ORA-00942")


def test_unreadable_baseline_stops_before_any_analysis(tmp_path):
    failing = tmp_path / "fail.log"
    failing.write_text(joblog(BASELINE_NOISE))
    result = CliRunner().invoke(
        app,
        ["joblog", "analyze", str(failing), "--baseline", str(tmp_path / "nope.log"), "--json"],
    )
    assert result.exit_code == 2
    assert "baseline" in result.stderr and "nope.log" in result.stderr
    assert result.stdout == ""


def test_readable_summary_lists_why_the_line_was_chosen(tmp_path):
    log = tmp_path / "j.log"
    log.write_text(joblog("ORA-01653: unable to extend table SCOTT.EMP by 8 in tablespace USERS\n"))
    result = CliRunner().invoke(app, ["joblog", "analyze", str(log)])
    assert result.exit_code == 0
    assert "Chosen for" in result.stdout and "specific" in result.stdout


def test_a_bad_site_knowledge_file_exits_2_with_one_line_naming_it(tmp_path):
    import os
    import subprocess
    import sys

    site = tmp_path / "site-families.toml"
    site.write_text('[[family]]\nid = "local_backup_failed"\ncategory = "no_such_category"\n')
    log = tmp_path / "job.log"
    log.write_text("ERROR: backup of /data failed\n")
    result = subprocess.run(
        [sys.executable, "-m", "resync_flows.cli", "joblog", "analyze", str(log), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "RESYNC_JOBLOG_KNOWLEDGE_FILE": str(site)},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "site-families.toml" in result.stderr and "local_backup_failed" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""

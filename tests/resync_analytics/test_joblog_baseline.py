"""Good runs of a job as a baseline: the lines they also print are noise for the failing run."""

from __future__ import annotations

from pathlib import Path

import pytest

from resync_analytics.joblog import baseline as baseline_module
from resync_analytics.joblog.analyzer import analyze_file, analyze_joblog, load_baseline
from resync_analytics.joblog.baseline import learn_baseline, line_template
from tests.resync_analytics.joblog_samples import joblog, line_of

# (a copy, not a read-only probe: a probe's missing file already yields to a later failure of
# another kind without any baseline)
HARMLESS = "cp: cannot stat '/etc/etl/optional_overrides.conf': No such file or directory\n"
CAUSE = "ORA-01017: invalid username/password; logon denied\n"


def test_template_masks_numbers_times_and_digits_in_paths():
    first = line_template("2025-03-14 02:00:07 ERROR cannot read /data/in/f_0314.csv (pid 4711)")
    second = line_template("2025-03-15 02:10:59 ERROR cannot read /data/in/f_0315.csv (pid 88)")
    assert first == second
    assert "/data/in/f_" in first and "ERROR cannot read" in first


def test_template_keeps_the_words_of_a_path():
    # A good run's harmless missing temp file must not hide a failing run's missing input.
    assert line_template("cat: /tmp/x.lst: No such file or directory") != line_template(
        "cat: /data/in/a.csv: No such file or directory"
    )
    assert line_template("rm: /tmp/tmp.Ab12Xy/w: No such file") == line_template(
        "rm: /tmp/tmp.QQ0zzz/w: No such file"
    )


def test_an_error_the_good_run_also_prints_is_not_the_root_cause():
    failing = joblog("starting\n" + HARMLESS + "connecting\n" + CAUSE, 1)
    good = joblog("starting\n" + HARMLESS + "connecting\nloaded 10 rows\n", 0)
    without = analyze_joblog(failing)
    assert without.error_line == line_of(failing, "optional_overrides")
    analysis = analyze_joblog(failing, baseline=learn_baseline([good]))
    assert analysis.error_line == line_of(failing, "ORA-01017")
    assert analysis.category == "authentication"
    # the known line's entities are not the cause's
    assert "/etc/etl/optional_overrides.conf" not in analysis.entities
    assert any("good runs" in reason for reason in analysis.reasons)


def test_a_known_line_is_still_chosen_when_nothing_else_states_an_error():
    failing = joblog(HARMLESS + "done\n", 1)
    analysis = analyze_joblog(failing, baseline=learn_baseline([joblog(HARMLESS, 0)]))
    assert analysis.error_line == line_of(failing, "optional_overrides")
    assert analysis.category == "file_not_found"


def test_baseline_files_are_read_from_disk(tmp_path):
    good_one, good_two, failing = (tmp_path / n for n in ("g1.log", "g2.log", "f.log"))
    good_one.write_text(joblog("WARN-ish: ERROR rsync: some files vanished before transfer\n", 0))
    good_two.write_text(joblog(HARMLESS, 0))
    failing.write_text(joblog(HARMLESS + CAUSE))
    baseline = load_baseline([good_one, good_two])
    assert baseline.runs == 2
    analysis = analyze_file(failing, baseline=baseline)
    assert analysis.error_line == line_of(failing.read_text(), "ORA-01017")
    with pytest.raises(FileNotFoundError):
        load_baseline([tmp_path / "missing.log"])


def test_baseline_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(baseline_module, "MAX_TEMPLATES", 5)
    lines = "".join(f"ERROR step {word} failed\n" for word in ("alpha", "beta", "gamma") * 4)
    baseline = learn_baseline([joblog(lines, 0), joblog(lines.upper(), 0)])
    assert len(baseline.templates) == 5


def test_any_bytes_are_a_valid_baseline():
    garbage = b"\xff\xfe\x00\x1b[31mERROR \x00\x00 ORA-0\xff1017\r\n" * 50 + b"\x00" * 4096
    baseline = learn_baseline([garbage, b"", "texto com acentua\u00e7\u00e3o ERRO: falhou\n"])
    assert baseline.runs == 3 and baseline.templates
    failing = joblog(CAUSE)
    assert analyze_joblog(failing, baseline=baseline).error_line == line_of(failing, "ORA-01017")


def test_a_stored_profile_of_hashes_discounts_like_the_templates_themselves():
    from resync_analytics.joblog.baseline import Baseline, template_counts

    failing = joblog("starting\n" + HARMLESS + "connecting\n" + CAUSE, 1)
    good = joblog("starting\n" + HARMLESS + "connecting\nloaded 10 rows\n", 0)
    counts = template_counts(good)
    assert counts and all(isinstance(h, int) and -(2**63) <= h < 2**63 for h in counts)
    stored = Baseline(runs=1, hashes=frozenset(counts))
    assert not stored.empty and Baseline().empty
    analysis = analyze_joblog(failing, baseline=stored)
    assert analysis.error_line == line_of(failing, "ORA-01017")


def test_novel_lines_are_the_error_lines_no_good_run_printed():
    from resync_analytics.joblog.baseline import Baseline, novel_lines, template_counts

    failing = joblog("starting\n" + HARMLESS + "connecting\n" + CAUSE, 1)
    good = joblog("starting\n" + HARMLESS + "connecting\nloaded 10 rows\n", 0)
    new = novel_lines(failing, Baseline(runs=1, hashes=frozenset(template_counts(good))))
    numbers = [line.number for line in new]
    assert line_of(failing, "ORA-01017") in numbers
    assert line_of(failing, "optional_overrides") not in numbers
    assert novel_lines(failing, Baseline()) == ()


def test_template_keeps_the_number_that_names_the_error():
    # A harmless "nothing to drop" must not stand for an invalid object, a retried sharing
    # violation for a denied access, a full disk for a missing file.
    assert line_template("Msg 3701, Level 11, State 5, Line 4") != line_template(
        "Msg 208, Level 16, State 1, Line 128"
    )
    assert line_template("Msg 3701, Level 11, State 5, Line 4") == line_template(
        "Msg 3701, Level 11, State 5, Line 13"
    )
    assert line_template("ERROR 32 (0x00000020) Copying File x") != line_template(
        "ERROR 5 (0x00000005) Copying File x"
    )
    assert line_template("OSError: [Errno 28] No space") != line_template(
        "OSError: [Errno 2] No space"
    )
    assert line_template("rsync error: vanished (code 24) at main.c(1207)") != line_template(
        "rsync error: vanished (code 23) at main.c(1207)"
    )
    assert line_template("curl: (28) timed out after 180001 ms") != line_template(
        "curl: (6) timed out after 180001 ms"
    )
    # numbers that are times or dates after such a word still vary
    assert line_template("ERROR 2025-03-14 02:00:07 job") == line_template(
        "ERROR 2025-03-15 03:10:17 job"
    )
    assert line_template("error: 12:00 late") == line_template("error: 13:45 late")


PAIRS = Path(__file__).resolve().parents[1] / "data" / "joblogs" / "pairs"
SQLCMD_GOOD = PAIRS / "db_sqlcmd_msg102_syntax_then_msg208.real1.good.log"
GITLAB_GOOD = PAIRS / "timeout_gitlab_step_script_terminated.real1.good.log"


def test_real_harmless_sql_server_messages_are_set_aside_and_the_cause_is_not():
    # The install script's real good run prints Msg 3701 (no such procedure to drop) at
    # Level 11; a run that then fails on an invalid object must be explained by that. The
    # message is a drop's own complaint, so the rules set it aside without the good runs too.
    harmless = (
        "Msg 3701, Level 11, State 5, Line 4\n"
        "Cannot drop the procedure 'dbo.CanvasData_General_TableBuild_06_CreateIndexes',"
        " because it does not exist or you do not have permission.\n"
    )
    cause = "Msg 208, Level 16, State 1, Line 128\nInvalid object name 'dbo.Staging'.\n"
    failing = joblog(harmless + cause)
    cause_lines = (line_of(failing, "Msg 208"), line_of(failing, "dbo.Staging"))
    assert analyze_joblog(failing).error_line in cause_lines
    baseline = load_baseline([SQLCMD_GOOD])
    assert baseline.knows("Msg 3701, Level 11, State 5, Line 19")
    assert not baseline.knows("Msg 208, Level 16, State 1, Line 128")
    analysis = analyze_joblog(failing, baseline=baseline)
    assert analysis.error_line in cause_lines
    assert any("good runs" in reason for reason in analysis.reasons)


def test_a_runners_harmless_error_is_known_but_not_the_jobs_failure():
    # GitLab's real successful job prints "ERROR: No files to upload" for an empty artifact.
    baseline = load_baseline([GITLAB_GOOD])
    assert baseline.knows("ERROR: No files to upload")
    assert not baseline.knows("ERROR: Job failed: execution took longer than 1h0m0s seconds")
    failing = joblog(
        "Uploading artifacts...\nERROR: No files to upload\nERROR: Job failed: exit code 1\n"
    )
    analysis = analyze_joblog(failing, baseline=baseline)
    assert analysis.error_line == line_of(failing, "Job failed")

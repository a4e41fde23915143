"""Non-zero exit statuses that report success by the convention of the tool that set them
(robocopy below 8, a z/OS return code 4, ``grep -c`` counting nothing, SAS's warnings), and
the errors those conventions do and do not answer for."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from tests.resync_analytics.joblog_samples import joblog, line_of

ROBOCOPY_BANNER = (
    "-------------------------------------------------------------------------------\n"
    "   ROBOCOPY     ::     Robust File Copy for Windows\n"
    "-------------------------------------------------------------------------------\n"
    "  Source : D:\\out\\\n"
    "    Dest : \\\\fs03\\drop\\\n"
)
# What cmd.exe echoes when the job header is left out (/NJH): the command is the run's start.
ROBOCOPY_ECHOED = 'D:\\jobs>robocopy "D:\\out" "\\\\fs03\\drop" *.pdf /R:5 /W:30 /NP /NJH\n\n'


def robocopy_run(failed_files: int = 0, before: str = "", opening: str = ROBOCOPY_BANNER) -> str:
    """A robocopy run with a sharing violation it retried, and its summary."""
    return (
        opening + before + "2026/06/12 06:00:41 ERROR 32 (0x00000020) Copying File D:\\out\\a.pdf\n"
        "The process cannot access the file because it is being used by another process.\n"
        "Waiting 30 seconds... Retrying...\n"
        "\t    New File  \t\t  1.2 m\ta.pdf\n"
        "-------------------------------------------------------------------------------\n"
        "\n"
        "               Total    Copied   Skipped  Mismatch    FAILED    Extras\n"
        "    Dirs :         1         0         1         0         0         0\n"
        f"   Files :        57        {57 - failed_files}         0         0"
        f"         {failed_files}         0\n"
        "   Bytes :  138.4 m   138.4 m         0         0         0         0\n"
        "   Ended : Friday, June 12, 2026 6:00:55 AM\n"
    )


def test_robocopy_copying_files_with_none_failed_is_a_success_whatever_it_retried():
    analysis = analyze_joblog(joblog(robocopy_run() + "robocopy rc=1\n", exit_status=1))
    assert analysis.category == "success"
    assert analysis.rule == "benign_exit"
    assert "robocopy" in analysis.root_cause
    assert any('rccondsucc "RC<8"' in step for step in analysis.steps)
    assert any("confirm" in step and ";succ" in step for step in analysis.steps)
    assert analysis.context and "Files :" in analysis.context[0].text


@pytest.mark.parametrize("opening", [ROBOCOPY_BANNER, ROBOCOPY_ECHOED])
def test_robocopy_answers_for_its_retried_error_from_its_banner_or_its_echoed_command(opening):
    log = joblog("Could Not Find D:\\out\\old.lck\n" + robocopy_run(opening=opening), exit_status=1)
    assert analyze_joblog(log).category == "success"


def test_an_error_before_an_echoed_robocopy_command_is_still_judged():
    log = joblog(
        'pg_dump: error: could not write to file "/backup/x.dmp": No space left on device\n'
        + robocopy_run(opening=ROBOCOPY_ECHOED),
        exit_status=1,
    )
    assert analyze_joblog(log).category == "disk_full"


def test_robocopy_with_a_failed_file_stays_a_failure():
    log = joblog(robocopy_run(failed_files=1), exit_status=1)
    assert analyze_joblog(log).category != "success"


def test_robocopy_at_8_or_more_is_a_failure_even_with_no_failed_column():
    log = joblog(robocopy_run(), exit_status=8)
    assert analyze_joblog(log).category != "success"


def test_an_error_before_robocopy_ran_is_judged_as_under_an_exit_status_of_0():
    log = joblog(
        'pg_dump: error: could not write to file "/backup/x.dmp": No space left on device\n'
        + robocopy_run(),
        exit_status=1,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "disk_full",
        line_of(log, "No space left"),
    )


ZOS_STEPS = (
    "03.11.34 JOB35012  $HASP373 ACCT610  STARTED - INIT 1    - CLASS A\n"
    "IEF142I ACCT610 DELWK - STEP WAS EXECUTED - COND CODE 0000\n"
    "IEF142I ACCT610 EXTRACT - STEP WAS EXECUTED - COND CODE {code}\n"
    "IDC3012I ENTRY ACCT.WORK.FILE NOT FOUND\n"
    "IDC0001I FUNCTION COMPLETED, HIGHEST CONDITION CODE WAS 8\n"
    "03.11.34 JOB35012  $HASP395 ACCT610  ENDED - RC={code}\n"
)


def test_a_z_os_job_whose_highest_step_code_is_4_ended_with_warnings():
    analysis = analyze_joblog(ZOS_STEPS.format(code="0004"))
    assert analysis.exit_code == 4
    assert analysis.category == "success"
    assert "HIGHRC 4" in analysis.root_cause


def test_a_z_os_job_at_4_with_an_abend_is_a_failure():
    log = ZOS_STEPS.format(code="0004") + "IEA995I SYMPTOM DUMP OUTPUT  USER COMPLETION CODE=4038\n"
    log = log.replace("DELWK - STEP WAS EXECUTED - COND CODE 0000", "DELWK - ABEND=S0C7 U0000")
    assert analyze_joblog(log).category != "success"


def test_a_z_os_job_at_8_is_a_failure():
    assert analyze_joblog(ZOS_STEPS.format(code="0008")).category != "success"


def test_a_last_count_of_no_errors_explains_a_status_of_1():
    log = joblog(
        "06:00:04 [mllp] send error: [Errno 104] Connection reset by peer\n"
        "06:00:04 [mllp] reconnecting in 5s (1/5)\n"
        "06:05:38 totals: sent=1642 AA=1642 AE=0 AR=0\n"
        "06:05:38 rejected (AE/AR) count:\n"
        "0\n",
        exit_status=1,
    )
    analysis = analyze_joblog(log)
    assert analysis.category == "success"
    assert "grep -c" in analysis.root_cause


def test_a_count_of_0_does_not_explain_another_status():
    log = joblog("load: 0 rows rejected\nERROR: load aborted\nrejected:\n0\n", exit_status=2)
    assert analyze_joblog(log).category != "success"


SAS_LOG = (
    "NOTE: Copyright (c) 2016 by SAS Institute Inc., Cary, NC, USA.\n"
    "NOTE: SAS (r) Proprietary Software 9.4 (TS1M7)\n"
    "WARNING: Variable REGION already exists on file WORK.SALES.\n"
    "NOTE: The data set WORK.SALES has 1204 observations and 9 variables.\n"
    "{extra}"
    "NOTE: The SAS System used:\n"
    "      real time           2.04 seconds\n"
)


def test_sas_s_status_1_with_warnings_and_no_error_is_a_success():
    analysis = analyze_joblog(joblog(SAS_LOG.format(extra=""), exit_status=1))
    assert analysis.category == "success"
    assert "SAS" in analysis.root_cause


def test_sas_s_status_1_with_an_error_line_is_a_failure():
    extra = "ERROR: File WORK.REGIONS.DATA does not exist.\n"
    analysis = analyze_joblog(joblog(SAS_LOG.format(extra=extra), exit_status=1))
    assert analysis.category == "file_not_found"


def test_a_command_not_found_before_robocopy_fails_when_the_job_echoed_its_status():
    # the script saw mysqldump's 9009 and went on to copy an empty archive
    missing = (
        "'mysqldump' is not recognized as an internal or external command,\n"
        "operable program or batch file.\n"
    )
    log = joblog(missing + "mysqldump finished, errorlevel=9009\n" + robocopy_run(), 1)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "command_not_found",
        line_of(log, "'mysqldump' is not"),
    )
    # without the status echo the same line is not enough to overrule robocopy's success
    assert analyze_joblog(joblog(missing + robocopy_run(), 1)).category == "success"

"""Runs that only report their failure, and the harmless lines around them: an error line
that says no more than an exit status is "unknown" (the cause is not in the log), a .NET
logger's three-capital WRN level, cmd.exe's answer to a directory listing, net use's drive
already mapped, a missing file the line calls optional or has nothing to undo, and a
business limit or reconciliation total the job checks."""

from __future__ import annotations

from resync_analytics.joblog.analyzer import analyze_joblog
from tests.resync_analytics.joblog_samples import joblog, line_of


def reads(log: str) -> tuple[str, int | None]:
    analysis = analyze_joblog(log)
    return analysis.category, analysis.error_line


def test_an_error_line_that_only_reports_the_exit_status_is_an_unexplained_failure():
    log = joblog(
        "[03:40:02] starting tfcli.exe submit --batch WH-RECON\n"
        "[03:41:27] ERROR: tfcli.exe ended with errorlevel 3\n",
        exit_status=3,
    )
    assert reads(log) == ("unknown", line_of(log, "ERROR: tfcli.exe"))


def test_an_exception_the_program_raised_states_its_failure_however_it_words_it():
    log = joblog("prefect.exceptions.Abort: This run has already terminated.\n")
    assert reads(log)[0] == "application_error"


def test_a_net_use_drive_already_mapped_is_harmless():
    log = joblog(
        "System error 85 has occurred.\n"
        "The local device name is already in use.\n"
        "ERROR: tfcli.exe ended with errorlevel 3\n",
        exit_status=3,
    )
    assert reads(log) == ("unknown", line_of(log, "ERROR: tfcli.exe"))


def test_a_warning_in_three_capitals_is_a_warning():
    log = joblog(
        "[06:30:04 WRN] Lock file D:\\Apps\\locks\\ShiftOEE.lock not found, nothing to release\n"
        "[06:30:05 INF] Exporting shift OEE for 14 work centres\n"
        "[06:31:12 ERR] Export finished with errors (exit code 3)\n",
        exit_status=3,
    )
    assert reads(log) == ("unknown", line_of(log, "[06:31:12 ERR]"))


def test_cmd_s_file_not_found_under_a_directory_listing_is_a_probe():
    log = joblog(
        'D:\\gisjobs\\bin>dir /b "E:\\dem\\work\\*.aux.xml"\n'
        "File Not Found\n"
        "\n"
        'D:\\gisjobs\\bin>gdal_translate -of GTiff in.tif "G:\\dem\\out.tif"\n'
        "ERROR 4: Attempt to create new tiff file `G:\\dem\\out.tif' failed: Permission denied\n"
    )
    assert reads(log) == ("permission_denied", line_of(log, "ERROR 4:"))


def test_a_missing_optional_file_yields_to_the_business_limit_the_run_broke():
    log = joblog(
        "RFDB310I0011 OPTIONAL FILE HOLDLIST NOT PRESENT (FILE STATUS 35) - NO HOLDS APPLIED\n"
        "RFDB310I0206 BATCH TOTAL                :  4,812,330.17\n"
        "RFDB310E0310 BATCH TOTAL 4,812,330.17 EXCEEDS DAILY DISBURSEMENT LIMIT 4,500,000.00\n"
        "RFDB310E0999 RUN TERMINATED - NO PAYMENT FILE WRITTEN - ROLLBACK ISSUED\n",
        exit_status=12,
    )
    assert reads(log) == ("application_error", line_of(log, "RFDB310E0310"))


def test_control_totals_that_do_not_match_are_a_failed_business_check():
    log = joblog("ERROR recon: control totals do not match: file 18442 rows, ledger 18440\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.rule) == ("application_error", "business_check")


def test_a_condition_code_or_a_command_finished_with_errors_reports_the_failure_only():
    for line in (
        "[2025-03-17 02:18:11] ERROR: GLRECON JOB07733 ended CC 0016, allowed maximum is CC 0004",
        "[2025-03-15 02:12:09,375] Repair command #7 finished with error",
    ):
        log = joblog(line + "\n", exit_status=2)
        assert reads(log) == ("unknown", line_of(log, line[:30])), line


def test_an_application_s_aborted_batch_is_no_crash_but_bash_s_aborted_child_is():
    log = joblog("[04:15:54 ERR] Label batch for wave 20261207-0415 aborted\n", exit_status=3)
    assert reads(log)[0] != "signal_or_crash"
    log = joblog("/opt/calc/run.sh: line 12:  4711 Aborted                 ./calc\n", 134)
    assert reads(log)[0] == "signal_or_crash"


def test_retries_logged_as_warnings_state_the_cause_the_exception_repeats():
    message = (
        "The process cannot access the file '\\\\prtsrv02\\zpl$\\DOCK7\\wave_0415.zpl' because it "
        "is being used by another process."
    )
    log = joblog(
        f"[04:15:09 WRN] Spool write failed (attempt 1/3): {message} Retrying in 00:00:15\n"
        f"[04:15:24 WRN] Spool write failed (attempt 2/3): {message} Retrying in 00:00:15\n"
        "[04:15:39 ERR] Spool write failed (attempt 3/3), giving up\n"
        "[04:15:39 ERR] Label batch for wave 20261207-0415 aborted\n"
        f"System.IO.IOException: {message}\n"
        "   at LabelBatch.ZplSpoolWriter.Write(String path) in ZplSpoolWriter.cs:line 48\n",
        exit_status=3,
    )
    assert reads(log) == ("resource_busy", line_of(log, "(attempt 1/3)"))

"""Wrappers that relay a tool's output at a benign level, and clean-ups that fail after an
error: the relayed tool's own severity counts, the clean-up's failure is a consequence."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.prefilter import is_quiet_line
from tests.resync_analytics.joblog_samples import joblog, line_of


@pytest.mark.parametrize(
    ("relayed", "category"),
    [
        (
            "[2025-03-14 02:10:07,412] {bash.py:186} INFO - ERROR:  relation "
            '"mart.daily_orders" does not exist',
            "database",
        ),
        (
            "2025-03-14 02:10:07.412 INFO  [runner-3] | FATAL: password authentication "
            'failed for user "etl_ro"',
            "authentication",
        ),
        (
            "Mar 14 02:10:07 etl04 nightly-load[4411]: INFO: [error] cp: cannot stat "
            "'/srv/in/orders_0314.csv': No such file or directory",
            "file_not_found",
        ),
        (
            "2025-03-14T02:10:07Z stdout F [Information] ERROR ORA-01017: invalid "
            "username/password; logon denied",
            "authentication",
        ),
        (
            "2025-03-14 02:10:07 INFO ##[error]cp: cannot stat '/srv/in/orders_0314.csv': "
            "No such file or directory",
            "file_not_found",
        ),
        (
            '2025-03-14 02:10:07 INFO | fatal: [etl04]: FAILED! => {"msg": "Could not find '
            "or access '/srv/in/orders_0314.csv'\"}",
            "file_not_found",
        ),
    ],
)
def test_a_tool_error_relayed_at_info_level_is_the_cause(relayed, category):
    log = joblog(
        "[2025-03-14 02:10:05,101] {bash.py:170} INFO - Running command: load_orders.sh\n"
        f"{relayed}\n"
        "[2025-03-14 02:10:07,520] {bash.py:190} INFO - Command exited with return code 1\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (category, line_of(log, relayed[:30]))


def test_a_relayed_message_without_a_severity_of_its_own_stays_quiet():
    log = joblog(
        "[2025-03-14 02:10:05,101] {bash.py:170} INFO - retry policy: 3 attempts on error\n"
        "[2025-03-14 02:10:06,101] {bash.py:170} INFO - 0 errors, 0 rejected rows\n",
        0,
    )
    assert analyze_joblog(log).category == "success"


@pytest.mark.parametrize(
    ("line", "quiet"),
    [
        (b"2025-03-14 02:10:07 INFO - ERROR: cannot open /srv/in/a.csv", False),
        (b"2025-03-14 02:10:07 INFO - loaded 12 rows, error budget untouched", True),
        (b"2025-03-14 02:10:07 WARN [main] 03:14:54  Runtime Error in model stg_x", False),
    ],
)
def test_the_prefilter_passes_a_relayed_severity_on_to_the_classifier(line, quiet):
    assert is_quiet_line(line, 0, len(line)) is quiet


@pytest.mark.parametrize(
    "cleanup_failure",
    [
        "rm: cannot remove '/srv/out/ledger_0314.dat': Permission denied",
        "psql:/srv/sql/undo_stage.sql:7: ERROR:  canceling statement due to lock timeout",
    ],
)
def test_a_failing_clean_up_after_an_error_is_a_consequence(cleanup_failure):
    log = joblog(
        "2025-03-14 01:00:02 ledger_export: ERROR checksum mismatch on ledger_0314.dat "
        "(expected 9f21, got 00c4)\n"
        "2025-03-14 01:00:02 ledger_export: cleaning up partial files\n"
        f"{cleanup_failure}\n"
        "2025-03-14 01:00:03 ledger_export: exit 4\n",
        4,
    )
    analysis = analyze_joblog(log)
    assert analysis.error_line == line_of(log, "checksum mismatch")


def test_a_clean_up_failure_without_an_earlier_error_is_the_cause():
    log = joblog(
        "2025-03-14 01:00:02 ledger_export: cleaning up partial files\n"
        "rm: cannot remove '/srv/out/ledger_0314.dat': Permission denied\n",
        1,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "permission_denied",
        line_of(log, "rm: cannot"),
    )


def test_a_shell_that_cannot_parse_its_script_is_a_broken_script():
    log = joblog("/srv/etl/bin/nightly.sh: line 88: syntax error: unexpected end of file\n", 2)
    assert analyze_joblog(log).category == "application_error"


def test_the_indented_detail_a_wrapper_relays_after_a_wrapping_statement_is_the_cause():
    log = joblog(
        "2025-03-14 02:10:06,001 INFO - 02:10:06  Database Error in model fct_sales "
        "(models/marts/fct_sales.sql)\n"
        '2025-03-14 02:10:06,001 INFO -   relation "finance.gl_accounts" does not exist\n'
        "2025-03-14 02:10:06,002 INFO - 02:10:06  Done. PASS=3 WARN=0 ERROR=1 SKIP=0 TOTAL=4\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "database",
        line_of(log, "gl_accounts"),
    )


def test_a_relayed_detail_of_another_kind_does_not_replace_the_statement():
    log = joblog(
        "2025-03-14 02:10:06,001 INFO - 02:10:06  Database Error in model fct_sales "
        "(models/marts/fct_sales.sql)\n"
        '2025-03-14 02:10:06,001 INFO -   permission denied for schema "finance"\n'
    )
    assert analyze_joblog(log).error_line == line_of(log, "Database Error")

"""A cause stated only at WARN level: the retry loop's complaint before a bare failure."""

from __future__ import annotations

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.prefilter import LOUD, QUIET, WARNING, is_quiet_line, quiet_level
from resync_analytics.joblog.scan import WARNING_LINES, scan_joblog
from tests.resync_analytics.joblog_samples import joblog, line_of

RETRY_LOOP = (
    "2025-03-14 02:10:01 INFO  export: connecting to db01.acme.com:1521\n"
    "2025-03-14 02:10:02 WARN  export: ORA-12541: TNS:no listener, retrying (1/3)\n"
    "2025-03-14 02:10:12 WARN  export: ORA-12541: TNS:no listener, retrying (2/3)\n"
    "2025-03-14 02:10:22 WARN  export: ORA-12541: TNS:no listener, retrying (3/3)\n"
    "2025-03-14 02:10:22 ERROR export: export failed\n"
)


def test_a_retry_loop_at_warn_level_states_the_cause_of_a_bare_failure():
    log = joblog(RETRY_LOOP, 1)
    analysis = analyze_joblog(log)
    assert analysis.category == "network"
    assert analysis.error_line == line_of(log, "(1/3)")


def test_a_warning_is_read_when_only_the_exit_code_reports_the_failure():
    log = joblog(
        "Aug 13 11:44:00 db01 journal: synapse.storage.txn - WARNING - [TXN OPERROR] could not"
        ' write to file "base/27495/28487": No space left on device 0/5\n'
        "Aug 13 11:44:01 db01 journal: synapse.storage.txn - WARNING - [TXN OPERROR] could not"
        ' write to file "base/27495/28487": No space left on device 1/5\n',
        1,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("disk_full", line_of(log, "0/5"))


def test_a_warning_never_outranks_an_error():
    log = joblog(
        "2025-03-14 02:10:02 WARN  export: ORA-12541: TNS:no listener, retrying (1/3)\n"
        "2025-03-14 02:10:12 INFO  export: connected\n"
        "ORA-00942: table or view does not exist\n",
        1,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("database", line_of(log, "ORA-00942"))


def test_a_retry_that_recovered_is_not_the_cause():
    log = joblog(
        "2025-03-14 02:40:12 WARN  [main] retrying lock on ACCOUNT_BAL (attempt 1/3): ORA-00054:"
        " resource busy and acquire with NOWAIT specified\n"
        "2025-03-14 02:40:14 INFO  [main] lock acquired on attempt 2\n"
        "2025-03-14 02:52:30 ERROR [main] step postMovements failed at item 41877\n",
        1,
    )
    analysis = analyze_joblog(log)
    assert analysis.category != "resource_busy"
    assert analysis.error_line == line_of(log, "postMovements failed")


def test_warnings_of_a_job_that_ended_well_stay_harmless():
    assert analyze_joblog(joblog(RETRY_LOOP.replace("ERROR", "INFO "), 0)).category == "success"


def test_a_warning_far_from_the_failure_is_not_its_cause():
    body = (
        "2025-03-14 02:10:02 WARN  export: ORA-12541: TNS:no listener, retrying (1/1)\n"
        + "".join(f"2025-03-14 02:11:{i:02d} INFO  export: wrote part {i}\n" for i in range(40))
        + "2025-03-14 02:52:30 ERROR export: export failed\n"
    )
    log = joblog(body, 1)
    assert analyze_joblog(log).error_line == line_of(log, "export failed")


def test_the_scan_keeps_the_first_and_last_warning_lines_across_chunks():
    lines = [
        f"line {n} WARN disk error x" if n % 7 == 0 else f"line {n} INFO ok" for n in range(1, 3000)
    ]
    data = ("\n".join(lines) + "\n").encode()
    warned = [n for n in range(1, 3000) if n % 7 == 0]
    for size in (37, 4096, 1 << 20):
        result = scan_joblog([data[i : i + size] for i in range(0, len(data), size)])
        numbers = [c.line.number for c in result.warnings]
        assert numbers == warned[:WARNING_LINES] + warned[-WARNING_LINES:]
        for candidate in result.warnings:
            for line in (*candidate.before, candidate.line, *candidate.after):
                assert line.text == lines[line.number - 1]
        assert not result.candidates  # warning lines are no candidates


def test_the_prefilter_tells_warning_levels_from_other_benign_ones():
    for text, warning in [
        (b"2025-03-14 WARN x error", True),
        (b"2025-03-14 WARNING x error", True),
        (b"2025-03-14 DEBUG x error", False),
        (b"CONFIG x error", False),
        (b"INFO x error", False),
    ]:
        assert quiet_level(text, 0, len(text)) == (WARNING if warning else QUIET)
        assert is_quiet_line(text, 0, len(text))
    assert quiet_level(b"ERROR x", 0, 7) == LOUD


def test_a_warning_the_prefilter_keeps_but_the_rules_set_aside_is_read_too():
    # "Warning:" in mixed case passes the prefilter; the classifier drops it for its level
    log = joblog(
        "Warning: write to /data/out/x.csv failed: No space left on device (attempt 3 of 3)\n"
        "export failed\n",
        1,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("disk_full", line_of(log, "Warning:"))

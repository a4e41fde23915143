"""Entity filters measured leave-one-source-out by bench/joblog_entity_choices.py, on invented
lines: each setting does what its docstring says, whichever way it is chosen."""

from __future__ import annotations

import pytest

import resync_analytics.joblog.precision as precision
import resync_analytics.joblog.relevance as relevance
import resync_analytics.joblog.role_entities as role_entities
from resync_analytics.joblog.entities import Entity, extract_entities
from resync_analytics.joblog.models import LogLine
from resync_analytics.joblog.precision import keep_entities
from resync_analytics.joblog.relevance import relevant_related
from resync_analytics.joblog.role_entities import complete_roles


def _texts(entities: list[Entity]) -> list[str]:
    return [e.text for e in entities]


def test_the_program_reporting_a_missing_command_is_its_messenger(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = "ksh: pgdump_nightly: command not found"
    found = extract_entities(line)
    assert {"ksh", "pgdump_nightly"} <= set(_texts(found))
    monkeypatch.setattr(precision, "REPORTING_PROGRAM_DROPPED", True)
    assert _texts(keep_entities(found, line, "command_not_found")) == ["pgdump_nightly"]
    monkeypatch.setattr(precision, "REPORTING_PROGRAM_DROPPED", False)
    assert "ksh" in _texts(keep_entities(found, line, "command_not_found"))


def test_a_program_that_crashed_stays_when_no_command_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(precision, "REPORTING_PROGRAM_DROPPED", True)
    crashed = [Entity("program", "ledgerd")]
    assert keep_entities(crashed, "ledgerd: Segmentation fault", "signal_or_crash") == crashed


def test_an_exception_off_the_cause_line_can_be_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "ORA-01722: invalid number"
    named = [Entity("code", "ORA-01722"), Entity("exception", "Acme.Db.LoaderException")]
    monkeypatch.setattr(precision, "EXCEPTIONS_OFF_LINE_DROPPED", True)
    assert _texts(keep_entities(named, line, "invalid_input")) == ["ORA-01722"]
    on_line = [Entity("exception", "Acme.Db.LoaderException")]
    assert keep_entities(on_line, "Acme.Db.LoaderException: bad row", "invalid_input") == on_line
    monkeypatch.setattr(precision, "EXCEPTIONS_OFF_LINE_DROPPED", False)
    assert keep_entities(named, line, "invalid_input") == named


def test_a_frame_beside_what_failed_can_be_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "Cannot open /srv/feeds/in/rates.csv"
    named = [
        Entity("path", "/srv/feeds/in/rates.csv"),
        Entity("object", "RateFeed.java:41", "frame"),
    ]
    monkeypatch.setattr(precision, "FRAMES_BESIDE_SUBJECT_DROPPED", True)
    assert _texts(keep_entities(named, line, "file_not_found")) == ["/srv/feeds/in/rates.csv"]
    # a frame alone says where the code broke
    assert keep_entities(named[1:], "NullPointerException", "application_error") == named[1:]
    monkeypatch.setattr(precision, "FRAMES_BESIDE_SUBJECT_DROPPED", False)
    assert keep_entities(named, line, "file_not_found") == named


def test_restated_codes_can_be_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precision, "RESTATED_CODES_DROPPED", True)
    errno = 'mirror: write failed on "/data/x": No space left on device (28)'
    assert keep_entities([Entity("code", "28")], errno, "disk_full") == []
    hex_twice = "ERROR 5 (0x00000005) Accessing Destination Directory \\\\nas\\drop\\"
    assert keep_entities([Entity("code", "0x00000005")], hex_twice, "permission_denied") == []
    other_hex = "ERROR 5 (0x80070020) copying"  # not the same code spelt twice
    kept = [Entity("code", "0x80070020")]
    assert keep_entities(kept, other_hex, "permission_denied") == kept
    monkeypatch.setattr(precision, "RESTATED_CODES_DROPPED", False)
    assert keep_entities([Entity("code", "28")], errno, "disk_full") == [Entity("code", "28")]


def test_a_zos_run_number_can_be_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    named = [Entity("object", "JOB04711"), Entity("code", "S322")]
    line = "IEF450I PAYRUN STEP010 - ABEND=S322 U0000 JOB04711"
    monkeypatch.setattr(precision, "RUN_IDS_DROPPED", True)
    assert _texts(keep_entities(named, line, "timeout")) == ["S322"]
    monkeypatch.setattr(precision, "RUN_IDS_DROPPED", False)
    assert keep_entities(named, line, "timeout") == named


def test_entities_of_one_role_can_be_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    tables = [Entity("object", name) for name in ("GL_HEAD", "GL_LINE", "GL_TAX", "GL_FX")]
    line = "ORA-01652 while reading GL_HEAD GL_LINE GL_TAX GL_FX"
    monkeypatch.setattr(precision, "PER_ROLE_KEPT", 2)
    assert _texts(keep_entities(tables, line, "disk_full")) == ["GL_HEAD", "GL_LINE"]
    monkeypatch.setattr(precision, "PER_ROLE_KEPT", None)
    assert keep_entities(tables, line, "disk_full") == tables


def test_second_tier_locations_can_be_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    related = [Entity("path", "/opt/etl/work"), Entity("object", "STAGE_ORDERS")]
    named = [Entity("code", "ORA-00054")]
    assert _texts(relevant_related(related, named)) == ["/opt/etl/work"]
    monkeypatch.setattr(relevance, "LOCATIONS_DROPPED", relevance.RESOURCES[0])
    assert _texts(relevant_related(related, named)) == ["STAGE_ORDERS"]


def _line(number: int, text: str) -> LogLine:
    return LogLine(number, text)


def test_the_nearby_exception_can_be_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    line = _line(10, "ORA-01722: invalid number")
    before = (_line(9, "Unhandled exception of type 'Acme.Data.OracleBatchException'"),)
    first = [Entity("code", "ORA-01722")]
    with_class = complete_roles("invalid_input", line, before, (), first)
    assert "Acme.Data.OracleBatchException" in _texts(with_class)
    monkeypatch.setattr(role_entities, "NEARBY_EXCEPTION_NAMED", False)
    assert complete_roles("invalid_input", line, before, (), first) == first


def test_the_source_frame_is_looked_for_within_its_depth(monkeypatch: pytest.MonkeyPatch) -> None:
    line = _line(1, "java.lang.IllegalStateException: ledger closed")
    after = tuple(
        _line(2 + i, f"\tat com.acme.ledger.Step{i}.run(Step{i}.java:{10 + i})") for i in range(6)
    )
    monkeypatch.setattr(role_entities, "SOURCE_FRAME_LINES", 40)
    found = complete_roles("application_error", line, (), after, [])
    assert "Step0.java:10" in _texts(found)
    monkeypatch.setattr(role_entities, "SOURCE_FRAME_LINES", 0)
    assert complete_roles("application_error", line, (), after, []) == []


def test_a_host_off_the_line_of_a_local_cause_can_be_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = "java.lang.OutOfMemoryError: Java heap space"
    banner_host = [Entity("host", "worker07.example.org")]
    monkeypatch.setattr(precision, "HOSTS_AWAY_FROM_LOCAL_CAUSES", "on the line")
    assert keep_entities(banner_host, line, "out_of_memory") == []
    assert keep_entities(banner_host, line, "network") == banner_host
    crashed_on = "Container on worker07.example.org exited with code 143"
    assert keep_entities(banner_host, crashed_on, "signal_or_crash") == banner_host
    monkeypatch.setattr(precision, "HOSTS_AWAY_FROM_LOCAL_CAUSES", "never")
    assert keep_entities(banner_host, crashed_on, "signal_or_crash") == []
    monkeypatch.setattr(precision, "HOSTS_AWAY_FROM_LOCAL_CAUSES", "every category")
    assert keep_entities(banner_host, line, "out_of_memory") == banner_host

"""The category the plain words of a generic root-cause line name (prose_words.toml)."""

from __future__ import annotations

import pytest

from resync_analytics.joblog import analyze_joblog
from resync_analytics.joblog.knowledge.loader import KnowledgeError
from resync_analytics.joblog.knowledge.prose_lexicon import parse_prose_lexicon, prose_lexicon
from resync_analytics.joblog.prose import PROSE_RULE, SWITCH_VARIABLE, read_prose


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("Connecting to remote server dbhost7 failed", "network"),
        ("ERROR: connect two endpoints failed", "network"),
        ("SLIP request: AUTHORITY INVALID", "permission_denied"),
        ("loader: 42 rows rejected", "invalid_input"),
        ("SORT capacity exceeded, job ended", "resource_busy"),
        ("ftp: PASS command failed", "authentication"),
        ("Could not open file /srv/in/today.dat", "file_not_found"),
        ("'zipper' is not recognized as an internal or external command", "command_not_found"),
        ("ERROR: relation staging.orders does not exist", "database"),
        ("backup aborted: no space left on device", "disk_full"),
        ("query timed out against the database", "timeout"),
        # a server not reached at all, whatever the rest of the sentence supposes
        ("Unable to contact the server. Perhaps this server does not exist", "network"),
        ("worker: could not reach the broker on its port", "network"),
    ],
)
def test_plain_words_name_a_category(line: str, category: str) -> None:
    reading = read_prose(line)
    assert reading is not None
    assert reading.category == category


@pytest.mark.parametrize(
    "line",
    [
        "price list rejected: 37 prices below the cost floor",  # rejected alone: no category
        "ERROR: Object reference not set; file not found",  # a programming fault's phrase
        "permission denied while the disk is full",  # two categories, no listed pair
        "ERROR: table orders",  # a subject alone says what, not how
        "ERROR $PERFORMANCE_THROTTLING tar failed",  # a variable is a name, not prose
        "something went wrong",
    ],
)
def test_ambiguous_or_silent_lines_stay_generic(line: str) -> None:
    assert read_prose(line) is None


def _joblog(*lines: str) -> bytes:
    banner = "===============================================================\n"
    body = "".join(f"{line}\n" for line in lines)
    return (body + banner + "= Exit Status           : 1\n" + banner).encode()


def test_a_generic_verdict_takes_the_category_of_its_words() -> None:
    analysis = analyze_joblog(
        _joblog("starting nightly export", "ERROR: connecting to remote ledger gw07 failed")
    )
    assert analysis.category == "network"
    assert analysis.rule == PROSE_RULE
    assert "connecting to remote ledger gw07 failed" in analysis.root_cause


def test_the_switch_turns_the_reading_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SWITCH_VARIABLE, "0")
    analysis = analyze_joblog(
        _joblog("starting nightly export", "ERROR: connecting to remote ledger gw07 failed")
    )
    assert analysis.category in {"application_error", "unknown"}


def test_a_specific_family_is_not_overridden() -> None:
    # a family reads the missing file; the words "connection ... failed" do not change it
    analysis = analyze_joblog(
        _joblog("cp: cannot stat '/data/in/a.csv': No such file or directory (connection failed)")
    )
    assert analysis.category == "file_not_found"
    assert analysis.rule != PROSE_RULE


def test_the_shipped_lexicon_loads() -> None:
    lex = prose_lexicon()
    assert ("permission", "denied") in lex.phrases
    assert lex.pairs[frozenset({"database", "invalid_input"})] == "database"


@pytest.mark.parametrize(
    "raw",
    [
        {"nonsense": {"phrases": ["a b"]}},
        {"network": {"phrases": ["Connection Refused"]}},
        {"network": {"phrases": ["... refused"]}},
        {"network": {"phrases": ["refused"]}, "timeout": {"phrases": ["refused"]}},
        {"network": {"phrases": ["refused"]}, "pairs": {"timeout+network": "network"}},
    ],
)
def test_a_faulty_lexicon_is_refused(raw: dict[str, object]) -> None:
    with pytest.raises(KnowledgeError):
        parse_prose_lexicon(raw)

"""The pass/fail-pair benchmark: its scoring, its data and the derivation of good runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.joblog_pairs import (
    PAIRS_DIR,
    Pair,
    PairOutcome,
    in_range,
    load_pairs,
    run_pair,
    summary_rows,
)
from scripts.derive_good_joblogs import derive_good_run, error_range

REAL = PAIRS_DIR.parent / "real"


def test_a_chosen_line_scores_only_inside_the_labelled_range() -> None:
    assert in_range(5, 5, 7) and in_range(7, 5, 7)
    assert not in_range(4, 5, 7) and not in_range(8, 5, 7)
    assert not in_range(0, 5, 7)  # nothing chosen is a miss
    with pytest.raises(ValueError):
        in_range(3, 0, 0)


def _pair(split: str, provenance: str) -> Pair:
    return Pair(Path("f.log"), (), provenance, 10, 12, split)


def test_summary_puts_the_test_split_first_and_counts_hits_per_provenance() -> None:
    outcomes = [
        PairOutcome(_pair("development", "derived"), 3, 11),
        PairOutcome(_pair("test", "real"), 10, 10),
        PairOutcome(_pair("test", "derived"), 3, 3),
        PairOutcome(_pair("test", "derived"), 3, 12),
    ]
    rows = summary_rows(outcomes)
    assert rows[0][:2] == ("test", "real")
    assert rows[1] == ("test", "derived", 2, 0, 1, 1)
    assert rows[2] == ("test", "all", 3, 1, 2, 1)
    assert rows[3] == ("development", "derived", 1, 0, 1, 1)


def test_the_baseline_moves_the_choice_off_a_line_good_runs_print(tmp_path: Path) -> None:
    failing = tmp_path / "fail.log"
    good = tmp_path / "good.log"
    harmless = "cat: /etc/etl/optional_overrides.conf: No such file or directory\n"
    failing.write_text("start 1\n" + harmless + "ORA-01017: invalid username/password\n")
    good.write_text("start 2\n" + harmless + "loaded 10 rows\n")
    outcome = run_pair(Pair(failing, (good,), "real", 3, 3, "development"))
    assert outcome.hit_with and outcome.chosen_with == 3
    assert outcome.chosen_without == 2 and not outcome.hit_without


def test_the_pairs_are_real_failing_logs_with_their_labels_and_existing_good_runs() -> None:
    pairs = load_pairs()
    labels = json.loads((REAL / "labels.json").read_text())
    test = set(json.loads((REAL / "split.json").read_text())["test"])
    assert len(pairs) >= 30
    for pair in pairs:
        assert pair.failing.parent == REAL.resolve()
        assert pair.first == labels[pair.failing.name]["error_line"]
        assert pair.last >= pair.first
        assert pair.last <= pair.failing.read_bytes().count(b"\n") + 1
        assert pair.split == ("test" if pair.failing.name in test else "development")
        assert pair.provenance in ("real", "derived") and pair.good
        assert all(good.is_file() for good in pair.good)


def test_a_derived_good_run_drops_the_failing_region_and_exits_zero() -> None:
    name = "input_python_unicode_decode_csv.log"
    data = (REAL / name).read_bytes()
    error_line = json.loads((REAL / "labels.json").read_text())[name]["error_line"]
    good = derive_good_run(data, error_line)
    assert b"UnicodeDecodeError" not in good and b"Traceback" not in good
    assert b"= Exit Status           : 0" in good
    assert b"Job Number: 33146" not in good and b"Job Number: 3314" in good
    assert error_range(data.split(b"\n"), error_line)[0] == error_line


def test_real_good_output_is_wrapped_in_the_failing_runs_stdlist_with_exit_zero() -> None:
    from scripts.derive_good_joblogs import wrap_real_output

    name = "fnf_sqlldr_windows_csv_missing_repeated.log"
    failing = (REAL / name).read_bytes()
    output = (PAIRS_DIR / "real_output" / "sqlldr_database_gui_6.txt").read_bytes()
    good = wrap_real_output(failing, output)
    assert b"637 Rows successfully loaded.\r\n" in good  # the failing run's CRLF kept
    assert b"= Exit Status           : 0" in good and b"SQL*Loader-500" not in good
    assert good.splitlines()[2] == failing.splitlines()[2]  # the same job and user
    real = [p for p in load_pairs() if p.provenance == "real"]
    assert real and all(p.good[0].name.endswith(".real1.good.log") for p in real)

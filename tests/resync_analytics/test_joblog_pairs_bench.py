"""The pass/fail-pair benchmark: its scoring, its data and the derivation of good runs."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bench.joblog_pairs import (
    NOISE,
    PAIRS_DIR,
    Pair,
    PairOutcome,
    in_range,
    load_pairs,
    run_pair,
    run_with_noise,
    splice,
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
        PairOutcome(_pair("test", "derived"), 3, 12, known_lines=2),
        PairOutcome(_pair("test", NOISE), 3, 12, known_lines=1, cause_known=True),
    ]
    rows = summary_rows(outcomes)
    assert [row[:2] for row in rows] == [
        ("test", "real"),
        ("test", "derived"),
        ("test", "all"),
        ("test", NOISE),
        ("development", "derived"),
        ("development", "all"),
    ]
    assert rows[1] == ("test", "derived", 2, 0, 1, 1, 1, 0)
    assert rows[2] == ("test", "all", 3, 1, 2, 1, 1, 0)  # the noise runs are apart
    assert rows[3] == ("test", NOISE, 1, 0, 1, 1, 1, 1)
    assert rows[4] == ("development", "derived", 1, 0, 1, 1, 0, 0)


def test_the_baseline_moves_the_choice_off_a_line_good_runs_print(tmp_path: Path) -> None:
    failing = tmp_path / "fail.log"
    good = tmp_path / "good.log"
    harmless = "cp: cannot stat '/etc/etl/optional_overrides.conf': No such file or directory\n"
    failing.write_text("start 1\n" + harmless + "ORA-01017: invalid username/password\n")
    good.write_text("start 2\n" + harmless + "loaded 10 rows\n")
    outcome = run_pair(Pair(failing, (good,), "real", 3, 3, "development"))
    assert outcome.hit_with and outcome.chosen_with == 3
    assert outcome.chosen_without == 2 and not outcome.hit_without
    assert outcome.known_lines == 1 and not outcome.cause_known


def test_noise_from_a_real_good_run_goes_before_the_jobs_output_and_moves_the_range(
    tmp_path: Path,
) -> None:
    failing = (PAIRS_DIR.parent / "real" / "db_sqlcmd_msg208_then_msg4902.log").read_bytes()
    output = b"Msg 3701, Level 11, State 5, Line 4\r\nCannot drop the procedure 'p'.\r\n"
    data, added = splice(failing, output)
    lines, before = data.split(b"\n"), failing.split(b"\n")
    assert added == 2 and len(lines) == len(before) + 2
    start = lines.index(
        b"Msg 3701, Level 11, State 5, Line 4" + (b"\r" if b"\r\n" in failing else b"")
    )
    assert lines[:start] == before[:start] and lines[start + 2 :] == before[start:]
    assert before[start - 1].startswith((b"=", b"AWSBIS307I", b"WA for"))  # after the banner
    noise = tmp_path / "noise.txt"
    noise.write_bytes(output)
    pair = next(p for p in load_pairs() if p.failing.name == "db_sqlcmd_msg208_then_msg4902.log")
    outcome = run_with_noise(replace(pair, outputs=(noise,)))
    assert outcome is not None and outcome.pair.provenance == NOISE
    assert (outcome.pair.first, outcome.pair.last) == (pair.first + 2, pair.last + 2)
    assert outcome.known_lines >= 1 and not outcome.cause_known
    assert run_with_noise(replace(pair, outputs=())) is None


def test_no_good_run_makes_a_development_pairs_cause_look_known() -> None:
    for pair in load_pairs():
        if pair.split != "development":
            continue
        for outcome in (run_pair(pair), run_with_noise(pair)):
            assert outcome is None or not outcome.cause_known, pair.failing.name


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
    assert len(real) >= 25 and all(p.good[0].name.endswith(".real1.good.log") for p in real)
    assert all(len(p.outputs) == len(p.good) and all(o.is_file() for o in p.outputs) for p in real)

import io
import json

import pytest
from typer.testing import CliRunner

from resync_analytics.patterns import stream
from resync_analytics.patterns.miner import PatternMiner
from resync_analytics.patterns.persistence import (
    load_miner,
    miner_from_json,
    miner_to_json,
    save_miner,
)
from resync_flows.cli import app

FIRST = ["disk 1 full on hostA", "user bob logged in", "disk 22 full on hostA"]
LATER = ["disk 5 full on hostA", "user ann logged in", "cron job 7 started"]


def test_restored_miner_continues_with_the_same_ids(tmp_path):
    continuous = PatternMiner()
    keys = [continuous.add(m) for m in FIRST + LATER]

    first = PatternMiner()
    for message in FIRST:
        first.add(message)
    path = tmp_path / "miner.json"
    save_miner(first, path)
    restored = load_miner(path)
    resumed = [restored.add(m) for m in LATER]

    expected = [continuous.pattern(k) for k in keys[len(FIRST) :]]
    assert [restored.pattern(k) for k in resumed] == expected
    assert sorted(restored.patterns(), key=lambda p: p.pattern_id) == sorted(
        continuous.patterns(), key=lambda p: p.pattern_id
    )


def test_state_survives_a_json_round_trip_after_merges():
    miner = PatternMiner()
    for n in range(1, 5):
        miner.add(f"retry hosts {' '.join(['h'] * n)} {n} now")
    miner.compact()
    data = json.loads(json.dumps(miner_to_json(miner)))
    restored = miner_from_json(data)
    assert restored.patterns() == miner.patterns()
    assert restored.match("retry hosts h h 9 now") == miner.match("retry hosts h h 9 now")


@pytest.mark.parametrize("bad", [{}, {"format": 99}, {"format": 1, "templates": [{"key": 1}]}])
def test_foreign_state_is_refused(bad):
    with pytest.raises(ValueError):
        miner_from_json(bad)


def test_stream_spools_keys_across_chunks(monkeypatch):
    monkeypatch.setattr(stream, "_SPOOL_CHUNK", 7)
    messages = [f"event {i % 3} value {i}" if i % 2 else f"other thing {i}" for i in range(50)]
    mined = list(stream.mine_lines(messages, PatternMiner()))
    assert [m.line for m in mined] == list(range(1, 51))
    reference = PatternMiner()
    keys = [reference.add(m) for m in messages]
    reference.compact()
    assert [m.pattern for m in mined] == [reference.pattern(k) for k in keys]


def test_reading_any_bytes_with_crlf_and_an_overlong_line():
    data = b"a 1\r\nb\xff\xfe 2\n" + b"x" * 100 + b"\nlast"
    messages = list(stream.read_messages(io.BytesIO(data), max_line_bytes=16))
    assert messages == ["a 1", "b\ufffd\ufffd 2", "x" * 16, "last"]


def test_cli_prints_one_json_object_per_line(tmp_path):
    path = tmp_path / "errors.log"
    path.write_bytes(b"Took 12 ms on 10.0.0.1:80\r\n\xff\xfe broken\nTook 7 ms on 10.0.0.2:81\n\n")
    result = CliRunner().invoke(app, ["patterns", "mine", str(path), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3, 4]
    assert set(rows[0]) == {"line", "pattern_id", "template"}
    assert rows[0]["pattern_id"] == rows[2]["pattern_id"] != rows[1]["pattern_id"]
    assert rows[0]["template"] == "Took <*> ms on <*>"
    assert rows[1]["template"] == "\ufffd\ufffd broken"


def test_cli_reads_standard_input_when_the_file_is_a_dash(tmp_path):
    lines = b"Took 12 ms on 10.0.0.1:80\nTook 7 ms on 10.0.0.2:81\nsomething else\n"
    piped = CliRunner().invoke(app, ["patterns", "mine", "-", "--json"], input=lines)
    assert piped.exit_code == 0, piped.output
    path = tmp_path / "same.log"
    path.write_bytes(lines)
    from_file = CliRunner().invoke(app, ["patterns", "mine", str(path), "--json"])
    assert piped.output == from_file.output
    assert len(piped.output.splitlines()) == 3


def test_cli_summary_and_unreadable_file(tmp_path):
    path = tmp_path / "errors.log"
    path.write_text("cannot open /a/b\ncannot open /c/d\nsomething else\n")
    result = CliRunner().invoke(app, ["patterns", "mine", str(path)])
    assert result.exit_code == 0
    assert "cannot open <*>" in result.output
    missing = CliRunner().invoke(app, ["patterns", "mine", str(tmp_path / "nope.log")])
    assert missing.exit_code == 1

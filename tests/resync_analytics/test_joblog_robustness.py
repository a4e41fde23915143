"""Any bytes are a valid joblog: never a crash, same answer whatever the chunking."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from resync_analytics.joblog import scan
from resync_analytics.joblog.analyzer import analyze_file, analyze_joblog
from tests.resync_analytics.joblog_samples import joblog, line_of


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_are_analysed(data):
    analysis = analyze_joblog(data)
    assert 0.0 <= analysis.confidence <= 1.0
    assert 0 <= analysis.error_line <= max(analysis.total_lines, 0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"INFO step ok\n",
                b"cat: /a/b: No such file or directory\n",
                b"\x1b[31mERROR\x1b[0m boom\r\n",
                b"\xff\xfe\x00 garbage\n",
                b"ORA-01653: unable to extend table A.B by 8 in tablespace T\n",
                b"Caused by: java.io.IOException: No space left on device\n",
                b"\n",
            ]
        ),
        max_size=40,
    ),
    st.integers(min_value=1, max_value=64),
)
def test_chunk_boundaries_do_not_change_the_answer(lines, chunk_size):
    data = b"".join(lines)
    whole = analyze_joblog(data)
    chunks = [data[i : i + chunk_size] for i in range(0, len(data), chunk_size)]
    assert analyze_joblog(iter(chunks)) == whole


def test_empty_input_is_unknown():
    analysis = analyze_joblog(b"")
    assert (analysis.category, analysis.error_line, analysis.total_lines) == ("unknown", 0, 0)


def test_crlf_ansi_and_nul_do_not_hide_the_error():
    log = joblog("step 1\n").replace(
        "AWSBIS308I",
        "\x1b[1;31mcat: /data/in/a.csv: No such file or directory\x1b[0m\x00\nAWSBIS308I",
    )
    data = log.replace("\n", "\r\n").encode()
    analysis = analyze_joblog(data)
    assert analysis.category == "file_not_found"
    assert analysis.error_line == line_of(log, "No such file")
    assert analysis.error_text == "cat: /data/in/a.csv: No such file or directory"
    assert "/data/in/a.csv" in analysis.entities


def test_invalid_utf8_is_replaced_not_fatal():
    data = b"caf\xe9 \xc3\x28 cat: /d/\xe9.csv: No such file or directory\n"
    analysis = analyze_joblog(data, job=None)
    assert analysis.category == "file_not_found" and analysis.error_line == 1


def test_huge_line_is_bounded_and_later_lines_keep_their_numbers(monkeypatch):
    monkeypatch.setattr(scan, "MAX_LINE_BYTES", 10_000)
    huge = b"x" * 50_000 + b" error somewhere far\n"
    data = b"start\n" + huge + b"bash: sqlldr: command not found\n"
    analysis = analyze_joblog(iter([data[i : i + 4096] for i in range(0, len(data), 4096)]))
    assert analysis.category == "command_not_found"
    assert analysis.error_line == 3
    assert analysis.total_lines == 3


def test_many_candidates_keep_memory_bounded():
    noisy = b"ERROR: transient glitch\n" * 20_000 + b"bash: sqlldr: command not found\n"
    analysis = analyze_joblog(noisy)
    assert analysis.total_lines == 20_001
    # the first causal statement among thousands of generic ones is kept
    assert analysis.category == "command_not_found" and analysis.error_line == 20_001


def test_analyze_file_streams_from_disk(tmp_path):
    path = tmp_path / "j.log"
    path.write_text(joblog("bash: sqlldr: command not found\n", 127))
    assert analyze_file(path).category == "command_not_found"


def test_deterministic():
    log = joblog("ERROR: x\nORA-00942: table or view does not exist\n")
    assert analyze_joblog(log) == analyze_joblog(log)

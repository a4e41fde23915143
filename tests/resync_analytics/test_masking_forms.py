"""Secrets in the forms operators really use never survive masking nor `joblog analyze --json`,
while the user, host and command around them stay."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.masking import mask_secrets
from tests.resync_analytics.joblog_samples import HEADER_LINES, joblog
from tests.resync_analytics.secret_forms import FORMS, SecretForm

IDS = [form.name for form in FORMS]


def test_the_table_covers_at_least_38_forms() -> None:
    assert len(FORMS) >= 38 and len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_secret_form_is_masked_and_user_host_and_command_stay(form: SecretForm) -> None:
    masked = mask_secrets(f"+ {form.text}\n")

    assert not [piece for piece in form.fragments() if piece in masked], masked
    assert all(part in masked for part in form.keep), masked
    assert "***" in masked
    assert mask_secrets(masked) == masked


def _failing_joblog(form: SecretForm) -> str:
    return joblog(f"ERROR: command failed: {form.text}\n")


@pytest.fixture(scope="module")
def analyze_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """The real CLI, once over one joblog per form: form name -> its JSON object."""
    directory = tmp_path_factory.mktemp("secret-joblogs")
    paths = []
    for index, form in enumerate(FORMS):
        path = directory / f"form{index:02d}.log"
        path.write_text(_failing_joblog(form), encoding="utf-8")
        paths.append(str(path))
    result = subprocess.run(
        [sys.executable, "-m", "resync_flows.cli", "joblog", "analyze", *paths, "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == len(FORMS), result.stderr
    return {
        form.name: {"raw": line, **json.loads(line)}
        for form, line in zip(FORMS, lines, strict=True)
    }


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_joblog_analyze_json_never_shows_the_secret(
    form: SecretForm, analyze_output: dict[str, dict]
) -> None:
    shown = analyze_output[form.name]
    text = json.dumps({k: v for k, v in shown.items() if k != "raw"}, ensure_ascii=False)

    assert not [piece for piece in form.fragments() if piece in text], text
    assert not [piece for piece in form.fragments() if piece in shown["raw"]]


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_joblog_analyze_json_keeps_what_the_operator_needs(
    form: SecretForm, analyze_output: dict[str, dict]
) -> None:
    shown = analyze_output[form.name]
    first_line = form.text.splitlines()[0]

    if shown["error_line"] != HEADER_LINES + 1:
        pytest.skip(f"the analyser names another line than {first_line!r}")
    assert all(part in shown["error_text"] for part in form.keep if part in first_line)


def test_entities_taken_from_the_banner_are_masked_too() -> None:
    # Dynamic agents print the whole command line as the job's script.
    log = joblog("").replace(
        "/opt/app/bin/load_emp.sh", "sshpass -p Wq3zKv8n ssh batch@sftp01 /opt/app/load.sh"
    )

    analysis = analyze_joblog(log)

    assert analysis.entities, "the banner's command is an entity of an unexplained failure"
    shown = json.dumps(analysis.to_contract_dict("x.log"))
    assert "Wq3zKv8n" not in shown
    assert "sshpass" in shown


def test_masking_cost_grows_linearly_with_the_line_length() -> None:
    def seconds(repeats: int) -> float:
        line = ("-p " + "a" * 200 + " password: https:// @ -u :") * repeats
        start = time.perf_counter()
        mask_secrets(line)
        return time.perf_counter() - start

    small = min(seconds(250) for _ in range(3))
    large = min(seconds(2000) for _ in range(3))

    assert large < small * 8 * 3  # 8x the text: linear with slack, quadratic would be 64x


def test_a_joblog_without_trigger_words_is_returned_unchanged_and_fast(tmp_path: Path) -> None:
    text = "2025-03-14 02:00:01 INFO  [extract-1] fetched 5000 rows from SALES.ORDERS\n" * 20000

    start = time.perf_counter()
    masked = mask_secrets(text)

    assert masked is text or masked == text
    assert time.perf_counter() - start < 2.0


def test_the_stored_joblog_text_of_a_run_carries_no_secret_form() -> None:
    from datetime import UTC, datetime

    from tasks.poll import joblog_finding

    body = "".join(f"+ {form.text}\n" for form in FORMS) + "ERROR: load failed\n"
    data = joblog(body).encode("utf-8")

    finding = joblog_finding("run-1", data, 1, mask=True, observed_at=datetime.now(UTC))

    leaked = [f.name for f in FORMS if any(p in finding.joblog_text for p in f.fragments())]
    assert leaked == []
    assert all(part in finding.joblog_text for form in FORMS for part in form.keep)

"""conman commands shown to operators are safe to paste: only valid TWS names go into them."""

from __future__ import annotations

import dataclasses
import re
import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.models import JobIdentity, tws_name_problem
from resync_analytics.joblog.steps import PLACEHOLDER_SELECTOR, conman_rerun, suggest_steps
from resync_analytics.maintenance import JobRisk, RiskReason
from resync_analytics.maintenance.actions import suggest_actions
from tests.resync_analytics.joblog_samples import joblog

HOSTILE = [
    'JS";touch /tmp/pwned;"',
    "JS$(id)",
    "JS`id`",
    "JS;rm -rf /",
    "JS X",
    "JS\\",
    "1JS",
    "",
]


def _shell_safe(command: str) -> bool:
    """One conman argument, double-quoted, with nothing inside a shell would expand."""
    words = shlex.split(command)
    inner = command.split('"', 1)[1].rsplit('"', 1)[0] if '"' in command else ""
    return (
        len(words) == 2
        and words[0] == "conman"
        and not re.search(r'[$`\\"!]', inner)
        and words[1] == inner
    )


def test_a_valid_job_keeps_the_double_quoted_rerun_command() -> None:
    job = JobIdentity("FTA01", "PAYROLL", "LOAD_EMP")

    assert conman_rerun(job) == 'conman "rr FTA01#PAYROLL.LOAD_EMP;noask"'
    assert shlex.split(conman_rerun(job)) == ["conman", "rr FTA01#PAYROLL.LOAD_EMP;noask"]


def test_folders_dashes_and_long_job_names_are_valid() -> None:
    job = JobIdentity("/EU/FTA-01", "/FIN/PAYROLL_2", "L" + "x" * 39)

    assert job.name_problem is None
    assert conman_rerun(job) == f'conman "rr {job.selector};noask"'


@pytest.mark.parametrize("stream", HOSTILE)
def test_a_job_stream_name_that_is_not_a_tws_name_gives_placeholders_and_the_reason(
    stream: str,
) -> None:
    job = JobIdentity("FTA01", stream, "LOAD")

    steps = suggest_steps("unknown", [], job=job, user=None, exit_code=1)

    assert conman_rerun(job) == f'conman "rr {PLACEHOLDER_SELECTOR};noask"'
    assert "job stream name is not a valid TWS name" in steps[-1]
    assert all(stream not in step for step in steps if stream)


@pytest.mark.parametrize(
    ("kind", "name"),
    [("workstation", "W" * 65), ("job stream", "S" * 65), ("job", "J" * 65)],
)
def test_names_longer_than_any_tws_allows_are_refused(kind: str, name: str) -> None:
    assert "longer than any TWS allows" in (tws_name_problem(kind, name) or "")
    assert tws_name_problem(kind, name[:-1]) is None


def test_a_job_stream_name_over_the_classic_16_characters_still_gets_a_command() -> None:
    # Releases differ on the limit; a name TWS reported is runnable if its characters are safe.
    job = JobIdentity("FTA008", "LOGISTICS_INTRADAY00", "INDEX_FILES")

    assert conman_rerun(job) == 'conman "rr FTA008#LOGISTICS_INTRADAY00.INDEX_FILES;noask"'


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20), st.text(max_size=20), st.text(max_size=45))
def test_every_rerun_command_is_safe_to_paste_into_a_shell(ws: str, js: str, job: str) -> None:
    identity = JobIdentity(ws, js, job)

    command = conman_rerun(identity)

    assert _shell_safe(command), command
    if identity.name_problem is not None:
        assert PLACEHOLDER_SELECTOR in command


def test_a_banner_with_shell_characters_gives_no_identity_and_placeholder_steps() -> None:
    log = joblog("ERROR: load failed\n").replace(
        "FTA01#PAYROLL[(0200 03/14/25),(0AAAAAAAAAAAB2CD)].LOAD_EMP",
        'FTA01#PAYROLL.LOAD_EMP";touch /tmp/pwned;"',
    )

    analysis = analyze_joblog(log)

    assert analysis.header.job is None
    assert "pwned" not in " ".join(analysis.steps)
    assert PLACEHOLDER_SELECTOR in analysis.steps[-1]
    assert all(_shell_safe(c) for s in analysis.steps for c in re.findall(r"`(conman [^`]*)`", s))


def test_a_caller_given_job_with_shell_characters_is_not_put_in_a_command() -> None:
    analysis = analyze_joblog(
        joblog("ERROR: load failed\n"), job=JobIdentity("FTA01", "PAY$(id)", "LOAD")
    )

    assert "$(id)" not in " ".join(analysis.steps)
    assert PLACEHOLDER_SELECTOR in analysis.steps[-1]


def _risk(job_key: str) -> JobRisk:
    return JobRisk(
        job_key=job_key,
        workstation="FTA01",
        score=0.7,
        failure_probability=0.3,
        late_probability=0.6,
        predicted_seconds=1800.0,
        p90_seconds=2700.0,
        weekly_growth=0.0,
        late_nights=0,
        deadline_nights=20,
        reasons=tuple(
            RiskReason(kind, kind, 1.0) for kind in ("late_risk", "late_exposure", "failure_rate")
        ),
    )


def test_maintenance_actions_quote_only_valid_job_keys() -> None:
    good = suggest_actions(_risk("FTA01#NIGHTLY.LOAD"))
    bad = suggest_actions(_risk('FTA01#NIGHT";id;".LOAD'))

    assert any('conman "rr FTA01#NIGHTLY.LOAD;noask"' in a for a in good)
    assert any('conman "sj FTA01#NIGHTLY.@"' in a for a in good)
    assert not any(";id;" in a for a in bad)
    assert any(PLACEHOLDER_SELECTOR in a for a in bad)
    for action in bad:
        for command in re.findall(r'conman "[^"]*"', action):
            assert _shell_safe(command)


def test_job_identity_is_still_a_plain_value() -> None:
    job = JobIdentity("WS", "JS", "JOB")
    assert dataclasses.replace(job, job="J2").selector == "WS#JS.J2"

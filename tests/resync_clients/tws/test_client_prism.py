"""The TWS client against Stoplight Prism, a mock of the product's spec written by others.

A short version of ``bench/prism_probe.py`` (``make probe-client`` runs the full one, with the
poller). Needs Prism under ``.probe/`` (``make probe-client`` installs it); skipped without.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[3]
PRISM = REPO / ".probe" / "node_modules" / ".bin" / "prism"
SPEC = REPO.parent / "shared" / "tws-api" / "WA_API3_v2.json"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not PRISM.exists(), reason="Prism not installed: `make probe-client` installs it"
    ),
    pytest.mark.skipif(not SPEC.exists(), reason=f"the TWS spec is not at {SPEC}"),
]

sys.path.insert(0, str(REPO / "bench"))

from tws_probe.calls import probe_client  # noqa: E402
from tws_probe.mock import PrismMock, RecordingProxy  # noqa: E402
from tws_probe.verdict import judge  # noqa: E402


@pytest.fixture(scope="module")
def strict_dynamic_prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordingProxy]:
    """Prism validating our requests (``--errors``) with seeded random spec-valid answers."""
    mock = PrismMock(PRISM, SPEC, ("--errors", "-d", "--seed", "6"), tmp_path_factory.mktemp("p"))
    proxy = RecordingProxy()
    mock.start()
    try:
        mock.wait_ready()
        proxy.start()
        proxy.target = mock.url
        yield proxy
    finally:
        proxy.stop()
        mock.stop()


def test_probe_flags_a_wrong_accept_header_as_a_request_problem(
    strict_dynamic_prism: RecordingProxy,
) -> None:
    proxy = strict_dynamic_prism
    mark = proxy.mark()
    response = httpx.get(
        f"{proxy.url}/twsd/api/v2/plan/job/run/some-run/joblog",
        headers={"Accept": "application/json"},  # the joblog is text/plain only
    )

    outcome = judge("test", "raw joblog", proxy.since(mark))

    assert response.status_code == 406
    assert (outcome.verdict, outcome.kind) == ("problem", "request")
    assert "NOT_ACCEPTABLE" in outcome.detail


def test_client_calls_against_strict_prism_end_without_problems(
    strict_dynamic_prism: RecordingProxy,
) -> None:
    outcomes = asyncio.run(probe_client("strict-dynamic-6", strict_dynamic_prism, call_timeout=45))

    problems = [outcome.line() for outcome in outcomes if outcome.verdict == "problem"]
    assert len(outcomes) >= 19
    assert not problems, "\n".join(problems)

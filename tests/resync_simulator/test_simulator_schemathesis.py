"""Schemathesis over the simulator with the product's spec: no server error, no off-spec answer.

A small pass (a few examples per operation, all phases, fixed seed) of what
``make probe-simulator`` runs in full; the spec quirks it patches are listed in
:mod:`resync_simulator.conformance`. Runs against a simulator of its own, since the
stateful phase holds, cancels and confirms jobs.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from resync_simulator import SimulatorConfig, run_simulator
from resync_simulator.conformance import (
    load_spec,
    probe_spec,
    run_probe,
    served_operations,
)

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "tws-api" / "WA_API3_v2.json"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SPEC_PATH.exists(), reason="product spec not available"),
    pytest.mark.skipif(
        importlib.util.find_spec("schemathesis") is None, reason="schemathesis not installed"
    ),
]


def test_schemathesis_finds_no_failure_on_any_served_operation() -> None:
    operations = served_operations()
    spec = probe_spec(load_spec(SPEC_PATH), operations)
    with run_simulator(SimulatorConfig(seed=4321, scenario="small")) as sim:
        result = run_probe(sim.base_url, spec, sim.basic_auth, max_examples=5, seed=11)
    assert result.operations == len(operations) == 15
    assert result.cases > 100
    assert result.failures == [], result.output[-6000:]

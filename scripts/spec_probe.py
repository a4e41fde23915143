"""Schemathesis against the TWS simulator, using the product's own OpenAPI spec.

Starts ``resync-flows simulator`` on a free loopback port, runs ``st run`` over the operations
the simulator serves (examples, coverage, fuzzing and stateful phases) with the checks
not_a_server_error, status_code_conformance, content_type_conformance and
response_schema_conformance, prints operations, cases and failures, and exits 1 on any failure.

Spec quirks (patched in the probe's copy of the spec, not in the simulator; details in
:mod:`resync_simulator.conformance`):

- trailing commas in WA_API3_v2.json (not JSON) are stripped;
- ``Duration`` is ``format: duration`` (RFC 3339, ``PT1H0M58S``) but the product writes
  Java's ``Duration.toString()`` (``PT1H58S``): checked with a pattern for the Java form;
- ``cancel``, ``predecessors`` and ``successors`` list no 400, though cancelling a cancelled job
  and ``depth=2147483648`` (beyond int32) are bad requests: 400 is added to them;
- actions answer 415 without ``Content-Type: application/json`` (seen in the lab), a status the
  spec does not list: every request carries that header, as the product's sample client's do.

    .venv/bin/python scripts/spec_probe.py [--spec ../shared/tws-api/WA_API3_v2.json]
        [--max-examples 50] [--seed 7]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from resync_simulator.config import SimulatorConfig
from resync_simulator.conformance import (
    CHECKS,
    load_spec,
    probe_spec,
    run_probe,
    served_operations,
)

DEFAULT_SPEC = Path(__file__).resolve().parents[2] / "shared" / "tws-api" / "WA_API3_v2.json"
SCENARIO, SEED = "small", 1234


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(base_url: str, auth: tuple[str, str], process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the simulator exited with status {process.returncode}")
        try:
            if httpx.get(base_url + "/sim/status", auth=auth, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the simulator did not answer within 120 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.spec.exists():
        print(f"spec not found at {args.spec}: nothing to probe")
        return 0

    config = SimulatorConfig(seed=SEED, scenario=SCENARIO)
    auth = (config.users[0].username, config.users[0].password)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    cli = Path(sys.executable).with_name("resync-flows")
    command = [str(cli), "simulator", "--port", str(port), "--scenario", SCENARIO,
               "--seed", str(SEED)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_until_up(base_url, auth, process)
        spec = probe_spec(load_spec(args.spec), served_operations())
        started = time.monotonic()
        result = run_probe(base_url, spec, auth, max_examples=args.max_examples, seed=args.seed)
        elapsed = time.monotonic() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()

    if result.failures:
        print(result.output)
    print(
        f"schemathesis against the simulator ({SCENARIO}, seed {SEED}), checks: {', '.join(CHECKS)}"
    )
    print(f"  operations : {result.operations}")
    print(f"  cases      : {result.cases}")
    print(f"  failures   : {len(result.failures)}")
    for failure in result.failures:
        print(f"    - {failure}")
    print(f"  time       : {elapsed:.1f} s (max {args.max_examples} examples per operation, "
          f"seed {args.seed})")  # fmt: skip
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Probe the simulator with schemathesis against the product's own OpenAPI spec.

:func:`probe_spec` turns the product's spec (``WA_API3_v2.json``) into the one schemathesis
reads: only the operations the simulator serves, with the spec's known quirks patched;
:func:`run_probe` runs the ``st`` CLI (the ``schemathesis`` package, a dev dependency) against
a running simulator and returns operations, cases and failures.

Spec quirks, each handled here rather than by bending the simulator away from the product:

- The spec file has trailing commas (not JSON): they are stripped before parsing.
- ``Duration`` says ``format: duration`` (RFC 3339 appendix A, which wants minutes between
  hours and seconds: ``PT1H0M58S``), but the product writes ``java.time.Duration.toString()``
  (``PT1H58S``, zero parts left out). The probe's copy checks the Java form with a pattern.
- Three operations list no 400 although they can be bad requests like their siblings:
  ``cancel`` (every other job action lists 400 for "not valid in the job's state", e.g.
  cancelling a cancelled job) and ``predecessors``/``successors`` (``depth`` is an int32, so
  ``depth=2147483648`` or ``depth=x`` is a bad parameter). The probe's copy adds 400 to them.
- ``DependencyInPlanV2`` is a ``oneOf`` of eight dependency kinds without a discriminator,
  and every kind requires only ``dependencyType``: any real dependency (an internal
  predecessor, a resource...) validates against several kinds and so fails the ``oneOf``.
  The probe's copy pins each kind's ``dependencyType`` to its own value (what the product's
  Java classes do), which lets exactly one kind match.
- Actions answer 415 without ``Content-Type: application/json`` (seen in the lab; README §
  actions), a status the spec does not list. The probe sends that header on every request,
  as the product's sample client does.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

API_PREFIX = "/twsd/api/v2"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
_MISSING_400 = (
    ("put", API_PREFIX + "/plan/job/{job_id}/action/cancel"),
    ("get", API_PREFIX + "/plan/job/{job_id}/predecessors"),
    ("get", API_PREFIX + "/plan/job/{job_id}/successors"),
)
# Each dependency kind of DependencyInPlanV2's oneOf and the dependencyType it stands for.
DEPENDENCY_KINDS = {
    "InternalDependencyInPlanV2": "INTERNAL",
    "ExternalJobDependencyInPlanV2": "EXTERNAL_JOB",
    "ExternalJobStreamDependencyInPlanV2": "EXTERNAL_JOBSTREAM",
    "JoinDependencyInPlanV2": "JOIN",
    "FileDependencyInPlanV2": "FILE",
    "InternetworkDependencyInPlanV2": "INTERNETWORK",
    "ResourceDependencyInPlanV2": "RESOURCE",
    "PromptDependencyInPlanV2": "PROMPT",
}
# java.time.Duration.toString(): PT, then optional H, M and S parts (S may have a fraction).
_JAVA_DURATION = r"^-?PT(?:-?\d+H)?(?:-?\d+M)?(?:-?\d+(?:\.\d+)?S)?$"


@dataclass(frozen=True)
class ProbeResult:
    """What one schemathesis run found; ``failures`` are ``"CODE title: operations"`` lines."""

    operations: int
    cases: int
    failures: list[str] = field(default_factory=list)
    output: str = ""


def served_operations() -> set[tuple[str, str]]:
    """``(method, path)`` of every product operation the simulator serves."""
    from resync_simulator.app import create_app
    from resync_simulator.config import SimulatorConfig
    from resync_simulator.engine import SimulationEngine

    # Routes do not depend on the enterprise: the smallest one is enough to list them.
    app = create_app(SimulationEngine(SimulatorConfig(scenario="small", jobs=1))).app  # type: ignore[attr-defined]
    paths = app.openapi()["paths"]
    return {
        (method, path)
        for path, operations in paths.items()
        if path.startswith(API_PREFIX)
        for method in operations
    }


def load_spec(path: Path) -> dict[str, Any]:
    """The product's spec as a dict (its trailing commas stripped)."""
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", path.read_text(encoding="utf-8")))


def probe_spec(spec: dict[str, Any], operations: set[tuple[str, str]]) -> dict[str, Any]:
    """A copy of ``spec`` with only ``operations`` and the quirks above patched."""
    probed = json.loads(json.dumps(spec))
    paths: dict[str, dict[str, Any]] = {}
    for method, path in sorted(operations):
        paths.setdefault(path, {})[method] = probed["paths"][path][method]
    probed["paths"] = paths
    for method, path in _MISSING_400:
        responses = paths.get(path, {}).get(method, {}).get("responses")
        if responses is not None:
            responses.setdefault("400", {"description": "Bad request (added: see quirks)"})
    duration = probed.get("components", {}).get("schemas", {}).get("Duration")
    if duration and duration.get("format") == "duration":
        duration.pop("format")
        duration["pattern"] = _JAVA_DURATION
    return pin_dependency_kinds(probed)


def pin_dependency_kinds(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with each dependency kind's ``dependencyType`` pinned to its value (see the
    quirks above); edits ``spec`` in place and returns it."""
    schemas = spec.get("components", {}).get("schemas", {})
    for name, kind in DEPENDENCY_KINDS.items():
        properties = schemas.get(name, {}).get("properties")
        if properties is not None and "dependencyType" in properties:
            properties["dependencyType"] = {**properties["dependencyType"], "const": kind}
    return spec


def run_probe(
    base_url: str,
    spec: dict[str, Any],
    auth: tuple[str, str],
    *,
    max_examples: int = 50,
    seed: int = 7,
    phases: str = "examples,coverage,fuzzing,stateful",
    timeout: float = 600,
) -> ProbeResult:
    """Run ``st run`` against ``base_url``; raises RuntimeError if schemathesis itself fails."""
    with tempfile.TemporaryDirectory(prefix="spec-probe-") as tmp:
        spec_file = Path(tmp) / "spec.json"
        report = Path(tmp) / "report.json"
        spec_file.write_text(json.dumps(spec), encoding="utf-8")
        st = Path(sys.executable).with_name("st")
        command = [
            str(st), "run", str(spec_file), "--url", base_url,
            "--auth", f"{auth[0]}:{auth[1]}",
            "--header", "Content-Type: application/json",
            "--checks", ",".join(CHECKS),
            "--max-examples", str(max_examples), "--seed", str(seed), "--phases", phases,
            "--no-shrink", "--workers", "1", "--request-timeout", "30",
            "--report", "json", "--report-json-path", str(report),
        ]  # fmt: skip
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=tmp, check=False
        )
        if not report.exists():
            raise RuntimeError(f"schemathesis did not run:\n{done.stdout}\n{done.stderr}")
        data = json.loads(report.read_text(encoding="utf-8"))
    failures = [
        f"{f['code']} {f['title']} x{f['count']}: {', '.join(f['operations'])}"
        for f in data.get("failures", [])
    ]
    return ProbeResult(
        operations=data["operations"]["tested"],
        cases=data["test_cases"]["generated"],
        failures=failures,
        output=done.stdout,
    )

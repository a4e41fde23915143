"""The packages form layers and every import points down: a module may import its own package
and the packages of lower layers, never a peer's or a higher layer's.

    resync_core                          settings, domain types, offline defaults
    resync_analytics, resync_clients,    pure logic | adapters (TWS, PostgreSQL, LLM, events,
    resync_simulator                     host metrics) | the simulated TWS
    tasks                                thin Prefect tasks over analytics and adapters
    flows                                Prefect flows composing tasks
    deployments                          the deployments: schedules, triggers, work pools
    resync_flows                         the command line and the demo

Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LAYERS: dict[str, int] = {
    "resync_core": 0,
    "resync_analytics": 1,
    "resync_clients": 1,
    "resync_simulator": 1,
    "tasks": 2,
    "flows": 3,
    "deployments": 4,
    "resync_flows": 5,
}


def imported_packages(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level package) for every absolute import of a project package in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".", 1)[0]
            if top in LAYERS:
                yield node.lineno, top


def package_modules() -> Iterator[tuple[str, Path]]:
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path


def test_every_layer_package_exists() -> None:
    missing = [package for package in LAYERS if not (ROOT / package / "__init__.py").is_file()]
    assert missing == []


@pytest.mark.parametrize("package", list(LAYERS))
def test_imports_point_down_the_layers(package: str) -> None:
    violations = []
    for owner, path in package_modules():
        if owner != package:
            continue
        for line, imported in imported_packages(path):
            if imported != owner and LAYERS[imported] >= LAYERS[owner]:
                violations.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert violations == [], "imports that run up or across a layer:\n" + "\n".join(violations)


def test_a_violation_is_detected(tmp_path: Path) -> None:
    # The checker itself must be able to fail: an adapter importing a task is caught.
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from tasks.poll import poll_plan\n", encoding="utf-8")
    assert list(imported_packages(module)) == [(2, "tasks")]

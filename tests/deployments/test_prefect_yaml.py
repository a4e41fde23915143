"""prefect.yaml, read the way ``prefect deploy`` reads it, holds the catalog's deployments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from prefect.cli.deploy._config import _load_deploy_configs_and_actions
from prefect.cli.deploy._schedules import _schedule_config_to_deployment_schedule
from prefect.cli.deploy._triggers import _initialize_deployment_triggers
from prefect.client.schemas.actions import DeploymentScheduleUpdate
from prefect.flows import Flow
from prefect.utilities.importtools import import_object
from rich.console import Console

from deployments.definitions import TWS_API_LIMIT, DeploymentOptions, build_deployments
from deployments.render import deployment_entry, render_prefect_yaml
from deployments.render import main as render_main

REPO_ROOT = Path(__file__).resolve().parents[2]
PREFECT_YAML = REPO_ROOT / "prefect.yaml"


def load_with_prefect(path: Path) -> list[dict[str, Any]]:
    """The deployment configs as ``prefect deploy`` gets them (Prefect's prefect.yaml schema;
    an invalid file comes back empty, which the tests below catch)."""
    configs, actions = _load_deploy_configs_and_actions(path, console=Console(quiet=True))
    assert actions == {"build": [], "push": [], "pull": []}
    return configs


def test_prefect_yaml_is_what_the_definitions_render() -> None:
    assert PREFECT_YAML.read_text(encoding="utf-8") == render_prefect_yaml(DeploymentOptions()), (
        "prefect.yaml is stale: run `python -m deployments.render`"
    )


def test_every_entrypoint_imports_and_is_a_flow() -> None:
    configs = load_with_prefect(PREFECT_YAML)
    assert len(configs) == len(build_deployments())
    for config in configs:
        assert isinstance(import_object(config["entrypoint"]), Flow), config["entrypoint"]


@pytest.mark.parametrize(
    "options", [DeploymentOptions(), DeploymentOptions(metrics_hosts=("db01", "app02"))]
)
def test_prefect_deploy_would_create_the_catalog_deployments_field_by_field(
    options: DeploymentOptions, tmp_path: Path
) -> None:
    path = tmp_path / "prefect.yaml"
    path.write_text(render_prefect_yaml(options), encoding="utf-8")
    configs = load_with_prefect(path)
    catalog = build_deployments(options)
    assert [(c["entrypoint"], c["name"]) for c in configs] == [
        (d.entrypoint, d.name) for d in catalog
    ]
    for config, deployment in zip(configs, catalog, strict=True):
        name = f"{deployment.flow_name}/{deployment.name}"
        assert import_object(config["entrypoint"]).name == deployment.flow_name, name
        assert config["description"] == deployment.description, name
        assert config["parameters"] == deployment.parameters, name
        assert config["tags"] == deployment.tags, name
        assert config["enforce_parameter_schema"] is True, name
        assert config["work_pool"] == {
            "name": deployment.work_pool_name,
            "work_queue_name": deployment.work_queue_name,
            "job_variables": {},
        }, name

        schedules = [_schedule_config_to_deployment_schedule(s) for s in config["schedules"]]
        assert [(s["schedule"], s["active"]) for s in schedules] == [
            (s.schedule, s.active) for s in deployment.schedules or []
        ], name

        triggers = _initialize_deployment_triggers(deployment.name, config["triggers"])
        assert triggers == deployment.triggers, name

        limit = config.get("concurrency_limit")
        if deployment.concurrency_limit is None:
            assert limit is None, name
        else:
            assert limit == {
                "limit": deployment.concurrency_limit,
                "collision_strategy": deployment.concurrency_options.collision_strategy.value,
            }, name


def test_tws_api_global_limit_is_named_in_the_setup_instructions() -> None:
    assert f"prefect gcl create {TWS_API_LIMIT} --limit 4" in PREFECT_YAML.read_text()


def test_no_credentials_are_written_into_prefect_yaml() -> None:
    text = PREFECT_YAML.read_text(encoding="utf-8").lower()
    for word in ("password:", "api_key:", "token:", "secret:", "resync_tws_password"):
        assert word not in text


def test_render_check_fails_on_a_stale_file_and_passes_after_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RESYNC_SCHEDULE_TIMEZONE", raising=False)
    monkeypatch.delenv("RESYNC_POLL_INTERVAL_SECONDS", raising=False)
    target = tmp_path / "prefect.yaml"
    target.write_text(PREFECT_YAML.read_text().replace("interval: 30.0", "interval: 31.0"))
    assert render_main(["--check", "--output", str(target)]) == 1
    assert render_main(["--output", str(target)]) == 0
    assert render_main(["--check", "--output", str(target)]) == 0
    assert target.read_text() == PREFECT_YAML.read_text()

    monkeypatch.setenv("RESYNC_SCHEDULE_TIMEZONE", "Not/AZone")
    assert render_main(["--output", str(target)]) == 2
    assert "RESYNC_SCHEDULE_TIMEZONE" in capsys.readouterr().err


def test_render_takes_metrics_hosts_and_the_tws_api_slots(tmp_path: Path) -> None:
    target = tmp_path / "prefect.yaml"
    assert render_main(["--output", str(target), "--metrics-host", "db01"]) == 0
    assert (
        render_main(["--output", str(target), "--metrics-host", "db01", "--tws-api-slots", "2"])
        == 0
    )
    text = target.read_text()
    assert "name: host-db01" in text and "work_queue_name: host-db01" in text
    assert f"prefect gcl create {TWS_API_LIMIT} --limit 2" in text
    assert render_main(["--output", str(target), "--metrics-host", "bad host"]) == 2


def test_a_schedule_entry_without_its_schedule_is_refused_by_name() -> None:
    deployment = build_deployments()[0]
    deployment.schedules = [DeploymentScheduleUpdate(active=True)]
    with pytest.raises(ValueError, match="schedule without its schedule"):
        deployment_entry(deployment)

"""prefect.yaml and ``resync-flows serve`` describe the same deployments, from one definition."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule
from prefect.events import DeploymentEventTrigger
from prefect.flows import Flow, load_flow_from_entrypoint

import flows
from deployments.definitions import (
    TWS_API_LIMIT,
    WORK_POOL,
    DeploymentOptions,
    deployment_specs,
    global_limits,
)
from deployments.prefect_yaml import render_prefect_yaml
from deployments.render import main as render_main
from deployments.runner import runner_deployment
from resync_clients.events import JOB_ABEND
from resync_flows.settings import load_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
PREFECT_YAML = REPO_ROOT / "prefect.yaml"


def load_prefect_yaml() -> dict:
    return yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))


def test_prefect_yaml_is_what_the_definitions_render() -> None:
    assert PREFECT_YAML.read_text(encoding="utf-8") == render_prefect_yaml(DeploymentOptions()), (
        "prefect.yaml is stale: run `python -m deployments.render`"
    )


def test_default_options_are_the_settings_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path):
    monkeypatch.delenv("RESYNC_POLL_INTERVAL_SECONDS", raising=False)
    monkeypatch.delenv("RESYNC_SCHEDULE_TIMEZONE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert DeploymentOptions.from_settings(load_settings()) == DeploymentOptions()


def yaml_deployments() -> list[tuple[dict, object]]:
    """Each prefect.yaml deployment with the RunnerDeployment serve builds for the same spec."""
    documents = load_prefect_yaml()["deployments"]
    specs = deployment_specs()
    assert [d["name"] for d in documents] == [s.name for s in specs]
    return [
        (document, runner_deployment(spec)) for document, spec in zip(documents, specs, strict=True)
    ]


def test_prefect_yaml_and_served_deployments_agree_field_by_field() -> None:
    for document, served in yaml_deployments():
        name = document["name"]
        flow = load_flow_from_entrypoint(document["entrypoint"])
        assert flow.name == served.flow_name, name
        assert document["entrypoint"] == served.entrypoint, name
        assert document["parameters"] == served.parameters, name
        assert sorted(document["tags"]) == sorted(served.tags), name
        assert document["work_pool"]["name"] == WORK_POOL

        yaml_schedules = []
        for entry in document["schedules"]:
            if "cron" in entry:
                yaml_schedules.append(CronSchedule(cron=entry["cron"], timezone=entry["timezone"]))
            else:
                interval = timedelta(seconds=entry["interval"])
                yaml_schedules.append(
                    IntervalSchedule(interval=interval, timezone=entry["timezone"])
                )
        served_schedules = [s.schedule for s in served.schedules]
        assert len(yaml_schedules) == len(served_schedules), name
        for from_yaml, from_serve in zip(yaml_schedules, served_schedules, strict=True):
            assert type(from_yaml) is type(from_serve), name
            assert from_yaml.timezone == from_serve.timezone, name
            assert getattr(from_yaml, "interval", None) == getattr(from_serve, "interval", None)
            assert getattr(from_yaml, "cron", None) == getattr(from_serve, "cron", None)

        yaml_triggers = [DeploymentEventTrigger.model_validate(t) for t in document["triggers"]]
        assert yaml_triggers == served.triggers, name

        limit = document.get("concurrency_limit")
        if limit is None:
            assert served.concurrency_limit is None, name
        else:
            assert limit["limit"] == served.concurrency_limit, name
            assert limit["collision_strategy"] == served.concurrency_options.collision_strategy


def test_abend_trigger_starts_one_incident_analysis_per_job_with_the_run_id() -> None:
    (incident,) = [d for d in load_prefect_yaml()["deployments"] if d["name"] == "on-abend"]
    assert incident["entrypoint"] == "flows.incident.incident_analysis"
    (trigger,) = incident["triggers"]
    parsed = DeploymentEventTrigger.model_validate(trigger)
    assert parsed.expect == {JOB_ABEND}
    assert parsed.for_each == {"prefect.resource.id"}
    assert parsed.threshold == 1 and parsed.within == timedelta(0)
    assert parsed.match.root == {"prefect.resource.id": "tws.job.*"}
    assert parsed.parameters == {"request": {"run_id": "{{ event.payload.run_id }}"}}


def test_parameters_and_rendered_trigger_parameters_validate_against_each_flow() -> None:
    for spec in deployment_specs():
        flow = load_flow_from_entrypoint(spec.entrypoint)
        # What the UI's form and the API validate before a run is created.
        if spec.parameters:
            flow.validate_parameters(dict(spec.parameters))
        for trigger in spec.triggers:
            rendered = yaml.safe_load(
                yaml.safe_dump(dict(trigger.parameters)).replace(
                    "'{{ event.payload.run_id }}'", "'RUN-123'"
                )
            )
            validated = flow.validate_parameters(rendered)
            assert validated["request"].run_id == "RUN-123"


def test_every_flow_of_the_project_has_a_deployment() -> None:
    deployed = {spec.entrypoint for spec in deployment_specs()}
    found = set()
    for module_info in pkgutil.iter_modules(flows.__path__):
        module = importlib.import_module(f"flows.{module_info.name}")
        for attribute, value in vars(module).items():
            if isinstance(value, Flow) and value.fn.__module__ == module.__name__:
                found.add(f"flows.{module_info.name}.{attribute}")
    assert found - deployed == set(), "flows without a deployment: add them to definitions.py"
    assert deployed - found == set(), "deployments of flows that do not exist"


def test_schedules_follow_the_settings_time_zone_and_poll_interval() -> None:
    settings = load_settings(schedule_timezone="Europe/Berlin", poll_interval_seconds=5)
    options = DeploymentOptions.from_settings(settings)
    document = yaml.safe_load(render_prefect_yaml(options))
    (poller,) = [d for d in document["deployments"] if d["name"] == "poller"]
    assert poller["schedules"] == [{"interval": 5.0, "timezone": "Europe/Berlin", "active": True}]
    for deployment in document["deployments"]:
        for schedule in deployment["schedules"]:
            assert schedule["timezone"] == "Europe/Berlin"
    served = runner_deployment(deployment_specs(options)[0])
    assert served.schedules[0].schedule.timezone == "Europe/Berlin"


def test_each_metrics_host_gets_its_own_deployment_and_work_queue() -> None:
    options = DeploymentOptions(metrics_hosts=("db01", "app02"))
    samplers = [
        s for s in deployment_specs(options) if s.entrypoint.endswith("sample_host_metrics")
    ]
    assert [(s.name, s.work_queue, s.parameters["host"]) for s in samplers] == [
        ("host-db01", "host-db01", "db01"),
        ("host-app02", "host-app02", "app02"),
    ]
    with pytest.raises(ValueError, match="host name"):
        DeploymentOptions(metrics_hosts=("bad host",))


def test_poller_overlaps_are_cancelled_not_queued() -> None:
    (poller,) = [s for s in deployment_specs() if s.name == "poller"]
    assert (poller.concurrency_limit, poller.collision_strategy) == (1, "CANCEL_NEW")


def test_tws_api_global_limit_is_declared() -> None:
    assert [limit.name for limit in global_limits()] == [TWS_API_LIMIT]
    assert f"prefect gcl create {TWS_API_LIMIT} --limit" in PREFECT_YAML.read_text()


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

"""A setting given for a part that is off fails the plan with a message saying to enable it.

The root variables.tf is planned alone (no resources, no provider): only its validations run,
in well under a second."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def variables_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    directory = tmp_path_factory.mktemp("variables")
    shutil.copy(ROOT / "variables.tf", directory)
    subprocess.run(
        ["terraform", "init", "-input=false"], cwd=directory, check=True, capture_output=True
    )
    return directory


def plan(directory: Path, **variables: Any) -> subprocess.CompletedProcess[str]:
    arguments = [f"-var={name}={json.dumps(value)}" for name, value in variables.items()]
    return subprocess.run(
        ["terraform", "plan", "-input=false", "-no-color", *arguments],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def error_text(result: subprocess.CompletedProcess[str]) -> str:
    return " ".join(result.stderr.split())


@pytest.mark.parametrize(
    "alerts",
    [
        {"email_addresses": ["oncall@example.com"]},
        {"topic_arn": "arn:aws:sns:eu-west-1:111122223333:ops"},
        {"families": ["etl"]},
        {"alarm": {"enabled": True}},
        {"triggers": {"spot_interruption": True}},
        {
            "last_log_lines": {
                "log_group_arns": ["arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/web"]
            }
        },
    ],
)
def test_alert_settings_without_enabled_fail_and_say_to_enable(variables_only, alerts) -> None:
    result = plan(variables_only, alerts=alerts)
    assert result.returncode == 1
    assert "add enabled = true to alerts" in error_text(result)


def test_enabled_alerts_with_settings_plan(variables_only) -> None:
    alerts = {"enabled": True, "email_addresses": ["oncall@example.com"]}
    assert plan(variables_only, alerts=alerts).returncode == 0


def test_reconciler_settings_without_enabled_fail_and_say_to_enable(variables_only) -> None:
    result = plan(variables_only, reconciler={"schedule_minutes": 5})
    assert result.returncode == 1
    assert "add enabled = true to reconciler" in error_text(result)


def test_enabled_reconciler_with_settings_plans(variables_only) -> None:
    reconciler = {"enabled": True, "schedule_minutes": 5}
    assert plan(variables_only, reconciler=reconciler).returncode == 0


def test_history_retention_with_history_off_fails_and_says_why(variables_only) -> None:
    result = plan(variables_only, history={"enabled": False, "retention_days": 30})
    assert result.returncode == 1
    assert "history.retention_days is set but history.enabled is false" in error_text(result)


def test_defaults_plan(variables_only) -> None:
    assert plan(variables_only).returncode == 0

"""The root module refuses fleet inputs that cannot work, with a message saying what to do."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from devkit.terraform import TerraformError, Workspace, copy_sources, offline_workspace


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path]:
    if shutil.which("terraform") is None:  # pragma: no cover - depends on the machine
        pytest.skip("terraform is not installed")
    sources = copy_sources(tmp_path_factory.mktemp("fleet-inputs"))
    workspace = offline_workspace(sources)
    return workspace, sources


def refusal(root: tuple[Workspace, Path], variables: dict[str, Any]) -> str:
    workspace, sources = root
    (sources / "test.auto.tfvars.json").write_text(json.dumps(variables))
    with pytest.raises(TerraformError) as refused:
        workspace.plan()
    return " ".join(str(refused.value).split())  # Terraform wraps long messages


@pytest.mark.parametrize(
    "event_bus",
    [
        {"name": "fleet", "create": True},
        {
            "name": "fleet",
            "create": True,
            "organization_id": "o-a1b2c3d4e5",
            "account_ids": ["444455556666"],
        },
        {"name": "default", "account_ids": ["444455556666"]},
    ],
    ids=["nobody admitted", "two kinds admitted", "policy on a bus not created"],
)
def test_a_created_bus_admits_exactly_one_kind_and_only_a_created_bus_has_a_policy(
    root, event_bus
) -> None:
    message = refusal(root, {"event_bus": event_bus})
    assert "set exactly one of organization_id, organizational_unit_paths or account_ids" in message


def test_the_default_bus_is_never_created(root) -> None:
    message = refusal(
        root, {"event_bus": {"name": "default", "create": True, "account_ids": ["444455556666"]}}
    )
    assert "choose a name other than default" in message


def test_member_accounts_need_the_read_role_name(root) -> None:
    members = {"account_ids": ["444455556666"]}
    message = refusal(root, {"reconciler": {"enabled": True, "members": members}})
    assert "role_name and reconciler.members.account_ids go together" in message

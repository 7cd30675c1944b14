"""Tests that read plans of the examples; the planning fixtures are in tests/conftest.py."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from typing import Any

import pytest

from devkit.plan import Plan
from devkit.terraform import copy_sources, offline_workspace


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/terraform" in str(item.fspath):
            item.add_marker(pytest.mark.terraform)


@pytest.fixture(scope="session")
def plan_root(tmp_path_factory: pytest.TempPathFactory) -> Callable[[dict[str, Any]], Plan]:
    """Plans of the root module itself with the given inputs (a tfvars file, since the
    inputs are objects), each made once. A copy of its own: the offline provider override
    must not reach the examples, which call the root as a module."""
    if shutil.which("terraform") is None:  # pragma: no cover - depends on the machine
        pytest.skip("terraform is not installed")
    sources = copy_sources(tmp_path_factory.mktemp("root"))
    workspace = offline_workspace(sources)
    plans: dict[str, Plan] = {}

    def plan(variables: dict[str, Any]) -> Plan:
        key = json.dumps(variables, sort_keys=True)
        if key not in plans:
            (sources / "test.auto.tfvars.json").write_text(key)
            plans[key] = Plan(workspace.plan())
        return plans[key]

    return plan

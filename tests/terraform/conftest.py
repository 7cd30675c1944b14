"""Plan the examples offline, once per session, and hand tests the plan JSON."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.terraform import Workspace, copy_sources

from .plan import Plan

if shutil.which("terraform") is None:  # pragma: no cover - depends on the machine
    pytest.skip("terraform is not installed", allow_module_level=True)


@pytest.fixture(scope="session")
def terraform_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sources(tmp_path_factory.mktemp("terraform"))


@pytest.fixture(scope="session")
def plan_example(terraform_sources: Path) -> Iterator[Callable[[str], Plan]]:
    """plan_example("basic") -> Plan of examples/basic, planned offline at most once."""
    plans: dict[str, Plan] = {}

    def plan(example: str) -> Plan:
        if example not in plans:
            workspace = Workspace(terraform_sources / "examples" / example)
            workspace.make_offline()
            workspace.init()
            plans[example] = Plan(workspace.plan())
        return plans[example]

    yield plan


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/terraform" in str(item.fspath):
            item.add_marker(pytest.mark.terraform)

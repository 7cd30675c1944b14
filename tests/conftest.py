"""Fixtures shared by every test tier."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devkit.plan import Plan
from devkit.terraform import copy_sources, offline_workspace


@pytest.fixture(scope="session")
def terraform_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sources(tmp_path_factory.mktemp("terraform"))


@pytest.fixture(scope="session")
def plan_example(terraform_sources: Path) -> Iterator[Callable[[str], Plan]]:
    """plan_example("basic") -> Plan of examples/basic, planned offline at most once."""
    if shutil.which("terraform") is None:  # pragma: no cover - depends on the machine
        pytest.skip("terraform is not installed")
    plans: dict[str, Plan] = {}

    def plan(example: str) -> Plan:
        if example not in plans:
            workspace = offline_workspace(terraform_sources / "examples" / example)
            plans[example] = Plan(workspace.plan())
        return plans[example]

    yield plan

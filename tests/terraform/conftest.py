"""Tests that read plans of the examples; the planning fixtures are in tests/conftest.py."""

from __future__ import annotations

from typing import Any

import pytest


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/terraform" in str(item.fspath):
            item.add_marker(pytest.mark.terraform)

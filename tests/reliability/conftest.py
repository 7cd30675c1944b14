"""Fake credentials for moto; the suite never reaches AWS."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.functional.conftest import fake_credentials

__all__ = ["fake_credentials"]  # the same fake credentials for moto, autouse here too


@pytest.fixture(autouse=True)
def quiet_event_log() -> Iterator[None]:
    """Thousands of event lines would only slow the suite; outcomes are asserted instead."""
    logger = logging.getLogger("ecs_events")
    disabled, logger.disabled = logger.disabled, True
    yield
    logger.disabled = disabled


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The 100,000-event replay runs only when asked for by name (-m replay): a plain
    `pytest` or `-m "not e2e"` stays bounded in time."""
    if "replay" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="long replay: run with -m replay")
    for item in items:
        if "replay" in item.keywords:
            item.add_marker(skip)

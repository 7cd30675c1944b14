"""Hostile records mixed into batches of good ones: nothing raises out of the batch,
every record gets one outcome (a failed one with its reason), every good record lands."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devkit.events import task_event
from devkit.tables import stored_task

from .faults import FaultInjector
from .harness import World
from .hostile import hostile_body

GOOD_ARN = "arn:aws:ecs:us-west-2:111122223333:task/good/{:032x}"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with World(FaultInjector()) as world:
        yield world


def mixed_batch(rng: random.Random, serial: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Ten records, some hostile, the rest good; and the good ones' task ARNs."""
    records, good = [], []
    for slot in range(10):
        message_id = f"{serial}-{slot}"
        if rng.random() < 0.5:
            body, _ = hostile_body(rng, serial * 10 + slot)
        else:
            arn = GOOD_ARN.format(serial * 10 + slot)
            body = json.dumps(task_event(3, "RUNNING", task_arn=arn))
            good.append(arn)
        records.append({"messageId": message_id, "body": body})
    return records, good


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_hostile_records_fail_alone_with_a_reason(world: World, seed: int) -> None:
    rng = random.Random(seed)
    records, good = mixed_batch(rng, seed % 10**6)
    lines = Lines()
    logger = logging.getLogger("ecs_events")
    logger.disabled = False
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(lines)
    try:
        result = world.processor.process_batch(records)
    finally:
        logger.removeHandler(lines)
        logger.setLevel(level)
        logger.disabled = True
    failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
    by_message = {getattr(r, "messageId", None): r for r in lines.records if hasattr(r, "outcome")}
    assert set(by_message) == {r["messageId"] for r in records}  # one outcome each
    for message_id in failed:
        assert by_message[message_id].outcome == "failed"
        assert by_message[message_id].reason
    for arn in good:
        assert stored_task(world.dynamodb, arn)["version"] == 3  # type: ignore[index]

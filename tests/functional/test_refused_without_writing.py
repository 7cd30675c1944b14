"""state.refused_without_writing answers what write_if_newer's condition would, for every
pairing of a stored version (none stored, stored without one, lower, equal, higher) and a
new one (none, or a number), checked against moto's DynamoDB evaluating the condition."""

from __future__ import annotations

from typing import Any

import pytest

from devkit.tables import TASK_TABLE
from ecs_events.state import TASK_KEY, refused_without_writing, write_if_newer

ARN = "arn:aws:ecs:us-west-2:111122223333:task/default/0123456789abcdef0123456789abcdef"
UNVERSIONED = object()


@pytest.mark.parametrize("stored", [None, UNVERSIONED, 3, 5, 7])
@pytest.mark.parametrize("new", [None, 5])
def test_the_answer_without_a_write_is_the_conditional_writes_answer(
    dynamodb: Any, stored: Any, new: int | None
) -> None:
    if stored is not None:
        item: dict[str, Any] = {TASK_KEY: ARN, "lastStatus": "RUNNING"}
        if stored is not UNVERSIONED:
            item["version"] = stored
        assert write_if_newer(dynamodb, TASK_TABLE, TASK_KEY, item).outcome == "applied"
    record: dict[str, Any] = {TASK_KEY: ARN, "lastStatus": "STOPPED"}
    if new is not None:
        record["version"] = new
    held = None if stored is None else {"version": None if stored is UNVERSIONED else stored}
    predicted = refused_without_writing(held, record) if held is not None else None
    written = write_if_newer(dynamodb, TASK_TABLE, TASK_KEY, record)
    if predicted is None:
        assert written.outcome == "applied"
    else:
        assert predicted.outcome == written.outcome != "applied"

"""Frozen resources: a resource whose stored state stays behind the newest one delivered.

Two roots made a task freeze (issue 24): an event whose version DynamoDB cannot store (over
38 digits), stored without its version, after which every later state looked stale; and a
versionless item (a backfill on an API that gives no version, older code, a hand edit) that
no versioned state could replace. The stream here has both: a share of the tasks start
with a versionless item, as a backfill writes it, and a share receive one extra state with
an unstorable version among their real ones. After delivery under faults (the unstorable
events fail on every delivery and stay in the dead-letter queue), every task must hold its
newest real state.
"""

from __future__ import annotations

import random
from typing import Any

from ecs_events.state import TASK_KEY, write_if_newer
from tests.events import task_event
from tests.tables import TASK_TABLE, stored_task

from .harness import Stream, World

UNSTORABLE_VERSION = 10**38  # 39 digits: one more than a DynamoDB number holds


def seed_versionless(world: World, stream: Stream, share: float, rng: random.Random) -> int:
    """Write a versionless item, as a backfill on the emulator does, for `share` of the
    tasks; how many."""
    arns = rng.sample(sorted(stream.final_versions), int(len(stream.final_versions) * share))
    enabled, world.injector.enabled = world.injector.enabled, False  # the seed is unharmed
    try:
        for arn in arns:
            record = {TASK_KEY: arn, "lastStatus": "RUNNING", "eventId": "backfill"}
            written = write_if_newer(world.dynamodb, TASK_TABLE, TASK_KEY, record)
            assert written.outcome == "applied"
    finally:
        world.injector.enabled = enabled
    return len(arns)


def add_unstorable_versions(stream: Stream, share: float, rng: random.Random) -> int:
    """One extra state with an unstorable version for `share` of the tasks; how many."""
    arns = rng.sample(sorted(stream.final_versions), int(len(stream.final_versions) * share))
    for arn in arns:
        stream.events.insert(
            rng.randrange(len(stream.events) + 1),
            task_event(UNSTORABLE_VERSION, "RUNNING", task_arn=arn),
        )
    return len(arns)


def frozen(world: World, stream: Stream) -> list[str]:
    """Tasks whose stored state is not the newest real one delivered."""
    enabled, world.injector.enabled = world.injector.enabled, False
    try:
        stuck = []
        for arn, version in stream.final_versions.items():
            item: dict[str, Any] | None = stored_task(world.dynamodb, arn)
            if item is None or item.get("version") != version:
                stuck.append(arn)
        return stuck
    finally:
        world.injector.enabled = enabled

"""No resource freezes: versionless items and unstorable versions, mixed into a stream
delivered under faults, leave every task at its newest real state."""

from __future__ import annotations

import random

import pytest

from .faults import FaultInjector
from .frozen import add_unstorable_versions, frozen, seed_versionless
from .harness import World, deliver, task_stream


@pytest.mark.parametrize("rate", [0.0, 0.2])
def test_versionless_items_and_unstorable_versions_freeze_no_task(rate: float) -> None:
    rng = random.Random(int(rate * 100) + 24)
    stream = task_stream(30, 0.3, rng)
    injector = FaultInjector(rate=rate, crash_rate=0.005 if rate else 0.0, rng=random.Random(5))
    with World(injector) as world:
        seeded = seed_versionless(world, stream, 0.3, rng)
        unstorable = add_unstorable_versions(stream, 0.3, rng)
        report = deliver(world, stream, max_redrives=1)
        assert frozen(world, stream) == []
    assert seeded > 0 and unstorable > 0
    # Each unstorable state fails on every delivery: the dead-letter queue keeps it.
    assert report.dead_left == unstorable

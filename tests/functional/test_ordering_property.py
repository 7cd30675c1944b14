"""Property: whatever the order and however many duplicates, each resource ends at its
highest delivered version."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devkit.events import LIFECYCLE, TASK_ARN, sqs_batch, task_event
from devkit.tables import stored_task
from ecs_events.handler import Processor

# (which of 3 tasks, which version 1..6), duplicates allowed, in any order.
deliveries = st.lists(
    st.tuples(st.integers(0, 2), st.integers(1, len(LIFECYCLE))), min_size=1, max_size=30
)


# Examples share one moto table (function-scoped fixture); unique ARNs keep them apart.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(stream=deliveries, seed=st.randoms())
def test_any_shuffle_with_duplicates_leaves_each_task_at_its_highest_version(
    processor: Processor, dynamodb: Any, stream: list[tuple[int, int]], seed: Any
) -> None:
    run = uuid.uuid4().hex  # the table outlives one example; keep examples apart
    arns = [f"{TASK_ARN}-{run}-{n}" for n in range(3)]
    events = [
        task_event(version=v, last_status=LIFECYCLE[v - 1], task_arn=arns[t]) for t, v in stream
    ]
    seed.shuffle(events)
    assert processor.process_batch(sqs_batch(events)["Records"]) == {"batchItemFailures": []}
    for task, arn in enumerate(arns):
        delivered = [v for t, v in stream if t == task]
        stored = stored_task(dynamodb, arn)
        if not delivered:
            assert stored is None
        else:
            assert stored is not None
            assert stored["version"] == max(delivered)
            assert stored["lastStatus"] == LIFECYCLE[max(delivered) - 1]

"""A shuffled replay with duplicates, delivered by concurrent handlers (as concurrent
Lambda invocations would) to DynamoDB served over HTTP by the local emulator."""

from __future__ import annotations

import json
import random
from typing import Any

from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE, create_state_tables
from devkit.threads import run_concurrently
from ecs_events.config import Settings
from ecs_events.handler import Processor
from tests.functional.test_concurrency import client, endpoint

from .harness import BATCH, stored_versions, task_stream, tasks_for

__all__ = ["endpoint"]  # the emulator fixture of the concurrency tests, started here too

EVENTS = 1_200
WORKERS = 4


def test_concurrent_handlers_end_at_the_ground_truth(endpoint: str) -> None:
    create_state_tables(client(endpoint), query_indexes=False)
    stream = task_stream(tasks_for(EVENTS, 0.3), 0.3, random.Random(5))
    shares = [stream.events[n::WORKERS] for n in range(WORKERS)]
    failures: list[Any] = []
    settings = Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE, 30)

    def worker(events: list[dict[str, Any]]) -> None:
        processor = Processor(settings, client(endpoint), metrics_out=lambda _: None)
        for start in range(0, len(events), BATCH):
            records = [
                {"messageId": f"{start}-{i}", "body": json.dumps(e)}
                for i, e in enumerate(events[start : start + BATCH])
            ]
            failures.extend(processor.process_batch(records)["batchItemFailures"])

    run_concurrently(worker, [(share,) for share in shares], timeout=300)
    assert not failures
    stored = stored_versions(client(endpoint))
    assert stored == stream.final_versions

"""Replay a realistic ECS event stream through the handler and measure what it costs.

The stream: TASKS single-container tasks, each through its whole life (6 states), plus
container-instance updates; a fifth of the events delivered twice; all shuffled. The
handler runs against moto's DynamoDB in this process and every API call is counted.
Write units follow DynamoDB's rule for conditional writes: the larger of the stored and
the new item, per started KB, whether the condition holds or not.

The same stream is priced for AWS's sample (GetItem, then PutItem of the whole
`detail`) for comparison; its units are computed, not run.

    .venv/bin/python -m benchmarks.replay [--tasks 200] [--seed 7] [--events ../shared/events]

With --events, every task and container-instance event in that folder (one JSON event
per file) is also sized: the raw detail the sample stores against the record kept here.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from benchmarks.units import index_write_units
from devkit.events import LIFECYCLE, TASK_ARN, container_instance_event, sqs_batch, task_event
from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE, create_state_tables
from ecs_events.config import Settings
from ecs_events.events import parse_event
from ecs_events.handler import Processor
from ecs_events.state import TASK_KEY, container_instance_record, item_size, task_record


def build_stream(tasks: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    events = []
    for n in range(tasks):
        arn = f"{TASK_ARN[:-8]}{n:08d}"
        failed = rng.random() < 0.1
        for version, status in enumerate(LIFECYCLE, start=1):
            stopped = status == "STOPPED"
            exit_code = (137 if failed else 0) if stopped else None
            events.append(task_event(version, status, task_arn=arn, exit_code=exit_code))
    events += [container_instance_event(version=14801 + v) for v in range(tasks // 10)]
    events += rng.sample(events, len(events) // 5)  # at-least-once: duplicates
    rng.shuffle(events)
    return events


def units(size: int, per: int) -> int:
    return max(1, math.ceil(size / per))


def measure(stream: list[dict[str, Any]]) -> dict[str, Any]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-west-2")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "benchmark")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "benchmark")
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        create_state_tables(dynamodb)
        calls: Counter[str] = Counter()
        dynamodb.meta.events.register(
            "before-call.dynamodb", lambda model, **_: calls.update([model.name])
        )
        processor = Processor(Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE, 90), dynamodb)
        outcomes: Counter[str] = Counter()
        started = time.perf_counter()
        for start in range(0, len(stream), 10):  # SQS batches of 10, as the module configures
            batch = sqs_batch(stream[start : start + 10])["Records"]
            for record in batch:
                outcomes[processor.process_event(json.loads(record["body"])).name] += 1
        elapsed = time.perf_counter() - started

    # Write units: the larger of the stored and the new item, per started KB.
    stored: dict[str, int] = {}
    stored_version: dict[str, int] = {}
    stored_record: dict[str, dict[str, Any]] = {}
    ours = sample_write = sample_read = index_units = 0
    sizes = []
    for event in stream:
        if event["detail-type"] != "ECS Task State Change":
            continue
        record = task_record(parse_event(event), 90)
        key, version, size = record[TASK_KEY], record["version"], item_size(record)
        sizes.append(size)
        ours += units(max(size, stored.get(key, 0)), 1024)
        if version > stored_version.get(key, 0):
            stored[key], stored_version[key] = size, version
            index_units += index_write_units(stored_record.get(key), record)
            stored_record[key] = record
        # The sample: an eventually consistent read, then a PutItem of the whole detail.
        whole = len(json.dumps(event["detail"], separators=(",", ":")))
        sample_read += 1
        sample_write += units(whole, 1024)
    task_events = len(sizes)
    return {
        "events": len(stream),
        "task_events": task_events,
        "outcomes": dict(outcomes),
        "calls": dict(calls),
        "seconds": elapsed,
        "item_bytes": (min(sizes), sum(sizes) // len(sizes), max(sizes)),
        "write_units_per_task_event": ours / task_events,
        "index_write_units_per_task_event": index_units / task_events,
        "index_write_units_per_task": index_units / len(stored_record),
        "sample_requests_per_task_event": 2,
        "sample_write_units_per_task_event": sample_write / task_events,
        "sample_read_units_per_task_event": sample_read * 0.5 / task_events,
    }


def size_real_events(folder: Path) -> None:
    builders = {
        "ECS Task State Change": task_record,
        "ECS Container Instance State Change": container_instance_record,
    }
    print("\n| event file | detail bytes (sample stores) | record bytes (stored here) |")
    print("|---|---|---|")
    for path in sorted(folder.glob("*.json")):
        event = json.loads(path.read_text(encoding="utf-8-sig"))
        build = builders.get(event.get("detail-type", ""))
        if build is None:
            continue
        detail = len(json.dumps(event["detail"], separators=(",", ":")))
        print(f"| {path.stem} | {detail} | {item_size(build(parse_event(event), 90))} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--events", type=Path, help="folder of real ECS events to size")
    args = parser.parse_args()
    result = measure(build_stream(args.tasks, args.seed))
    requests = sum(result["calls"].values())
    print(f"| events replayed | {result['events']} ({result['task_events']} task events) |")
    print(f"| outcomes | {result['outcomes']} |")
    print(
        f"| DynamoDB requests | {result['calls']} = {requests / result['events']:.2f} per event |"
    )
    low, mean, high = result["item_bytes"]
    print(f"| task item bytes (min / mean / max) | {low} / {mean} / {high} |")
    print(
        f"| write units per task event | {result['write_units_per_task_event']:.2f} "
        f"(sample: {result['sample_write_units_per_task_event']:.2f} write + "
        f"{result['sample_read_units_per_task_event']:.2f} read) |"
    )
    print(
        f"| query-index write units per task event | "
        f"{result['index_write_units_per_task_event']:.2f} "
        f"({result['index_write_units_per_task']:.1f} per task life) |"
    )
    print(f"| handler time under moto | {result['seconds']:.2f} s |")
    if args.events:
        size_real_events(args.events)


if __name__ == "__main__":
    main()

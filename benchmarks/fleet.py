"""The handler at a fleet's event rate: many accounts and regions forwarding to one bus.

Builds a fleet's stream (ACCOUNTS x REGIONS places, TASKS task lives in each, container
instance updates, a fifth delivered twice, shuffled; the same task IDs and cluster name
in every place, so only the ARNs' account and region tell them apart), replays it through
the handler in SQS batches of BATCH and measures:

- that one table holds every task of every place (no collisions);
- the handler's time per batch twice: against moto's DynamoDB in this process (every
  request served, moto's speed), and against a DynamoDB stand-in that answers at once
  (the handler's own work: parsing, records, serialisation; DynamoDB's latency excluded);
- from a fleet's task-start rate: events per second, Lambda invocations per second
  (full batches) and the concurrency Little's law asks for (invocations/s x seconds per
  invocation), against the module's handler.maximum_concurrency (default 5).

DynamoDB's own latency on AWS is not measured here (no AWS account); a run on AWS adds
batch x its PutItem latency to every invocation.

    .venv/bin/python -m benchmarks.fleet [--accounts 20] [--regions 3] [--tasks 20]
        [--starts-per-hour 600] [--batch 10]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from typing import Any

import boto3
from moto import mock_aws

from devkit.events import (
    ACCOUNT,
    LIFECYCLE,
    TASK_ARN,
    container_instance_event,
    moved,
    sqs_batch,
    task_event,
)
from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE, create_state_tables
from ecs_events.config import Settings
from ecs_events.handler import Processor

REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2", "us-west-2", "eu-central-1"]


def places(accounts: int, regions: int) -> list[tuple[str, str]]:
    return [
        (f"{int(ACCOUNT) + a:012d}", region)
        for a in range(accounts)
        for region in REGIONS[:regions]
    ]


def build_stream(accounts: int, regions: int, tasks: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    lives = []
    for n in range(tasks):
        arn = f"{TASK_ARN[:-8]}{n:08d}"
        for version, status in enumerate(LIFECYCLE, start=1):
            exit_code = 0 if status == "STOPPED" else None
            lives.append(task_event(version, status, task_arn=arn, exit_code=exit_code))
    lives += [container_instance_event(version=14801 + v) for v in range(max(1, tasks // 10))]
    events = [moved(event, a, r) for a, r in places(accounts, regions) for event in lives]
    events += rng.sample(events, len(events) // 5)  # at-least-once: duplicates
    rng.shuffle(events)
    return events


class InstantDynamoDB:
    """Accepts every PutItem at once: what is left is the handler's own work."""

    def put_item(self, **_: Any) -> dict[str, Any]:
        return {}


def replay(processor: Processor, stream: list[dict[str, Any]], batch: int) -> list[float]:
    """Seconds per batch, as Lambda would invoke the handler with SQS batches."""
    times = []
    for start in range(0, len(stream), batch):
        records = sqs_batch(stream[start : start + batch])["Records"]
        began = time.perf_counter()
        result = processor.process_batch(records)
        times.append(time.perf_counter() - began)
        assert result == {"batchItemFailures": []}, result
    return times


def measure(stream: list[dict[str, Any]], batch: int) -> dict[str, Any]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-west-2")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "benchmark")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "benchmark")
    settings = Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE, 90)
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        create_state_tables(dynamodb)
        moto_times = replay(Processor(settings, dynamodb), stream, batch)
        arns = [
            item["taskArn"]["S"]
            for page in dynamodb.get_paginator("scan").paginate(
                TableName=TASK_TABLE, ProjectionExpression="taskArn"
            )
            for item in page["Items"]
        ]
    instant_times = replay(Processor(settings, InstantDynamoDB()), stream, batch)
    return {"moto": moto_times, "instant": instant_times, "stored_tasks": len(set(arns))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--regions", type=int, default=3, choices=range(1, len(REGIONS) + 1))
    parser.add_argument("--tasks", type=int, default=20, help="task lives per account and region")
    parser.add_argument(
        "--starts-per-hour", type=int, default=600, help="task starts per hour per account+region"
    )
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    stream = build_stream(args.accounts, args.regions, args.tasks, args.seed)
    result = measure(stream, args.batch)
    where = args.accounts * args.regions
    events_per_task = len(stream) / (where * args.tasks)  # lifecycle, instances, duplicates
    rate = where * args.starts_per_hour * events_per_task / 3600
    invocations = rate / args.batch
    print(
        f"| fleet | {args.accounts} accounts x {args.regions} regions = {where} places, "
        f"{args.starts_per_hour} task starts/hour each |"
    )
    print(f"| events replayed | {len(stream)} ({events_per_task:.2f} per task life) |")
    print(
        f"| tasks stored | {result['stored_tasks']} of {where * args.tasks} "
        "(same task IDs in every place) |"
    )
    print(f"| fleet event rate | {rate:.0f} events/s |")
    print(f"| Lambda invocations (batches of {args.batch}) | {invocations:.1f}/s |")
    for name, label in (("instant", "handler's own work"), ("moto", "with moto's DynamoDB")):
        times = sorted(result[name])
        mean = sum(times) / len(times)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        throughput = args.batch / mean
        print(
            f"| {label}: seconds per batch (mean / p99) | {mean * 1000:.1f} ms / "
            f"{p99 * 1000:.1f} ms = {throughput:.0f} events/s per instance |"
        )
        print(
            f"| {label}: concurrency needed (invocations/s x mean seconds) | "
            f"{invocations * mean:.2f} |"
        )


if __name__ == "__main__":
    main()

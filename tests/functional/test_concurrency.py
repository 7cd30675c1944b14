"""Concurrent deliveries of one task's states against DynamoDB served over HTTP.

The project's local emulator (moto's server on 127.0.0.1, with DynamoDB's atomic
conditional writes; devkit/emulator.py) stands in for DynamoDB; this test starts it
and stops it by PID. Several threads write a task's shuffled versions at once; the stored version
must always end at the highest. The read-then-write of AWS's sample is run the same
way to show the race it has.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from devkit.emulator import LocalEmulator
from devkit.tables import TASK_TABLE, create_state_tables
from devkit.threads import run_concurrently
from ecs_events.state import TASK_KEY, write_if_newer

THREADS = 8
VERSIONS = 40


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with LocalEmulator(tmp_path_factory.mktemp("emulator") / "emulator.log") as emulator:
        yield emulator.url


def client(url: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name="us-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "max_attempts": 3}),
    )


@pytest.fixture(scope="module")
def tables(endpoint: str) -> str:
    create_state_tables(client(endpoint))
    return endpoint


def run_in_threads(work: Any, versions: list[int]) -> None:
    shares = [versions[n::THREADS] for n in range(THREADS)]
    start = threading.Barrier(THREADS)

    def worker(share: list[int]) -> None:
        start.wait()
        for version in share:
            work(version)

    run_concurrently(worker, [(share,) for share in shares], timeout=60)


def stored_version(url: str, task_arn: str) -> int:
    item = client(url).get_item(TableName=TASK_TABLE, Key={TASK_KEY: {"S": task_arn}})["Item"]
    return int(item["version"]["N"])


@pytest.mark.parametrize("seed", range(3))
def test_concurrent_conditional_writes_never_leave_a_lower_version(tables: str, seed: int) -> None:
    task_arn = f"arn:aws:ecs:us-west-2:111122223333:task/default/concurrent{seed}"
    versions = [v for v in range(1, VERSIONS + 1) for _ in range(2)]  # each delivered twice
    random.Random(seed).shuffle(versions)
    clients = threading.local()

    def deliver(version: int) -> None:
        if not hasattr(clients, "dynamodb"):
            clients.dynamodb = client(tables)
        record = {TASK_KEY: task_arn, "version": version, "lastStatus": f"S{version}"}
        write_if_newer(clients.dynamodb, TASK_TABLE, TASK_KEY, record)

    run_in_threads(deliver, versions)
    assert stored_version(tables, task_arn) == VERSIONS


def test_read_then_write_of_the_aws_sample_loses_the_newest_state(tables: str) -> None:
    """Two deliveries that both read before either writes: the older one lands last."""
    task_arn = "arn:aws:ecs:us-west-2:111122223333:task/default/sample-race"
    both_read = threading.Barrier(2)
    newest_written = threading.Event()

    def sample_algorithm(version: int) -> None:
        dynamodb = client(tables)
        saved = dynamodb.get_item(TableName=TASK_TABLE, Key={TASK_KEY: {"S": task_arn}})
        both_read.wait(timeout=10)
        if version == 1:  # the stale delivery happens to write second
            newest_written.wait(timeout=10)
        if "Item" not in saved or int(saved["Item"]["version"]["N"]) < version:
            dynamodb.put_item(
                TableName=TASK_TABLE,
                Item={TASK_KEY: {"S": task_arn}, "version": {"N": str(version)}},
            )
        if version == 2:
            newest_written.set()

    run_concurrently(sample_algorithm, [(1,), (2,)], timeout=30)
    assert stored_version(tables, task_arn) == 1  # version 2 was delivered, version 1 is kept

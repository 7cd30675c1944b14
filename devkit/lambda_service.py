"""The Lambda service, played by this process: the emulator cannot run Lambda code without
Docker, so the demo loads the deployed function's handler from its zip, with the environment
Terraform gave it, and feeds it from its queue as Lambda's SQS event source mapping does."""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from devkit.emulator import EMULATOR_REGION

# Receive loops stop after this many empty receives in a row, or at their deadline.
EMPTY_RECEIVES_TO_STOP = 3
EMPTY_RECEIVE_PAUSE_SECONDS = 0.3
DELIVERY_DEADLINE_SECONDS = 60


class Progress(Protocol):
    """Where delivery reports each batch (the demo's and the smoke check's screen)."""

    def detail(self, text: str) -> None: ...


class LambdaContext:
    """The attributes of the Lambda context object a handler may read."""

    def __init__(self, function: dict[str, Any]) -> None:
        self.function_name = function["FunctionName"]
        self.function_version = function.get("Version", "$LATEST")
        self.invoked_function_arn = function["FunctionArn"]
        self.memory_limit_in_mb = function.get("MemorySize", 128)
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "demo"
        self._deadline = time.monotonic() + function.get("Timeout", 60)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class OutcomeCounter(logging.Handler):
    """Counts the handler's one-log-line-per-event outcomes (applied, duplicate, ...)."""

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        outcome = getattr(record, "outcome", None)
        if isinstance(outcome, str):
            self.outcomes[outcome] += 1


@dataclass
class LambdaStandIn:
    """The deployed function's handler, loaded from its zip, fed from its queue."""

    handler: Callable[[dict[str, Any], Any], dict[str, Any]]
    function: dict[str, Any]
    queue_url: str
    queue_arn: str
    batch_size: int
    log_path: Path
    counter: OutcomeCounter


def load_handler(
    function: dict[str, Any], package: Path, endpoint: str, log_path: Path
) -> tuple[Callable[[dict[str, Any], Any], dict[str, Any]], OutcomeCounter]:
    """Import the function's handler from its deployment package, configured as deployed."""
    environment = function.get("Environment", {}).get("Variables", {})
    os.environ.update(environment)
    # What the Lambda runtime would provide, pointed at the emulator.
    os.environ.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="local-emulator",
        AWS_SECRET_ACCESS_KEY="local-emulator",
        AWS_REGION=EMULATOR_REGION,
        AWS_DEFAULT_REGION=EMULATOR_REGION,
        AWS_LAMBDA_FUNCTION_NAME=function["FunctionName"],
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    # The zip Terraform uploaded, first on the path: the code Lambda would run.
    sys.path.insert(0, str(package))
    module_name, function_name = function["Handler"].rsplit(".", 1)
    package_logger = logging.getLogger(module_name.split(".")[0])
    counter = OutcomeCounter()
    to_file = logging.FileHandler(log_path)
    to_file.setFormatter(importlib.import_module("ecs_events.logs").JsonFormatter())
    # With handlers in place the package adds none of its own: its log lines go to the
    # file (as they would go to CloudWatch Logs) and are counted, not printed.
    package_logger.addHandler(to_file)
    package_logger.addHandler(counter)
    package_logger.propagate = False
    handler = getattr(importlib.import_module(module_name), function_name)
    return handler, counter


def lambda_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """An SQS message in the shape Lambda hands it to a function."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": EMULATOR_REGION,
    }


def receive(sqs: Any, queue_url: str, limit: int) -> list[dict[str, Any]]:
    """One short poll. The module's queue long-polls for 20 s, but the emulator delivers
    during PutEvents and Publish, so anything sent is already there."""
    response = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=min(limit, 10),
        WaitTimeSeconds=0,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    )
    return list(response.get("Messages", []))


@dataclass
class Delivery:
    batches: int = 0
    records: int = 0
    failures: int = 0
    handler_errors: int = 0


def deliver(stand_in: LambdaStandIn, sqs: Any, screen: Progress) -> Delivery:
    """Poll, invoke, delete successes: what Lambda's SQS event source mapping does."""
    result = Delivery()
    empty = 0
    deadline = time.monotonic() + DELIVERY_DEADLINE_SECONDS
    while empty < EMPTY_RECEIVES_TO_STOP and time.monotonic() < deadline:
        messages = receive(sqs, stand_in.queue_url, stand_in.batch_size)
        if not messages:
            empty += 1
            time.sleep(EMPTY_RECEIVE_PAUSE_SECONDS)
            continue
        empty = 0
        result.batches += 1
        result.records += len(messages)
        event = {"Records": [lambda_record(m, stand_in.queue_arn) for m in messages]}
        try:
            # The function's stdout (embedded metric lines) goes to its log, as on Lambda.
            with stand_in.log_path.open("a") as log, contextlib.redirect_stdout(log):
                response = stand_in.handler(event, LambdaContext(stand_in.function))
        except Exception as error:  # the whole batch failed: Lambda would retry all of it
            result.handler_errors += 1
            screen.detail(f"batch {result.batches}: the handler raised {error!r}")
            continue
        failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            sqs.delete_message_batch(
                QueueUrl=stand_in.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(done[start : start + 10])
                ],
            )
        result.failures += len(failed)
        note = (
            f", {len(failed)} reported in batchItemFailures (left in the queue)" if failed else ""
        )
        screen.detail(f"batch {result.batches}: {len(messages)} events{note}")
    return result

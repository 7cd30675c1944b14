"""Step 6: what the module made of the stream, read back from the emulator, and shown with
the real `ecs-events` command."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from devkit.lambda_service import EMPTY_RECEIVE_PAUSE_SECONDS, EMPTY_RECEIVES_TO_STOP, receive
from ecs_events.outcome import Outcome

from . import cli
from .screen import Screen

ALERT_DEADLINE_SECONDS = 15


@dataclass
class Summary:
    """What the demo showed, for tests/e2e."""

    sent: int = 0
    repeated: int = 0
    filtered_out: int = 0
    broken: int = 0
    expected: dict[str, dict[str, Any]] = field(default_factory=dict)
    expected_alert_kinds: list[str] = field(default_factory=list)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    container_instances: dict[str, dict[str, Any]] = field(default_factory=dict)
    alerts: list[dict[str, Any]] | None = None
    outcomes: dict[str, int] = field(default_factory=dict)
    delivered: int = 0
    handler_errors: int = 0
    left_in_queue: int = 0
    event_log: int | None = None
    # Exit status of each command the keep option hands over, run against the stack.
    handover: dict[str, int] = field(default_factory=dict)
    leftovers: dict[str, list[str]] | None = None
    destroyed: bool = False
    kept: bool = False
    logs: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None


# The demo imports ecs_events only from the deployed zip (load_handler), so that the handler
# it runs is the one Terraform uploaded; reading tables and printing them is done here
# rather than with ecs_events_cli, which would import it first.
def scan(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    items = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        for item in page["Items"]:
            items.append({k: deserializer.deserialize(v) for k, v in item.items()})
    return items


def task_rows(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    rows = {}
    for item in items:
        task_id = str(item["taskArn"]).rsplit("/", 1)[-1]
        rows[task_id] = {
            "taskDefinition": item.get("taskDefinition"),
            "lastStatus": item.get("lastStatus"),
            "version": int(item["version"]),
            "stopCode": item.get("stopCode"),
            "exitCodes": [
                int(c["exitCode"]) for c in item.get("containers", []) if "exitCode" in c
            ],
        }
    return dict(sorted(rows.items(), key=lambda kv: (str(kv[1]["taskDefinition"]), kv[0])))


def collect_alerts(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """The alerts SNS delivered to the demo's subscribed queue (SNS envelope, JSON body)."""
    alerts: list[dict[str, Any]] = []
    empty = 0
    deadline = time.monotonic() + ALERT_DEADLINE_SECONDS
    while empty < EMPTY_RECEIVES_TO_STOP and time.monotonic() < deadline:
        messages = receive(sqs, queue_url, 10)
        if not messages:
            empty += 1
            time.sleep(EMPTY_RECEIVE_PAUSE_SECONDS)
            continue
        empty = 0
        for message in messages:
            envelope = json.loads(message["Body"])
            document = json.loads(envelope["Message"])
            alerts.append({"subject": envelope.get("Subject", ""), **document})
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return alerts


def count_log_events(logs: Any, group: str) -> int:
    total = 0
    for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group):
        total += len(page["events"])
    return total


def leftovers(clients: dict[str, Any]) -> dict[str, list[str]]:
    """What the emulator still holds after destroy; empty lists mean a clean destroy."""
    return {
        "tables": clients["dynamodb"].list_tables()["TableNames"],
        "queues": clients["sqs"].list_queues().get("QueueUrls", []),
        "functions": [f["FunctionName"] for f in clients["lambda"].list_functions()["Functions"]],
        "rules": [r["Name"] for r in clients["events"].list_rules()["Rules"]],
        "topics": [t["TopicArn"] for t in clients["sns"].list_topics()["Topics"]],
        "logGroups": [
            g["logGroupName"] for g in clients["logs"].describe_log_groups()["logGroups"]
        ],
    }


OOM_TASK_ID = "0ddba11a7e5f4c2b8a9d0e1f2c3b4a59"  # the task the stream kills for memory
SHOWN = (0, 4)  # which handover commands step 6 prints in full: the task list, instances


def report(
    screen: Screen,
    summary: Summary,
    clients: dict[str, Any],
    outputs: dict[str, Any],
    queue_url: str,
    alert_queue_url: str,
    connection: cli.Connection,
) -> None:
    dynamodb, sqs = clients["dynamodb"], clients["sqs"]
    summary.tasks = task_rows(scan(dynamodb, outputs["task_table_name"]))
    summary.container_instances = {
        str(i["containerInstanceArn"]).rsplit("/", 1)[-1]: {
            "lastStatus": i.get("lastStatus"),
            "version": int(i["version"]),
            "ec2InstanceId": i.get("ec2InstanceId"),
            "runningTasksCount": int(i.get("runningTasksCount", 0)),
        }
        for i in scan(dynamodb, outputs["container_instance_table_name"])
    }
    commands = cli.handover(OOM_TASK_ID)
    for number, argv in enumerate(commands):
        result = cli.run(connection, argv)
        summary.handover[cli.shown(argv)] = result.returncode
        if number in SHOWN or result.returncode != 0:
            screen.say()
            screen.detail(f"$ {cli.shown(argv)}")
            for line in (result.stdout + result.stderr).rstrip().splitlines():
                screen.detail(line)

    screen.say()
    summary.alerts = collect_alerts(sqs, alert_queue_url)
    screen.detail(f"Alerts published to the alert topic: {len(summary.alerts)}")
    for alert in summary.alerts:
        screen.detail(f"  [{alert.get('kind')}] {alert['subject']}")
        reason = alert.get("stoppedReason") or alert.get("reason")
        if reason:
            screen.detail(f"      why: {_shorten(str(reason), 84)}")
        for container in alert.get("containers") or []:
            if container.get("meaning"):
                code = container.get("exitCode")
                exited = "never ran" if code is None else f"exit {code}"
                screen.detail(
                    f"      {container.get('name')} {exited}: "
                    f"{_shorten(str(container['meaning']), 70)}"
                )

    screen.say()
    outcomes = Counter(summary.outcomes)
    screen.detail(
        "Events by outcome: "
        + ", ".join(f"{name.value} {outcomes[name.value]}" for name in Outcome)
    )
    screen.detail(
        f"{summary.delivered} delivered to the handler out of {summary.sent} sent; "
        f"{summary.filtered_out} filtered out by the rule's cluster filter"
    )
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    summary.left_in_queue = sum(int(v) for v in attributes.values())
    if summary.left_in_queue:
        screen.detail(
            f"{summary.left_in_queue} left in the queue (batchItemFailures): SQS retries it "
            "after the"
        )
        screen.detail("visibility timeout, and after 5 receives the dead-letter queue keeps it")
    history_group = outputs.get("history_log_group_name")
    if history_group:
        summary.event_log = count_log_events(clients["logs"], history_group)
        screen.detail(
            f"Event log {history_group}: {summary.event_log} events, straight from "
            "EventBridge (no Lambda)"
        )


def hand_over(screen: Screen, connection: cli.Connection, emulator_pid: int | None) -> None:
    """What the keep option prints: commands that work as pasted, and how to stop."""
    screen.say()
    screen.say(f"The stack is still up on the emulator at {connection.endpoint}. In a shell:")
    screen.say()
    screen.say(f"  {connection.exports()}")
    for argv in cli.handover(OOM_TASK_ID):
        screen.say(f"  {cli.shown(argv)}")
    screen.say()
    screen.say(
        f"Stop it with: kill {emulator_pid}   (the emulator holds the whole stack; "
        "nothing else to destroy)"
    )


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."

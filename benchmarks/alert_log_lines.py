"""What reading the failed container's last log lines adds to a task alert, under moto.

Each round sends one new task failure through AlertSender.send_once (claim, storm check,
log lines, publish, mark) against moto's DynamoDB, SNS, ECS and CloudWatch Logs in this
process, once with log lines on and once with them off (storm window off, so every
failure publishes). The task definition is described once per process (cached per
revision), so the first alert pays one DescribeTaskDefinition more; the table shows it.
Timings are moto's speed on this machine, not Lambda's against AWS.

    .venv/bin/python -m benchmarks.alert_log_lines [--rounds 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import boto3
from moto import mock_aws

from devkit.events import REGION, task_event
from ecs_events.alerts import AlertSender, task_alert
from ecs_events.config import AlertSettings
from ecs_events.events import parse_event
from ecs_events.state import task_record

GROUP = "/ecs/billing-report"


def setup() -> tuple[AlertSettings, Any, Any, str]:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName="alerts",
        KeySchema=[{"AttributeName": "alertKey", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "alertKey", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    topic = boto3.client("sns", region_name=REGION).create_topic(Name="alerts")["TopicArn"]
    arn = boto3.client("ecs", region_name=REGION).register_task_definition(
        family="billing-report",
        containerDefinitions=[
            {
                "name": "report",
                "image": "billing-report",
                "memory": 512,
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": GROUP,
                        "awslogs-region": REGION,
                        "awslogs-stream-prefix": "ecs",
                    },
                },
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName=GROUP)
    settings = AlertSettings(topic_arn=topic, table_name="alerts", storm_window_seconds=0)
    return settings, dynamodb, boto3.client("sns", region_name=REGION), arn


def failure(index: int, definition_arn: str) -> Any:
    task_id = f"{index:032x}"
    raw = task_event(
        version=6,
        last_status="STOPPED",
        exit_code=1,
        task_arn=f"arn:aws:ecs:{REGION}:111122223333:task/default/{task_id}",
    )
    raw["detail"]["taskDefinitionArn"] = definition_arn
    logs = boto3.client("logs", region_name=REGION)
    stream = f"ecs/report/{task_id}"
    logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    logs.put_log_events(
        logGroupName=GROUP,
        logStreamName=stream,
        logEvents=[{"timestamp": 1_795_145_000_000 + i, "message": f"line {i}"} for i in range(50)],
    )
    event = parse_event(raw)
    return event, task_record(event, 30)


def measure(rounds: int) -> dict[str, list[float]]:
    settings, dynamodb, sns, definition = setup()
    results: dict[str, list[float]] = {"on": [], "off": []}
    senders = {
        "on": AlertSender(settings, dynamodb, sns, metrics_out=lambda _: None),
        "off": AlertSender(settings, dynamodb, sns, metrics_out=lambda _: None),
    }
    senders["off"].log_reader.lines = 0
    for index in range(rounds):
        for mode in ("on", "off"):  # interleaved, so drift hits both alike
            event, record = failure(index * 2 + (mode == "off"), definition)
            alert = task_alert(event, record, settings)
            assert alert is not None
            started = time.perf_counter()
            senders[mode].send_once(alert)
            results[mode].append((time.perf_counter() - started) * 1000)
    # The "on" sender really read lines (the last of the 50 written for this task).
    event, record = failure(rounds * 2 + 1, definition)
    alert = task_alert(event, record, settings)
    assert alert is not None and "  line 49" in senders["on"].log_reader.add_to(alert).text
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        os.environ.setdefault(name, value)
    with mock_aws():
        results = measure(args.rounds)
    on, off = results["on"], results["off"]
    print(f"| measure (ms per alert, {args.rounds} alerts each) | log lines off | on | added |")
    print("|---|---|---|---|")
    for label, pick in (
        ("first alert (describes the task definition)", lambda xs: xs[0]),
        ("median", statistics.median),
        ("95th percentile", lambda xs: sorted(xs)[int(len(xs) * 0.95)]),
    ):
        print(f"| {label} | {pick(off):.1f} | {pick(on):.1f} | {pick(on) - pick(off):+.1f} |")


if __name__ == "__main__":
    main()

"""One mirror for a fleet: the same task ID and cluster name in two accounts and two
regions are four tasks, and an alert says which account and region it came from."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from devkit.events import ACCOUNT, REGION, moved, sqs_batch, task_event
from devkit.tables import TASK_TABLE
from ecs_events.alerts import AlertSender
from ecs_events.handler import Processor
from tests.functional.test_alerts import OOM, alert_settings, inbox, make_processor, topic

from .conftest import REGION as MOTO_REGION

__all__ = ["topic"]  # the alert topic fixture of test_alerts, used here too

MEMBER = "444455556666"
OTHER_REGION = "eu-central-1"
PLACES = [(ACCOUNT, REGION), (ACCOUNT, OTHER_REGION), (MEMBER, REGION), (MEMBER, OTHER_REGION)]


def stored_tasks(dynamodb: Any) -> dict[str, dict[str, Any]]:
    items = dynamodb.scan(TableName=TASK_TABLE)["Items"]
    return {item["taskArn"]["S"]: item for item in items}


def test_same_task_id_in_two_accounts_and_two_regions_is_four_tasks(
    processor: Processor, dynamodb: Any
) -> None:
    events = [moved(task_event(version=4), account, region) for account, region in PLACES]
    assert processor.process_batch(sqs_batch(events)["Records"]) == {"batchItemFailures": []}
    places = sorted((arn.split(":")[4], arn.split(":")[3]) for arn in stored_tasks(dynamodb))
    assert places == sorted(PLACES)


def test_a_newer_state_in_one_account_leaves_the_same_task_id_elsewhere_alone(
    processor: Processor, dynamodb: Any
) -> None:
    first = [moved(task_event(version=4), account, region) for account, region in PLACES]
    processor.process_batch(sqs_batch(first)["Records"])
    stopped = task_event(version=6, last_status="STOPPED", exit_code=0)
    processor.process_batch(sqs_batch([moved(stopped, MEMBER, OTHER_REGION)])["Records"])
    statuses = {
        (arn.split(":")[4], arn.split(":")[3]): item["lastStatus"]["S"]
        for arn, item in stored_tasks(dynamodb).items()
    }
    assert statuses == {
        (ACCOUNT, REGION): "RUNNING",
        (ACCOUNT, OTHER_REGION): "RUNNING",
        (MEMBER, REGION): "RUNNING",
        (MEMBER, OTHER_REGION): "STOPPED",
    }


@pytest.fixture
def recorded(dynamodb: Any, topic: tuple[str, str]) -> tuple[Processor, list[dict[str, Any]]]:
    published: list[dict[str, Any]] = []

    class Recorder:
        def publish(self, **request: Any) -> None:
            published.append(request)

    processor, _ = make_processor(dynamodb, topic[0])
    processor.alerts = AlertSender(
        alert_settings(topic[0]), dynamodb, Recorder(), metrics_out=lambda line: None
    )
    return processor, published


def failing_task() -> dict[str, Any]:
    return task_event(version=6, last_status="STOPPED", exit_code=137, container_reason=OOM)


def test_the_same_failure_in_two_accounts_alerts_twice(recorded) -> None:
    processor, published = recorded
    events = [moved(failing_task(), ACCOUNT, REGION), moved(failing_task(), MEMBER, OTHER_REGION)]
    processor.process_batch(sqs_batch(events + events)["Records"])  # each delivered twice
    assert len(published) == 2


def test_an_alert_names_its_account_and_region_in_text_json_and_attributes(recorded) -> None:
    processor, published = recorded
    processor.process_batch(sqs_batch([moved(failing_task(), MEMBER, OTHER_REGION)])["Records"])
    (request,) = published
    text = json.loads(request["Message"])["email"]
    assert f"Account: {MEMBER}   Region: {OTHER_REGION}" in text
    machine = json.loads(json.loads(request["Message"])["sqs"])
    assert (machine["account"], machine["region"]) == (MEMBER, OTHER_REGION)
    attributes = {k: v["StringValue"] for k, v in request["MessageAttributes"].items()}
    assert (attributes["account"], attributes["region"]) == (MEMBER, OTHER_REGION)
    assert f"https://{OTHER_REGION}.console.aws.amazon.com/" in machine["consoleUrl"]


def test_alerts_of_both_accounts_reach_one_topic(dynamodb: Any, topic: tuple[str, str]) -> None:
    topic_arn, queue_url = topic
    processor, _ = make_processor(dynamodb, topic_arn, boto3.client("sns", region_name=MOTO_REGION))
    events = [moved(failing_task(), ACCOUNT, REGION), moved(failing_task(), MEMBER, OTHER_REGION)]
    processor.process_batch(sqs_batch(events)["Records"])
    assert sorted((m["account"], m["region"]) for m in inbox(queue_url)) == [
        (ACCOUNT, REGION),
        (MEMBER, OTHER_REGION),
    ]

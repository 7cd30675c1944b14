"""The handler against moto's DynamoDB: ordering, duplicates, bad records, logging."""

from __future__ import annotations

import itertools
import json
import logging
from decimal import Decimal
from typing import Any

import pytest

from ecs_events import handler
from ecs_events.config import Settings
from ecs_events.handler import EventFailed, Processor
from ecs_events.state import (
    CONTAINER_INSTANCE_KEY,
    MAX_ITEM_BYTES,
    TASK_KEY,
    item_size,
    write_if_newer,
)
from tests.events import (
    CONTAINER_INSTANCE_ARN,
    TASK_ARN,
    container_instance_event,
    deployment_event,
    sqs_batch,
    task_event,
    task_lifecycle,
)
from tests.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE, stored_task

from .conftest import RequestCounter


def outcomes(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.outcome for r in caplog.records if hasattr(r, "outcome")]


def test_new_task_state_is_applied(processor: Processor, dynamodb: Any) -> None:
    result = processor.process_batch(sqs_batch([task_event(version=4)])["Records"])
    assert result == {"batchItemFailures": []}
    stored = stored_task(dynamodb, TASK_ARN)
    assert stored is not None
    assert (stored["version"], stored["lastStatus"]) == (4, "RUNNING")


def test_each_event_costs_exactly_one_write_and_no_read(
    processor: Processor, dynamodb_requests: RequestCounter
) -> None:
    stream = [*task_lifecycle(), *task_lifecycle(), task_event(version=2, last_status="PENDING")]
    processor.process_batch(sqs_batch(stream)["Records"])
    assert dynamodb_requests == {"PutItem": len(stream)}


def test_duplicate_delivery_is_a_counted_success(
    processor: Processor, caplog: pytest.LogCaptureFixture
) -> None:
    event = task_event(version=4)
    with caplog.at_level(logging.INFO, logger="ecs_events"):
        result = processor.process_batch(sqs_batch([event, event])["Records"])
    assert result == {"batchItemFailures": []}
    assert outcomes(caplog) == ["applied", "duplicate"]


def test_older_version_after_newer_is_stale_and_changes_nothing(
    processor: Processor, dynamodb: Any, caplog: pytest.LogCaptureFixture
) -> None:
    newer = task_event(version=6, last_status="STOPPED", exit_code=0)
    older = task_event(version=4, last_status="RUNNING")
    with caplog.at_level(logging.INFO, logger="ecs_events"):
        processor.process_batch(sqs_batch([newer, older])["Records"])
    assert outcomes(caplog) == ["applied", "stale"]
    stored = stored_task(dynamodb, TASK_ARN)
    assert stored is not None
    assert (stored["version"], stored["lastStatus"]) == (6, "STOPPED")


def test_every_delivery_order_of_a_task_life_ends_at_its_last_state(
    processor: Processor, dynamodb: Any
) -> None:
    life = task_lifecycle()
    for number, order in enumerate(itertools.permutations(range(len(life)))):
        task_arn = f"{TASK_ARN}-{number}"
        stream = [task_lifecycle(task_arn)[i] for i in order]
        assert processor.process_batch(sqs_batch(stream)["Records"]) == {"batchItemFailures": []}
        stored = stored_task(dynamodb, task_arn)
        assert stored is not None, order
        assert (stored["version"], stored["lastStatus"]) == (6, "STOPPED"), order


def test_unknown_source_and_detail_type_are_skipped_not_failed(
    processor: Processor, dynamodb: Any, caplog: pytest.LogCaptureFixture
) -> None:
    foreign = {**task_event(), "source": "aws.ec2"}
    unknown = {**task_event(), "detail-type": "ECS Something New"}
    with caplog.at_level(logging.INFO, logger="ecs_events"):
        result = processor.process_batch(sqs_batch([foreign, unknown])["Records"])
    assert result == {"batchItemFailures": []}
    assert outcomes(caplog) == ["skipped", "skipped"]
    assert stored_task(dynamodb, TASK_ARN) is None


def test_event_without_version_is_skipped_when_its_kind_is_not_stored(
    processor: Processor, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ecs_events"):
        result = processor.process_batch(sqs_batch([deployment_event()])["Records"])
    assert result == {"batchItemFailures": []}
    assert outcomes(caplog) == ["skipped"]


def test_bad_records_fail_alone_and_the_rest_of_the_batch_lands(
    processor: Processor, dynamodb: Any, caplog: pytest.LogCaptureFixture
) -> None:
    no_version = task_event(version=5)
    del no_version["detail"]["version"]
    good_other = task_event(version=3, task_arn=f"{TASK_ARN}-other")
    batch = sqs_batch(["{not json", task_event(version=4), no_version, good_other])
    with caplog.at_level(logging.INFO, logger="ecs_events"):
        result = processor.process_batch(batch["Records"])
    assert result == {
        "batchItemFailures": [{"itemIdentifier": "msg-0"}, {"itemIdentifier": "msg-2"}]
    }
    assert stored_task(dynamodb, TASK_ARN)["version"] == 4  # type: ignore[index]
    assert stored_task(dynamodb, f"{TASK_ARN}-other")["version"] == 3  # type: ignore[index]
    failed = [r for r in caplog.records if getattr(r, "outcome", "") == "failed"]
    assert "not JSON" in failed[0].reason
    assert failed[1].eventId == no_version["id"]
    assert "detail.version" in failed[1].reason


def test_a_version_dynamodb_cannot_store_fails_alone_before_any_write(
    processor: Processor,
    dynamodb_requests: RequestCounter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    unstorable = task_event(version=10**38, last_status="STOPPED", exit_code=137)
    other = task_event(version=3, task_arn=f"{TASK_ARN}-other")
    with caplog.at_level(logging.INFO, logger="ecs_events"):
        result = processor.process_batch(sqs_batch([unstorable, other])["Records"])
    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    assert dynamodb_requests == {"PutItem": 1}  # the other event's, none for this one
    (failed,) = [r for r in caplog.records if getattr(r, "outcome", "") == "failed"]
    assert failed.eventId == unstorable["id"]
    assert "more than 38 digits" in failed.reason


def test_after_an_unstorable_version_the_next_state_of_the_task_is_applied(
    processor: Processor, dynamodb: Any
) -> None:
    processor.process_event(task_event(version=10**38))
    stopped = task_event(version=6, last_status="STOPPED", exit_code=137)
    assert processor.process_event(stopped).name == "applied"
    stored = stored_task(dynamodb, TASK_ARN)
    assert stored is not None
    assert (stored["version"], stored["lastStatus"]) == (6, "STOPPED")


def test_a_stored_task_without_a_version_is_replaced_by_the_next_versioned_state(
    processor: Processor, dynamodb: Any
) -> None:
    versionless = {TASK_KEY: TASK_ARN, "lastStatus": "RUNNING", "eventId": "backfill"}
    assert write_if_newer(dynamodb, TASK_TABLE, TASK_KEY, versionless).outcome == "applied"
    stopped = task_event(version=6, last_status="STOPPED", exit_code=137)
    assert processor.process_event(stopped).name == "applied"
    stored = stored_task(dynamodb, TASK_ARN)
    assert stored is not None
    assert (stored["version"], stored["lastStatus"]) == (6, "STOPPED")


def test_a_stored_container_instance_without_a_version_is_replaced_by_the_next_state(
    processor: Processor, dynamodb: Any
) -> None:
    versionless = {CONTAINER_INSTANCE_KEY: CONTAINER_INSTANCE_ARN, "lastStatus": "ACTIVE"}
    written = write_if_newer(
        dynamodb, CONTAINER_INSTANCE_TABLE, CONTAINER_INSTANCE_KEY, versionless
    )
    assert written.outcome == "applied"
    event = container_instance_event(version=14801, status="DRAINING")
    assert processor.process_event(event).name == "applied"
    item = dynamodb.get_item(
        TableName=CONTAINER_INSTANCE_TABLE,
        Key={CONTAINER_INSTANCE_KEY: {"S": CONTAINER_INSTANCE_ARN}},
    )["Item"]
    assert (item["version"], item["lastStatus"]) == ({"N": "14801"}, {"S": "DRAINING"})


def test_a_dynamodb_error_fails_the_event_so_sqs_retries_it(dynamodb: Any) -> None:
    missing_table = Processor(
        Settings(task_table_name="no-such-table", retention_days=30), dynamodb
    )
    result = missing_table.process_batch(sqs_batch([task_event()])["Records"])
    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}


def test_container_instance_state_goes_to_its_own_table_with_decimals(
    processor: Processor, dynamodb: Any
) -> None:
    processor.process_batch(sqs_batch([container_instance_event()])["Records"])
    item = dynamodb.get_item(
        TableName=CONTAINER_INSTANCE_TABLE,
        Key={CONTAINER_INSTANCE_KEY: {"S": CONTAINER_INSTANCE_ARN}},
    )["Item"]
    assert item["version"] == {"N": "14801"}
    assert item["lastStatus"] == {"S": "ACTIVE"}
    assert item["remainingResources"]["M"]["GPU_SHARE"] == {"N": "0.25"}


def test_oversized_event_is_stored_trimmed_and_flagged(processor: Processor, dynamodb: Any) -> None:
    event = task_event(version=6, last_status="STOPPED", exit_code=137)
    template = event["detail"]["containers"][0]
    event["detail"]["containers"] = [
        {**template, "name": f"c{i}", "reason": "r" * 4000} for i in range(300)
    ]
    # Bare invocation: an SQS message could not even carry this event.
    handler_result = processor.process_event(event)
    assert handler_result.name == "applied"
    stored = stored_task(dynamodb, TASK_ARN)
    assert stored is not None
    assert stored["trimmed"] is True
    assert 0 < len(stored["containers"]) < 300
    assert item_size(stored) <= MAX_ITEM_BYTES


def test_override_secrets_reach_neither_table_nor_logs(
    processor: Processor, dynamodb: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="ecs_events"):
        processor.process_batch(sqs_batch([task_event()])["Records"])
    item = dynamodb.scan(TableName="ecs-events-tasks")["Items"]
    assert "hunter2-do-not-store" not in json.dumps(item)
    assert "hunter2-do-not-store" not in caplog.text
    assert all("hunter2" not in json.dumps(vars(r), default=str) for r in caplog.records)


def test_log_line_names_event_resource_version_and_outcome(
    processor: Processor, caplog: pytest.LogCaptureFixture
) -> None:
    event = task_event(version=4)
    with caplog.at_level(logging.INFO, logger="ecs_events"):
        processor.process_batch(sqs_batch([event])["Records"])
    (line,) = [r for r in caplog.records if hasattr(r, "outcome")]
    assert (line.eventId, line.resource, line.version, line.outcome) == (
        event["id"],
        TASK_ARN,
        4,
        "applied",
    )
    assert line.messageId == "msg-0"


def test_lambda_handler_takes_a_bare_eventbridge_event(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TASK_TABLE_NAME", "ecs-events-tasks")
    monkeypatch.setenv("CONTAINER_INSTANCE_TABLE_NAME", CONTAINER_INSTANCE_TABLE)
    handler.default_processor.cache_clear()
    try:
        assert handler.lambda_handler(task_event(version=2), None) == {"outcome": "applied"}
        assert handler.lambda_handler(sqs_batch([task_event(version=2)]), None) == {
            "batchItemFailures": []
        }
        with pytest.raises(EventFailed, match="malformed"):
            handler.lambda_handler({"id": "x", "source": "aws.ecs"}, None)
    finally:
        handler.default_processor.cache_clear()
    stored = stored_task(dynamodb, TASK_ARN)
    assert stored is not None
    assert stored["version"] == 2
    assert stored["cpu"] == Decimal(256)

import json
from decimal import Decimal

import pytest

from ecs_events.events import MalformedEvent, parse_event
from ecs_events.state import (
    MAX_ITEM_BYTES,
    MAX_TEXT_CHARS,
    TASK_KEY,
    container_instance_record,
    item_size,
    refused_without_writing,
    task_record,
)
from tests.events import CONTAINER_INSTANCE_ARN, TASK_ARN, container_instance_event, task_event


def stopped_task(**kwargs: object) -> dict:
    event = task_event(version=6, last_status="STOPPED", exit_code=1, **kwargs)  # type: ignore[arg-type]
    return task_record(parse_event(event), retention_days=30)


def test_task_record_answers_what_happened_without_the_raw_event() -> None:
    record = stopped_task(container_reason="OutOfMemoryError: container killed")
    assert record["taskArn"] == TASK_ARN
    assert record["version"] == 6
    assert (record["lastStatus"], record["desiredStatus"]) == ("STOPPED", "STOPPED")
    assert record["cluster"] == "default"
    assert record["taskDefinition"] == "billing-report:7"
    assert record["group"] == "family:billing-report"
    assert record["startedBy"] == "events-rule/nightly-billing"
    assert record["launchType"] == "FARGATE"
    assert record["availabilityZone"] == "us-west-2a"
    assert (record["cpu"], record["memory"]) == (256, 512)
    assert record["stopCode"] == "EssentialContainerExited"
    assert record["stoppedReason"] == "Essential container in task exited"
    assert record["containers"] == [
        {
            "name": "report",
            "image": "111122223333.dkr.ecr.us-west-2.amazonaws.com/billing-report:2026.11.3",
            "lastStatus": "STOPPED",
            "reason": "OutOfMemoryError: container killed",
            "exitCode": 1,
        }
    ]


def test_task_record_keeps_every_lifecycle_time_as_epoch_millis() -> None:
    record = stopped_task()
    times = {
        "createdAt": 1795144441123,
        "pullStartedAt": 1795144445100,
        "pullStoppedAt": 1795144460900,
        "startedAt": 1795144465250,
        "stoppingAt": 1795145400000,
        "executionStoppedAt": 1795145401500,
        "stoppedAt": 1795145431750,
    }
    assert {name: record[name] for name in times} == times
    assert record["eventTime"] == 1795144509000


def test_task_record_never_keeps_override_values() -> None:
    record = stopped_task()
    text = json.dumps(record, default=str)
    assert "hunter2-do-not-store" not in text
    assert "overrides" not in record


def test_typical_single_container_task_fits_one_write_unit() -> None:
    assert item_size(stopped_task()) <= 1024


def test_stopped_task_expires_after_the_retention_counted_from_stoppedAt() -> None:
    record = stopped_task()
    assert record["expiresAt"] == 1795145431750 // 1000 + 30 * 86400


def test_running_task_never_expires() -> None:
    record = task_record(parse_event(task_event(version=4, last_status="RUNNING")), 30)
    assert "expiresAt" not in record


def test_retention_zero_keeps_stopped_tasks_forever() -> None:
    event = task_event(version=6, last_status="STOPPED", exit_code=0)
    assert "expiresAt" not in task_record(parse_event(event), retention_days=0)


def test_unknown_fields_are_ignored() -> None:
    event = task_event()
    event["detail"]["someFieldEcsAddsNextYear"] = {"nested": [1, 2.5]}
    record = task_record(parse_event(event), 30)
    assert "someFieldEcsAddsNextYear" not in record


@pytest.mark.parametrize("missing", ["taskArn", "version"])
def test_task_without_arn_or_version_is_malformed(missing: str) -> None:
    event = task_event()
    del event["detail"][missing]
    with pytest.raises(MalformedEvent, match=missing):
        task_record(parse_event(event), 30)


def test_oversized_task_is_trimmed_flagged_and_still_fits() -> None:
    event = task_event(version=6, last_status="STOPPED", exit_code=1)
    template = event["detail"]["containers"][0]
    event["detail"]["containers"] = [
        {**template, "name": f"sidecar-{i}", "reason": "x" * 5000} for i in range(400)
    ]
    record = task_record(parse_event(event), 30)
    assert record["trimmed"] is True
    assert item_size(record) <= MAX_ITEM_BYTES
    assert all(len(c["reason"]) <= MAX_TEXT_CHARS for c in record["containers"])
    assert record["containersOmitted"] == 400 - len(record["containers"])
    assert record["containers"][0]["name"] == "sidecar-0"


def test_long_reason_alone_is_cut_and_flagged() -> None:
    record = stopped_task(stopped_reason="y" * 10_000)
    assert len(record["stoppedReason"]) == MAX_TEXT_CHARS
    assert record["trimmed"] is True
    assert "containersOmitted" not in record


def test_container_instance_record_maps_status_to_lastStatus() -> None:
    record = container_instance_record(parse_event(container_instance_event()), 30)
    assert record["containerInstanceArn"] == CONTAINER_INSTANCE_ARN
    assert (record["version"], record["lastStatus"]) == (14801, "ACTIVE")
    assert record["cluster"] == "default"
    assert record["ec2InstanceId"] == "i-0123456789abcdef0"
    assert record["agentConnected"] is True
    assert record["registeredResources"] == {"CPU": 2048, "MEMORY": 3767}
    assert (record["runningTasksCount"], record["agentVersion"]) == (3, "1.89.1")


def test_float_resources_become_exact_decimals() -> None:
    record = container_instance_record(parse_event(container_instance_event()), 30)
    assert record["remainingResources"]["GPU_SHARE"] == Decimal("0.25")
    assert isinstance(record["remainingResources"]["GPU_SHARE"], Decimal)


def test_deregistered_instance_expires_but_active_one_does_not() -> None:
    active = container_instance_record(parse_event(container_instance_event()), 30)
    gone = container_instance_record(parse_event(container_instance_event(status="INACTIVE")), 30)
    assert "expiresAt" not in active
    assert gone["expiresAt"] == 1795144509991 // 1000 + 30 * 86400


def test_a_stored_item_without_a_version_does_not_refuse_a_versioned_state() -> None:
    record = {TASK_KEY: TASK_ARN, "version": 1, "lastStatus": "RUNNING"}
    assert refused_without_writing({"version": None}, record) is None

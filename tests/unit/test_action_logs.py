"""ECS Action Logs records in both documented shapes (ecs_events.action_logs)."""

from __future__ import annotations

import json

from ecs_events.action_logs import latest_reason, parse_record, timeline

DEPLOYMENT = "arn:aws:ecs:eu-west-1:111122223333:service-deployment/production/web/AbCdEf"
OTHER = "arn:aws:ecs:eu-west-1:111122223333:service-deployment/production/web/ZzZzZz"
SERVICE = "arn:aws:ecs:eu-west-1:111122223333:service/production/web"


def nested(**fields: object) -> dict[str, object]:
    return {"version": "0", "detail": {"serviceArn": SERVICE, **fields}}


def flat(**fields: object) -> dict[str, object]:
    return {"serviceArn": SERVICE, **fields}


def test_reads_the_fields_inside_detail() -> None:
    record = parse_record(
        nested(
            eventName="SERVICE_DEPLOYMENT_ROLLBACK_FAILED",
            eventTimestamp="2026-07-14T10:00:01.5Z",
            statusReason="No rollback candidate was found",
            serviceDeploymentArn=DEPLOYMENT,
        )
    )
    assert record is not None
    assert record.event_name == "SERVICE_DEPLOYMENT_ROLLBACK_FAILED"
    assert record.timestamp_millis == 1784023201500
    assert record.status_reason == "No rollback candidate was found"
    assert record.service_deployment_arn == DEPLOYMENT
    assert record.service_arn == SERVICE


def test_reads_the_same_fields_at_the_top_level() -> None:
    fields = {
        "eventName": "SERVICE_DEPLOYMENT_ROLLBACK_FAILED",
        "eventTimestamp": "2026-07-14T10:00:01.5Z",
        "statusReason": "No rollback candidate was found",
        "serviceDeploymentArn": DEPLOYMENT,
    }
    assert parse_record(flat(**fields)) == parse_record(nested(**fields))


def test_detail_wins_where_both_shapes_carry_a_field() -> None:
    record = parse_record({"eventName": "OUTER", "detail": {"eventName": "INNER"}})
    assert record is not None and record.event_name == "INNER"


def test_a_log_events_json_message_is_read() -> None:
    record = parse_record(json.dumps(flat(eventName="SERVICE_DEPLOYMENT_IN_PROGRESS")))
    assert record is not None and record.event_name == "SERVICE_DEPLOYMENT_IN_PROGRESS"


def test_what_is_not_a_record_gives_none() -> None:
    assert parse_record("not json") is None
    assert parse_record("[1, 2]") is None
    assert parse_record({"detail": {"statusReason": "x"}}) is None  # no eventName
    assert parse_record({"eventName": ""}) is None


def test_a_bad_timestamp_keeps_the_record_undated() -> None:
    record = parse_record(flat(eventName="X", eventTimestamp="yesterday"))
    assert record is not None and record.timestamp_millis is None


def test_timeline_is_one_deployment_oldest_first() -> None:
    records = [
        flat(eventName="B", eventTimestamp="2026-07-14T10:00:02Z", serviceDeploymentArn=DEPLOYMENT),
        nested(
            eventName="OTHER", eventTimestamp="2026-07-14T10:00:00Z", serviceDeploymentArn=OTHER
        ),
        nested(
            eventName="A", eventTimestamp="2026-07-14T10:00:01Z", serviceDeploymentArn=DEPLOYMENT
        ),
        flat(eventName="UNDATED", serviceDeploymentArn=DEPLOYMENT),
        "garbage",
    ]
    assert [r.event_name for r in timeline(records, DEPLOYMENT)] == ["A", "B", "UNDATED"]


def test_latest_reason_is_the_newest_given() -> None:
    records = [
        flat(
            eventTimestamp="2026-07-14T10:00:02Z",
            eventName="E2",
            statusReason="second",
            serviceDeploymentArn=DEPLOYMENT,
        ),
        flat(
            eventTimestamp="2026-07-14T10:00:01Z",
            eventName="E1",
            statusReason="first",
            serviceDeploymentArn=DEPLOYMENT,
        ),
        flat(
            eventTimestamp="2026-07-14T10:00:03Z", eventName="E3", serviceDeploymentArn=DEPLOYMENT
        ),
    ]
    assert latest_reason(records, DEPLOYMENT) == "second"


def test_no_reason_gives_none() -> None:
    assert latest_reason([flat(eventName="E", serviceDeploymentArn=DEPLOYMENT)], DEPLOYMENT) is None
    assert latest_reason([], DEPLOYMENT) is None

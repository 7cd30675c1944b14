"""ECS Action Logs records: the service-deployment and daemon decisions ECS logs with its
reasons ("No rollback candidate was found"), read into one shape. Pure functions.

AWS documents two shapes: the fields inside `detail` of an event-like envelope, or at the
top level of the record. Both are accepted; where both carry a field, `detail` wins.
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/action-logs-getting-started.html
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ecs_events.times import epoch_millis

_FIELDS = (
    "eventName",
    "eventTimestamp",
    "statusReason",
    "serviceDeploymentArn",
    "serviceArn",
    "clusterArn",
    "status",
    "eventType",
)


@dataclass(frozen=True)
class ActionLogRecord:
    event_name: str
    timestamp_millis: int | None
    status_reason: str | None
    service_deployment_arn: str | None
    service_arn: str | None
    cluster_arn: str | None
    status: str | None
    event_type: str | None


def _fields(record: dict[str, Any]) -> dict[str, Any]:
    detail = record.get("detail")
    inner = detail if isinstance(detail, dict) else {}
    return {name: inner.get(name, record.get(name)) for name in _FIELDS}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_record(record: object) -> ActionLogRecord | None:
    """One Action Logs record (a dict, or the JSON of a log event's message); None when it
    is not one (no eventName in either shape, or not a JSON object)."""
    if isinstance(record, str):
        try:
            record = json.loads(record)
        except ValueError:
            return None
    if not isinstance(record, dict):
        return None
    fields = _fields(record)
    event_name = _text(fields["eventName"])
    if event_name is None:
        return None
    return ActionLogRecord(
        event_name=event_name,
        timestamp_millis=epoch_millis(fields["eventTimestamp"]),
        status_reason=_text(fields["statusReason"]),
        service_deployment_arn=_text(fields["serviceDeploymentArn"]),
        service_arn=_text(fields["serviceArn"]),
        cluster_arn=_text(fields["clusterArn"]),
        status=_text(fields["status"]),
        event_type=_text(fields["eventType"]),
    )


def timeline(records: Iterable[object], service_deployment_arn: str) -> list[ActionLogRecord]:
    """One deployment's records, oldest first (undated ones last, in their given order)."""
    parsed = [parse_record(record) for record in records]
    mine = [
        r for r in parsed if r is not None and r.service_deployment_arn == service_deployment_arn
    ]
    return sorted(mine, key=lambda r: (r.timestamp_millis is None, r.timestamp_millis or 0))


def latest_reason(records: Iterable[object], service_deployment_arn: str) -> str | None:
    """The newest statusReason ECS gave for that deployment, or None when it gave none."""
    reasons = [
        r.status_reason for r in timeline(records, service_deployment_arn) if r.status_reason
    ]
    return reasons[-1] if reasons else None

"""The read-then-write baseline: AWS's sample algorithm for mirroring ECS task state
(ECS developer guide, "Handling events": read the stored item, compare `version`, put the
event's whole `detail` when it is newer or absent), written here against the same
DynamoDB API the handler uses, so both can be run and priced side by side.

The sample is an EventBridge target, one invocation per event, keeping task states and
container-instance states in a table each, and raising on any other event; this class
keeps its storage algorithm.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeSerializer

KEY = "taskArn"
INSTANCE_KEY = "containerInstanceArn"
TABLES = {
    "ECS Task State Change": "sample-tasks",
    "ECS Container Instance State Change": "sample-instances",
}
KEYS = {"ECS Task State Change": KEY, "ECS Container Instance State Change": INSTANCE_KEY}
_serializer = TypeSerializer()


def sample_item(event: dict[str, Any]) -> dict[str, Any]:
    """What the sample stores: the event's detail plus the envelope version."""
    return {"cw_version": event["version"], **event["detail"]}


class ReadThenWrite:
    def __init__(self, dynamodb: Any) -> None:
        self.dynamodb = dynamodb

    def process_event(self, event: dict[str, Any]) -> str:
        table, key = TABLES[event["detail-type"]], KEYS[event["detail-type"]]
        item = sample_item(event)
        saved = self.dynamodb.get_item(TableName=table, Key={key: {"S": item[key]}})
        stored = saved.get("Item")
        if stored is not None and int(stored["version"]["N"]) >= item["version"]:
            return "stale" if int(stored["version"]["N"]) > item["version"] else "duplicate"
        self.dynamodb.put_item(
            TableName=table, Item={k: _serializer.serialize(v) for k, v in item.items()}
        )
        return "applied"

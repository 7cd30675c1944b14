"""The read-then-write baseline: AWS's sample algorithm for mirroring ECS task state
(ECS developer guide, "Handling events": read the stored item, compare `version`, put the
event's whole `detail` when it is newer or absent), written here against the same
DynamoDB API the handler uses, so both can be run and priced side by side.

The sample is an EventBridge target, one invocation per event, and raises on anything
that is not a task state change; this class only keeps its storage algorithm.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeSerializer

KEY = "taskArn"
_serializer = TypeSerializer()


def sample_item(event: dict[str, Any]) -> dict[str, Any]:
    """What the sample stores: the event's detail plus the envelope version."""
    return {"cw_version": event["version"], **event["detail"]}


class ReadThenWrite:
    def __init__(self, dynamodb: Any, table: str) -> None:
        self.dynamodb = dynamodb
        self.table = table

    def process_event(self, event: dict[str, Any]) -> str:
        item = sample_item(event)
        saved = self.dynamodb.get_item(TableName=self.table, Key={KEY: {"S": item[KEY]}})
        stored = saved.get("Item")
        if stored is not None and int(stored["version"]["N"]) >= item["version"]:
            return "stale" if int(stored["version"]["N"]) > item["version"] else "duplicate"
        self.dynamodb.put_item(
            TableName=self.table, Item={k: _serializer.serialize(v) for k, v in item.items()}
        )
        return "applied"

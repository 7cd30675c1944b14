"""The state tables as the module creates them, for tests and benchmarks under moto."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from ecs_events.state import CONTAINER_INSTANCE_KEY, TASK_KEY

TASK_TABLE = "ecs-events-tasks"
CONTAINER_INSTANCE_TABLE = "ecs-events-container-instances"


def create_state_tables(dynamodb: Any) -> None:
    for table, key in ((TASK_TABLE, TASK_KEY), (CONTAINER_INSTANCE_TABLE, CONTAINER_INSTANCE_KEY)):
        dynamodb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )


def stored_task(dynamodb: Any, task_arn: str) -> dict[str, Any] | None:
    item = dynamodb.get_item(TableName=TASK_TABLE, Key={TASK_KEY: {"S": task_arn}}).get("Item")
    if item is None:
        return None
    deserializer = TypeDeserializer()
    return {k: deserializer.deserialize(v) for k, v in item.items()}

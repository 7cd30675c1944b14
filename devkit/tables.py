"""The state tables as the module creates them, for tests and benchmarks under moto."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from ecs_events.state import (
    CLUSTER_INDEX,
    CLUSTER_INDEX_KEYS,
    CLUSTER_INDEX_PROJECTED,
    CONTAINER_INSTANCE_KEY,
    TASK_KEY,
)

TASK_TABLE = "ecs-events-tasks"
CONTAINER_INSTANCE_TABLE = "ecs-events-container-instances"


# The task table's query indexes as modules/state creates them:
# (name, hash key, range key, projected non-key attributes; none means KEYS_ONLY).
TASK_INDEXES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (CLUSTER_INDEX, *CLUSTER_INDEX_KEYS, CLUSTER_INDEX_PROJECTED),
)
_NUMBER_KEYS = {"createdAt"}


def table_request(table: str, key: str, indexes: bool = False) -> dict[str, Any]:
    """CreateTable's request for a state table keyed by `key`, with the task table's query
    indexes when `indexes`."""
    request: dict[str, Any] = {
        "TableName": table,
        "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if indexes:
        names = sorted({name for _, h, r, _ in TASK_INDEXES for name in (h, r)} - {key})
        request["AttributeDefinitions"] += [
            {"AttributeName": name, "AttributeType": "N" if name in _NUMBER_KEYS else "S"}
            for name in names
        ]
        request["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index,
                "KeySchema": [
                    {"AttributeName": hash_key, "KeyType": "HASH"},
                    {"AttributeName": range_key, "KeyType": "RANGE"},
                ],
                "Projection": (
                    {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(projected)}
                    if projected
                    else {"ProjectionType": "KEYS_ONLY"}
                ),
            }
            for index, hash_key, range_key, projected in TASK_INDEXES
        ]
    return request


def create_state_tables(dynamodb: Any, query_indexes: bool = True) -> None:
    dynamodb.create_table(**table_request(TASK_TABLE, TASK_KEY, indexes=query_indexes))
    dynamodb.create_table(**table_request(CONTAINER_INSTANCE_TABLE, CONTAINER_INSTANCE_KEY))


def stored_task(dynamodb: Any, task_arn: str) -> dict[str, Any] | None:
    item = dynamodb.get_item(TableName=TASK_TABLE, Key={TASK_KEY: {"S": task_arn}}).get("Item")
    if item is None:
        return None
    deserializer = TypeDeserializer()
    return {k: deserializer.deserialize(v) for k, v in item.items()}

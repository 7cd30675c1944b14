"""Questions the state tables answer: which tasks, in what state, and how a task's life went.

The task table's secondary indexes (modules/state) are keyed on attributes every record
already carries, so they add no byte to an item (a record near 1 KB must not cross into a
second write unit), and they project almost nothing: an index entry is the task ARN, its
keys and, for the cluster index, lastStatus. A query reads entries from an index, then the
items themselves with BatchGetItem (100 keys a request). Reads happen when a person asks;
writes happen on every event, so that is the cheaper side to pay on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from ecs_events.state import CONTAINER_INSTANCE_KEY, TASK_KEY

# Re-exported: the CLI shows durations through history.
from ecs_events.times import format_duration as format_duration

# Index names and keys: the same names modules/state/main.tf creates (a plan test compares).
CLUSTER_INDEX = "cluster-index"  # cluster, updatedAt; lastStatus projected to filter on
GROUP_INDEX = "group-index"  # group ("family:<family>" or "service:<service>"), createdAt
CONTAINER_INSTANCE_INDEX = "container-instance-index"  # containerInstanceArn, createdAt

# BatchGetItem takes at most 100 keys per request.
BATCH_GET_KEYS = 100

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class IndexMissing(RuntimeError):
    """The table was created without the query indexes (tables.query_indexes = false)."""


@dataclass(frozen=True)
class TaskFilter:
    cluster: str | None = None
    statuses: tuple[str, ...] = ()
    group: str | None = None
    container_instance: str | None = None
    since_millis: int | None = None

    def matches(self, item: dict[str, Any]) -> bool:
        """Applied to every item read, so a filter no index serves is still honoured."""
        checks = (
            (self.cluster, item.get("cluster")),
            (self.group, item.get("group")),
            (self.container_instance, item.get("containerInstanceArn")),
        )
        if any(wanted is not None and wanted != value for wanted, value in checks):
            return False
        if self.statuses and item.get("lastStatus") not in self.statuses:
            return False
        if self.since_millis is not None:
            changed = item.get("updatedAt") or item.get("createdAt") or 0
            if changed < self.since_millis:
                return False
        return True


def plain(value: Any) -> Any:
    """An item as JSON can carry it: Decimals become int or float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _item(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: plain(_deserializer.deserialize(v)) for k, v in raw.items()}


# --- reading tasks -----------------------------------------------------------------------


def get_task(dynamodb: Any, table: str, task_arn: str) -> dict[str, Any] | None:
    raw = dynamodb.get_item(TableName=table, Key={TASK_KEY: {"S": task_arn}}).get("Item")
    return _item(raw) if raw else None


def ecs_arn_for_id(dynamodb: Any, table: str, kind: str, cluster: str, resource_id: str) -> str:
    """A task or container-instance ID becomes its ARN from the table's own ARN (partition,
    region, account): one DescribeTable instead of a scan."""
    table_arn = dynamodb.describe_table(TableName=table)["Table"]["TableArn"]
    partition, _, region, account = table_arn.split(":")[1:5]
    return f"arn:{partition}:ecs:{region}:{account}:{kind}/{cluster}/{resource_id}"


def find_task_by_id(dynamodb: Any, table: str, task_id: str) -> dict[str, Any] | None:
    """The slow path when the cluster is unknown: a scan for the ARN ending in the ID."""
    return _find_by_id(dynamodb, table, TASK_KEY, task_id)


def find_container_instance_by_id(dynamodb: Any, table: str, instance_id: str) -> str | None:
    """The ARN of the container instance with this ID, from a scan of its (small) table."""
    found = _find_by_id(dynamodb, table, CONTAINER_INSTANCE_KEY, instance_id)
    return None if found is None else str(found[CONTAINER_INSTANCE_KEY])


def _find_by_id(dynamodb: Any, table: str, key: str, resource_id: str) -> dict[str, Any] | None:
    for item in scan_items(
        dynamodb, table, "contains(#key, :id)", {"#key": key}, {":id": resource_id}
    ):
        if item[key].endswith("/" + resource_id):
            return item
    return None


def batch_get(dynamodb: Any, table: str, key_name: str, keys: list[str]) -> list[dict[str, Any]]:
    """Items for the given keys, in the order given; keys no longer stored are left out."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), BATCH_GET_KEYS):
        pending: dict[str, Any] = {
            table: {"Keys": [{key_name: {"S": k}} for k in keys[start : start + BATCH_GET_KEYS]]}
        }
        while pending:
            response = dynamodb.batch_get_item(RequestItems=pending)
            for raw in response.get("Responses", {}).get(table, []):
                item = _item(raw)
                found[item[key_name]] = item
            # DynamoDB may return part of a batch under load; ask again for the rest.
            pending = response.get("UnprocessedKeys") or {}
    return [found[k] for k in keys if k in found]


def _query_keys(
    dynamodb: Any,
    table: str,
    index: str,
    partition: tuple[str, str],
    sort_name: str,
    since_millis: int | None,
    page_size: int,
    statuses: tuple[str, ...] = (),
) -> Iterator[list[str]]:
    """Pages of task ARNs from one index partition, newest first; `statuses` filters on
    the projected lastStatus (DynamoDB filters after reading, so a page may come back
    short or empty while more follow)."""
    names = {"#pk": partition[0]}
    values: dict[str, Any] = {":pk": {"S": partition[1]}}
    condition = "#pk = :pk"
    if since_millis is not None:
        names["#sk"] = sort_name
        values[":since"] = {"N": str(since_millis)}
        condition += " AND #sk >= :since"
    request: dict[str, Any] = {
        "TableName": table,
        "IndexName": index,
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": False,
        "Limit": page_size,
    }
    if statuses:
        names["#status"] = "lastStatus"
        placeholders = [f":status{n}" for n in range(len(statuses))]
        values.update({p: {"S": status} for p, status in zip(placeholders, statuses, strict=True)})
        request["FilterExpression"] = f"#status IN ({', '.join(placeholders)})"
    while True:
        try:
            response = dynamodb.query(**request)
        except ClientError as error:
            if _is_missing_index(error):
                raise IndexMissing(index) from error
            raise
        yield [raw[TASK_KEY]["S"] for raw in response.get("Items", [])]
        if "LastEvaluatedKey" not in response:
            return
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _is_missing_index(error: ClientError) -> bool:
    """DynamoDB says ValidationException ("does not have the specified index"); moto says
    ResourceNotFoundException ("Invalid index"). A missing table never mentions an index."""
    code = error.response.get("Error", {}).get("Code")
    message = str(error.response.get("Error", {}).get("Message", "")).lower()
    return code in ("ValidationException", "ResourceNotFoundException") and "index" in message


def _collect(
    pages: Iterator[list[str]],
    read: Callable[[list[str]], list[dict[str, Any]]],
    wanted: TaskFilter,
    limit: int,
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for keys in pages:
        items.extend(item for item in read(keys) if wanted.matches(item))
        if len(items) >= limit:
            break
    return items[:limit]


def find_tasks(
    dynamodb: Any, table: str, wanted: TaskFilter, limit: int = 50
) -> list[dict[str, Any]]:
    """Tasks matching the filter, most recently updated first, at most `limit`.

    The narrowest index serves the query: the cluster index when a cluster is given
    (since = updated since; statuses filtered on the index), else the group or
    container-instance index (since = created since). Raises IndexMissing when the table
    has no such index; with none of those filters the table is scanned.
    """
    page_size = max(limit, 25)

    def read(keys: list[str]) -> list[dict[str, Any]]:
        return batch_get(dynamodb, table, TASK_KEY, keys)

    by_index = (
        (wanted.cluster, CLUSTER_INDEX, "cluster", "updatedAt"),
        (wanted.group, GROUP_INDEX, "group", "createdAt"),
        (wanted.container_instance, CONTAINER_INSTANCE_INDEX, CONTAINER_INSTANCE_KEY, "createdAt"),
    )
    chosen = next(((v, i, k, r) for v, i, k, r in by_index if v), None)
    if chosen is None:
        return scan_tasks(dynamodb, table, wanted, limit)
    value, index, key, sort_key = chosen
    pages = _query_keys(
        dynamodb,
        table,
        index,
        (key, value),
        sort_key,
        wanted.since_millis,
        page_size,
        wanted.statuses if index == CLUSTER_INDEX else (),
    )
    found = _collect(pages, read, wanted, limit)
    found.sort(key=lambda item: item.get("updatedAt") or item.get("createdAt") or 0, reverse=True)
    return found


def scan_tasks(
    dynamodb: Any, table: str, wanted: TaskFilter, limit: int = 50
) -> list[dict[str, Any]]:
    """Every task item read once: for tables without indexes, or no filter at all."""
    items = []
    for item in scan_items(dynamodb, table):
        if wanted.matches(item):
            items.append(item)
    items.sort(key=lambda item: item.get("updatedAt") or item.get("createdAt") or 0, reverse=True)
    return items[:limit]


def scan_items(
    dynamodb: Any,
    table: str,
    condition: str | None = None,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every item of a table (optionally filtered), page after page, as plain values."""
    request: dict[str, Any] = {"TableName": table}
    if condition:
        request.update(
            FilterExpression=condition,
            ExpressionAttributeNames=names or {},
            ExpressionAttributeValues={
                k: _serializer.serialize(v) for k, v in (values or {}).items()
            },
        )
    while True:
        response = dynamodb.scan(**request)
        for raw in response.get("Items", []):
            yield _item(raw)
        if "LastEvaluatedKey" not in response:
            return
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def container_instances(
    dynamodb: Any, table: str, cluster: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Container instances, by cluster then instance. A scan: there is one item per
    instance, so the table stays small, and an index would be paid on every write."""
    items = [
        item
        for item in scan_items(dynamodb, table)
        if (cluster is None or item.get("cluster") == cluster)
        and (status is None or item.get("lastStatus") == status)
    ]
    items.sort(key=lambda item: (str(item.get("cluster", "")), item[CONTAINER_INSTANCE_KEY]))
    return items


# --- a task's life ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    status: str  # the lifecycle status this moment starts
    what: str
    at_millis: int


# The moments a task record keeps, in the order ECS passes them, with the status each opens.
_MOMENTS = (
    ("createdAt", "PROVISIONING", "task created"),
    ("pullStartedAt", "PENDING", "image pull started"),
    ("pullStoppedAt", "PENDING", "image pull finished"),
    ("startedAt", "RUNNING", "containers started"),
    ("stoppingAt", "STOPPING", "stop requested"),
    ("executionStoppedAt", "DEPROVISIONING", "containers exited"),
    ("stoppedAt", "STOPPED", "task stopped"),
)


def timeline(task: dict[str, Any]) -> list[Step]:
    """The moments of a task's life the record holds, in lifecycle order."""
    steps = [
        Step(status, what, int(task[name]))
        for name, status, what in _MOMENTS
        if isinstance(task.get(name), int | float | Decimal)
    ]
    return steps


# --- times -----------------------------------------------------------------------------

_RELATIVE = re.compile(r"^(\d+)\s*([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str, now: datetime | None = None) -> int:
    """ "30m", "24h", "7d" before now, or an ISO 8601 time, as epoch milliseconds."""
    now = now or datetime.now(UTC)
    relative = _RELATIVE.match(text.strip().lower())
    if relative:
        try:
            moment = now - timedelta(
                seconds=int(relative.group(1)) * _UNIT_SECONDS[relative.group(2)]
            )
        except OverflowError:
            raise ValueError(
                f"{text!r} reaches back before the year 1: give 30m, 24h, 7d or an ISO time"
            ) from None
    else:
        try:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"cannot read {text!r} as a time: give 30m, 24h, 7d or 2026-11-20T03:00:00Z"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def format_millis(millis: int | None) -> str:
    if millis is None:
        return "-"
    moment = datetime.fromtimestamp(millis / 1000, UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

"""Questions the state tables answer: which tasks, in what state, and how a task's life went.

The task table has one secondary index (modules/state), `cluster-index`: partition key the
cluster name, sort key `createdAt`, projecting `stoppedAt`, `group` and
`containerInstanceArn`. Its keys never change over a task's life and the only projected
attribute that does (`stoppedAt`) appears once, so the index costs two write units per
task however many states ECS reports (DynamoDB writes an index only when an applied write
changes its keys or projected attributes). It adds no attribute to an item: a record near
1 KB stays in one write unit. One index serves every question within a cluster:

- running (not yet stopped): `attribute_not_exists(stoppedAt)`;
- stopped between two moments: `stoppedAt BETWEEN`, and `createdAt <=` the end as the key;
- a service or family: `group =`; a container instance: `containerInstanceArn =` (its ARN
  names the cluster);
- one account or region: the task ARN (the table key, in every index entry) names both,
  so clusters of the same name in other accounts or regions, which share the partition,
  are filtered out by `contains(taskArn, ...)`.

DynamoDB filters after reading, so a query reads the cluster's whole partition of small
index entries (a few hundred bytes each) in the worst case; then the matching items with
BatchGetItem (100 keys a request). Reads happen when a person asks; writes happen on every
event, so that is the cheaper side to pay on.
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

from ecs_events.aws import error_code, error_message
from ecs_events.ecs import ecs_arn, parse_arn, parse_ecs_arn

# Re-exported: the index the queries use has its one home beside the table keys.
from ecs_events.state import CLUSTER_INDEX as CLUSTER_INDEX
from ecs_events.state import CLUSTER_INDEX_KEYS as CLUSTER_INDEX_KEYS
from ecs_events.state import CLUSTER_INDEX_PROJECTED as CLUSTER_INDEX_PROJECTED
from ecs_events.state import CONTAINER_INSTANCE_KEY, TASK_KEY

# Re-exported: the CLI shows durations and moments through queries.
from ecs_events.times import format_duration as format_duration
from ecs_events.times import format_millis as format_millis

# BatchGetItem takes at most 100 keys per request.
BATCH_GET_KEYS = 100

STOPPED = "STOPPED"

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class IndexMissing(RuntimeError):
    """The table was created without the query index (tables.query_indexes = false)."""


@dataclass(frozen=True)
class TaskFilter:
    """What `ecs-events tasks` asks. `cluster` is a name or a cluster ARN (which also sets
    the account and region); `account` and `region` are those of the task (of the event),
    not of the API call; `stopped_from` / `stopped_to` (epoch milliseconds) keep only
    tasks that stopped in that range; `since_millis` keeps tasks updated since then."""

    cluster: str | None = None
    statuses: tuple[str, ...] = ()
    group: str | None = None
    container_instance: str | None = None
    since_millis: int | None = None
    account: str | None = None
    region: str | None = None
    stopped_from: int | None = None
    stopped_to: int | None = None

    def scope(self) -> tuple[str | None, str | None, str | None]:
        """(cluster name, account, region) from the flags and the ARNs given."""
        cluster, account, region = self.cluster, self.account, self.region
        for arn in (self.cluster, self.container_instance):
            found = parse_ecs_arn(arn)
            if found is None:
                continue
            if arn == self.cluster or cluster is None:
                cluster = found.cluster
            account = account or found.account
            region = region or found.region
        return cluster, account, region

    def matches(self, item: dict[str, Any]) -> bool:
        """Applied to every item read, so a filter no index serves is still honoured."""
        cluster, account, region = self.scope()
        where = parse_ecs_arn(item.get(TASK_KEY))
        for wanted, value in (
            (account, where.account if where else None),
            (region, where.region if where else None),
            (cluster, item.get("cluster")),
            (self.group, item.get("group")),
            (self.container_instance, item.get(CONTAINER_INSTANCE_KEY)),
        ):
            if wanted is not None and wanted != value:
                return False
        if self.statuses and item.get("lastStatus") not in self.statuses:
            return False
        if self.since_millis is not None:
            changed = item.get("updatedAt") or item.get("createdAt") or 0
            if changed < self.since_millis:
                return False
        if self.stopped_from is not None or self.stopped_to is not None:
            stopped = item.get("stoppedAt")
            if not isinstance(stopped, int | float | Decimal):
                return False
            if self.stopped_from is not None and stopped < self.stopped_from:
                return False
            if self.stopped_to is not None and stopped > self.stopped_to:
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
    table_arn = parse_arn(dynamodb.describe_table(TableName=table)["Table"]["TableArn"])
    if table_arn is None:  # pragma: no cover - DynamoDB always answers with an ARN
        raise ValueError(f"table {table} has no ARN")
    return ecs_arn(
        table_arn.partition, table_arn.region, table_arn.account, kind, cluster, resource_id
    )


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


def cluster_query(table: str, wanted: TaskFilter, page_size: int) -> dict[str, Any] | None:
    """The Query request on the cluster index that answers `wanted`, or None when the
    question names no cluster (then only a scan can answer it). Every filter the index
    can apply is applied there, so only matching task ARNs come back."""
    cluster, account, region = wanted.scope()
    if cluster is None:
        return None
    names = {"#cluster": "cluster"}
    values: dict[str, Any] = {":cluster": {"S": cluster}}
    condition = "#cluster = :cluster"
    filters = []

    def add(name: str, attribute: str, value: Any, test: str) -> None:
        names[f"#{name}"] = attribute
        if value is not None:
            values[f":{name}"] = value
        filters.append(test)

    if wanted.stopped_from is not None or wanted.stopped_to is not None:
        if wanted.stopped_to is not None:  # a task that stopped by then was created by then
            names["#created"] = "createdAt"
            values[":created"] = {"N": str(wanted.stopped_to)}
            condition += " AND #created <= :created"
        low = wanted.stopped_from if wanted.stopped_from is not None else 0
        values[":stopped_from"] = {"N": str(low)}
        high = wanted.stopped_to if wanted.stopped_to is not None else 2**53
        add("stopped", "stoppedAt", {"N": str(high)}, "#stopped BETWEEN :stopped_from AND :stopped")
    elif wanted.statuses and STOPPED not in wanted.statuses:
        add("stopped", "stoppedAt", None, "attribute_not_exists(#stopped)")
    elif set(wanted.statuses) == {STOPPED}:
        add("stopped", "stoppedAt", None, "attribute_exists(#stopped)")
    if account or region:
        # The task ARN (arn:PARTITION:ecs:REGION:ACCOUNT:task/CLUSTER/ID) names both;
        # `contains` needs no partition name, and no other part of the ARN holds a colon.
        if account and region:
            part = f":ecs:{region}:{account}:task/"
        else:
            part = f":{account}:task/" if account else f":ecs:{region}:"
        add("arn", TASK_KEY, {"S": part}, "contains(#arn, :arn)")
    if wanted.group is not None:
        add("group", "group", {"S": wanted.group}, "#group = :group")
    if wanted.container_instance is not None:
        add(
            "instance",
            CONTAINER_INSTANCE_KEY,
            {"S": wanted.container_instance},
            "#instance = :instance",
        )
    request: dict[str, Any] = {
        "TableName": table,
        "IndexName": CLUSTER_INDEX,
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": False,  # newest created first
    }
    if filters:
        # Limit counts entries read, not entries kept: with a filter, let DynamoDB fill
        # its 1 MB pages (thousands of small entries) instead of asking page by page.
        request["FilterExpression"] = " AND ".join(filters)
    else:
        request["Limit"] = page_size
    return request


def _query_keys(dynamodb: Any, request: dict[str, Any]) -> Iterator[list[str]]:
    """Pages of task ARNs; DynamoDB filters after reading, so a page may come back short
    or empty while more follow."""
    request = dict(request)
    while True:
        try:
            response = dynamodb.query(**request)
        except ClientError as error:
            if _is_missing_index(error):
                raise IndexMissing(request["IndexName"]) from error
            raise
        yield [raw[TASK_KEY]["S"] for raw in response.get("Items", [])]
        if "LastEvaluatedKey" not in response:
            return
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _is_missing_index(error: ClientError) -> bool:
    """DynamoDB says ValidationException ("does not have the specified index"); moto says
    ResourceNotFoundException ("Invalid index"). A missing table never mentions an index."""
    code, message = error_code(error), error_message(error).lower()
    return code in ("ValidationException", "ResourceNotFoundException") and "index" in message


def _collect(
    pages: Iterator[list[str]],
    read: Callable[[list[str]], list[dict[str, Any]]],
    wanted: TaskFilter,
    limit: int,
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for keys in pages:
        # Read only as many items as the answer still needs, a BatchGetItem at a time.
        for start in range(0, len(keys), BATCH_GET_KEYS):
            if len(items) >= limit:
                return items[:limit]
            chunk = keys[start : start + BATCH_GET_KEYS]
            items.extend(item for item in read(chunk) if wanted.matches(item))
    return items[:limit]


def _newest_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        items, key=lambda item: item.get("updatedAt") or item.get("createdAt") or 0, reverse=True
    )


def find_tasks(
    dynamodb: Any, table: str, wanted: TaskFilter, limit: int = 50
) -> list[dict[str, Any]]:
    """Tasks matching the filter, most recently updated first, at most `limit`.

    A question that names a cluster (or a container instance, whose ARN names one) is one
    Query of the cluster index, then BatchGetItem; raises IndexMissing when the table has
    no index. Without a cluster the table is scanned (cluster_query says None).
    """
    request = cluster_query(table, wanted, max(limit, 25))
    if request is None:
        return scan_tasks(dynamodb, table, wanted, limit)

    def read(keys: list[str]) -> list[dict[str, Any]]:
        return batch_get(dynamodb, table, TASK_KEY, keys)

    return _newest_first(_collect(_query_keys(dynamodb, request), read, wanted, limit))


def scan_tasks(
    dynamodb: Any, table: str, wanted: TaskFilter, limit: int = 50
) -> list[dict[str, Any]]:
    """Every task item read once: for tables without indexes, or no filter at all."""
    return _newest_first([item for item in scan_items(dynamodb, table) if wanted.matches(item)])[
        :limit
    ]


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


def incidents(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    """Every incident the alerts table holds: open ones first, then the newest."""
    found: dict[str, dict[str, Any]] = {}
    for item in scan_items(
        dynamodb, table, "#kind = :incident", {"#kind": "kind"}, {":incident": "incident"}
    ):
        incident_id = str(item.get("incidentId", ""))
        # A subject's own item wins over its archived copy (incident-log/<id>).
        if incident_id not in found or str(item.get("alertKey", "")).startswith("incident/"):
            found[incident_id] = item
    return sorted(
        found.values(),
        key=lambda item: (item.get("status") == "resolved", -int(item.get("openedAt", 0))),
    )


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

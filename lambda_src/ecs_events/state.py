"""The state mirror: compact records of tasks and container instances, written by version.

ECS delivers at least once and out of order; `detail.version` orders the states of one
resource and equal versions are duplicates. Each state is written with ONE conditional
PutItem and no read. DynamoDB bills a conditional write for the larger of the stored and
the new item even when the condition fails, so records stay small (about 1 KB for a
typical task): the raw event belongs in the event log, not here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import DYNAMODB_CONTEXT as _DYNAMODB_CONTEXT
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from .events import EcsEvent, epoch_millis, required_arn, required_version

TASK_KEY = "taskArn"
CONTAINER_INSTANCE_KEY = "containerInstanceArn"

APPLIED = "applied"
DUPLICATE = "duplicate"
STALE = "stale"

# DynamoDB refuses items over 400 KB, but the real limit is cost: every later delivery
# for the resource is billed by the larger of the stored and the new item. A task has
# at most 10 containers (about 2 KB), so only a pathological event comes near this.
MAX_ITEM_BYTES = 64 * 1024
# No single text (a stop reason, an image name) needs more than this to be useful.
MAX_TEXT_CHARS = 2048

_TASK_TIMES = (
    "createdAt",
    "pullStartedAt",
    "pullStoppedAt",
    "startedAt",
    "stoppingAt",
    "executionStoppedAt",
    "stoppedAt",
    "updatedAt",
)
_TASK_TEXTS = (
    "lastStatus",
    "desiredStatus",
    "group",
    "startedBy",
    "launchType",
    "capacityProviderName",
    "availabilityZone",
    "containerInstanceArn",
    "healthStatus",
    "stopCode",
    "stoppedReason",
)
_CONTAINER_INSTANCE_TEXTS = (
    "ec2InstanceId",
    "capacityProviderName",
    "statusReason",
    "agentUpdateStatus",
)
_CONTAINER_TEXTS = ("name", "image", "lastStatus", "reason", "healthStatus")

# DynamoDB bills a write per started KB of the item, and a conditional write by the larger
# of the stored and the new item, so a record one byte over a KB boundary costs a whole
# write unit more on every later delivery for the resource. These fields, least useful
# first, are kept only when they fit under the boundary the rest of the record stays under:
# each is in the event history, none keys or is projected into a query index, and no
# alert or query depends on them.
WRITE_UNIT_BYTES = 1024
_TASK_FIELDS_KEPT_IF_THEY_FIT = (
    "eventTime",
    "pullStartedAt",
    "pullStoppedAt",
    "executionStoppedAt",
    "capacityProviderName",
    "availabilityZone",
)
_CONTAINER_INSTANCE_FIELDS_KEPT_IF_THEY_FIT = (
    "eventTime",
    "dockerVersion",
    "agentVersion",
    "registeredAt",
)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def task_record(event: EcsEvent, retention_days: int) -> dict[str, Any]:
    """What the mirror keeps of an "ECS Task State Change": enough to answer
    "what happened to this task" without the raw event. Overrides are never kept:
    their environment values are secrets until proven otherwise."""
    detail = event.detail
    record: dict[str, Any] = {
        TASK_KEY: required_arn(detail, TASK_KEY, "task"),
        "version": required_version(detail),
    }
    record.update(_short_names(detail))
    record.update(_texts(detail, _TASK_TEXTS))
    record.update(_times(detail, _TASK_TIMES))
    for name in ("cpu", "memory"):  # ECS sends task-level cpu and memory as strings
        number = _number(detail.get(name))
        if number is not None:
            record[name] = number
    containers = [_container(c) for c in detail.get("containers") or [] if isinstance(c, dict)]
    if containers:
        record["containers"] = containers
    record.update(_event_fields(event))
    if record.get("lastStatus") == "STOPPED":
        _set_expiry(record, record.get("stoppedAt"), event, retention_days)
    return keep_within_write_units(fit_item(record), _TASK_FIELDS_KEPT_IF_THEY_FIT)


def container_instance_record(event: EcsEvent, retention_days: int) -> dict[str, Any]:
    """What the mirror keeps of an "ECS Container Instance State Change"."""
    detail = event.detail
    record: dict[str, Any] = {
        CONTAINER_INSTANCE_KEY: required_arn(detail, CONTAINER_INSTANCE_KEY, "container-instance"),
        "version": required_version(detail),
    }
    # The event calls it `status`; the table contract calls it lastStatus like tasks.
    record.update(_texts(detail, ("status",), rename={"status": "lastStatus"}))
    record.update(_short_names(detail))
    record.update(_texts(detail, _CONTAINER_INSTANCE_TEXTS))
    if isinstance(detail.get("agentConnected"), bool):
        record["agentConnected"] = detail["agentConnected"]
    for name in ("runningTasksCount", "pendingTasksCount"):
        number = _number(detail.get(name))
        if number is not None:
            record[name] = number
    record.update(_times(detail, ("registeredAt", "updatedAt")))
    for name in ("registeredResources", "remainingResources"):
        resources = _resources(detail.get(name))
        if resources:
            record[name] = resources
    version_info = detail.get("versionInfo")
    if isinstance(version_info, dict):
        record.update(_texts(version_info, ("agentVersion", "dockerVersion")))
    record.update(_event_fields(event))
    if record.get("lastStatus") in ("INACTIVE", "DEREGISTERED"):
        _set_expiry(record, record.get("updatedAt"), event, retention_days)
    return keep_within_write_units(fit_item(record), _CONTAINER_INSTANCE_FIELDS_KEPT_IF_THEY_FIT)


def _short_names(detail: dict[str, Any]) -> dict[str, str]:
    """`cluster` and `taskDefinition` ("family:revision") instead of their ARNs: the
    account, region and partition are in the resource's own ARN already, and the
    saved bytes are paid for on every delivery."""
    names = {}
    for arn_name, name, marker in (
        ("clusterArn", "cluster", ":cluster/"),
        ("taskDefinitionArn", "taskDefinition", ":task-definition/"),
    ):
        arn = detail.get(arn_name)
        if isinstance(arn, str) and arn:
            names[name] = arn.split(marker, 1)[1] if marker in arn else arn
    return names


def _container(container: dict[str, Any]) -> dict[str, Any]:
    result = _texts(container, _CONTAINER_TEXTS)
    exit_code = _number(container.get("exitCode"))
    if exit_code is not None:
        result["exitCode"] = exit_code
    return result


def _resources(resources: object) -> dict[str, Any]:
    """Numeric resources (CPU, MEMORY, GPU...) by name; port lists are left out."""
    if not isinstance(resources, list):
        return {}
    result: dict[str, Any] = {}
    for resource in resources:
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            continue
        for value_key in ("integerValue", "longValue", "doubleValue"):
            number = _number(resource.get(value_key))
            if number is not None:
                result[resource["name"]] = number
                break
    return result


def _texts(
    source: dict[str, Any], names: tuple[str, ...], rename: dict[str, str] | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name in names:
        value = source.get(name)
        if isinstance(value, str) and value:
            result[(rename or {}).get(name, name)] = value
    return result


def _times(source: dict[str, Any], names: tuple[str, ...]) -> dict[str, int]:
    result = {}
    for name in names:
        millis = epoch_millis(source.get(name))
        if millis is not None:
            result[name] = millis
    return result


def _number(value: object) -> int | Decimal | None:
    """A DynamoDB number from an int, float or numeric string; None otherwise.
    Floats go through str() so 0.1 is stored as 0.1, not its binary expansion."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return Decimal(str(value)) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            return None
        if not number.is_finite():
            return None
        return int(number) if number == number.to_integral_value() else number
    return None


def _event_fields(event: EcsEvent) -> dict[str, Any]:
    fields: dict[str, Any] = {"eventId": event.id}
    event_time = epoch_millis(event.time)
    if event_time is not None:
        fields["eventTime"] = event_time
    return fields


def _set_expiry(
    record: dict[str, Any], ended_millis: object, event: EcsEvent, retention_days: int
) -> None:
    """DynamoDB TTL (epoch seconds) counted from when the resource stopped."""
    if retention_days <= 0:
        return
    base = ended_millis if isinstance(ended_millis, int) else epoch_millis(event.time)
    if base is not None:
        record["expiresAt"] = base // 1000 + retention_days * 86400


# --- item size -----------------------------------------------------------------------


def item_size(item: dict[str, Any]) -> int:
    """Bytes DynamoDB counts for an item (names plus values), rounded up where AWS is vague
    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | Decimal):
        return _number_size(value)
    if isinstance(value, list):
        return 3 + sum(1 + _value_size(v) for v in value)
    if isinstance(value, dict):
        return 3 + sum(1 + len(k.encode()) + _value_size(v) for k, v in value.items())
    raise TypeError(f"cannot size {type(value).__name__}")


def _number_size(value: int | Decimal) -> int:
    """AWS documents a number as "approximately" 1 byte per two significant digits plus 1.
    Taken here as the larger of that, counting an integer's trailing zeros, and the rule of
    dynalite (an emulator tested against live DynamoDB, limits included), which adds a byte
    for a negative number and for an even count of significant digits at an even exponent
    (1.5 is 3 bytes, not 2): a KB
    boundary decided on this size is never crossed by a byte DynamoDB counts and this does
    not (tests/functional/test_units_against_dynalite.py)."""
    number = Decimal(value)
    if not number.is_finite():  # not storable; sized only to be dropped
        return len(str(number))
    if not number:
        return 2
    sign, digits, exponent = number.as_tuple()
    text = "".join(map(str, digits)).lstrip("0")
    significant = len(text.rstrip("0"))
    integer_zeros = max(int(exponent) + len(text) - significant, 0)
    documented = (significant + integer_zeros + 1) // 2 + 1
    even = significant % 2 == 0 and number.adjusted() % 2 == 0
    measured = 1 + (significant + 1) // 2 + int(even) + sign
    return max(documented, measured)


# String attributes that key a global secondary index of the task table (modules/state):
# DynamoDB refuses an item whose index key value is empty or longer than 2048 bytes.
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-partition-sort-keys
INDEX_KEY_TEXTS = ("cluster", "group", "containerInstanceArn")
MAX_INDEX_KEY_BYTES = 1024  # the sort-key limit, the smaller of the two
# Bytes kept free for the flags a trimmed record carries (trimmed, containersOmitted,
# droppedFields), so adding them can never push the record back over the cap.
_FLAG_RESERVE = 512


def fit_item(record: dict[str, Any]) -> dict[str, Any]:
    """Make `record` storable; never raises. Long texts are cut, texts that are not valid
    UTF-8 (lone surrogates) are repaired, numbers DynamoDB cannot hold (more than 38
    significant digits, or out of its range) and index key values it refuses are dropped,
    then trailing containers, then the largest other fields until the item is under
    MAX_ITEM_BYTES. A record changed so says so: `trimmed`, `containersOmitted`,
    `droppedFields`. Linear in the size of the record."""
    dropped: list[str] = []
    fitted: dict[str, Any] = _storable(record, "", dropped)
    for name in INDEX_KEY_TEXTS:
        value = fitted.get(name)
        if isinstance(value, str) and not 0 < len(value.encode()) <= MAX_INDEX_KEY_BYTES:
            del fitted[name]
            dropped.append(name)
    trimmed = bool(dropped) or fitted != record
    budget = MAX_ITEM_BYTES - _FLAG_RESERVE
    containers = fitted.pop("containers", [])
    size = item_size(fitted)
    omitted = 0
    if containers:
        sizes = [1 + _value_size(c) for c in containers]
        total = size + len(b"containers") + 3 + sum(sizes)
        kept = len(containers)
        while kept and total > budget:
            kept -= 1
            total -= sizes[kept]
        omitted = len(containers) - kept
        if kept:
            fitted["containers"] = containers[:kept]
            size = total
    keys = {TASK_KEY, CONTAINER_INSTANCE_KEY, "version"}
    if size > budget:  # only a hostile event gets here: every text is already capped
        for name in sorted(
            (n for n in fitted if n not in keys), key=lambda n: -_value_size(fitted[n])
        ):
            if size <= budget:
                break
            size -= len(name.encode()) + _value_size(fitted.pop(name))
            dropped.append(name)
    if omitted:
        fitted["containersOmitted"] = omitted
    if dropped:
        fitted["droppedFields"] = dropped[:20]
    if trimmed or omitted or dropped:
        fitted["trimmed"] = True
    return fitted


def keep_within_write_units(record: dict[str, Any], optional: tuple[str, ...]) -> dict[str, Any]:
    """`record` without the fewest `optional` fields (taken in order) that bring it under
    the KB boundary below its size, flagged `trimmed`; `record` itself when no boundary
    can be reached that way, so nothing is given up without saving a write unit."""
    size = item_size(record)
    boundary = (math.ceil(size / WRITE_UNIT_BYTES) - 1) * WRITE_UNIT_BYTES
    flag = 0 if record.get("trimmed") else len(b"trimmed") + _value_size(True)
    present = [
        (name, len(name.encode()) + _value_size(record[name]))
        for name in optional
        if name in record
    ]
    if boundary <= 0 or size + flag - sum(cost for _, cost in present) > boundary:
        return record
    kept = dict(record)
    size += flag
    for name, cost in present:
        if size <= boundary:
            break
        del kept[name]
        size -= cost
    kept["trimmed"] = True
    return kept


def _storable(value: Any, path: str, dropped: list[str]) -> Any:
    """A copy of `value` with texts capped and repaired and unstorable numbers removed
    (their paths appended to `dropped`)."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            value = value[: MAX_TEXT_CHARS - 1] + "…"
        try:
            value.encode()
        except UnicodeEncodeError:  # a lone surrogate: JSON allows it, UTF-8 does not
            value = value.encode("utf-8", "replace").decode()
        return value
    if isinstance(value, list):
        items = (_storable(v, f"{path}[{i}]", dropped) for i, v in enumerate(value))
        return [v for v in items if v is not _UNSTORABLE]
    if isinstance(value, dict):
        result = {}
        for name, item in value.items():
            kept = _storable(item, f"{path}.{name}" if path else name, dropped)
            if kept is not _UNSTORABLE:
                result[name] = kept
        return result
    if (
        isinstance(value, int | Decimal)
        and not isinstance(value, bool)
        and not _is_dynamodb_number(value)
    ):
        dropped.append(path)
        return _UNSTORABLE
    return value


_UNSTORABLE = object()


def _is_dynamodb_number(value: int | Decimal) -> bool:
    """DynamoDB numbers: up to 38 significant digits, magnitude 1E-130 to 9.99...E+125.
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-data-types
    """
    try:
        _DYNAMODB_CONTEXT.create_decimal(value)
    except ArithmeticError:
        return False
    return True


# --- the conditional write -----------------------------------------------------------


@dataclass(frozen=True)
class WriteResult:
    outcome: str  # APPLIED, DUPLICATE or STALE
    # What the table held when the condition failed (DynamoDB returns it with the
    # failure at no extra cost); empty when the write was applied.
    stored: dict[str, Any] = field(default_factory=dict)


def write_if_newer(
    dynamodb: Any, table_name: str, key_name: str, record: dict[str, Any]
) -> WriteResult:
    """Store `record` unless the table already holds the same or a newer version.

    One PutItem, no read. A record without `version` (from an API that did not give
    one) is written only where nothing is stored yet, so it never overwrites a
    versioned state. A stored item without `version` (a versionless backfill, older
    code, a hand edit) is replaced by any versioned state: it cannot be ordered, and
    keeping it would make every later state of the resource look stale.
    """
    version = record.get("version")
    request: dict[str, Any] = {
        "TableName": table_name,
        "Item": {k: _serializer.serialize(v) for k, v in record.items()},
        "ExpressionAttributeNames": {"#key": key_name},
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    if version is None:
        request["ConditionExpression"] = "attribute_not_exists(#key)"
    else:
        request["ConditionExpression"] = (
            "attribute_not_exists(#key) OR attribute_not_exists(#version) OR #version < :version"
        )
        request["ExpressionAttributeNames"]["#version"] = "version"
        request["ExpressionAttributeValues"] = {":version": {"N": str(version)}}
    try:
        dynamodb.put_item(**request)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        stored = {
            k: _deserializer.deserialize(v) for k, v in error.response.get("Item", {}).items()
        }
        return _refusal(stored, version)
    return WriteResult(APPLIED)


def refused_without_writing(stored: dict[str, Any], record: dict[str, Any]) -> WriteResult | None:
    """What write_if_newer would answer for `record` over the item `stored` (its `version`
    at least, None when the item has none), where the condition would fail; None where
    the write would apply. Lets a
    bulk writer that has read the stored versions skip writes that cannot apply: DynamoDB
    bills a refused conditional write a whole write unit, and a read of an item a tenth."""
    version, held = record.get("version"), stored.get("version")
    if version is not None and (held is None or held < version):
        return None
    return _refusal(stored, version)


def _refusal(stored: dict[str, Any], version: int | None) -> WriteResult:
    same = version is not None and stored.get("version") == version
    return WriteResult(DUPLICATE if same else STALE, stored)

"""The billing rules every cost figure rests on (`state.item_size`, `benchmarks/units.py`),
checked against dynalite's ConsumedCapacity.

moto reports 1.0 per write whatever the item's size. dynalite (tools/dynalite), an emulator
its authors test against live DynamoDB, limits included, sizes items as DynamoDB does and
reports a write per started KB of the larger
of the stored and the new item, a read per started 4 KB. It reports no index units and
nothing for a refused write, and it counts a text's UTF-16 code units where DynamoDB counts
UTF-8 bytes (fewer for non-ASCII text): those rest on AWS's documentation and
`benchmarks/check_units.py`, which checks them on AWS.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeSerializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.baseline import sample_item
from benchmarks.stream import production_stream
from benchmarks.units import read_units, write_units
from devkit.emulator import DYNALITE_CLI, Dynalite
from ecs_events.events import parse_event
from ecs_events.state import WRITE_UNIT_BYTES, container_instance_record, item_size, task_record

TABLE = "billing-check"
_serializer = TypeSerializer()
# Keys of one length (the padding below assumes it), one per write.
_keys = (f"item-{n:06d}" for n in itertools.count())


@pytest.fixture(scope="module")
def dynamodb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not DYNALITE_CLI.exists():
        if os.environ.get("ECS_EVENTS_REQUIRE_DYNALITE"):
            pytest.fail(f"dynalite is not installed at {DYNALITE_CLI}: run make setup")
        pytest.skip("dynalite is not installed (make setup installs it where npm is present)")
    with Dynalite(Path(tmp_path_factory.mktemp("dynalite")) / "dynalite.log") as server:
        client = boto3.client(
            "dynamodb",
            endpoint_url=server.url,
            region_name="us-west-2",
            aws_access_key_id="check",
            aws_secret_access_key="check",
        )
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "taskArn", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "taskArn", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def billed_write(dynamodb: Any, item: dict[str, Any]) -> tuple[float, int]:
    """dynalite's units for putting `item` under a key of its own, and item_size of what
    was put."""
    item = {**item, "taskArn": next(_keys)}
    response = dynamodb.put_item(
        TableName=TABLE, Item=serialized(item), ReturnConsumedCapacity="TOTAL"
    )
    return float(response["ConsumedCapacity"]["CapacityUnits"]), item_size(item)


def billed_read(dynamodb: Any, item: dict[str, Any]) -> tuple[float, int]:
    """dynalite's units for an eventually consistent read of `item`, put under a key of its
    own, and item_size of what was read."""
    item = {**item, "taskArn": next(_keys)}
    dynamodb.put_item(TableName=TABLE, Item=serialized(item))
    response = dynamodb.get_item(
        TableName=TABLE, Key={"taskArn": {"S": item["taskArn"]}}, ReturnConsumedCapacity="TOTAL"
    )
    return float(response["ConsumedCapacity"]["CapacityUnits"]), item_size(item)


def serialized(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items()}


def padded(value: Any, size: int) -> dict[str, Any]:
    """An item holding `value` and padding, of exactly `size` bytes by item_size."""
    item = {"taskArn": "item-000000", "value": value, "pad": ""}
    item["pad"] = "x" * (size - item_size(item))
    assert item_size(item) == size
    return item


# Values whose size item_size states exactly, and numbers it may count a byte or two high
# (AWS calls its number rule approximate; item_size takes the larger reading).
EXACT = {
    "text": "arn:aws:ecs:us-west-2:111122223333:task/production/0123456789abcdef",
    "empty text": "",
    "boolean": True,
    "null": None,
    "list": ["a", 1, [True]],
    "map": {"name": "app", "exitCode": 137, "containers": [{"name": "x"}]},
    "epoch milliseconds": 1700000123456,
    "small integer": 7,
    "decimal with an even digit count at an even exponent": Decimal("1.5"),
    "negative": -7,
    "38 digits": 12345678901234567890123456789012345678,
}
NUMBERS_COUNTED_HIGH = {
    "integer with trailing zeros": 12000,
    "zero": 0,
    "tiny decimal": Decimal("0.0025"),
    "exponent notation": Decimal("1E+5"),
}


@pytest.mark.parametrize("value", EXACT.values(), ids=EXACT.keys())
def test_an_item_is_billed_as_item_size_says_on_both_sides_of_a_kb(
    dynamodb: Any, value: Any
) -> None:
    assert billed_write(dynamodb, padded(value, WRITE_UNIT_BYTES)) == (1, WRITE_UNIT_BYTES)
    assert billed_write(dynamodb, padded(value, WRITE_UNIT_BYTES + 1))[0] == 2


@pytest.mark.parametrize("value", NUMBERS_COUNTED_HIGH.values(), ids=NUMBERS_COUNTED_HIGH.keys())
def test_a_number_item_size_may_count_high_never_crosses_a_kb_it_did_not_predict(
    dynamodb: Any, value: Any
) -> None:
    assert billed_write(dynamodb, padded(value, WRITE_UNIT_BYTES)) == (1, WRITE_UNIT_BYTES)


def test_the_records_and_the_samples_items_of_documented_events_cost_what_units_py_says(
    dynamodb: Any,
) -> None:
    """Every delivery of the benchmark's streams, task and container-instance events: the
    record this module stores and the `detail` the sample stores, each written and read
    back."""
    events = [
        *production_stream(6, seed=3),
        *production_stream(6, seed=3, sidecar=True),
        *production_stream(6, seed=3, bridge=True, instance_events=True),
    ]
    sizes: Counter[int] = Counter()
    for event in events:
        parsed = parse_event(event)
        record = (
            task_record(parsed, 30)
            if event["detail-type"] == "ECS Task State Change"
            else container_instance_record(parsed, 30)
        )
        for item in (record, sample_item(event)):
            billed, size = billed_write(dynamodb, item)
            assert billed == write_units(size)
            billed, size = billed_read(dynamodb, item)
            assert billed == read_units(size)
            sizes[write_units(size)] += 1
    assert sizes[1] and sizes[2], "the streams must hold items of one and of two KB"


def test_a_replacement_is_billed_by_the_larger_of_the_stored_and_the_new_item(
    dynamodb: Any,
) -> None:
    large, small = padded("x", 2 * WRITE_UNIT_BYTES + 1), padded("x", 100)
    for first, second in ((large, small), (small, large)):
        dynamodb.put_item(TableName=TABLE, Item=serialized(first))
        response = dynamodb.put_item(
            TableName=TABLE, Item=serialized(second), ReturnConsumedCapacity="TOTAL"
        )
        assert response["ConsumedCapacity"]["CapacityUnits"] == write_units(
            max(item_size(first), item_size(second))
        )


_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
_values = st.recursive(
    st.none()
    | st.booleans()
    | st.text(max_size=300)
    | st.integers(min_value=-(10**37), max_value=10**37)
    | st.decimals(allow_nan=False, allow_infinity=False, places=4).filter(
        lambda d: abs(d) < Decimal(10) ** 30
    ),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(_names, children, max_size=6),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item=st.dictionaries(_names.filter(lambda n: n != "taskArn"), _values, max_size=8))
def test_item_size_never_predicts_fewer_write_units_than_are_billed(
    dynamodb: Any, item: dict[str, Any]
) -> None:
    billed, size = billed_write(dynamodb, item)
    assert billed <= write_units(size)

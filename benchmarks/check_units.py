"""Check the write units benchmarks/units.py computes against what DynamoDB reports.

On a throwaway on-demand table shaped like the module's task table (key `taskArn`, the
`cluster-index` as modules/state creates it), it writes a task's life through the
handler's own conditional write, asking for ReturnConsumedCapacity=INDEXES; then a
duplicate and a stale state (refused); then plain items sized by `item_size` to exactly
1024 and 1025 bytes, the boundary every cost figure rests on, and 1024-byte items holding
1.5 and -7, numbers AWS's approximate rule counts a byte smaller than dynalite does
(`state._number_size` takes the larger). For each write it
prints the units predicted and the units DynamoDB reported, for the table and the index,
and deletes the table.

DynamoDB returns no ConsumedCapacity with a refused conditional write, so those rows show
only the prediction; `--metrics-wait` also compares the table's ConsumedWriteCapacityUnits
in CloudWatch (which arrive minutes later) with the predicted total, refused writes
included.

    .venv/bin/python -m benchmarks.check_units --region eu-west-1 [--metrics-wait 900]
    .venv/bin/python -m benchmarks.check_units --endpoint-url http://127.0.0.1:PORT

It writes a few dozen units on AWS. Exit status: 0 when every reported figure agrees with
its prediction, 1 when one differs (the local emulator always differs: moto reports 1.0
per write and nothing for indexes), 2 when it could not run.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from benchmarks.units import index_write_units, write_units
from devkit.events import LIFECYCLE, TASK_ARN, task_event
from devkit.tables import table_request
from ecs_events.events import parse_event
from ecs_events.state import CLUSTER_INDEX, TASK_KEY, item_size, task_record, write_if_newer

_serializer = TypeSerializer()


@dataclass
class Row:
    write: str
    outcome: str
    size: int
    table_predicted: int
    index_predicted: int
    table_reported: float | None = None
    index_reported: float | None = None

    @property
    def agrees(self) -> bool:
        reported = (self.table_reported, self.index_reported)
        predicted = (self.table_predicted, self.index_predicted)
        return all(r is None or r == p for r, p in zip(reported, predicted, strict=True))


class Reporting:
    """The DynamoDB client, asking every PutItem for its consumed capacity per index."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.last: dict[str, Any] | None = None

    def put_item(self, **request: Any) -> Any:
        self.last = None
        response = self.client.put_item(ReturnConsumedCapacity="INDEXES", **request)
        self.last = response.get("ConsumedCapacity")
        return response


def create_table(client: Any, name: str) -> None:
    client.create_table(**table_request(name, TASK_KEY, indexes=True))
    client.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 2, "MaxAttempts": 90}
    )


def _reported(capacity: dict[str, Any] | None) -> tuple[float | None, float | None]:
    if not capacity:
        return None, None
    table = capacity.get("Table", {}).get("CapacityUnits")
    index = capacity.get("GlobalSecondaryIndexes", {}).get(CLUSTER_INDEX, {}).get("CapacityUnits")
    # DynamoDB leaves out an index the write did not touch: that is 0 units, not unknown.
    return table, 0.0 if index is None and table is not None else index


def sized_item(size: int, number: Decimal | None = None) -> dict[str, Any]:
    """An item outside the index whose item_size is exactly `size` bytes, holding `number`
    if given."""
    item: dict[str, Any] = {TASK_KEY: f"{TASK_ARN}-{size}-{number}", "padding": ""}
    if number is not None:
        item["number"] = number
    item["padding"] = "x" * (size - item_size(item))
    assert item_size(item) == size
    return item


def check(client: Any, table: str) -> list[Row]:
    reporting = Reporting(client)
    rows: list[Row] = []
    stored: dict[str, Any] | None = None
    deliveries = [
        (
            f"v{version} {status}",
            task_event(version, status, exit_code=0 if status == "STOPPED" else None),
        )
        for version, status in enumerate(LIFECYCLE, start=1)
    ]
    deliveries += [
        ("v6 again (duplicate)", deliveries[5][1]),
        ("v3 late (stale)", deliveries[2][1]),
    ]
    for label, event in deliveries:
        record = task_record(parse_event(event), retention_days=30)
        outcome = write_if_newer(reporting, table, TASK_KEY, record).outcome
        applied = outcome == "applied"
        rows.append(
            Row(
                label,
                outcome,
                item_size(record),
                write_units(max(item_size(record), item_size(stored) if stored else 0)),
                index_write_units(stored, record) if applied else 0,
                *_reported(reporting.last),
            )
        )
        if applied:
            stored = record
    for label, size, number in (
        ("1024 bytes", 1024, None),
        ("1025 bytes", 1025, None),
        ("1024 bytes with 1.5", 1024, Decimal("1.5")),
        ("1024 bytes with -7", 1024, Decimal(-7)),
    ):
        item = sized_item(size, number)
        reporting.put_item(
            TableName=table, Item={k: _serializer.serialize(v) for k, v in item.items()}
        )
        reported = _reported(reporting.last)
        rows.append(Row(label, "applied", size, write_units(size), 0, *reported))
    return rows


def metric_total(
    cloudwatch: Any, table: str, since: datetime, expected: float, wait: float
) -> float | None:
    """ConsumedWriteCapacityUnits of `table` since `since`: polled until it reaches
    `expected` or `wait` seconds pass, since CloudWatch fills it in over minutes (None if
    nothing arrived)."""
    deadline = time.monotonic() + wait
    total: float | None = None
    while True:
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/DynamoDB",
            MetricName="ConsumedWriteCapacityUnits",
            Dimensions=[{"Name": "TableName", "Value": table}],
            StartTime=since - timedelta(minutes=1),
            EndTime=datetime.now(UTC) + timedelta(minutes=1),
            Period=60,
            Statistics=["Sum"],
        )["Datapoints"]
        total = sum(p["Sum"] for p in points) if points else None
        if (total is not None and total >= expected) or time.monotonic() >= deadline:
            return total
        time.sleep(min(30.0, max(0.0, deadline - time.monotonic())))


def print_rows(rows: list[Row]) -> None:
    def shown(value: float | None) -> str:
        return "not reported" if value is None else f"{value:g}"

    print(
        "| write | outcome | item bytes | table units: predicted / reported "
        "| index units: predicted / reported | agrees |"
    )
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row.write} | {row.outcome} | {row.size} "
            f"| {row.table_predicted} / {shown(row.table_reported)} "
            f"| {row.index_predicted} / {shown(row.index_reported)} "
            f"| {'yes' if row.agrees else 'NO'} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", help="default: the environment's or profile's")
    parser.add_argument("--endpoint-url", help="a local emulator instead of AWS")
    parser.add_argument("--metrics-wait", type=float, default=0, metavar="SECONDS")
    args = parser.parse_args(argv)
    session = boto3.Session(region_name=args.region)
    client = session.client("dynamodb", endpoint_url=args.endpoint_url)
    table = f"ecs-events-units-check-{uuid.uuid4().hex[:8]}"
    started = datetime.now(UTC)
    try:
        create_table(client, table)
    except (BotoCoreError, ClientError) as error:
        print(f"check_units: could not create a table: {error}", file=sys.stderr)
        return 2
    try:
        rows = check(client, table)
        print_rows(rows)
        agrees = all(row.agrees for row in rows)
        if args.metrics_wait > 0:
            cloudwatch = session.client("cloudwatch", endpoint_url=args.endpoint_url)
            predicted = sum(row.table_predicted for row in rows)
            total = metric_total(cloudwatch, table, started, predicted, args.metrics_wait)
            print(
                f"\nCloudWatch ConsumedWriteCapacityUnits: predicted {predicted}, "
                f"reported {'nothing yet' if total is None else f'{total:g}'}"
            )
            agrees = agrees and total == predicted
    except (BotoCoreError, ClientError) as error:
        print(f"check_units: {error}", file=sys.stderr)
        return 2
    finally:
        try:
            client.delete_table(TableName=table)
            print(f"\nTable {table} deleted.")
        except (BotoCoreError, ClientError) as error:
            print(f"check_units: delete table {table} by hand: {error}", file=sys.stderr)
    print("Every figure agrees." if agrees else "Some figures differ (marked NO above).")
    return 0 if agrees else 1


if __name__ == "__main__":
    sys.exit(main())

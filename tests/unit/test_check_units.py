"""benchmarks/check_units.py, the script a maintainer runs on AWS to check the write units
the cost figures rest on: here against moto, which reports 1.0 per write and nothing for
indexes, so the script must say where the figures differ."""

from __future__ import annotations

from decimal import Decimal

import boto3
import pytest
from moto import mock_aws

from benchmarks import check_units
from benchmarks.units import write_units
from ecs_events.state import item_size


def test_sized_items_sit_on_either_side_of_the_one_kb_boundary() -> None:
    assert write_units(item_size(check_units.sized_item(1024))) == 1
    assert write_units(item_size(check_units.sized_item(1025))) == 2
    for number in (Decimal("1.5"), Decimal(-7)):
        assert item_size(check_units.sized_item(1024, number)) == 1024


def test_on_moto_every_write_is_checked_the_differences_named_and_the_table_deleted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with mock_aws():
        code = check_units.main(["--region", "us-west-2"])
        left = boto3.client("dynamodb", region_name="us-west-2").list_tables()["TableNames"]
    output = capsys.readouterr().out
    assert code == 1
    assert left == []
    rows = [line for line in output.splitlines() if line.startswith(("| v", "| 1024 ", "| 1025 "))]
    # six states, a duplicate, a stale state, 1024 and 1025 bytes, 1024 bytes with a number
    assert len(rows) == 12
    assert "| 1024 bytes with 1.5 | applied | 1024 | 1 / 1 | 0 / 0 | yes |" in output
    assert "| v6 again (duplicate) | duplicate |" in output
    assert "| v3 late (stale) | stale |" in output
    # moto bills the 1025-byte item one unit; DynamoDB's rule says two.
    assert "| 1025 bytes | applied | 1025 | 2 / 1 | 0 / 0 | NO |" in output
    # The first state enters the index: one unit predicted, none reported by moto.
    assert "| v1 PROVISIONING | applied |" in output and "| 1 / 0 | NO |" in output


def test_a_row_agrees_only_when_every_reported_figure_is_the_predicted_one() -> None:
    row = check_units.Row("w", "applied", 700, table_predicted=1, index_predicted=1)
    assert row.agrees  # nothing reported: a refused write
    row.table_reported, row.index_reported = 1.0, 1.0
    assert row.agrees
    row.index_reported = 0.0
    assert not row.agrees

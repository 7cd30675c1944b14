"""The query index's write units, by DynamoDB's rules (benchmarks/units.py): the figures the
docs/cli.md states, and the rules themselves on small cases."""

from typing import Any

import pytest

from benchmarks.index_designs import DESIGNS, design_index_units
from benchmarks.units import index_write_units, storage_cost_per_month, stored_bytes
from ecs_events.events import parse_event
from ecs_events.state import item_size, task_record
from ecs_events_cli.history import CLUSTER_INDEX_KEYS, CLUSTER_INDEX_PROJECTED
from tests.events import CONTAINER_INSTANCE_ARN, task_lifecycle

ONE_INDEX = (("i", "k", "r", ("p",)),)


def applied_life(events: list[dict[str, Any]]) -> list[tuple[dict | None, dict]]:
    """(stored before, written) for each state of a life delivered in order."""
    pairs, stored = [], None
    for event in events:
        record = task_record(parse_event(event), retention_days=30)
        pairs.append((stored, record))
        stored = record
    return pairs


def life_cost(events: list[dict[str, Any]]) -> int:
    return sum(index_write_units(before, after) for before, after in applied_life(events))


def test_a_fargate_task_life_costs_two_index_write_units() -> None:
    # Enters the cluster index with its first state; stoppedAt appears once, at STOPPED.
    assert life_cost(task_lifecycle()) == 2


def test_an_ec2_task_costs_the_same_two() -> None:
    events = task_lifecycle()
    for event in events:
        event["detail"]["containerInstanceArn"] = CONTAINER_INSTANCE_ARN
    assert life_cost(events) == 2


def test_a_task_first_seen_stopped_costs_one() -> None:
    assert life_cost(task_lifecycle()[-1:]) == 1


def test_a_state_with_unchanged_keys_and_projection_costs_nothing() -> None:
    records = [task_record(parse_event(e), retention_days=30) for e in task_lifecycle()]
    assert index_write_units(records[1], records[3]) == 0  # PENDING -> RUNNING


def test_a_key_change_is_a_delete_and_a_put() -> None:
    assert (
        index_write_units(
            {"taskArn": "t", "k": "a", "r": 1}, {"taskArn": "t", "k": "b", "r": 1}, ONE_INDEX
        )
        == 2
    )


def test_a_projected_change_is_one_write() -> None:
    before = {"taskArn": "t", "k": "a", "r": 1}
    assert index_write_units(before, {**before, "p": "x"}, ONE_INDEX) == 1


def test_an_unprojected_change_writes_no_index() -> None:
    before = {"taskArn": "t", "k": "a", "r": 1}
    assert index_write_units(before, {**before, "q": "x"}, ONE_INDEX) == 0


def test_leaving_a_sparse_index_is_one_write() -> None:
    before = {"taskArn": "t", "k": "a", "r": 1}
    assert index_write_units(before, {"taskArn": "t", "r": 1}, ONE_INDEX) == 1


def test_an_entry_over_a_kilobyte_costs_two_units() -> None:
    assert (
        index_write_units(None, {"taskArn": "t", "k": "a", "r": 1, "p": "x" * 1100}, ONE_INDEX) == 2
    )


def test_the_index_adds_no_attribute_to_a_record() -> None:
    # Keys and projections are attributes the record had before the index existed.
    record = task_record(parse_event(task_lifecycle()[-1]), retention_days=30)
    names = {*CLUSTER_INDEX_KEYS, *CLUSTER_INDEX_PROJECTED} - {"containerInstanceArn"}
    assert names <= set(record)


def test_a_cluster_index_entry_is_far_under_one_kilobyte() -> None:
    events = task_lifecycle()
    events[-1]["detail"]["containerInstanceArn"] = CONTAINER_INSTANCE_ARN
    record = task_record(parse_event(events[-1]), retention_days=30)
    names = ("taskArn", *CLUSTER_INDEX_KEYS, *CLUSTER_INDEX_PROJECTED)
    assert item_size({n: record[n] for n in names}) < 400


def test_each_index_design_weighed_costs_what_the_rules_give_for_a_task_life() -> None:
    life = applied_life(task_lifecycle())
    # Three indexes: the cluster index is rekeyed by every new updatedAt (a delete and a
    # put, 5 times) after entering; group enters once; the instance index never (Fargate).
    # The default: enters, then stoppedAt appears. Sparse pair: enters and leaves the
    # not-yet-stopped index, enters the stopped one. KEYS_ONLY: enters. None: nothing.
    assert [design_index_units(life, d) for d in DESIGNS] == [12, 2, 3, 1, 0]


def test_only_the_designs_that_answer_from_the_index_cost_two_or_more() -> None:
    life = applied_life(task_lifecycle())
    for design in DESIGNS:
        units = design_index_units(life, design)
        if design.answers_from_index == "all four":
            assert units >= 2, design.name
        else:
            assert units <= 1, design.name


def test_storage_counts_100_bytes_per_item_and_per_index_entry_it_has() -> None:
    item = {"taskArn": "t", "k": "a", "r": 1, "p": "x", "other": "y" * 50}
    entry = {"taskArn": "t", "k": "a", "r": 1, "p": "x"}
    assert stored_bytes(item) == item_size(item) + 100
    assert stored_bytes(item, ONE_INDEX) == item_size(item) + 100 + item_size(entry) + 100
    unindexed = {key: value for key, value in item.items() if key != "r"}
    assert stored_bytes(unindexed, ONE_INDEX) == item_size(unindexed) + 100


def test_a_gb_month_costs_what_400_000_write_units_cost() -> None:
    assert storage_cost_per_month(2**30) == pytest.approx(400_000)

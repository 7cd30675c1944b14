"""The query indexes' write units, computed by DynamoDB's rules (benchmarks/replay.py), for
one task's life delivered in order: the figure the README states."""

from benchmarks.replay import index_write_units
from ecs_events.events import parse_event
from ecs_events.state import task_record
from tests.events import CONTAINER_INSTANCE_ARN, task_lifecycle


def life_cost(events: list[dict]) -> int:
    total, stored = 0, None
    for event in events:
        record = task_record(parse_event(event), retention_days=30)
        total += index_write_units(stored, record)
        stored = record
    return total


def test_a_fargate_task_life_costs_twelve_index_write_units() -> None:
    # cluster index: 1 to enter, then 2 for each of 5 new states; group index: 1.
    assert life_cost(task_lifecycle()) == 12


def test_an_ec2_task_adds_one_for_the_container_instance_index() -> None:
    events = task_lifecycle()
    for event in events:
        event["detail"]["containerInstanceArn"] = CONTAINER_INSTANCE_ARN
    assert life_cost(events) == 13


def test_a_state_with_unchanged_keys_and_status_costs_nothing() -> None:
    record = task_record(parse_event(task_lifecycle()[3]), retention_days=30)
    assert index_write_units(record, dict(record)) == 0

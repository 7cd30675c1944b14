"""The side-by-side benchmark's parts: its streams are what benchmarks/README.md says they
are, and its invocation model and pricing follow the rules they cite (benchmarks/)."""

from collections import Counter
from typing import Any

import pytest

from benchmarks.side_by_side import Metered, invocations_per_1000
from benchmarks.stream import final_versions, hostile_stream, production_stream

TASKS = 200


def deliveries_per_task(stream: list[dict[str, Any]]) -> float:
    return len(stream) / len(final_versions(stream))


def test_production_stream_delivers_every_state_and_about_five_percent_twice() -> None:
    stream = production_stream(TASKS, seed=7)
    assert set(final_versions(stream).values()) == {6}
    repeats = len(stream) - len({id(event) for event in stream})
    assert 0.03 < repeats / len(stream) < 0.07


def test_production_stream_keeps_most_of_a_tasks_states_in_order() -> None:
    stream = production_stream(TASKS, seed=7)
    last: dict[str, int] = {}
    backwards = 0
    for event in stream:
        arn, version = event["detail"]["taskArn"], event["detail"]["version"]
        backwards += version < last.get(arn, 0)
        last[arn] = max(last.get(arn, 0), version)
    assert 0.05 < backwards / len(stream) < 0.2  # swapped neighbours and late repeats


def test_hostile_stream_repeats_about_half() -> None:
    stream = hostile_stream(TASKS, seed=7)
    assert deliveries_per_task(stream) == pytest.approx(9, rel=0.1)


def test_fast_events_fill_batches() -> None:
    assert invocations_per_1000(1000, batch_size=10, window=1.0, seed=7) == 100


def test_slow_events_go_alone_once_the_window_passes() -> None:
    # One event every 100 s on average: about 1 % arrive within a window of another.
    assert invocations_per_1000(0.01, batch_size=10, window=1.0, seed=7) > 975


class Refusing:
    """A client whose writes all fail their condition, as a stale delivery does."""

    def put_item(self, **_: Any) -> Any:
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "ConditionalCheckFailedException"}}, "PutItem")


def test_a_refused_write_is_billed_and_writes_no_index() -> None:
    metered = Metered(Refusing(), indexed_tables={"t"})
    item = {"taskArn": {"S": "arn"}, "cluster": {"S": "c"}, "createdAt": {"N": "1"}}
    with pytest.raises(Exception, match="ConditionalCheckFailed"):
        metered.put_item(TableName="t", Item=item)
    assert (metered.write, metered.index_write) == (1, 0)
    assert metered.requests == Counter({"PutItem": 1})


def test_with_a_sidecar_most_sample_items_pass_2_kb_and_every_record_fits_1_kb() -> None:
    from benchmarks.baseline import sample_item
    from ecs_events.events import parse_event
    from ecs_events.state import item_size, task_record

    stream = production_stream(20, seed=7, sidecar=True)
    assert all(len(event["detail"]["containers"]) == 2 for event in stream)
    over = [item_size(sample_item(event)) > 2048 for event in stream]
    assert sum(over) > len(stream) / 2  # three write units each in the sample
    assert max(item_size(task_record(parse_event(event), 90)) for event in stream) < 1024


def test_bridge_mode_lives_are_three_states_on_container_instances_without_an_eni() -> None:
    stream = production_stream(20, seed=7, bridge=True)
    lives: dict[str, set[str]] = {}
    for event in stream:
        detail = event["detail"]
        lives.setdefault(detail["taskArn"], set()).add(detail["lastStatus"])
        assert detail["launchType"] == "EC2" and detail["containerInstanceArn"]
        assert "attachments" not in detail
        assert all("networkInterfaces" not in c for c in detail["containers"])
    assert len(lives) == 20
    assert all(states == {"PENDING", "RUNNING", "STOPPED"} for states in lives.values())


def test_each_placement_and_departure_changes_its_instance_once_in_version_order() -> None:
    stream = production_stream(TASKS, seed=7, bridge=True, instance_events=True)
    tasks = [e for e in stream if e["detail-type"] == "ECS Task State Change"]
    instances = [e for e in stream if e["detail-type"] == "ECS Container Instance State Change"]
    assert (
        len({(e["detail"]["containerInstanceArn"], e["detail"]["version"]) for e in instances})
        == 2 * TASKS
    )
    versions: dict[str, list[int]] = {}
    for event in instances:
        detail = event["detail"]
        assert event["resources"] == [detail["containerInstanceArn"]]
        instance_cluster = detail["containerInstanceArn"].rsplit("/", 1)[0]
        assert detail["clusterArn"] == instance_cluster.replace("container-instance/", "cluster/")
        versions.setdefault(detail["containerInstanceArn"], []).append(detail["version"])
    for delivered in versions.values():
        assert sorted(set(delivered)) == list(range(1, max(delivered) + 1))
    # the tasks are the bridge stream's own, deliveries and all
    bridge = production_stream(TASKS, seed=7, bridge=True)
    key = lambda e: (e["detail"]["taskArn"], e["detail"]["version"])  # noqa: E731
    assert [key(e) for e in tasks] == [key(e) for e in bridge]


def test_the_sample_keeps_instances_in_a_table_of_their_own() -> None:
    import boto3
    from moto import mock_aws

    from benchmarks.baseline import TABLES, ReadThenWrite
    from benchmarks.side_by_side import fresh_tables

    event = production_stream(2, seed=7, bridge=True, instance_events=True)
    instance = next(e for e in event if e["detail-type"] != "ECS Task State Change")
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-west-2")
        fresh_tables(client, indexes=False)
        assert ReadThenWrite(client).process_event(instance) == "applied"
        stored = client.scan(TableName=TABLES["ECS Container Instance State Change"])["Items"]
    assert [item["containerInstanceArn"]["S"] for item in stored] == [
        instance["detail"]["containerInstanceArn"]
    ]

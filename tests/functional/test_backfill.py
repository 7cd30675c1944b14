"""The backfill under moto's ECS: tasks and container instances created there, read back
into moto's DynamoDB through the version guard.

moto 5.2's ECS gives no `version` (and no timestamps) for tasks or container instances,
so everything written here has no version: it may fill a gap, never replace a state the
handler stored. moto's list calls ignore maxResults (no nextToken), so small pages are
exercised here on the Describe calls and the nextToken loop with botocore's Stubber
(test_backfill_api.py). moto also moves a stopped task through DEACTIVATING, STOPPING...
as it is described, so tests look at desiredStatus.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from ecs_events.backfill import Backfill
from ecs_events.config import Settings
from ecs_events.handler import Processor
from tests.events import task_event
from tests.functional.conftest import REGION, RequestCounter
from tests.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE, stored_task

RUNNING_TASKS = 4
INSTANCES = 3


def register_instance(ecs: Any, ec2: Any, cluster: str) -> str:
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    document = json.dumps({"instanceId": instance["InstanceId"]})
    registered = ecs.register_container_instance(cluster=cluster, instanceIdentityDocument=document)
    return str(registered["containerInstance"]["containerInstanceArn"])


@pytest.fixture
def ecs(aws: None) -> Any:
    client = boto3.client("ecs", region_name=REGION)
    ec2 = boto3.client("ec2", region_name=REGION)
    client.create_cluster(clusterName="prod")
    for _ in range(INSTANCES):
        register_instance(client, ec2, "prod")
    client.register_task_definition(
        family="web", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}]
    )
    client.run_task(cluster="prod", taskDefinition="web", count=RUNNING_TASKS + 1)
    stopped = client.list_tasks(cluster="prod")["taskArns"][0]
    client.stop_task(cluster="prod", task=stopped, reason="scaled in")
    return client


@pytest.fixture
def ecs_requests(ecs: Any) -> RequestCounter:
    counter = RequestCounter()
    ecs.meta.events.register("before-call.ecs", counter)
    return counter


def backfill(ecs: Any, dynamodb: Any, **kwargs: Any) -> Backfill:
    return Backfill(ecs, dynamodb, TASK_TABLE, CONTAINER_INSTANCE_TABLE, **kwargs)


def items(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    from ecs_events_cli.history import scan_items

    return list(scan_items(dynamodb, table))


def stopped_arn(ecs: Any) -> str:
    return str(ecs.list_tasks(cluster="prod", desiredStatus="STOPPED")["taskArns"][0])


def test_every_running_and_recently_stopped_task_is_written(ecs, dynamodb) -> None:
    result = backfill(ecs, dynamodb).run("prod")
    assert result.tasks == {"applied": RUNNING_TASKS + 1}
    tasks = items(dynamodb, TASK_TABLE)
    assert sorted(t["desiredStatus"] for t in tasks) == ["RUNNING"] * RUNNING_TASKS + ["STOPPED"]
    assert {(t["cluster"], t["taskDefinition"], t["group"], t["eventId"]) for t in tasks} == {
        ("prod", "web:1", "family:web", "backfill")
    }


def test_states_without_a_version_are_stored_without_one(ecs, dynamodb) -> None:
    backfill(ecs, dynamodb).run("prod")
    assert all("version" not in t for t in items(dynamodb, TASK_TABLE))


def test_every_container_instance_is_written_with_its_cluster(ecs, dynamodb) -> None:
    result = backfill(ecs, dynamodb).run("prod")
    assert result.container_instances == {"applied": INSTANCES}
    instances = items(dynamodb, CONTAINER_INSTANCE_TABLE)
    assert {(i["cluster"], i["lastStatus"]) for i in instances} == {("prod", "ACTIVE")}
    assert all(i["ec2InstanceId"].startswith("i-") for i in instances)


def test_a_versioned_state_from_events_is_never_regressed(ecs, dynamodb) -> None:
    arn = stopped_arn(ecs)
    event = task_event(version=9, last_status="STOPPED", task_arn=arn, exit_code=0)
    processor = Processor(Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE), dynamodb)
    assert processor.process_event(event).name == "applied"
    result = backfill(ecs, dynamodb).run("prod")
    assert result.tasks == {"applied": RUNNING_TASKS, "stale": 1}
    stored = stored_task(dynamodb, arn)
    assert stored is not None
    assert (stored["version"], stored["eventId"], stored["taskDefinition"]) == (
        9,
        event["id"],
        "billing-report:7",
    )


def test_events_after_a_versionless_backfill_are_applied_not_stale(ecs, dynamodb) -> None:
    backfill(ecs, dynamodb).run("prod")
    processor = Processor(Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE), dynamodb)
    arns = [t["taskArn"] for t in items(dynamodb, TASK_TABLE)]
    outcomes = [
        processor.process_event(task_event(version=v, last_status=status, task_arn=arn)).name
        for arn in arns
        for v, status in ((3, "RUNNING"), (5, "STOPPED"))
    ]
    assert outcomes == ["applied"] * 2 * len(arns)
    assert {stored_task(dynamodb, arn)["version"] for arn in arns} == {5}  # type: ignore[index]


def test_a_second_run_writes_nothing_new(ecs, dynamodb) -> None:
    backfill(ecs, dynamodb).run("prod")
    again = backfill(ecs, dynamodb).run("prod")
    assert again.tasks == {"stale": RUNNING_TASKS + 1}
    assert again.container_instances == {"stale": INSTANCES}


def test_small_pages_describe_everything_a_page_at_a_time(ecs, dynamodb, ecs_requests) -> None:
    result = backfill(ecs, dynamodb, page_size=2).run("prod")
    assert result.tasks == {"applied": RUNNING_TASKS + 1}
    assert result.container_instances == {"applied": INSTANCES}
    assert ecs_requests["DescribeTasks"] == 3  # 5 tasks, 2 a request
    assert ecs_requests["DescribeContainerInstances"] == 2  # 3 instances, 2 a request


def test_requests_for_n_tasks_are_what_the_module_documents(
    ecs, dynamodb, ecs_requests, dynamodb_requests
) -> None:
    result = backfill(ecs, dynamodb).run("prod")
    assert dict(ecs_requests) == {
        "ListTasks": 2,  # desired RUNNING, desired STOPPED
        "DescribeTasks": 1,  # up to 100 tasks a request
        "ListContainerInstances": 1,
        "DescribeContainerInstances": 1,
    }
    assert dict(dynamodb_requests) == {
        "BatchGetItem": 2,  # the stored versions: one for the tasks, one for the instances
        "PutItem": RUNNING_TASKS + 1 + INSTANCES,  # nothing stored yet: every state is new
    }
    assert result.requests == {**ecs_requests, **dynamodb_requests}


def test_a_second_run_over_an_unchanged_cluster_only_reads(
    ecs, dynamodb, dynamodb_requests
) -> None:
    backfill(ecs, dynamodb).run("prod")
    dynamodb_requests.clear()
    backfill(ecs, dynamodb).run("prod")
    assert dict(dynamodb_requests) == {"BatchGetItem": 2}


def test_running_only_leaves_stopped_tasks_out(ecs, dynamodb, ecs_requests) -> None:
    result = backfill(ecs, dynamodb, include_stopped=False).run("prod")
    assert result.tasks == {"applied": RUNNING_TASKS}
    assert ecs_requests["ListTasks"] == 1
    assert stored_task(dynamodb, stopped_arn(ecs)) is None


def test_progress_counts_up_to_every_task_and_instance(ecs, dynamodb) -> None:
    seen: list[tuple[int, int]] = []
    backfill(ecs, dynamodb, page_size=2).run("prod", lambda d, t, _: seen.append((d, t)))
    total = RUNNING_TASKS + 1 + INSTANCES
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_page_size_outside_the_api_limit_is_refused(ecs, dynamodb) -> None:
    with pytest.raises(ValueError, match="page_size must be 1-100"):
        backfill(ecs, dynamodb, page_size=101)

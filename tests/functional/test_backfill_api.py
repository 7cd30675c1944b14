"""The backfill against the real ECS API's shapes: botocore's Stubber answers with
DescribeTasks / DescribeContainerInstances responses as the API reference documents them
(with `version`, timestamps, nextToken), moto's DynamoDB stores the result."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from devkit.events import ACCOUNT, REGION, task_event
from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE, stored_task
from ecs_events.backfill import Backfill, Throttled, backfill_retry
from ecs_events.config import Settings
from ecs_events.handler import Processor

CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/production"
TASK_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/production/1dc5c17a422548149a9c7ad8a5bbd6c2"
INSTANCE_ARN = (
    f"arn:aws:ecs:{REGION}:{ACCOUNT}:container-instance/production/5a9f2b4e8c1d4f7a9e3b6c0d"
)


def described_task(version: int, last_status: str = "STOPPED") -> dict[str, Any]:
    """A task as DescribeTasks returns it (API reference, Task data type)."""
    stopped = last_status == "STOPPED"
    task: dict[str, Any] = {
        "taskArn": TASK_ARN,
        "clusterArn": CLUSTER_ARN,
        "taskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/etl:12",
        "containerInstanceArn": INSTANCE_ARN,
        "availabilityZone": f"{REGION}b",
        "lastStatus": last_status,
        "desiredStatus": "STOPPED" if stopped else "RUNNING",
        "cpu": "512",
        "memory": "1024",
        "group": "family:etl",
        "startedBy": "ecs-svc/9223370481215542",
        "launchType": "EC2",
        "version": version,
        "createdAt": datetime(2026, 11, 21, 1, 0, 0, 250000, tzinfo=UTC),
        "pullStartedAt": datetime(2026, 11, 21, 1, 0, 2, tzinfo=UTC),
        "pullStoppedAt": datetime(2026, 11, 21, 1, 0, 9, tzinfo=UTC),
        "startedAt": datetime(2026, 11, 21, 1, 0, 11, tzinfo=UTC),
        "attachments": [],
        "overrides": {
            "containerOverrides": [
                {"name": "etl", "environment": [{"name": "TOKEN", "value": "secret"}]}
            ]
        },
        "containers": [
            {
                "containerArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:container/production/1dc5/etl",
                "taskArn": TASK_ARN,
                "name": "etl",
                "image": "public.ecr.aws/example/etl:4.2",
                "lastStatus": last_status,
                "networkBindings": [],
                "networkInterfaces": [],
                "healthStatus": "UNKNOWN",
                "cpu": "512",
            }
        ],
    }
    if stopped:
        task.update(
            stopCode="EssentialContainerExited",
            stoppedReason="Essential container in task exited",
            stoppingAt=datetime(2026, 11, 21, 1, 5, 0, tzinfo=UTC),
            executionStoppedAt=datetime(2026, 11, 21, 1, 5, 1, tzinfo=UTC),
            stoppedAt=datetime(2026, 11, 21, 1, 5, 30, tzinfo=UTC),
        )
        task["containers"][0].update(exitCode=2, reason="input file missing")
    return task


def described_instance(version: int) -> dict[str, Any]:
    """A container instance as DescribeContainerInstances returns it (ContainerInstance)."""
    return {
        "containerInstanceArn": INSTANCE_ARN,
        "ec2InstanceId": "i-0fedcba9876543210",
        "version": version,
        "versionInfo": {"agentVersion": "1.89.1", "dockerVersion": "DockerVersion: 25.0.8"},
        "remainingResources": [{"name": "CPU", "type": "INTEGER", "integerValue": 1536}],
        "registeredResources": [{"name": "CPU", "type": "INTEGER", "integerValue": 2048}],
        "status": "ACTIVE",
        "agentConnected": True,
        "runningTasksCount": 1,
        "pendingTasksCount": 0,
        "registeredAt": datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        "attributes": [{"name": "ecs.os-type", "value": "linux"}],
    }


class FakeSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def ecs() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("ecs", region_name=REGION)
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def expect_listing(
    stubber: Stubber,
    running: list[list[str]],
    stopped: list[str] | None = None,
    instances: list[str] | None = None,
) -> None:
    """ListTasks pages (desired RUNNING, chained by nextToken), then STOPPED, then instances."""
    running = running or [[]]
    for number, page in enumerate(running):
        response: dict[str, Any] = {"taskArns": page}
        params: dict[str, Any] = {
            "cluster": "production",
            "maxResults": 100,
            "desiredStatus": "RUNNING",
        }
        if number + 1 < len(running):
            response["nextToken"] = f"token-{number + 1}"
        if number:
            params["nextToken"] = f"token-{number}"
        stubber.add_response("list_tasks", response, params)
    stubber.add_response(
        "list_tasks",
        {"taskArns": stopped or []},
        {"cluster": "production", "maxResults": 100, "desiredStatus": "STOPPED"},
    )
    stubber.add_response(
        "list_container_instances",
        {"containerInstanceArns": instances or []},
        {"cluster": "production", "maxResults": 100},
    )


def run(
    ecs_client: Any, dynamodb: Any, sleep: FakeSleep | None = None, max_attempts: int = 6
) -> Any:
    backfill = Backfill(
        ecs_client,
        dynamodb,
        TASK_TABLE,
        CONTAINER_INSTANCE_TABLE,
        retry=backfill_retry(attempts=max_attempts, sleep=sleep or FakeSleep()),
    )
    return backfill.run("production")


def store_event(dynamodb: Any, version: int, status: str) -> None:
    processor = Processor(Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE), dynamodb)
    event = task_event(version=version, last_status=status, task_arn=TASK_ARN)
    assert processor.process_event(event).name == "applied"


def test_the_api_version_is_stored_with_the_state(ecs, dynamodb) -> None:
    client, stubber = ecs
    expect_listing(stubber, running=[], stopped=[TASK_ARN])
    stubber.add_response("describe_tasks", {"tasks": [described_task(version=7)], "failures": []})
    assert run(client, dynamodb).tasks == {"applied": 1}
    stored = stored_task(dynamodb, TASK_ARN)
    assert stored is not None
    assert (stored["version"], stored["lastStatus"], stored["cluster"]) == (
        7,
        "STOPPED",
        "production",
    )
    assert stored["createdAt"] == 1795222800250  # 2026-11-21T01:00:00.25Z
    assert stored["containers"][0]["exitCode"] == 2
    assert "overrides" not in stored and "secret" not in repr(stored)


def test_the_latest_lifecycle_moment_stands_in_for_updated_at(ecs, dynamodb) -> None:
    """DescribeTasks has no updatedAt; `ecs-events tasks` sorts and filters on it."""
    client, stubber = ecs
    expect_listing(stubber, running=[[TASK_ARN]])
    running = described_task(version=4, last_status="RUNNING")
    stubber.add_response("describe_tasks", {"tasks": [running], "failures": []})
    run(client, dynamodb)
    stored = stored_task(dynamodb, TASK_ARN)
    assert stored is not None and stored["updatedAt"] == stored["startedAt"] == 1795222811000


def test_a_newer_api_state_replaces_an_older_event_state(ecs, dynamodb) -> None:
    store_event(dynamodb, version=3, status="RUNNING")
    client, stubber = ecs
    expect_listing(stubber, running=[], stopped=[TASK_ARN])
    stubber.add_response("describe_tasks", {"tasks": [described_task(version=7)], "failures": []})
    assert run(client, dynamodb).tasks == {"applied": 1}
    stored = stored_task(dynamodb, TASK_ARN)
    assert stored is not None and (stored["version"], stored["lastStatus"]) == (7, "STOPPED")


def test_an_older_api_state_never_replaces_a_newer_event_state(ecs, dynamodb) -> None:
    store_event(dynamodb, version=6, status="STOPPED")
    client, stubber = ecs
    expect_listing(stubber, running=[[TASK_ARN]])
    running = described_task(version=4, last_status="RUNNING")
    stubber.add_response("describe_tasks", {"tasks": [running], "failures": []})
    assert run(client, dynamodb).tasks == {"stale": 1}
    stored = stored_task(dynamodb, TASK_ARN)
    assert stored is not None and (stored["version"], stored["lastStatus"]) == (6, "STOPPED")


def test_the_same_version_again_is_a_duplicate(ecs, dynamodb) -> None:
    store_event(dynamodb, version=6, status="STOPPED")
    client, stubber = ecs
    expect_listing(stubber, running=[], stopped=[TASK_ARN])
    stubber.add_response("describe_tasks", {"tasks": [described_task(version=6)], "failures": []})
    assert run(client, dynamodb).tasks == {"duplicate": 1}


def test_list_pages_are_followed_by_next_token(ecs, dynamodb) -> None:
    client, stubber = ecs
    arns = [f"{TASK_ARN[:-4]}{n:04d}" for n in range(3)]
    expect_listing(stubber, running=[arns[:2], arns[2:]])
    described = [{**described_task(version=5, last_status="RUNNING"), "taskArn": a} for a in arns]
    stubber.add_response(
        "describe_tasks",
        {"tasks": described, "failures": []},
        {"cluster": "production", "tasks": arns},
    )
    result = run(client, dynamodb)
    assert result.tasks == {"applied": 3}
    assert result.requests["ListTasks"] == 3  # two RUNNING pages, one STOPPED


def test_tasks_ecs_no_longer_knows_are_counted_missing(ecs, dynamodb) -> None:
    client, stubber = ecs
    expect_listing(stubber, running=[[TASK_ARN]])
    failure = {"arn": TASK_ARN, "reason": "MISSING"}
    stubber.add_response("describe_tasks", {"tasks": [], "failures": [failure]})
    assert run(client, dynamodb).tasks == {"missing": 1}


def test_container_instance_version_and_cluster_come_from_the_api(ecs, dynamodb) -> None:
    client, stubber = ecs
    expect_listing(stubber, running=[], instances=[INSTANCE_ARN])
    stubber.add_response(
        "describe_container_instances",
        {"containerInstances": [described_instance(version=31)], "failures": []},
        {"cluster": "production", "containerInstances": [INSTANCE_ARN]},
    )
    assert run(client, dynamodb).container_instances == {"applied": 1}
    item = dynamodb.get_item(
        TableName=CONTAINER_INSTANCE_TABLE,
        Key={"containerInstanceArn": {"S": INSTANCE_ARN}},
    )["Item"]
    assert (item["version"], item["cluster"], item["lastStatus"]) == (
        {"N": "31"},
        {"S": "production"},
        {"S": "ACTIVE"},
    )


def test_throttling_is_retried_with_growing_backoff(ecs, dynamodb) -> None:
    client, stubber = ecs
    expect_listing(stubber, running=[], stopped=[TASK_ARN])
    for _ in range(2):
        stubber.add_client_error("describe_tasks", "ThrottlingException", "Rate exceeded", 400)
    stubber.add_response("describe_tasks", {"tasks": [described_task(version=7)], "failures": []})
    sleep = FakeSleep()
    result = run(client, dynamodb, sleep)
    assert result.tasks == {"applied": 1}
    assert (result.requests["DescribeTasks"], result.requests["throttled"]) == (3, 2)
    # Jittered exponential backoff: attempt n waits between 0.25 * 2**n and 0.5 * 2**n s.
    assert 0.25 <= sleep.waits[0] <= 0.5 and 0.5 <= sleep.waits[1] <= 1.0


def test_throttling_that_outlasts_the_retries_stops_the_run(ecs, dynamodb) -> None:
    client, stubber = ecs
    expect_listing(stubber, running=[], stopped=[TASK_ARN])
    for _ in range(3):
        stubber.add_client_error("describe_tasks", "ThrottlingException", "Rate exceeded", 400)
    with pytest.raises(Throttled, match="DescribeTasks still throttled after 3 attempts"):
        run(client, dynamodb, max_attempts=3)


def test_a_server_fault_is_retried_like_throttling_and_counted_apart(ecs, dynamodb) -> None:
    client, stubber = ecs
    expect_listing(stubber, running=[], stopped=[TASK_ARN])
    stubber.add_client_error("describe_tasks", "ServerException", "try again", 500)
    stubber.add_response("describe_tasks", {"tasks": [described_task(version=7)], "failures": []})
    result = run(client, dynamodb)
    assert result.tasks == {"applied": 1}
    assert (result.requests["retried"], result.requests["throttled"]) == (1, 0)


def test_other_errors_are_not_retried(ecs, dynamodb) -> None:
    client, stubber = ecs
    stubber.add_client_error("list_tasks", "AccessDeniedException", "not allowed", 400)
    sleep = FakeSleep()
    with pytest.raises(client.exceptions.ClientError, match="AccessDenied"):
        run(client, dynamodb, sleep)
    assert sleep.waits == []


class DynamoDBWithReadHook:
    """moto's DynamoDB, with something done to each BatchGetItem: its answer replaced, or
    an event stored between the read and the backfill's write."""

    def __init__(self, client: Any, hook: Any) -> None:
        self.client, self.hook = client, hook

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def batch_get_item(self, **request: Any) -> Any:
        return self.hook(self.client, request)


def test_a_state_the_table_already_holds_costs_a_read_and_no_write(ecs, dynamodb) -> None:
    store_event(dynamodb, version=6, status="STOPPED")
    client, stubber = ecs
    expect_listing(stubber, running=[], stopped=[TASK_ARN])
    stubber.add_response("describe_tasks", {"tasks": [described_task(version=6)], "failures": []})
    result = run(client, dynamodb)
    assert result.tasks == {"duplicate": 1}
    assert result.requests["BatchGetItem"] == 1 and "PutItem" not in result.requests


def test_an_event_stored_between_the_read_and_the_write_still_wins(ecs, dynamodb) -> None:
    store_event(dynamodb, version=3, status="RUNNING")

    def read_then_event_arrives(real: Any, request: Any) -> Any:
        answer = real.batch_get_item(**request)
        store_event(real, version=9, status="STOPPED")
        return answer

    client, stubber = ecs
    expect_listing(stubber, running=[], stopped=[TASK_ARN])
    stubber.add_response("describe_tasks", {"tasks": [described_task(version=7)], "failures": []})
    result = run(client, DynamoDBWithReadHook(dynamodb, read_then_event_arrives))
    assert result.tasks == {"stale": 1}  # the read said 3, the guard saw 9
    stored = stored_task(dynamodb, TASK_ARN)
    assert stored is not None and stored["version"] == 9


def test_keys_the_read_leaves_unprocessed_are_written_under_the_guard(ecs, dynamodb) -> None:
    store_event(dynamodb, version=3, status="RUNNING")

    def nothing_processed(real: Any, request: Any) -> Any:
        return {"Responses": {}, "UnprocessedKeys": request["RequestItems"]}

    client, stubber = ecs
    expect_listing(stubber, running=[], stopped=[TASK_ARN], instances=[INSTANCE_ARN])
    stubber.add_response("describe_tasks", {"tasks": [described_task(version=7)], "failures": []})
    stubber.add_response(
        "describe_container_instances",
        {"containerInstances": [described_instance(version=12)], "failures": []},
    )
    result = run(client, DynamoDBWithReadHook(dynamodb, nothing_processed))
    assert result.tasks == {"applied": 1} and result.container_instances == {"applied": 1}
    stored = stored_task(dynamodb, TASK_ARN)
    assert stored is not None and stored["version"] == 7


def test_a_refused_read_falls_back_to_guarded_writes_and_says_so(ecs, dynamodb) -> None:
    store_event(dynamodb, version=6, status="STOPPED")

    def access_denied(real: Any, request: Any) -> Any:
        raise real.exceptions.ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "no BatchGetItem"}},
            "BatchGetItem",
        )

    client, stubber = ecs
    expect_listing(stubber, running=[], stopped=[TASK_ARN])
    stubber.add_response("describe_tasks", {"tasks": [described_task(version=6)], "failures": []})
    result = run(client, DynamoDBWithReadHook(dynamodb, access_denied))
    assert result.tasks == {"duplicate": 1}  # the write's guard answered instead
    assert result.requests["BatchGetItem failed"] == 1 and result.requests["PutItem"] == 1

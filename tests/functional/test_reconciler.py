"""The scheduled reconciler's entry point under moto's ECS and DynamoDB."""

from __future__ import annotations

import json
import logging
from typing import Any

import boto3
import pytest

from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE
from ecs_events import reconciler
from ecs_events.config import ConfigurationError
from tests.functional.conftest import REGION

ENV = {"TASK_TABLE_NAME": TASK_TABLE, "CONTAINER_INSTANCE_TABLE_NAME": CONTAINER_INSTANCE_TABLE}


@pytest.fixture
def ecs(aws: None) -> Any:
    client = boto3.client("ecs", region_name=REGION)
    client.register_task_definition(
        family="nightly", containerDefinitions=[{"name": "job", "image": "busybox", "memory": 64}]
    )
    for cluster, tasks in (("blue", 2), ("green", 1)):
        arn = client.create_cluster(clusterName=cluster)["cluster"]["clusterArn"]
        client.run_task(cluster=arn, taskDefinition="nightly", count=tasks, launchType="FARGATE")
    return client


@pytest.fixture
def clients(ecs: Any, dynamodb: Any) -> reconciler.Clients:
    return reconciler.Clients(ecs, dynamodb)


def cluster_arn(name: str) -> str:
    return f"arn:aws:ecs:{REGION}:123456789012:cluster/{name}"


def clusters_in_table(dynamodb: Any) -> list[str]:
    items = dynamodb.scan(TableName=TASK_TABLE)["Items"]
    return sorted(item["cluster"]["S"] for item in items)


def test_configured_clusters_are_reconciled_and_no_others(clients, dynamodb) -> None:
    results = reconciler.reconcile({**ENV, "CLUSTER_ARNS": cluster_arn("blue")}, clients)
    assert [(r.cluster, dict(r.tasks)) for r in results] == [(cluster_arn("blue"), {"applied": 2})]
    assert clusters_in_table(dynamodb) == ["blue", "blue"]


def test_no_clusters_configured_means_every_cluster_in_the_region(clients, dynamodb) -> None:
    results = reconciler.reconcile({**ENV, "CLUSTER_ARNS": ""}, clients)
    assert sorted(r.cluster for r in results) == [cluster_arn("blue"), cluster_arn("green")]
    assert clusters_in_table(dynamodb) == ["blue", "blue", "green"]


def test_a_failing_cluster_does_not_stop_the_others_but_fails_the_run(
    clients, dynamodb, caplog
) -> None:
    env = {**ENV, "CLUSTER_ARNS": f"{cluster_arn('gone')}, {cluster_arn('green')}"}
    with (
        caplog.at_level(logging.INFO, logger="ecs_events"),
        pytest.raises(reconciler.ReconcileFailed, match="cluster/gone"),
    ):
        reconciler.reconcile(env, clients)
    assert clusters_in_table(dynamodb) == ["green"]
    outcomes = {(r.outcome, r.cluster) for r in caplog.records}  # type: ignore[attr-defined]
    assert outcomes == {("failed", cluster_arn("gone")), ("reconciled", cluster_arn("green"))}


def test_each_cluster_logs_one_line_with_its_counts(clients, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="ecs_events"):
        reconciler.reconcile({**ENV, "CLUSTER_ARNS": cluster_arn("green")}, clients)
    (line,) = caplog.records
    assert line.tasks == {"applied": 1}  # type: ignore[attr-defined]
    assert line.requests["PutItem"] == 1  # type: ignore[attr-defined]


def test_missing_tables_are_a_configuration_error(clients) -> None:
    with pytest.raises(ConfigurationError, match="TASK_TABLE_NAME"):
        reconciler.reconcile({"CLUSTER_ARNS": cluster_arn("blue")}, clients)


def test_lambda_handler_returns_a_json_summary_per_cluster(
    clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {**ENV, "CLUSTER_ARNS": cluster_arn("blue")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(reconciler, "default_clients", lambda: clients)
    response = reconciler.lambda_handler({"source": "ecs-events.reconciler"}, None)
    (summary,) = json.loads(json.dumps(response))["clusters"]
    assert summary["tasks"] == {"applied": 2}
    assert summary["requests"]["DescribeTasks"] == 1


def test_clients_retry_throttling_in_botocore_standard_mode() -> None:
    reconciler.default_clients.cache_clear()
    try:
        clients = reconciler.default_clients()
        for client in (clients.ecs, clients.dynamodb):
            # botocore's max_attempts counts retries: 8 retries is 9 attempts in all.
            assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 9}
    finally:
        reconciler.default_clients.cache_clear()


class ThrottledListings:
    """moto's ECS, but ListTasks is always throttled; counts the calls."""

    def __init__(self, client: Any) -> None:
        self.client, self.list_calls = client, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def list_tasks(self, **request: Any) -> Any:
        self.list_calls += 1
        raise self.client.exceptions.ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "ListTasks"
        )


def test_no_retry_waits_into_the_last_seconds_of_the_invocation(ecs, dynamodb) -> None:
    throttled = ThrottledListings(ecs)
    clients = reconciler.Clients(throttled, dynamodb)
    env = {**ENV, "CLUSTER_ARNS": cluster_arn("green")}
    with pytest.raises(reconciler.ReconcileFailed, match="cluster/green"):
        reconciler.reconcile(env, clients, remaining=lambda: 4.0)  # under the 5 s reserve
    assert throttled.list_calls == 1

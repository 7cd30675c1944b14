"""`ecs-events backfill` across accounts: a member cluster read through its read role,
under moto, whose STS credentials act in the assumed role's account."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE
from ecs_events.accounts import EcsClients
from ecs_events_cli import main as cli
from tests.functional.conftest import REGION

ENV = {"TASK_TABLE_NAME": TASK_TABLE, "CONTAINER_INSTANCE_TABLE_NAME": CONTAINER_INSTANCE_TABLE}
MEMBER = "444455556666"
ROLE = f"arn:aws:iam::{MEMBER}:role/ecs-events-read"
OTHER_REGION = "eu-west-1"
CLUSTER = f"arn:aws:ecs:{OTHER_REGION}:{MEMBER}:cluster/payments"


@pytest.fixture
def member_cluster(dynamodb: Any) -> Any:
    """payments, 2 tasks, in the member account's other region; nothing in our own."""

    def make(service: str, region: str, keys: dict[str, str] | None) -> Any:
        return boto3.client(service, region_name=region, **(keys or {}))

    ecs = EcsClients(boto3.client("sts", region_name=REGION), make)(ROLE, OTHER_REGION)
    ecs.register_task_definition(
        family="pay", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64}]
    )
    ecs.create_cluster(clusterName="payments")
    ecs.run_task(cluster="payments", taskDefinition="pay", count=2, launchType="FARGATE")
    return dynamodb


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main([*argv[:1], "--region", REGION, *argv[1:]], env=dict(ENV))
    out, err = capsys.readouterr()
    return code, out, err


def stored_accounts(dynamodb: Any) -> list[tuple[str, str]]:
    items = dynamodb.scan(TableName=TASK_TABLE)["Items"]
    return sorted((i["taskArn"]["S"].split(":")[4], i["taskArn"]["S"].split(":")[3]) for i in items)


@pytest.mark.parametrize(
    "how", [["--role-arn", ROLE], ["--role-name", "ecs-events-read", "--account", MEMBER]]
)
def test_backfill_reads_a_member_cluster_through_its_read_role(
    member_cluster, capsys, how: list[str]
) -> None:
    code, out, err = run(capsys, "backfill", "--cluster", CLUSTER, *how, "--no-progress")
    assert (code, err) == (0, "")
    assert "tasks                2: applied 2" in out
    assert stored_accounts(member_cluster) == [(MEMBER, OTHER_REGION)] * 2


def test_without_the_role_the_member_cluster_is_not_found(member_cluster, capsys) -> None:
    code, _, err = run(capsys, "backfill", "--cluster", CLUSTER, "--no-progress")
    assert code == 3 and "needs that account's --role-arn" in err  # AWS: no such cluster
    assert stored_accounts(member_cluster) == []


def test_accounts_without_a_role_name_are_a_usage_error(dynamodb, capsys) -> None:
    code, _, err = run(capsys, "backfill", "--cluster", CLUSTER, "--account", MEMBER)
    assert code == 2
    assert "--role-name with --account" in err

"""The reconciler across a fleet: member accounts read through their read role, under
moto, whose STS hands out credentials that act in the assumed role's account."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE
from ecs_events import reconciler
from ecs_events.accounts import EcsClients
from tests.functional.conftest import REGION

CENTRAL = "123456789012"  # moto's default account: the reconciler's own
MEMBER = "444455556666"
MEMBER_ROLE = f"arn:aws:iam::{MEMBER}:role/ecs-events-read"
OTHER_REGION = "eu-west-1"
ENV = {
    "TASK_TABLE_NAME": TASK_TABLE,
    "CONTAINER_INSTANCE_TABLE_NAME": CONTAINER_INSTANCE_TABLE,
    "AWS_REGION": REGION,
}


def make_client(service: str, region: str, credentials: dict[str, str] | None) -> Any:
    return boto3.client(service, region_name=region, **(credentials or {}))


class CountingSts:
    """moto's STS, counting AssumeRole calls and refusing the roles in `refuse`."""

    def __init__(self, refuse: frozenset[str] = frozenset()) -> None:
        self.sts = boto3.client("sts", region_name=REGION)
        self.refuse = refuse
        self.assumed: list[str] = []

    def assume_role(self, **kwargs: Any) -> Any:
        self.assumed.append(kwargs["RoleArn"])
        if kwargs["RoleArn"] in self.refuse:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "AssumeRole")
        return self.sts.assume_role(**kwargs)


def start_tasks(ecs: Any, cluster: str, count: int) -> None:
    ecs.register_task_definition(
        family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 64}]
    )
    arn = ecs.create_cluster(clusterName=cluster)["cluster"]["clusterArn"]
    ecs.run_task(cluster=arn, taskDefinition="web", count=count, launchType="FARGATE")


@pytest.fixture
def fleet(aws: None, dynamodb: Any) -> Any:
    """blue (1 task) in the central account; payments in the member account in two
    regions (2 tasks in REGION, 1 in OTHER_REGION)."""
    start_tasks(boto3.client("ecs", region_name=REGION), "blue", 1)
    member = EcsClients(boto3.client("sts", region_name=REGION), make_client)
    start_tasks(member(MEMBER_ROLE, REGION), "payments", 2)
    start_tasks(member(MEMBER_ROLE, OTHER_REGION), "payments", 1)
    return dynamodb


def clients(dynamodb: Any, sts: CountingSts) -> reconciler.Clients:
    return reconciler.Clients(
        boto3.client("ecs", region_name=REGION), dynamodb, lambda: EcsClients(sts, make_client)
    )


def stored(dynamodb: Any) -> list[tuple[str, str, str]]:
    """(account, region, cluster) of every stored task, from its ARN and record."""
    items = dynamodb.scan(TableName=TASK_TABLE)["Items"]
    rows = [
        (i["taskArn"]["S"].split(":")[4], i["taskArn"]["S"].split(":")[3], i["cluster"]["S"])
        for i in items
    ]
    return sorted(rows)


def test_every_cluster_of_every_member_region_lands_in_one_table(fleet) -> None:
    sts = CountingSts()
    env = {**ENV, "MEMBER_ROLE_ARNS": MEMBER_ROLE, "MEMBER_REGIONS": f"{REGION},{OTHER_REGION}"}
    reconciler.reconcile(env, clients(fleet, sts))
    assert stored(fleet) == [
        (CENTRAL, REGION, "blue"),
        (MEMBER, OTHER_REGION, "payments"),
        (MEMBER, REGION, "payments"),
        (MEMBER, REGION, "payments"),
    ]


def test_the_member_role_is_assumed_once_per_run_for_all_its_regions(fleet) -> None:
    sts = CountingSts()
    env = {**ENV, "MEMBER_ROLE_ARNS": MEMBER_ROLE, "MEMBER_REGIONS": f"{REGION},{OTHER_REGION}"}
    reconciler.reconcile(env, clients(fleet, sts))
    assert sts.assumed == [MEMBER_ROLE]


def test_a_named_member_cluster_is_read_through_its_account_role_only(fleet) -> None:
    sts = CountingSts()
    cluster = f"arn:aws:ecs:{OTHER_REGION}:{MEMBER}:cluster/payments"
    env = {**ENV, "MEMBER_ROLE_ARNS": MEMBER_ROLE, "CLUSTER_ARNS": cluster}
    results = reconciler.reconcile(env, clients(fleet, sts))
    assert [(r.cluster, dict(r.tasks)) for r in results] == [(cluster, {"applied": 1})]
    assert stored(fleet) == [(MEMBER, OTHER_REGION, "payments")]
    assert sts.assumed == [MEMBER_ROLE]


def test_without_member_roles_only_the_own_account_is_read(fleet) -> None:
    sts = CountingSts()
    reconciler.reconcile(ENV, clients(fleet, sts))
    assert stored(fleet) == [(CENTRAL, REGION, "blue")]
    assert sts.assumed == []


def test_a_member_that_refuses_the_role_fails_the_run_after_the_others(fleet) -> None:
    refused = "arn:aws:iam::777788889999:role/ecs-events-read"
    sts = CountingSts(refuse=frozenset({refused}))
    env = {**ENV, "MEMBER_ROLE_ARNS": f"{refused},{MEMBER_ROLE}", "MEMBER_REGIONS": REGION}
    with pytest.raises(reconciler.ReconcileFailed, match="777788889999"):
        reconciler.reconcile(env, clients(fleet, sts))
    assert stored(fleet) == [
        (CENTRAL, REGION, "blue"),
        (MEMBER, REGION, "payments"),
        (MEMBER, REGION, "payments"),
    ]

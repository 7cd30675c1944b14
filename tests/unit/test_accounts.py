"""Which credentials read which cluster in a fleet (ecs_events.accounts.plan)."""

from __future__ import annotations

import pytest

from ecs_events.accounts import Target, member_role_arns, plan

OWN = "111122223333"
MEMBER = "444455556666"
ROLE = f"arn:aws:iam::{MEMBER}:role/ecs-events-read"


def cluster(account: str, region: str, name: str) -> str:
    return f"arn:aws:ecs:{region}:{account}:cluster/{name}"


def test_named_clusters_are_grouped_by_account_role_and_region() -> None:
    clusters = [
        cluster(OWN, "eu-west-1", "a"),
        cluster(MEMBER, "eu-west-1", "b"),
        cluster(MEMBER, "us-east-1", "c"),
        cluster(MEMBER, "eu-west-1", "d"),
    ]
    assert plan(clusters, [ROLE], [], "eu-west-1") == [
        Target(None, "eu-west-1", (clusters[0],)),
        Target(ROLE, "eu-west-1", (clusters[1], clusters[3])),
        Target(ROLE, "us-east-1", (clusters[2],)),
    ]


def test_a_cluster_of_an_account_without_a_role_is_read_with_own_credentials() -> None:
    elsewhere = cluster("999988887777", "eu-west-1", "x")
    assert plan([elsewhere], [ROLE], [], "eu-west-1") == [Target(None, "eu-west-1", (elsewhere,))]


def test_no_cluster_named_lists_own_region_and_each_member_region() -> None:
    assert plan([], [ROLE], ["eu-west-1", "us-east-1"], "eu-west-1") == [
        Target(None, "eu-west-1", None),
        Target(ROLE, "eu-west-1", None),
        Target(ROLE, "us-east-1", None),
    ]


def test_member_regions_default_to_the_own_region() -> None:
    assert plan([], [ROLE], [], "ap-south-1") == [
        Target(None, "ap-south-1", None),
        Target(ROLE, "ap-south-1", None),
    ]


def test_a_role_name_and_accounts_make_role_arns() -> None:
    assert member_role_arns([ROLE], "reader", ["222233334444"], partition="aws-cn") == [
        ROLE,
        "arn:aws-cn:iam::222233334444:role/reader",
    ]


def test_accounts_without_a_role_name_are_refused() -> None:
    with pytest.raises(ValueError, match="name of the read role"):
        member_role_arns([], None, ["222233334444"])


def test_a_non_role_arn_is_refused() -> None:
    with pytest.raises(ValueError, match="not an IAM role ARN"):
        member_role_arns(["arn:aws:iam::222233334444:user/bob"])

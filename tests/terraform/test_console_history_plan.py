"""Plans of the ECS console's History capture (modules/console_history): in examples/complete
for the central account's clusters, in examples/fleet for a member's, and the root module's
switches. Patterns are judged by localstack-core's rule engine, as in test_event_patterns."""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any

import pytest

from devkit.events import (
    container_instance_event,
    deployment_event,
    service_action_event,
    task_event,
)
from devkit.plan import Plan
from devkit.terraform import REPO_ROOT
from tests.terraform.test_event_patterns import in_cluster, matches
from tools.console_names import console_log_group, console_rule_name

PRODUCTION = "arn:aws:ecs:eu-west-1:111122223333:cluster/production"
BATCH = "arn:aws:ecs:eu-west-1:111122223333:cluster/batch"
STAGING = "arn:aws:ecs:eu-west-1:111122223333:cluster/staging"
MEMBER_PRODUCTION = "arn:aws:ecs:us-east-1:444455556666:cluster/production"


def console(plan: Plan, resource_type: str, under: str = "module.ecs_events.") -> list[Any]:
    return [
        r
        for r in plan.of_type(resource_type)
        if r.address.startswith(under) and ".module.console_history[0]." in f".{r.address}"
    ]


def rule_of(plan: Plan, cluster_arn: str) -> Any:
    (rule,) = [
        r
        for r in console(plan, "aws_cloudwatch_event_rule")
        if r.address.endswith(f'["{cluster_arn}"]')
    ]
    return rule


# --- names: the console's own ----------------------------------------------------------


def test_complete_names_each_rule_as_the_console_does(plan_example) -> None:
    rules = console(plan_example("complete"), "aws_cloudwatch_event_rule")
    assert sorted(r.values["name"] for r in rules) == sorted(
        console_rule_name(arn) for arn in (PRODUCTION, BATCH)
    )


def test_fleet_names_the_members_rule_as_the_console_does(plan_example) -> None:
    rules = console(plan_example("fleet"), "aws_cloudwatch_event_rule", "module.member_secondary.")
    assert [r.values["name"] for r in rules] == [console_rule_name(MEMBER_PRODUCTION)]


def test_complete_creates_each_clusters_console_log_group(plan_example) -> None:
    groups = console(plan_example("complete"), "aws_cloudwatch_log_group")
    assert sorted(g.values["name"] for g in groups) == sorted(
        console_log_group(arn) for arn in (PRODUCTION, BATCH)
    )
    assert {g.values["retention_in_days"] for g in groups} == {30}  # the example's choice


def test_complete_encrypts_the_console_groups_with_its_key(plan_example) -> None:
    plan = plan_example("complete")
    addresses = {g.address for g in console(plan, "aws_cloudwatch_log_group")}
    changes = [c for c in plan.document["resource_changes"] if c["address"] in addresses]
    assert len(changes) == 2
    assert all(c["change"]["after_unknown"]["kms_key_id"] is True for c in changes)


def test_the_console_default_retention_is_seven_days(plan_example) -> None:
    groups = console(plan_example("fleet"), "aws_cloudwatch_log_group", "module.member_secondary.")
    assert [g.values["retention_in_days"] for g in groups] == [7]


def test_rules_live_on_the_default_bus_where_ecs_and_the_console_are(plan_example) -> None:
    rules = console(plan_example("complete"), "aws_cloudwatch_event_rule")
    assert {r.values["event_bus_name"] for r in rules} == {"default"}


# --- targets: the whole event into the console's group ---------------------------------


def test_each_target_writes_the_whole_event_into_its_clusters_group(plan_example) -> None:
    targets = console(plan_example("complete"), "aws_cloudwatch_event_target")
    by_rule = {t.values["rule"]: t.values for t in targets}
    for arn in (PRODUCTION, BATCH):
        target = by_rule[console_rule_name(arn)]
        assert (
            target["arn"]
            == f"arn:aws:logs:eu-west-1:111122223333:log-group:{console_log_group(arn)}"
        )
        assert target.get("input") is None
        assert target.get("input_path") is None
        assert target.get("input_transformer") == []


# --- patterns: the same events of the cluster as the event log -------------------------


CLUSTER_EVENTS = [
    task_event(),
    container_instance_event(),
    deployment_event("SERVICE_DEPLOYMENT_COMPLETED"),
    deployment_event("SERVICE_DEPLOYMENT_FAILED"),
    service_action_event(),
]


@pytest.mark.parametrize("event", CLUSTER_EVENTS, ids=lambda e: e["detail-type"])
def test_the_console_rule_takes_every_event_of_its_cluster(plan_example, event) -> None:
    pattern = json.loads(rule_of(plan_example("complete"), PRODUCTION).values["event_pattern"])
    assert matches(pattern, in_cluster(event, PRODUCTION))


@pytest.mark.parametrize("event", CLUSTER_EVENTS, ids=lambda e: e["detail-type"])
def test_the_console_rule_takes_no_event_of_another_cluster(plan_example, event) -> None:
    plan = plan_example("complete")
    pattern = json.loads(rule_of(plan, PRODUCTION).values["event_pattern"])
    assert not matches(pattern, in_cluster(event, BATCH))
    assert not matches(pattern, in_cluster(event, STAGING))


@pytest.mark.parametrize("event", CLUSTER_EVENTS, ids=lambda e: e["detail-type"])
def test_the_console_rule_agrees_with_the_event_log(plan_example, event) -> None:
    plan = plan_example("complete")
    console_pattern = json.loads(rule_of(plan, PRODUCTION).values["event_pattern"])
    (log_rule,) = [
        r for r in plan.of_type("aws_cloudwatch_event_rule") if "module.history[0]." in r.address
    ]
    log_pattern = json.loads(log_rule.values["event_pattern"])
    for cluster in (PRODUCTION, STAGING):
        placed = in_cluster(event, cluster)
        assert matches(console_pattern, placed) is matches(log_pattern, placed)


def test_the_console_rule_takes_no_other_source(plan_example) -> None:
    pattern = json.loads(rule_of(plan_example("complete"), PRODUCTION).values["event_pattern"])
    assert not matches(pattern, {**in_cluster(task_event(), PRODUCTION), "source": "aws.ec2"})


# --- the Logs resource policy: the event log's, none per cluster -----------------------


def test_the_event_log_keeps_the_only_policy_when_both_are_on(plan_example) -> None:
    (policy,) = plan_example("complete").of_type("aws_cloudwatch_log_resource_policy")
    assert ".module.history[0]." in policy.address


def test_the_event_logs_policy_admits_the_console_groups() -> None:
    # Its Resource is built from the event log group's ARN, unknown at plan time, so the
    # template is read from the source: <account and region>:log-group:/aws/events/*:*.
    source = (REPO_ROOT / "modules" / "history" / "main.tf").read_text()
    (suffix,) = re.findall(r':log-group:([^"]+)"\]', source)
    for arn in (PRODUCTION, BATCH):
        stream = f"{console_log_group(arn)}:log-stream:ecs-events"
        assert fnmatch.fnmatchcase(stream, suffix)


def test_a_member_gets_one_policy_for_all_its_console_groups(plan_example) -> None:
    plan = plan_example("fleet")
    policies = [
        p
        for p in plan.of_type("aws_cloudwatch_log_resource_policy")
        if p.address.startswith("module.member_secondary.")
    ]
    (policy,) = policies
    (statement,) = json.loads(policy.values["policy_document"])["Statement"]
    assert statement["Resource"] == "arn:aws:logs:us-east-1:444455556666:log-group:/aws/events/*:*"
    assert set(statement["Principal"]["Service"]) == {
        "events.amazonaws.com",
        "delivery.logs.amazonaws.com",
    }


# --- the root module's switch ----------------------------------------------------------


def test_console_history_is_off_by_default(plan_example) -> None:
    plan = plan_example("basic")
    assert not any(".console_history[" in r.address for r in plan.resources)


def test_rule_only_mode_creates_no_log_group(plan_root) -> None:
    plan = plan_root(
        {
            "cluster_arns": [PRODUCTION],
            "console_history": {"enabled": True, "create_log_groups": False},
        }
    )
    groups = [g for g in plan.of_type("aws_cloudwatch_log_group") if "console_history" in g.address]
    assert groups == []
    (rule,) = [
        r for r in plan.of_type("aws_cloudwatch_event_rule") if "console_history" in r.address
    ]
    assert rule.values["name"] == console_rule_name(PRODUCTION)


def test_without_the_event_log_the_console_brings_the_one_policy(plan_root) -> None:
    plan = plan_root(
        {
            "cluster_arns": [PRODUCTION, BATCH],
            "history": {"enabled": False},
            "console_history": {"enabled": True},
        }
    )
    (policy,) = plan.of_type("aws_cloudwatch_log_resource_policy")
    assert "console_history" in policy.address

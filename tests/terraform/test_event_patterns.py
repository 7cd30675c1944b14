"""The event patterns the module writes, judged with EventBridge's own semantics.

moto's matcher ignores arrays of objects (our `prefix` filters on `resources`), so the
patterns are checked with the rule engine inside localstack-core instead; the patterns
come from the plans, exactly as Terraform would create them.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from localstack.services.events.event_rule_engine import EventPatternCompiler, EventRuleEngine

from devkit.events import (
    container_instance_event,
    daemon_action_event,
    daemon_deployment_event,
    deployment_event,
    hook_event,
    instance_health_event,
    moved,
    service_action_event,
    task_event,
)

PRODUCTION = "arn:aws:ecs:eu-west-1:111122223333:cluster/production"
ELSEWHERE = "arn:aws:ecs:eu-west-1:111122223333:cluster/staging"


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    compiled = EventPatternCompiler().compile_event_pattern(json.dumps(pattern))
    return bool(EventRuleEngine().evaluate_pattern_on_event(compiled, event))


def in_cluster(event: dict[str, Any], cluster_arn: str) -> dict[str, Any]:
    """The event as if it came from another cluster (its detail and its service ARN)."""
    event = copy.deepcopy(event)
    cluster = cluster_arn.rsplit("/", 1)[1]
    if "clusterArn" in event["detail"]:
        event["detail"]["clusterArn"] = cluster_arn
    if "resources" in event:  # some newer event types carry none
        event["resources"] = [
            r.replace(":us-west-2:", ":eu-west-1:").replace(
                "service/default/", f"service/{cluster}/"
            )
            for r in event["resources"]
        ]
    return event


def rule_patterns(plan) -> dict[str, dict[str, Any]]:
    """The handler's rules by purpose: state, deployments, service-actions."""
    return {
        r.address.split('"')[1]: json.loads(r.values["event_pattern"])
        for r in plan.of_type("aws_cloudwatch_event_rule")
        if "module.handler." in r.address
    }


def test_unfiltered_state_rule_takes_task_and_instance_changes_of_any_cluster(plan_example) -> None:
    (pattern,) = rule_patterns(plan_example("basic")).values()
    assert matches(pattern, task_event())
    assert matches(pattern, container_instance_event())
    assert matches(pattern, in_cluster(task_event(), ELSEWHERE))
    assert not matches(pattern, deployment_event())
    assert not matches(pattern, {**task_event(), "source": "aws.ec2"})


@pytest.mark.parametrize(
    ("event", "cluster", "expected"),
    [
        (task_event(), PRODUCTION, True),
        (container_instance_event(), PRODUCTION, True),
        (task_event(), ELSEWHERE, False),
        (container_instance_event(), ELSEWHERE, False),
    ],
)
def test_state_rule_is_limited_to_the_chosen_clusters(
    plan_example, event, cluster, expected
) -> None:
    pattern = rule_patterns(plan_example("complete"))["state"]
    assert matches(pattern, in_cluster(event, cluster)) is expected


@pytest.mark.parametrize(
    ("event", "cluster", "expected"),
    [
        (deployment_event("SERVICE_DEPLOYMENT_FAILED"), PRODUCTION, True),
        (deployment_event("SERVICE_DEPLOYMENT_COMPLETED"), PRODUCTION, False),
        (deployment_event("SERVICE_DEPLOYMENT_FAILED"), ELSEWHERE, False),
        (task_event(), PRODUCTION, False),
    ],
)
def test_deployment_rule_takes_failed_deployments_of_the_clusters(
    plan_example, event, cluster, expected
) -> None:
    pattern = rule_patterns(plan_example("complete"))["deployments"]
    assert matches(pattern, in_cluster(event, cluster)) is expected


@pytest.mark.parametrize(
    ("event", "cluster", "expected"),
    [
        (service_action_event("SERVICE_TASK_PLACEMENT_FAILURE", "ERROR"), PRODUCTION, True),
        (service_action_event("SERVICE_TASK_START_IMPAIRED", "WARN"), PRODUCTION, True),
        (service_action_event("SERVICE_STEADY_STATE", "INFO"), PRODUCTION, False),
        (service_action_event("SERVICE_TASK_START_IMPAIRED", "WARN"), ELSEWHERE, False),
    ],
)
def test_service_action_rule_takes_warnings_and_errors_of_the_clusters(
    plan_example, event, cluster, expected
) -> None:
    pattern = rule_patterns(plan_example("complete"))["service-actions"]
    assert matches(pattern, in_cluster(event, cluster)) is expected


@pytest.mark.parametrize(
    ("event", "cluster", "expected"),
    [
        (instance_health_event("IMPAIRED"), PRODUCTION, True),
        (instance_health_event("OK", failing=()), PRODUCTION, False),
        (instance_health_event("IMPAIRED"), ELSEWHERE, False),
    ],
)
def test_instance_health_rule_takes_impaired_instances_of_the_clusters(
    plan_example, event, cluster, expected
) -> None:
    pattern = rule_patterns(plan_example("complete"))["instance-health"]
    assert matches(pattern, in_cluster(event, cluster)) is expected


@pytest.mark.parametrize(
    ("event", "cluster", "expected"),
    [
        (daemon_action_event("WARNING"), PRODUCTION, True),
        (daemon_action_event("WARN"), PRODUCTION, True),
        (daemon_deployment_event("DAEMON_DEPLOYMENT_ROLLBACK_FAILED"), PRODUCTION, True),
        (daemon_deployment_event("DAEMON_DEPLOYMENT_COMPLETED"), PRODUCTION, False),
        (daemon_action_event("WARNING"), ELSEWHERE, False),
    ],
)
def test_daemon_rule_takes_warnings_and_errors_of_the_clusters(
    plan_example, event, cluster, expected
) -> None:
    pattern = rule_patterns(plan_example("complete"))["daemons"]
    assert matches(pattern, in_cluster(event, cluster)) is expected


@pytest.mark.parametrize(
    ("event", "expected"),
    [(hook_event("FAILED"), True), (hook_event("SUCCEEDED"), True), (task_event(), False)],
)
def test_hook_rule_takes_every_hook_event_for_the_handler_to_judge(
    plan_example, event, expected
) -> None:
    pattern = rule_patterns(plan_example("complete"))["hooks"]
    assert matches(pattern, event) is expected


def test_the_matcher_follows_eventbridge_on_arrays_of_objects() -> None:
    """The case moto gets wrong: a prefix filter against an array of strings."""
    pattern = {"resources": [{"prefix": "arn:aws:ecs:eu-west-1:111122223333:service/production/"}]}
    assert matches(
        pattern, {"resources": ["x", "arn:aws:ecs:eu-west-1:111122223333:service/production/web"]}
    )
    assert not matches(
        pattern, {"resources": ["arn:aws:ecs:eu-west-1:111122223333:service/batch/web"]}
    )


# --- a fleet: member forwarders and the central rules (examples/fleet) ----------------------

MEMBER = "444455556666"
EVERY_ECS_EVENT = [
    task_event(),
    container_instance_event(),
    deployment_event("SERVICE_DEPLOYMENT_COMPLETED"),
    service_action_event("SERVICE_STEADY_STATE", "INFO"),
    instance_health_event(),
    daemon_action_event(),
    daemon_deployment_event(),
    hook_event(),
]


def fleet_pattern(plan, address_part: str) -> dict[str, Any]:
    # The forwarding or central rule itself, not the console-named ones beside it.
    (rule,) = [
        r
        for r in plan.of_type("aws_cloudwatch_event_rule")
        if address_part in r.address and ".console_history[" not in r.address
    ]
    return dict(json.loads(rule.values["event_pattern"]))


@pytest.mark.parametrize("event", EVERY_ECS_EVENT, ids=lambda e: e["detail-type"])
def test_member_forwards_every_event_type_the_central_module_consumes(plan_example, event) -> None:
    pattern = fleet_pattern(plan_example("fleet"), "module.member_primary.")
    assert matches(pattern, moved(event, MEMBER, "eu-west-1"))


def test_member_forwards_no_other_source_or_ecs_event_type(plan_example) -> None:
    pattern = fleet_pattern(plan_example("fleet"), "module.member_primary.")
    assert not matches(pattern, {**moved(task_event(), MEMBER, "eu-west-1"), "source": "aws.ec2"})
    other = {**task_event(), "detail-type": "ECS Something New"}
    assert not matches(pattern, moved(other, MEMBER, "eu-west-1"))


@pytest.mark.parametrize(("cluster", "expected"), [("production", True), ("staging", False)])
@pytest.mark.parametrize("event", EVERY_ECS_EVENT, ids=lambda e: e["detail-type"])
def test_member_limited_to_a_cluster_forwards_that_cluster_only(
    plan_example, event, cluster, expected
) -> None:
    pattern = fleet_pattern(plan_example("fleet"), "module.member_secondary.")
    # Hook events name no cluster: they are forwarded from every cluster (modules/forwarder).
    hook = event["detail-type"] == "ECS Hook State Change"
    assert matches(pattern, moved(event, MEMBER, "us-east-1", cluster)) is (expected or hook)


@pytest.mark.parametrize("region", ["eu-west-1", "us-east-1"])
def test_central_rules_take_forwarded_events_of_any_member_and_region(plan_example, region) -> None:
    plan = plan_example("fleet")
    state = fleet_pattern(
        plan, 'module.central.module.handler.aws_cloudwatch_event_rule.this["state"]'
    )
    history = fleet_pattern(plan, "module.central.module.history[0].")
    deployments = fleet_pattern(
        plan, 'module.central.module.handler.aws_cloudwatch_event_rule.this["deployments"]'
    )
    assert matches(state, moved(task_event(), MEMBER, region))
    assert matches(history, moved(task_event(), MEMBER, region))
    assert matches(deployments, moved(deployment_event(), MEMBER, region))


@pytest.mark.parametrize(
    ("event", "cluster", "expected"),
    [
        (deployment_event("SERVICE_DEPLOYMENT_COMPLETED"), PRODUCTION, True),
        (service_action_event("SERVICE_STEADY_STATE", "INFO"), PRODUCTION, True),
        (deployment_event("SERVICE_DEPLOYMENT_IN_PROGRESS"), PRODUCTION, False),
        (deployment_event("SERVICE_DEPLOYMENT_FAILED"), PRODUCTION, False),
        (service_action_event("SERVICE_STEADY_STATE", "INFO"), ELSEWHERE, False),
    ],
)
def test_service_recovery_rule_takes_completions_and_steady_states_of_the_clusters(
    plan_example, event, cluster, expected
) -> None:
    pattern = rule_patterns(plan_example("complete"))["service-recoveries"]
    assert matches(pattern, in_cluster(event, cluster)) is expected


@pytest.mark.parametrize(
    ("event", "cluster", "expected"),
    [
        (instance_health_event("OK", failing=()), PRODUCTION, True),
        (instance_health_event("IMPAIRED"), PRODUCTION, False),
        (instance_health_event("OK", failing=()), ELSEWHERE, False),
    ],
)
def test_instance_recovery_rule_takes_healthy_instances_of_the_clusters(
    plan_example, event, cluster, expected
) -> None:
    pattern = rule_patterns(plan_example("complete"))["instance-recoveries"]
    assert matches(pattern, in_cluster(event, cluster)) is expected

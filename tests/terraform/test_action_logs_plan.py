"""Plans of ECS Action Logs delivery (modules/action_logs) in examples/complete."""

from __future__ import annotations

import fnmatch
import re

from devkit.plan import Plan, module_configuration
from devkit.terraform import REPO_ROOT

PRODUCTION = "arn:aws:ecs:eu-west-1:111122223333:cluster/production"
BATCH = "arn:aws:ecs:eu-west-1:111122223333:cluster/batch"


def in_action_logs(plan: Plan, resource_type: str) -> list:
    return [r for r in plan.of_type(resource_type) if ".module.action_logs[0]." in r.address]


def test_each_cluster_is_a_delivery_source_of_type_action_logs(plan_example) -> None:
    sources = in_action_logs(plan_example("complete"), "aws_cloudwatch_log_delivery_source")
    assert sorted(s.values["resource_arn"] for s in sources) == sorted([PRODUCTION, BATCH])
    # CloudWatch Logs' PutDeliverySource reference: "For Amazon ECS, the valid value is
    # ACTION_LOGS" (unverified on AWS).
    assert {s.values["log_type"] for s in sources} == {"ACTION_LOGS"}


def test_delivery_names_fit_cloudwatch_logs_limits(plan_example) -> None:
    sources = in_action_logs(plan_example("complete"), "aws_cloudwatch_log_delivery_source")
    assert all(re.fullmatch(r"[\w-]{1,60}", s.values["name"]) for s in sources)
    assert len({s.values["name"] for s in sources}) == 2


def test_each_cluster_delivers_into_its_own_group_the_module_owns(plan_example) -> None:
    plan = plan_example("complete")
    groups = in_action_logs(plan, "aws_cloudwatch_log_group")
    assert sorted(g.values["name"] for g in groups) == [
        "/aws/events/ecs/action-logs/batch",
        "/aws/events/ecs/action-logs/production",
    ]
    assert {g.values["retention_in_days"] for g in groups} == {
        731
    }  # the example's log_retention_days
    module = module_configuration(plan, "ecs_events", "action_logs")
    (destination,) = [
        r for r in module["resources"] if r["type"] == "aws_cloudwatch_log_delivery_destination"
    ]
    (config,) = destination["expressions"]["delivery_destination_configuration"]
    assert "aws_cloudwatch_log_group.this" in config["destination_resource_arn"]["references"]
    assert len(in_action_logs(plan, "aws_cloudwatch_log_delivery")) == 2


def test_the_event_logs_policy_admits_the_delivery_to_these_groups() -> None:
    # The policy is built from the event log group's ARN (unknown at plan time); its
    # template and principals are read from the source.
    source = (REPO_ROOT / "modules" / "history" / "main.tf").read_text()
    (suffix,) = re.findall(r':log-group:([^"]+)"\]', source)
    assert fnmatch.fnmatchcase("/aws/events/ecs/action-logs/production:log-stream:x", suffix)
    assert '"delivery.logs.amazonaws.com"' in source


def test_no_new_logs_resource_policy_comes_with_action_logs(plan_example) -> None:
    (policy,) = plan_example("complete").of_type("aws_cloudwatch_log_resource_policy")
    assert ".module.history[0]." in policy.address


def test_saved_queries_read_every_clusters_action_logs(plan_example) -> None:
    queries = in_action_logs(plan_example("complete"), "aws_cloudwatch_query_definition")
    by_name = {q.values["name"]: q.values for q in queries}
    assert set(by_name) == {
        "ecs-events-complete/action-logs/deployment-errors",
        "ecs-events-complete/action-logs/deployment-timeline",
    }
    for query in by_name.values():
        assert sorted(query["log_group_names"]) == [
            "/aws/events/ecs/action-logs/batch",
            "/aws/events/ecs/action-logs/production",
        ]
    timeline = by_name["ecs-events-complete/action-logs/deployment-timeline"]["query_string"]
    assert "coalesce(detail.serviceDeploymentArn, serviceDeploymentArn)" in timeline


def test_action_logs_are_off_by_default(plan_example) -> None:
    assert in_action_logs(plan_example("basic"), "aws_cloudwatch_log_delivery_source") == []


WITH_ALERTS = {
    "cluster_arns": [PRODUCTION],
    # Incidents' quiet-period wake-ups name the handler's queue, whose ARN is unknown at
    # plan time; without them the handler's environment is known and can be read.
    "alerts": {
        "enabled": True,
        "topic_arn": "arn:aws:sns:eu-west-1:111122223333:ops",
        "incidents": {"resolve": ["instance"]},
    },
}


def handler_variables(plan: Plan) -> dict[str, str]:
    function = plan.one("aws_lambda_function", "module.handler.").values
    return dict(function["environment"][0]["variables"])


def test_alerts_read_awss_reason_when_action_logs_are_on(plan_root) -> None:
    on = plan_root({**WITH_ALERTS, "action_logs": {"enabled": True}})
    off = plan_root(WITH_ALERTS)
    assert handler_variables(on)["ALERT_ACTION_REASON"] == "on"
    assert handler_variables(off)["ALERT_ACTION_REASON"] == "off"


def test_the_handler_may_read_only_the_action_logs_groups(plan_root) -> None:
    # The merged policy's JSON waits for the alerts table's ARN, unknown at plan time: the
    # statement is read from the configuration.
    plan = plan_root({**WITH_ALERTS, "action_logs": {"enabled": True}})
    module = plan.document["configuration"]["root_module"]
    (document,) = [
        r
        for r in module["resources"]
        if r["address"] == "data.aws_iam_policy_document.alerts_read_action_logs"
    ]
    (statement,) = document["expressions"]["statement"]
    assert statement["actions"]["constant_value"] == ["logs:FilterLogEvents"]
    assert statement["sid"]["constant_value"] == "ReadActionLogsReasons"
    assert statement["resources"]["references"] == ["var.cluster_arns"]

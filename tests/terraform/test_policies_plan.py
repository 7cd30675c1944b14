"""Service grants and IAM settings a real account needs, read from plans.

One plan of the root module with every option that adds a `dynamic` statement or changes
an IAM role (customer key, a topic the caller brings with its own key, X-Ray, the
reconciler, a role path and permissions boundary), so the planned documents hold every
statement the module can write; and the plan of examples/complete for its key policy.
"""

from __future__ import annotations

import pytest

from devkit.plan import Plan, module_resources, planned_statements

KEY = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555"
TOPIC = "arn:aws:sns:eu-west-1:111122223333:oncall"
TOPIC_KEY = "arn:aws:kms:eu-west-1:111122223333:key/99999999-8888-7777-6666-555555555555"
BOUNDARY = "arn:aws:iam::111122223333:policy/platform-boundary"
PRODUCTION = "arn:aws:ecs:eu-west-1:111122223333:cluster/production"

EVERY_OPTION = {
    "cluster_arns": [PRODUCTION],
    "kms_key_arn": KEY,
    "tables": {"query_indexes": False},
    "handler": {"tracing_mode": "Active"},
    "alerts": {"enabled": True, "topic_arn": TOPIC, "topic_kms_key_arn": TOPIC_KEY},
    "history": {"create_log_resource_policy": False},
    "reconciler": {"enabled": True, "reserve_concurrency": True},
    "iam_role_path": "/ecs-events/",
    "iam_permissions_boundary_arn": BOUNDARY,
}

# Statements allowed to name every resource, each for a reason AWS gives.
ANY_RESOURCE = {
    # X-Ray's PutTraceSegments and PutTelemetryRecords have no resource-level permissions.
    "WriteTraces",
    # ecs:ListClusters has no resource type; ListTasks is held by the ecs:cluster condition.
    "ListClusters",
    "ListTasks",
    # ecs:DescribeTaskDefinition has no resource type either (the alert's log reader).
    "ReadLogConfiguration",
}


@pytest.fixture(scope="module")
def every_option(plan_root) -> Plan:
    return plan_root(EVERY_OPTION)  # type: ignore[no-any-return]


def policy_addresses(plan: Plan) -> list[str]:
    return sorted(
        change["address"]
        for change in plan.document["resource_changes"]
        if change["type"] == "aws_iam_policy_document"
    ) + sorted(
        resource["address"]
        for resource in module_resources(plan.document["prior_state"]["values"])
        if resource["type"] == "aws_iam_policy_document"
    )


def test_every_statement_names_resources_unless_aws_allows_no_other(every_option: Plan) -> None:
    everything = {
        (address, sid)
        for address in policy_addresses(every_option)
        for sid, statement in planned_statements(every_option, address).items()
        if statement["resources"] == ["*"] and sid not in ANY_RESOURCE
    }
    assert everything == set()


def test_dynamic_statements_name_only_the_given_keys(every_option: Plan) -> None:
    handler = planned_statements(every_option, "module.handler.data.aws_iam_policy_document.this")
    reconciler = planned_statements(
        every_option, "module.reconciler[0].data.aws_iam_policy_document.this"
    )
    schedule = planned_statements(
        every_option, "module.reconciler[0].data.aws_iam_policy_document.scheduler"
    )
    assert handler["DecryptQueue"]["resources"] == [KEY]
    assert set(handler["WriteTraces"]["actions"]) == {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
    }
    assert reconciler["UseKey"]["resources"] == [KEY]
    assert schedule["UseKey"]["resources"] == [KEY]


def test_the_handler_may_encrypt_for_the_topic_the_caller_brings(every_option: Plan) -> None:
    publisher = planned_statements(
        every_option, "module.alerts[0].data.aws_iam_policy_document.publisher"
    )
    assert publisher["PublishAlerts"]["resources"] == [TOPIC]
    # The key of the caller's topic, not the module's key, which does not encrypt it.
    assert publisher["EncryptAlerts"]["resources"] == [TOPIC_KEY]
    assert set(publisher["EncryptAlerts"]["actions"]) == {"kms:GenerateDataKey", "kms:Decrypt"}


def test_a_brought_topic_without_a_key_gets_no_key_grant(plan_root) -> None:
    plan = plan_root({**EVERY_OPTION, "alerts": {"enabled": True, "topic_arn": TOPIC}})
    publisher = planned_statements(plan, "module.alerts[0].data.aws_iam_policy_document.publisher")
    assert "EncryptAlerts" not in publisher


def test_every_role_takes_the_path_and_permissions_boundary(every_option: Plan) -> None:
    roles = every_option.of_type("aws_iam_role")
    assert len(roles) == 4  # handler, reconciler, its schedule, the incidents' wake-ups
    assert {(r.values["path"], r.values["permissions_boundary"]) for r in roles} == {
        ("/ecs-events/", BOUNDARY)
    }


def test_roles_have_no_boundary_by_default(plan_example) -> None:
    roles = plan_example("complete").of_type("aws_iam_role")
    assert {(r.values["path"], r.values.get("permissions_boundary")) for r in roles} == {
        ("/", None)
    }


def test_the_schedule_role_is_for_schedules_of_this_account_only(every_option: Plan) -> None:
    trust = planned_statements(
        every_option, "module.reconciler[0].data.aws_iam_policy_document.scheduler_assume"
    )
    ((statement),) = trust.values()
    assert statement["principals"] == [("Service", ["scheduler.amazonaws.com"])]
    # The account comes from the tables' ARNs, known after apply.
    assert [(test, variable) for test, variable, _ in statement["conditions"]] == [
        ("StringEquals", "aws:SourceAccount")
    ]


def test_reserved_concurrency_is_opt_in(every_option: Plan, plan_example) -> None:
    def reserved(plan: Plan) -> int:
        function = plan.one("aws_lambda_function", "module.reconciler")
        return int(function.values["reserved_concurrent_executions"])

    # -1 is the provider's "no reservation": small accounts cannot reserve any.
    assert reserved(plan_example("complete")) == -1
    assert reserved(every_option) == 1


def test_a_deployment_can_reuse_the_regions_logs_resource_policy(every_option: Plan) -> None:
    assert every_option.of_type("aws_cloudwatch_log_resource_policy") == []
    # ...and the policy it would have created is an output, for whoever keeps the shared one.
    output = every_option.document["planned_values"]["outputs"]["history_log_resource_policy_json"]
    assert output.get("value") is None or "events.amazonaws.com" in output["value"]


# --- examples/complete: its key policy against every service that uses the key -----------

# Which service principal uses the example's key, for what, with the actions it needs.
KEY_USERS = {
    # EventBridge sending to the encrypted handler and dead-letter queues.
    "events.amazonaws.com": {"kms:GenerateDataKey", "kms:Decrypt"},
    # CloudWatch Logs encrypting the log groups.
    "logs.eu-west-1.amazonaws.com": {"kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"},
    # CloudWatch alarms publishing to the encrypted operations topic (alarm_actions).
    "cloudwatch.amazonaws.com": {"kms:Decrypt", "kms:GenerateDataKey*"},
}


def key_policy(plan_example) -> dict[str, dict[str, object]]:
    return planned_statements(plan_example("complete"), "data.aws_iam_policy_document.key")


def test_the_key_is_used_by_queues_log_groups_and_the_alarm_topic(plan_example) -> None:
    plan = plan_example("complete")
    unknown = {
        c["address"]: c["change"]["after_unknown"] for c in plan.document["resource_changes"]
    }
    assert unknown["aws_sns_topic.operations"]["kms_master_key_id"] is True
    queues = [a for a in unknown if a.endswith("aws_sqs_queue.this")]
    assert queues and all(unknown[a]["kms_master_key_id"] is True for a in queues)
    groups = [a for a in unknown if a.endswith("aws_cloudwatch_log_group.this")]
    assert groups and all(unknown[a]["kms_key_id"] is True for a in groups)


@pytest.mark.parametrize("service", sorted(KEY_USERS))
def test_the_key_policy_lets_each_service_use_the_key(plan_example, service: str) -> None:
    granted = set()
    for statement in key_policy(plan_example).values():
        if ("Service", [service]) in statement["principals"]:
            granted |= set(statement["actions"])  # type: ignore[call-overload]
    assert KEY_USERS[service] <= granted


def test_eventbridge_key_grant_has_no_condition_eventbridge_does_not_send(plan_example) -> None:
    (statement,) = [
        s
        for s in key_policy(plan_example).values()
        if ("Service", ["events.amazonaws.com"]) in s["principals"]
    ]
    assert statement["conditions"] == []


def test_last_log_lines_are_read_only_in_the_topics_account_and_region(every_option: Plan) -> None:
    reader = planned_statements(
        every_option, "module.alerts[0].data.aws_iam_policy_document.log_reader[0]"
    )
    assert reader["ReadLastLogLines"]["actions"] == ["logs:GetLogEvents"]
    assert reader["ReadLastLogLines"]["resources"] == [
        "arn:aws:logs:eu-west-1:111122223333:log-group:*:log-stream:*"
    ]

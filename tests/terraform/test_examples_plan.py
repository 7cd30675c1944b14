"""Plans of examples/basic and examples/complete: what the module creates and how."""

from __future__ import annotations

import json

import pytest

from devkit.plan import module_configuration, statement_resource_references

EXAMPLES = ("basic", "complete")


# What the state mirror and its alerts plan; other capabilities have their own tests.
PIPELINE_MODULES = ("module.state.", "module.handler.", "module.alerts[0].")
PLANNED = {
    # basic: the state mirror alone.
    "basic": {
        "aws_dynamodb_table": 2,
        "aws_cloudwatch_event_rule": 1,
        "aws_cloudwatch_event_target": 1,
        "aws_cloudwatch_metric_alarm": 1,
        "aws_sns_topic": 0,
    },
    # complete adds alerts: a table, five rules (deployments, service actions, instance
    # health, daemons, hooks) and the incidents' two recovery rules (services, instances),
    # a topic, an alarm, and the role EventBridge Scheduler wakes quiet incidents with.
    "complete": {
        "aws_dynamodb_table": 3,
        "aws_cloudwatch_event_rule": 8,
        "aws_cloudwatch_event_target": 8,
        "aws_iam_role": 2,
        "aws_cloudwatch_metric_alarm": 2,
        "aws_sns_topic": 1,
    },
}


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_part_of_the_pipeline_is_planned(plan_example, example: str) -> None:
    planned = [
        r for r in plan_example(example).resources if any(m in r.address for m in PIPELINE_MODULES)
    ]
    counts = {
        "aws_sqs_queue": 2,
        "aws_sqs_queue_policy": 1,  # the dead-letter queue's; the queue carries its own
        "aws_lambda_function": 1,
        "aws_lambda_event_source_mapping": 1,
        "aws_cloudwatch_log_group": 1,
        "aws_iam_role": 1,
        **PLANNED[example],
    }
    assert {t: len([r for r in planned if r.type == t]) for t in counts} == counts


@pytest.mark.parametrize("example", EXAMPLES)
def test_tables_are_keyed_by_arn_with_pitr_encryption_and_ttl(plan_example, example: str) -> None:
    tables = {
        t.values["name"]: t.values
        for t in plan_example(example).of_type("aws_dynamodb_table")
        if "module.state" in t.address
    }
    prefix = "ecs-events" if example == "basic" else "ecs-events-complete"
    keys = {name: values["hash_key"] for name, values in tables.items()}
    assert keys == {
        f"{prefix}-tasks": "taskArn",
        f"{prefix}-container-instances": "containerInstanceArn",
    }
    for values in tables.values():
        assert {"name": values["hash_key"], "type": "S"} in values["attribute"]
        assert values["billing_mode"] == "PAY_PER_REQUEST"
        assert values["point_in_time_recovery"] == [{"enabled": True}]
        assert values["server_side_encryption"][0]["enabled"] is True
        assert values["ttl"] == [{"attribute_name": "expiresAt", "enabled": True}]


def test_basic_protects_tables_and_complete_lets_them_go(plan_example) -> None:
    protected = {
        example: {
            t.values["deletion_protection_enabled"]
            for t in plan_example(example).of_type("aws_dynamodb_table")
        }
        for example in EXAMPLES
    }

    assert protected == {"basic": {True}, "complete": {False}}


def test_basic_rule_takes_both_state_changes_from_every_cluster(plan_example) -> None:
    rule = plan_example("basic").one("aws_cloudwatch_event_rule", "module.handler.")
    assert rule.values["name"] == "ecs-events-state"
    assert json.loads(rule.values["event_pattern"]) == {
        "source": ["aws.ecs"],
        "detail-type": ["ECS Task State Change", "ECS Container Instance State Change"],
    }


def test_complete_rule_is_limited_to_the_given_clusters(plan_example) -> None:
    rule = plan_example("complete").one("aws_cloudwatch_event_rule", '["state"]')
    assert json.loads(rule.values["event_pattern"])["detail"] == {
        "clusterArn": [
            "arn:aws:ecs:eu-west-1:111122223333:cluster/production",
            "arn:aws:ecs:eu-west-1:111122223333:cluster/batch",
        ]
    }


def test_rule_target_has_a_dead_letter_queue_and_retries(plan_example) -> None:
    for target in plan_example("complete").of_type("aws_cloudwatch_event_target"):
        assert len(target.values["dead_letter_config"]) == 1
        assert target.values["retry_policy"] == [
            {"maximum_event_age_in_seconds": 86400, "maximum_retry_attempts": 185}
        ]


def test_lambda_runs_python313_on_arm_with_json_logs(plan_example) -> None:
    function = plan_example("basic").one("aws_lambda_function").values
    assert (function["runtime"], function["architectures"], function["handler"]) == (
        "python3.13",
        ["arm64"],
        "ecs_events.handler.lambda_handler",
    )
    assert function["logging_config"][0]["log_format"] == "JSON"
    assert function["environment"][0]["variables"]["RETENTION_DAYS"] == "90"
    assert function["tracing_config"] == [{"mode": "PassThrough"}]


def test_event_source_mapping_reports_partial_failures_with_bounded_concurrency(
    plan_example,
) -> None:
    for example, concurrency, batch in (("basic", 5, 10), ("complete", 10, 25)):
        mapping = plan_example(example).one("aws_lambda_event_source_mapping").values
        assert mapping["function_response_types"] == ["ReportBatchItemFailures"]
        assert mapping["scaling_config"] == [{"maximum_concurrency": concurrency}]
        assert mapping["batch_size"] == batch


def test_queues_are_encrypted_and_messages_reach_the_dlq(plan_example) -> None:
    plan = plan_example("basic")
    main = plan.one("aws_sqs_queue", "handler.aws_sqs_queue.this").values
    dead = plan.one("aws_sqs_queue", "handler.module.dead_letter.").values
    assert main["sqs_managed_sse_enabled"] is True and dead["sqs_managed_sse_enabled"] is True
    assert main["visibility_timeout_seconds"] == 6 * 60
    assert dead["message_retention_seconds"] == 14 * 86400


def test_complete_encrypts_everything_with_the_customer_key(plan_example) -> None:
    plan = plan_example("complete")
    # The key is created in the same apply, so its ARN is "known after apply" wherever used.
    unknown = {
        change["address"].removeprefix("module.ecs_events.module."): change["change"][
            "after_unknown"
        ]
        for change in plan.document["resource_changes"]
    }
    assert unknown["handler.aws_sqs_queue.this"]["kms_master_key_id"] is True
    assert unknown["handler.module.dead_letter.aws_sqs_queue.this"]["kms_master_key_id"] is True
    assert unknown["handler.aws_cloudwatch_log_group.this"]["kms_key_id"] is True
    assert unknown["handler.aws_lambda_function.this"]["kms_key_arn"] is True
    for table in ("tasks", "container-instances"):
        sse = unknown[f'state.aws_dynamodb_table.this["{table}"]']["server_side_encryption"]
        assert sse[0]["kms_key_arn"] is True


def test_log_groups_keep_logs_for_the_chosen_retention(plan_example) -> None:
    assert (
        plan_example("basic")
        .one("aws_cloudwatch_log_group", "module.handler.")
        .values["retention_in_days"]
        == 365
    )
    assert (
        plan_example("complete")
        .one("aws_cloudwatch_log_group", "module.handler.")
        .values["retention_in_days"]
        == 731
    )


@pytest.mark.parametrize("example", EXAMPLES)
def test_handler_policy_names_only_the_module_resources(plan_example, example: str) -> None:
    plan = plan_example(example)
    handler = module_configuration(plan, "ecs_events", "handler")
    assert statement_resource_references(handler, "data.aws_iam_policy_document.this") == {
        "ConsumeQueue": {"aws_sqs_queue.this.arn", "aws_sqs_queue.this"},
        "WriteState": {
            "var.state.task_table_arn",
            "var.state",
            "var.state.container_instance_table_arn",
        },
        "WriteLogs": {"aws_cloudwatch_log_group.this.arn", "aws_cloudwatch_log_group.this"},
    }
    # ...and var.state is the module's own tables.
    root = module_configuration(plan, "ecs_events")
    assert root["module_calls"]["handler"]["expressions"]["state"]["references"] == ["module.state"]


def test_queue_policies_admit_only_the_module_rule(plan_example) -> None:
    handler = module_configuration(plan_example("basic"), "ecs_events", "handler")
    (document,) = [
        r for r in handler["resources"] if r["address"] == "data.aws_iam_policy_document.queue"
    ]
    send, deny = document["expressions"]["statement"]
    assert send["principals"][0]["identifiers"]["constant_value"] == ["events.amazonaws.com"]
    assert send["condition"][0]["values"]["references"] == ["aws_cloudwatch_event_rule.this"]
    assert deny["effect"]["constant_value"] == "Deny"
    (queue,) = [r for r in handler["resources"] if r["address"] == "aws_sqs_queue.this"]
    assert "data.aws_iam_policy_document.queue.json" in queue["expressions"]["policy"]["references"]
    # The dead-letter queue takes what those same rules could not deliver.
    senders = handler["module_calls"]["dead_letter"]["expressions"]["senders"]
    assert senders["references"] == ["aws_cloudwatch_event_rule.this"]


def test_dead_letter_alarm_notifies_the_given_actions(plan_example) -> None:
    alarm = plan_example("basic").one("aws_cloudwatch_metric_alarm", "module.handler.").values
    assert alarm["metric_name"] == "ApproximateNumberOfMessagesVisible"
    assert alarm["threshold"] == 0
    complete = plan_example("complete").document["configuration"]["root_module"]
    assert (
        complete["module_calls"]["ecs_events"]["expressions"]["alarm_actions"]["references"][0]
        == "aws_sns_topic.operations.arn"
    )

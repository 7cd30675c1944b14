"""Plans of the event log, the query indexes and the reconciler."""

from __future__ import annotations

import json
from typing import Any

from devkit.plan import Plan, data_source, module_configuration, statement_resource_references
from devkit.tables import TASK_INDEXES
from ecs_events.state import CLUSTER_INDEX, CLUSTER_INDEX_PROJECTED

PRODUCTION = "arn:aws:ecs:eu-west-1:111122223333:cluster/production"
BATCH = "arn:aws:ecs:eu-west-1:111122223333:cluster/batch"


RECONCILER_ONLY = {
    "tables": {"query_indexes": False},
    "history": {"enabled": False},
    "reconciler": {"enabled": True},
}


def in_module(plan: Plan, module: str, resource_type: str) -> list[Any]:
    return [r for r in plan.of_type(resource_type) if f"module.{module}" in r.address]


# --- event log ---------------------------------------------------------------------------


def test_event_log_is_on_by_default_under_aws_events(plan_example) -> None:
    (group,) = in_module(plan_example("basic"), "history", "aws_cloudwatch_log_group")
    assert group.values["name"] == "/aws/events/ecs-events"
    assert group.values["retention_in_days"] == 365  # log_retention_days


def test_complete_sets_the_event_log_retention_and_encrypts_it(plan_example) -> None:
    plan = plan_example("complete")
    (group,) = in_module(plan, "history", "aws_cloudwatch_log_group")
    assert group.values["retention_in_days"] == 400
    (change,) = [c for c in plan.document["resource_changes"] if c["address"] == group.address]
    assert change["change"]["after_unknown"]["kms_key_id"] is True  # the example's key


def test_every_ecs_event_goes_to_the_log_when_no_cluster_is_chosen(plan_example) -> None:
    (rule,) = in_module(plan_example("basic"), "history", "aws_cloudwatch_event_rule")
    assert json.loads(rule.values["event_pattern"]) == {"source": ["aws.ecs"]}


def test_chosen_clusters_match_by_detail_or_by_service_arn(plan_example) -> None:
    (rule,) = in_module(plan_example("complete"), "history", "aws_cloudwatch_event_rule")
    assert json.loads(rule.values["event_pattern"]) == {
        "source": ["aws.ecs"],
        "$or": [
            {"detail": {"clusterArn": [PRODUCTION, BATCH]}},
            {
                "resources": [
                    {"prefix": "arn:aws:ecs:eu-west-1:111122223333:service/production/"},
                    {"prefix": "arn:aws:ecs:eu-west-1:111122223333:service/batch/"},
                ]
            },
        ],
    }


def test_the_log_group_is_the_rule_target_with_no_lambda_or_role(plan_example) -> None:
    plan = plan_example("basic")
    (target,) = in_module(plan, "history", "aws_cloudwatch_event_target")
    assert target.values.get("role_arn") is None
    assert len(target.values["dead_letter_config"]) == 1
    assert in_module(plan, "history", "aws_lambda_function") == []
    history = module_configuration(plan, "ecs_events", "history")
    (config,) = [r for r in history["resources"] if r["type"] == "aws_cloudwatch_event_target"]
    assert config["expressions"]["arn"]["references"][0] == "aws_cloudwatch_log_group.this.arn"


def test_log_resource_policy_is_the_documented_form_for_event_log_groups(plan_example) -> None:
    # EventBridge documents this policy with no aws:SourceArn condition; a condition the
    # service does not send would refuse every event. It admits the /aws/events/ groups of
    # the account and region, so one policy serves every deployment of the region.
    history = module_configuration(plan_example("basic"), "ecs_events", "history")
    (document,) = [
        r
        for r in history["resources"]
        if r["address"] == "data.aws_iam_policy_document.log_delivery"
    ]
    (statement,) = document["expressions"]["statement"]
    assert statement["actions"]["constant_value"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["principals"][0]["identifiers"]["constant_value"] == [
        "events.amazonaws.com",
        "delivery.logs.amazonaws.com",
    ]
    assert "condition" not in statement
    assert statement_resource_references(history, "data.aws_iam_policy_document.log_delivery") == {
        "EventBridgeRulesWriteEventLogs": {
            "aws_cloudwatch_log_group.this.arn",
            "aws_cloudwatch_log_group.this",
        }
    }
    assert len(in_module(plan_example("basic"), "history", "aws_cloudwatch_log_resource_policy"))


def test_four_saved_queries_read_the_event_log(plan_example) -> None:
    queries = {
        q.values["name"]: q.values
        for q in in_module(plan_example("basic"), "history", "aws_cloudwatch_query_definition")
    }
    assert sorted(queries) == [
        "ecs-events/events-by-account",
        "ecs-events/failures",
        "ecs-events/stops-by-family",
        "ecs-events/task-timeline",
    ]
    assert {tuple(q["log_group_names"]) for q in queries.values()} == {("/aws/events/ecs-events",)}
    timeline = queries["ecs-events/task-timeline"]["query_string"]
    assert "detail.taskArn like /TASK_ID/" in timeline and "sort version asc" in timeline
    failures = queries["ecs-events/failures"]["query_string"]
    assert 'detail.stopCode = "TaskFailedToStart"' in failures
    assert 'detail.eventType = "ERROR"' in failures
    stops = queries["ecs-events/stops-by-family"]["query_string"]
    assert "count_distinct(detail.taskArn)" in stops and "by family" in stops


def test_undeliverable_events_wait_in_an_encrypted_queue_with_an_alarm(plan_example) -> None:
    plan = plan_example("basic")
    (queue,) = in_module(plan, "history", "aws_sqs_queue")
    assert queue.values["sqs_managed_sse_enabled"] is True
    (alarm,) = in_module(plan, "history", "aws_cloudwatch_metric_alarm")
    assert alarm.values["metric_name"] == "ApproximateNumberOfMessagesVisible"


def test_the_event_log_can_be_turned_off(plan_root) -> None:
    plan = plan_root(RECONCILER_ONLY)
    assert [r.address for r in plan.resources if "module.history" in r.address] == []


# --- query indexes -----------------------------------------------------------------------


def task_table(plan: Plan) -> dict[str, Any]:
    (table,) = [
        t for t in plan.of_type("aws_dynamodb_table") if t.values["name"].endswith("-tasks")
    ]
    return table.values


def test_task_table_has_the_indexes_the_cli_queries(plan_example) -> None:
    indexes = {
        index["name"]: (
            index["hash_key"],
            index["range_key"],
            index["projection_type"],
            tuple(sorted(index["non_key_attributes"] or ())),
        )
        for index in task_table(plan_example("basic"))["global_secondary_index"]
    }
    assert indexes == {
        name: (
            hash_key,
            range_key,
            "INCLUDE" if projected else "KEYS_ONLY",
            tuple(sorted(projected)),
        )
        for name, hash_key, range_key, projected in TASK_INDEXES
    }
    assert set(indexes) == {CLUSTER_INDEX}
    assert set(indexes[CLUSTER_INDEX][3]) == set(CLUSTER_INDEX_PROJECTED)


def test_indexes_are_keyed_on_attributes_every_record_already_has(plan_example) -> None:
    attributes = {a["name"]: a["type"] for a in task_table(plan_example("basic"))["attribute"]}
    assert attributes == {"taskArn": "S", "cluster": "S", "createdAt": "N"}


def test_container_instance_table_has_no_index(plan_example) -> None:
    (table,) = [
        t
        for t in plan_example("basic").of_type("aws_dynamodb_table")
        if t.values["name"].endswith("-container-instances")
    ]
    assert table.values["global_secondary_index"] == []


def test_query_indexes_can_be_turned_off(plan_root) -> None:
    table = task_table(plan_root(RECONCILER_ONLY))
    assert table["global_secondary_index"] == []
    assert table["attribute"] == [{"name": "taskArn", "type": "S"}]


# --- reconciler --------------------------------------------------------------------------


def test_reconciler_is_off_in_basic(plan_example) -> None:
    assert [r for r in plan_example("basic").resources if "module.reconciler" in r.address] == []


def test_reconciler_runs_the_same_package_every_n_minutes(plan_example) -> None:
    plan = plan_example("complete")
    (schedule,) = in_module(plan, "reconciler", "aws_scheduler_schedule")
    assert schedule.values["schedule_expression"] == "rate(10 minutes)"
    assert schedule.values["flexible_time_window"][0]["mode"] == "OFF"
    (target,) = schedule.values["target"]
    assert target["retry_policy"] == [
        {"maximum_event_age_in_seconds": 600, "maximum_retry_attempts": 3}
    ]
    assert len(target["dead_letter_config"]) == 1
    functions = {f.values["handler"]: f.values for f in plan.of_type("aws_lambda_function")}
    reconciler = functions["ecs_events.reconciler.lambda_handler"]
    handler = functions["ecs_events.handler.lambda_handler"]
    assert reconciler["source_code_hash"] == handler["source_code_hash"]
    assert reconciler["environment"][0]["variables"]["CLUSTER_ARNS"] == f"{PRODUCTION},{BATCH}"


def test_failed_reconciler_runs_reach_a_dead_letter_queue(plan_example) -> None:
    plan = plan_example("complete")
    (function,) = in_module(plan, "reconciler", "aws_lambda_function")
    assert len(function.values["dead_letter_config"]) == 1
    (invoke,) = in_module(plan, "reconciler", "aws_lambda_function_event_invoke_config")
    assert invoke.values["maximum_retry_attempts"] == 1


def test_reconciler_reads_only_the_given_clusters(plan_root) -> None:
    plan = plan_root({**RECONCILER_ONLY, "cluster_arns": [PRODUCTION]})
    policy = json.loads(
        data_source(plan, "module.read_ecs.data.aws_iam_policy_document.this")["json"]
    )
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert "ListClusters" not in statements
    assert {sid: s["Action"] for sid, s in statements.items()} == {
        "ListContainerInstances": "ecs:ListContainerInstances",
        "ListTasks": "ecs:ListTasks",
        "DescribeTasks": "ecs:DescribeTasks",
        "DescribeContainerInstances": "ecs:DescribeContainerInstances",
    }
    assert statements["ListContainerInstances"]["Resource"] == PRODUCTION
    assert statements["DescribeTasks"]["Resource"] == (
        "arn:aws:ecs:eu-west-1:111122223333:task/production/*"
    )
    assert statements["DescribeContainerInstances"]["Resource"] == (
        "arn:aws:ecs:eu-west-1:111122223333:container-instance/production/*"
    )
    for sid in ("ListTasks", "DescribeTasks", "DescribeContainerInstances"):
        assert statements[sid]["Condition"] == {"ArnLike": {"ecs:cluster": PRODUCTION}}


def test_reconciler_of_every_cluster_may_list_clusters_of_its_region_only(plan_root) -> None:
    policy = json.loads(
        data_source(
            plan_root(RECONCILER_ONLY), "module.read_ecs.data.aws_iam_policy_document.this"
        )["json"]
    )
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert statements["ListClusters"]["Resource"] == "*"
    assert statements["ListTasks"]["Condition"] == {
        "ArnLike": {"ecs:cluster": "arn:aws:ecs:eu-west-1:*:cluster/*"}
    }


def test_reconciler_writes_only_the_module_tables_logs_and_dead_letters(plan_example) -> None:
    reconciler = module_configuration(plan_example("complete"), "ecs_events", "reconciler")
    assert statement_resource_references(reconciler, "data.aws_iam_policy_document.this") == {
        "ReadAndWriteState": {
            "var.state",
            "var.state.task_table_arn",
            "var.state.container_instance_table_arn",
        },
        "WriteLogs": {"aws_cloudwatch_log_group.this.arn", "aws_cloudwatch_log_group.this"},
        "SendDeadLetters": {"module.dead_letter.arn", "module.dead_letter"},
    }
    assert statement_resource_references(reconciler, "data.aws_iam_policy_document.scheduler") == {
        "InvokeReconciler": {"aws_lambda_function.this.arn", "aws_lambda_function.this"},
        "SendDeadLetters": {"module.dead_letter.arn", "module.dead_letter"},
    }

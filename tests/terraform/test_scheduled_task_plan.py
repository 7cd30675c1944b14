"""Plan of examples/scheduled_task: the schedule, the state machine, the lease table and how
narrowly the IAM policies are scoped. Every ARN below is built from inputs, so it is known at
plan time."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from devkit.plan import Plan, module_configuration

ACCOUNT = "123456789012"
REGION = "eu-west-1"
JOB = "nightly-report"
STATE_MACHINE_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{JOB}"


@pytest.fixture(scope="module")
def plan(plan_example: Callable[[str], Plan]) -> Plan:
    return plan_example("scheduled_task")


def statements(plan: Plan, policy_name: str) -> list[dict[str, Any]]:
    found = [r for r in plan.of_type("aws_iam_role_policy") if r.name == policy_name]
    assert len(found) == 1, f"expected one aws_iam_role_policy named {policy_name}"
    return list(json.loads(found[0].values["policy"])["Statement"])


def statement_for(plan: Plan, policy_name: str, action: str) -> dict[str, Any]:
    found = [s for s in statements(plan, policy_name) if action in _as_list(s["Action"])]
    assert len(found) == 1, f"expected one statement allowing {action}: {found}"
    return found[0]


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_schedule_fires_on_its_cron_in_its_time_zone_without_a_flexible_window(plan: Plan) -> None:
    schedule = plan.one("aws_scheduler_schedule").values

    assert (schedule["schedule_expression"], schedule["schedule_expression_timezone"]) == (
        "cron(0 3 * * ? *)",
        "Europe/Berlin",
    )
    assert schedule["flexible_time_window"] == [{"mode": "OFF", "maximum_window_in_minutes": None}]


def test_schedule_targets_the_state_machine_with_the_scheduled_time_as_slot(plan: Plan) -> None:
    target = plan.one("aws_scheduler_schedule").values["target"][0]

    assert json.loads(target["input"]) == {"scheduledTime": "<aws.scheduler.scheduled-time>"}
    assert target["retry_policy"][0]["maximum_retry_attempts"] > 0


def test_scheduler_role_may_only_start_this_state_machine(plan: Plan) -> None:
    allowed = {
        action: _as_list(s["Resource"])
        for s in statements(plan, "scheduler")
        for action in _as_list(s["Action"])
    }

    assert allowed["states:StartExecution"] == [STATE_MACHINE_ARN]
    assert set(allowed) == {"states:StartExecution", "sqs:SendMessage"}


def test_undeliverable_triggers_go_to_an_encrypted_dead_letter_queue(plan: Plan) -> None:
    queue = plan.one("aws_sqs_queue", "schedule_dead_letter").values

    assert queue["name"] == f"{JOB}-schedule-dlq"
    assert queue["sqs_managed_sse_enabled"] is True


def test_the_dead_letter_queue_is_the_house_one_with_its_tls_only_policy(plan: Plan) -> None:
    # modules/dead_letter_queue's own tests check the policy's content (unknown at plan here).
    calls = module_configuration(plan, "nightly_report")["module_calls"]

    assert calls["schedule_dead_letter"]["source"] == "../dead_letter_queue"
    assert plan.one("aws_sqs_queue_policy", "schedule_dead_letter")


def test_a_trigger_in_the_dead_letter_queue_raises_an_alarm(plan: Plan) -> None:
    alarm = plan.one("aws_cloudwatch_metric_alarm", "schedule_dead_letter").values

    assert alarm["dimensions"] == {"QueueName": f"{JOB}-schedule-dlq"}
    assert alarm["alarm_name"] == f"{JOB}-schedule-dlq-messages"


def test_failed_timed_out_and_aborted_runs_raise_the_failed_runs_alarm(plan: Plan) -> None:
    alarm = plan.one("aws_cloudwatch_metric_alarm", "failed_runs").values
    metrics = {
        q["metric"][0]["metric_name"]: q["metric"][0]["dimensions"]
        for q in alarm["metric_query"]
        if q["metric"]
    }

    assert metrics == {
        name: {"StateMachineArn": STATE_MACHINE_ARN}
        for name in ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted")
    }
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("GreaterThanThreshold", 0)


def test_missed_run_alarm_counts_started_runs_over_a_day_plus_grace_and_missing_data_breaches(
    plan: Plan,
) -> None:
    alarm = plan.one("aws_cloudwatch_metric_alarm", "missed_run").values

    assert (alarm["namespace"], alarm["metric_name"]) == ("AWS/States", "ExecutionsStarted")
    assert alarm["dimensions"] == {"StateMachineArn": STATE_MACHINE_ARN}
    # cron(0 3 * * ? *) runs daily: 86400 s, plus the default grace of an hour.
    assert (alarm["period"], alarm["evaluation_periods"]) == (86400 + 3600, 1)
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("LessThanThreshold", 1)
    assert alarm["treat_missing_data"] == "breaching"


def test_failed_runs_alert_the_jobs_own_topic_by_default(plan: Plan) -> None:
    topic = plan.one("aws_sns_topic", "module.nightly_report.aws_sns_topic.alerts").values
    definition = json.loads(plan.one("aws_sfn_state_machine").values["definition"])

    assert topic["name"] == f"{JOB}-alerts"
    assert definition["States"]["PublishAlert"]["Parameters"]["TopicArn"] == (
        f"arn:aws:sns:{REGION}:{ACCOUNT}:{JOB}-alerts"
    )


def test_tagging_is_allowed_only_while_run_task_creates_the_task(plan: Plan) -> None:
    statement = statement_for(plan, "state_machine", "ecs:TagResource")

    assert statement["Resource"] == f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/batch/*"
    assert statement["Condition"] == {"StringEquals": {"ecs:CreateAction": "RunTask"}}


def test_state_machine_is_standard_logged_without_execution_data_and_traced(plan: Plan) -> None:
    machine = plan.one("aws_sfn_state_machine").values

    assert machine["type"] == "STANDARD"
    assert machine["logging_configuration"][0]["level"] == "ALL"
    assert machine["logging_configuration"][0]["include_execution_data"] is False
    assert machine["tracing_configuration"] == [{"enabled": True}]


def test_state_machine_times_out_after_the_task_budget_one_poll_and_bookkeeping(
    plan: Plan,
) -> None:
    definition = json.loads(plan.one("aws_sfn_state_machine").values["definition"])

    # max_run_seconds 7200 polled every 60 s: the task is stopped after 120 polls.
    assert definition["States"]["IsRunOutOfTime"]["Choices"][0]["NumericGreaterThanEquals"] == 120
    assert definition["TimeoutSeconds"] == 7200 + 60 + 300


def test_execution_log_group_keeps_logs_for_a_year(plan: Plan) -> None:
    log_group = plan.one("aws_cloudwatch_log_group").values

    assert log_group["retention_in_days"] >= 365


def test_lease_table_is_keyed_by_lock_id_on_demand_with_pitr_and_encryption(plan: Plan) -> None:
    table = plan.one("aws_dynamodb_table").values

    assert (table["hash_key"], table["attribute"]) == ("lockId", [{"name": "lockId", "type": "S"}])
    assert table["billing_mode"] == "PAY_PER_REQUEST"
    assert table["point_in_time_recovery"][0]["enabled"] is True
    assert table["server_side_encryption"][0]["enabled"] is True


def test_run_task_is_limited_to_the_task_definition_family_on_its_cluster(plan: Plan) -> None:
    statement = statement_for(plan, "state_machine", "ecs:RunTask")

    assert statement["Resource"] == (
        f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/nightly-report:*"
    )
    assert statement["Condition"]["ArnEquals"]["ecs:cluster"] == (
        f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/batch"
    )


def test_pass_role_is_limited_to_the_task_and_execution_roles_for_ecs_tasks(plan: Plan) -> None:
    statement = statement_for(plan, "state_machine", "iam:PassRole")

    assert sorted(_as_list(statement["Resource"])) == [
        f"arn:aws:iam::{ACCOUNT}:role/nightly-report-execution",
        f"arn:aws:iam::{ACCOUNT}:role/nightly-report-task",
    ]
    assert statement["Condition"]["StringEquals"]["iam:PassedToService"] == (
        "ecs-tasks.amazonaws.com"
    )


def test_dynamodb_access_is_limited_to_this_jobs_item_in_the_lease_table(plan: Plan) -> None:
    dynamodb_statements = [
        s
        for s in statements(plan, "state_machine")
        if any(a.startswith("dynamodb:") for a in _as_list(s["Action"]))
    ]

    assert len(dynamodb_statements) == 1
    statement = dynamodb_statements[0]
    assert statement["Resource"] == f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{JOB}-lease"
    assert statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == [
        JOB,
        f"{JOB}#skipped#*",
    ]


def test_lease_owner_check_is_limited_to_this_state_machines_executions(plan: Plan) -> None:
    statement = statement_for(plan, "state_machine", "states:DescribeExecution")

    assert statement["Resource"] == f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{JOB}:*"


def test_no_state_machine_statement_grants_a_wildcard_action(plan: Plan) -> None:
    actions = [
        action
        for policy in ("state_machine", "state_machine_logging", "scheduler")
        for s in statements(plan, policy)
        for action in _as_list(s["Action"])
    ]

    assert actions, "no statements found"
    assert not [a for a in actions if "*" in a]


def test_a_run_over_its_budget_stops_its_task_and_keeps_the_lease(plan: Plan) -> None:
    states = json.loads(plan.one("aws_sfn_state_machine").values["definition"])["States"]

    assert states["IsRunOutOfTime"]["Choices"][0]["Next"] == "StopTimedOutTask"
    assert states["StopTimedOutTask"]["Resource"] == "arn:aws:states:::aws-sdk:ecs:stopTask"
    assert states["StopTimedOutTask"]["Next"] == "DescribeTimeout"
    assert states["DescribeTimeout"]["Parameters"]["release"] is False

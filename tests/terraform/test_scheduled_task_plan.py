"""Plan of examples/scheduled_task: the schedule, the state machine, the lease table and how
narrowly the IAM policies are scoped. Every ARN below is built from inputs, so it is known at
plan time."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.plan import Plan

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


def test_state_machine_is_standard_logged_without_execution_data_and_traced(plan: Plan) -> None:
    machine = plan.one("aws_sfn_state_machine").values

    assert machine["type"] == "STANDARD"
    assert machine["logging_configuration"][0]["level"] == "ALL"
    assert machine["logging_configuration"][0]["include_execution_data"] is False
    assert machine["tracing_configuration"] == [{"enabled": True}]


def test_state_machine_times_out_after_the_task_budget_plus_bookkeeping(plan: Plan) -> None:
    definition = json.loads(plan.one("aws_sfn_state_machine").values["definition"])

    assert definition["States"]["RunTask"]["TimeoutSeconds"] == 7200
    assert definition["TimeoutSeconds"] == 7200 + 300


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
    assert statement["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"] == JOB


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

"""Self-monitoring: on by default, alarms on the handler and each rule, a dashboard whose
name is unique per deployment and region, and a switch that removes it all."""

from __future__ import annotations

import json
from pathlib import Path

from devkit.plan import Plan, module_configuration
from devkit.terraform import offline_workspace


def alarms(plan: Plan) -> dict[str, dict]:
    return {
        r.values["alarm_name"]: r.values
        for r in plan.of_type("aws_cloudwatch_metric_alarm")
        if "module.monitoring" in r.address
    }


def dashboard(plan: Plan) -> dict:
    return plan.one("aws_cloudwatch_dashboard", "module.monitoring").values


def test_monitoring_is_on_by_default_with_the_handler_alarms(plan_example) -> None:
    found = alarms(plan_example("basic"))
    errors = found["ecs-events-handler-errors"]
    assert (errors["namespace"], errors["metric_name"]) == ("AWS/Lambda", "Errors")
    assert errors["dimensions"] == {"FunctionName": "ecs-events"}
    throttles = found["ecs-events-handler-throttles"]
    assert throttles["metric_name"] == "Throttles"
    age = found["ecs-events-queue-oldest-message-age"]
    assert (age["metric_name"], age["dimensions"], age["threshold"]) == (
        "ApproximateAgeOfOldestMessage",
        {"QueueName": "ecs-events"},
        900,
    )


def test_failed_events_alarm_on_the_handlers_outcome_metric(plan_example) -> None:
    failed = alarms(plan_example("basic"))["ecs-events-handler-failed-events"]
    assert (failed["namespace"], failed["metric_name"], failed["statistic"]) == (
        "ECSEvents",
        "EventsFailed",
        "Sum",
    )
    # The dimension the handler writes: STACK_NAME (test_handler_writes_its_outcome_metrics...).
    assert failed["dimensions"] == {"Stack": "ecs-events"}
    assert (failed["threshold"], failed["period"]) == (1, 300)


def test_the_failed_events_threshold_is_passed_from_the_root_module(plan_example) -> None:
    root = module_configuration(plan_example("complete"), "ecs_events")
    thresholds = root["module_calls"]["monitoring"]["expressions"]["thresholds"]
    assert "var.monitoring.failed_events" in thresholds["references"]


def test_each_rule_has_a_failed_invocations_alarm(plan_example) -> None:
    plan = plan_example("complete")
    rules = {
        r.values["name"]
        for r in plan.of_type("aws_cloudwatch_event_rule")
        if "module.handler" in r.address
    }
    failed = [a for a in alarms(plan).values() if a["metric_name"] == "FailedInvocations"]
    assert {a["dimensions"]["RuleName"] for a in failed} == rules
    # state, deployments, service actions, instance health, daemons, hooks, and the
    # incidents' service and instance recoveries
    assert len(rules) == 8
    assert all(a["namespace"] == "AWS/Events" for a in failed)


def test_alarms_notify_the_alarm_actions(plan_example) -> None:
    root = module_configuration(plan_example("complete"), "ecs_events")
    call = root["module_calls"]["monitoring"]["expressions"]
    assert call["alarm_actions"]["references"] == ["var.alarm_actions"]


def test_dashboard_name_is_unique_per_deployment_and_region(plan_example) -> None:
    assert dashboard(plan_example("basic"))["dashboard_name"] == "ecs-events-eu-west-1"


def test_dashboard_draws_outcomes_alerts_queues_and_dead_letters(plan_example) -> None:
    body = json.loads(dashboard(plan_example("basic"))["dashboard_body"])
    titles = [w["properties"]["title"] for w in body["widgets"]]
    assert titles == [
        "Events by outcome",
        "Alerts sent, and failures by family",
        "Handler queue: depth and age of the oldest event",
        "Dead-letter queues (redrive after a fix)",
        "Handler and rules",
    ]  # no reconciler, no scheduled jobs: basic runs neither
    outcomes = [m[1] for m in body["widgets"][0]["properties"]["metrics"]]
    assert outcomes == [
        "EventsApplied",
        "EventsDuplicate",
        "EventsStale",
        "EventsSkipped",
        "EventsFailed",
    ]
    assert all(m[3] == "ecs-events" for m in body["widgets"][0]["properties"]["metrics"])
    dead_letters = {m[3] for m in body["widgets"][3]["properties"]["metrics"]}
    assert dead_letters == {"ecs-events-dlq", "ecs-events-history-dlq"}
    assert all(w["properties"]["region"] == "eu-west-1" for w in body["widgets"])


def test_the_reconciler_is_drawn_where_it_runs(plan_example) -> None:
    # complete's module call depends on its key policy, so its body is known only at apply.
    root = module_configuration(plan_example("complete"), "ecs_events")
    parts = root["module_calls"]["monitoring"]["expressions"]["optional_parts"]
    assert "module.reconciler[0].function_name" in parts["references"]
    assert "module.history[0].dead_letter_queue_name" in parts["references"]


def test_handler_writes_its_outcome_metrics_with_alerts_off(plan_example) -> None:
    function = plan_example("basic").one("aws_lambda_function", "module.handler").values
    variables = function["environment"][0]["variables"]
    assert (variables["METRIC_NAMESPACE"], variables["STACK_NAME"]) == ("ECSEvents", "ecs-events")


def test_the_switch_removes_every_monitoring_resource(terraform_sources: Path) -> None:
    directory = terraform_sources / "examples" / "monitoring_off"
    directory.mkdir(exist_ok=True)
    (directory / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n}\n\n'
        'module "ecs_events" {\n  source     = "../../"\n'
        "  monitoring = { enabled = false }\n}\n"
    )
    workspace = offline_workspace(directory)
    plan = Plan(workspace.plan())
    assert [r.address for r in plan.resources if "module.monitoring" in r.address] == []
    assert plan.of_type("aws_lambda_function")  # the rest is still planned

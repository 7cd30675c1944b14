"""Plan of examples/complete, where alerts are on: topic, policies, subscriptions, alarm."""

from __future__ import annotations

import json

from devkit.plan import module_configuration, statement_resource_references


def handler_patterns(plan) -> dict[str, dict]:
    """The handler's rule patterns by rule name."""
    return {
        r.values["name"]: json.loads(r.values["event_pattern"])
        for r in plan.of_type("aws_cloudwatch_event_rule")
        if "module.handler." in r.address
    }


def test_basic_has_no_alerting_resources(plan_example) -> None:
    plan = plan_example("basic")
    assert [r.address for r in plan.resources if "module.alerts" in r.address] == []


def test_alert_topic_is_created_with_email_subscriptions(plan_example) -> None:
    plan = plan_example("complete")
    topic = plan.one("aws_sns_topic", "module.alerts")
    assert topic.values["name"] == "ecs-events-complete-alerts"
    subscription = plan.one("aws_sns_topic_subscription").values
    assert (subscription["protocol"], subscription["endpoint"]) == ("email", "oncall@example.com")


def test_alert_topic_is_encrypted_with_the_customer_key(plan_example) -> None:
    alerts = module_configuration(plan_example("complete"), "ecs_events", "alerts")
    (topic,) = [r for r in alerts["resources"] if r["address"] == "aws_sns_topic.this"]
    assert topic["expressions"]["kms_master_key_id"]["references"][0] == "var.kms_key_arn"
    root = module_configuration(plan_example("complete"), "ecs_events")
    assert root["module_calls"]["alerts"]["expressions"]["kms_key_arn"]["references"] == [
        "var.kms_key_arn"
    ]


def test_topic_policy_admits_only_the_handler_role_and_tls(plan_example) -> None:
    plan = plan_example("complete")
    alerts = module_configuration(plan, "ecs_events", "alerts")
    (document,) = [
        r for r in alerts["resources"] if r["address"] == "data.aws_iam_policy_document.topic"
    ]
    allow, deny_others, deny_plain = document["expressions"]["statement"]
    assert allow["principals"][0]["identifiers"]["references"] == ["var.publisher_role_arns"]
    assert deny_others["effect"]["constant_value"] == "Deny"
    assert deny_others["condition"][0]["test"]["constant_value"] == "ArnNotEquals"
    assert deny_plain["condition"][0]["variable"]["constant_value"] == "aws:SecureTransport"
    publishers = module_configuration(plan, "ecs_events")["module_calls"]["alerts"]["expressions"]
    assert publishers["publisher_role_arns"]["references"][0] == "module.handler.role_arn"


def test_publisher_may_publish_and_remember_alerts_only(plan_example) -> None:
    alerts = module_configuration(plan_example("complete"), "ecs_events", "alerts")
    assert statement_resource_references(alerts, "data.aws_iam_policy_document.publisher") == {
        "PublishAlerts": {"local.topic_arn"},
        "RememberAlerts": {"aws_dynamodb_table.sent.arn", "aws_dynamodb_table.sent"},
    }


def test_sent_alerts_table_is_keyed_expiring_and_backed_up(plan_example) -> None:
    table = plan_example("complete").one("aws_dynamodb_table", "module.alerts").values
    assert (table["hash_key"], table["attribute"]) == (
        "alertKey",
        [{"name": "alertKey", "type": "S"}],
    )
    assert table["ttl"] == [{"attribute_name": "expiresAt", "enabled": True}]
    assert table["point_in_time_recovery"] == [{"enabled": True}]


def test_failure_alarm_watches_the_stack_metric(plan_example) -> None:
    alarm = plan_example("complete").one("aws_cloudwatch_metric_alarm", "failures").values
    assert (alarm["namespace"], alarm["metric_name"], alarm["dimensions"]) == (
        "ECSEvents",
        "Failures",
        {"Stack": "ecs-events-complete"},
    )
    assert (alarm["statistic"], alarm["threshold"], alarm["period"]) == ("Sum", 3, 300)
    assert alarm["comparison_operator"] == "GreaterThanOrEqualToThreshold"


def test_alert_rules_route_failed_deployments_and_warnings_of_the_clusters(plan_example) -> None:
    patterns = handler_patterns(plan_example("complete"))
    prefixes = [
        {"prefix": "arn:aws:ecs:eu-west-1:111122223333:service/production/"},
        {"prefix": "arn:aws:ecs:eu-west-1:111122223333:service/batch/"},
    ]
    assert patterns["ecs-events-complete-deployments"] == {
        "source": ["aws.ecs"],
        "detail-type": ["ECS Deployment State Change"],
        "detail": {"eventName": ["SERVICE_DEPLOYMENT_FAILED"]},
        "resources": prefixes,
    }
    assert patterns["ecs-events-complete-service-actions"] == {
        "source": ["aws.ecs"],
        "detail-type": ["ECS Service Action"],
        "detail": {"eventType": ["WARN", "WARNING", "ERROR"]},
        "resources": prefixes,
    }


def test_alert_rules_route_the_newer_event_types(plan_example) -> None:
    patterns = handler_patterns(plan_example("complete"))
    clusters = [
        "arn:aws:ecs:eu-west-1:111122223333:cluster/production",
        "arn:aws:ecs:eu-west-1:111122223333:cluster/batch",
    ]
    assert patterns["ecs-events-complete-instance-health"]["detail"] == {
        "overallStatus": ["IMPAIRED"],
        "clusterArn": clusters,
    }
    assert patterns["ecs-events-complete-daemons"]["detail-type"] == [
        "ECS Daemon Service Action",
        "ECS Daemon Deployment State Change",
    ]
    assert patterns["ecs-events-complete-hooks"] == {
        "source": ["aws.ecs"],
        "detail-type": ["ECS Hook State Change"],
    }


def test_the_handler_reads_log_lines_only_from_the_groups_it_is_given(plan_example) -> None:
    plan = plan_example("complete")
    alerts = module_configuration(plan, "ecs_events", "alerts")
    assert statement_resource_references(alerts, "data.aws_iam_policy_document.log_reader") == {
        "ReadLastLogLines": {"local.log_stream_arns"},
        "ReadLogConfiguration": {"constant"},
    }
    call = module_configuration(plan, "ecs_events")["module_calls"]["alerts"]["expressions"]
    assert "var.alerts.last_log_lines.log_group_arns" in call["log_reader"]["references"]


def test_key_policy_lets_eventbridge_and_logs_use_the_key(plan_example) -> None:
    root = plan_example("complete").document["configuration"]["root_module"]
    (document,) = [
        r for r in root["resources"] if r["address"] == "data.aws_iam_policy_document.key"
    ]
    services = {
        statement["sid"]["constant_value"]: statement["principals"][0]["identifiers"]
        for statement in document["expressions"]["statement"]
    }
    assert services["EventBridgeWritesEncryptedQueues"]["constant_value"] == [
        "events.amazonaws.com"
    ]
    assert "data.aws_region.current.id" in services["CloudWatchLogsEncryptsLogGroups"]["references"]


# --- incidents ------------------------------------------------------------------------------


def test_recovery_rules_route_completed_deployments_steady_states_and_healthy_instances(
    plan_example,
) -> None:
    patterns = handler_patterns(plan_example("complete"))
    assert patterns["ecs-events-complete-service-recoveries"] == {
        "source": ["aws.ecs"],
        "detail-type": ["ECS Deployment State Change", "ECS Service Action"],
        "detail": {"eventName": ["SERVICE_DEPLOYMENT_COMPLETED", "SERVICE_STEADY_STATE"]},
        "resources": [
            {"prefix": "arn:aws:ecs:eu-west-1:111122223333:service/production/"},
            {"prefix": "arn:aws:ecs:eu-west-1:111122223333:service/batch/"},
        ],
    }
    assert patterns["ecs-events-complete-instance-recoveries"]["detail"]["overallStatus"] == ["OK"]


def test_wake_ups_get_their_own_schedule_group_and_the_handlers_queue(plan_example) -> None:
    plan = plan_example("complete")
    group = plan.one("aws_scheduler_schedule_group", "module.alerts").values
    assert group["name"] == "ecs-events-complete-incidents"
    root = module_configuration(plan, "ecs_events")
    wake = root["module_calls"]["alerts"]["expressions"]["incident_wake"]
    assert "module.handler.queue_arn" in wake["references"]


def test_the_wake_up_role_may_only_send_to_the_handlers_queue(plan_example) -> None:
    alerts = module_configuration(plan_example("complete"), "ecs_events", "alerts")
    assert statement_resource_references(alerts, "data.aws_iam_policy_document.incident_wake") == {
        "WakeTheHandler": {"var.incident_wake.queue_arn", "var.incident_wake"},
    }


def test_the_handler_may_schedule_in_its_group_only_and_pass_only_the_wake_up_role(
    plan_example,
) -> None:
    alerts = module_configuration(plan_example("complete"), "ecs_events", "alerts")
    assert statement_resource_references(
        alerts, "data.aws_iam_policy_document.schedule_wake_ups"
    ) == {
        "ScheduleWakeUps": {"local.wake_schedule_arns"},
        "PassTheWakeUpRole": {
            "aws_iam_role.incident_wake[0].arn",
            "aws_iam_role.incident_wake[0]",
            "aws_iam_role.incident_wake",
        },
    }
    (document,) = [
        r
        for r in alerts["resources"]
        if r["address"] == "data.aws_iam_policy_document.schedule_wake_ups"
    ]
    condition = document["expressions"]["statement"][1]["condition"][0]
    assert condition["variable"]["constant_value"] == "iam:PassedToService"
    assert condition["values"]["constant_value"] == ["scheduler.amazonaws.com"]


def test_with_resolution_off_no_wake_up_is_created(plan_example) -> None:
    plan = plan_example("basic")
    assert plan.of_type("aws_scheduler_schedule_group") == []

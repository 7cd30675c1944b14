"""What alerts say, for each trigger, on events shaped like AWS's documented examples."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecs_events.alerts import (
    explain_exit,
    failure_metric,
    service_alert,
    sns_message,
    task_alert,
)
from ecs_events.config import AlertSettings
from ecs_events.events import parse_event
from ecs_events.state import task_record
from tests.events import TASK_ARN, deployment_event, service_action_event, task_event

SETTINGS = AlertSettings(topic_arn="arn:aws:sns:us-west-2:111122223333:alerts", table_name="a")
CONSOLE = (
    "https://us-west-2.console.aws.amazon.com/ecs/v2/clusters/default/tasks/"
    "4fd8ba3eb0ae4bb4a3fa8d2e39d79c4a/configuration?region=us-west-2"
)


def stopped(settings: AlertSettings = SETTINGS, **kwargs: Any):
    event = parse_event(task_event(version=6, last_status="STOPPED", **kwargs))
    return task_alert(event, task_record(event, 30), settings)


def test_oom_kill_alert_says_what_where_why_and_links_the_task() -> None:
    alert = stopped(
        exit_code=137, container_reason="OutOfMemoryError: Container killed due to memory usage"
    )
    assert alert is not None
    assert alert.kind == "task_exit"
    assert alert.subject == "ECS task billing-report report exited 137 (out of memory) in default"
    assert alert.text.splitlines()[:5] == [
        "Task billing-report:7 report exited 137 (out of memory).",
        "",
        "Family:    billing-report   Group: family:billing-report",
        "Cluster:   default   Account: 111122223333   Region: us-west-2",
        "Stopped:   EssentialContainerExited: Essential container in task exited",
    ]
    assert "  report: exit 137" in alert.text
    assert "    reason:  OutOfMemoryError: Container killed due to memory usage" in alert.text
    assert "    meaning: killed for using more memory than its limit (OOM)" in alert.text
    assert "Started:   2026-11-20 03:14:25 UTC" in alert.text
    assert "Stopped:   2026-11-20 03:30:31 UTC (ran 16m 6s)" in alert.text
    assert f"Task:      {CONSOLE}" in alert.text


@pytest.mark.parametrize(
    ("code", "meaning"),
    [
        (1, "application error"),
        (139, "segmentation fault"),
        (255, "entrypoint failed"),
        (137, "did not stop within the stop timeout"),
    ],
)
def test_each_default_exit_code_alerts_with_its_meaning(code: int, meaning: str) -> None:
    alert = stopped(exit_code=code)
    assert alert is not None
    assert f"report exited {code} in default" in alert.subject
    assert meaning in alert.text


def test_sigterm_exit_is_not_a_failure_by_default_but_is_with_any_non_zero() -> None:
    assert stopped(exit_code=143) is None
    any_code = AlertSettings(topic_arn=SETTINGS.topic_arn, table_name="a", exit_codes=frozenset())
    alert = stopped(any_code, exit_code=143)
    assert alert is not None
    assert "stopped with SIGTERM" in alert.text


def test_image_pull_failure_alerts_as_a_start_failure_with_advice() -> None:
    alert = stopped(
        stop_code="TaskFailedToStart",
        stopped_reason="CannotPullContainerError: pull image manifest has been retried 5 time(s)",
        container_reason="CannotPullContainerError: pull image manifest has been retried 5 time(s)",
    )
    assert alert is not None
    assert alert.kind == "task_start_failure"
    assert (
        alert.subject
        == "ECS task billing-report failed to start: CannotPullContainerError in default"
    )
    assert "the image could not be pulled" in alert.text
    assert "execution role's ECR permissions" in alert.text


def test_task_that_never_started_reports_how_long_it_took_to_fail() -> None:
    event = task_event(
        version=6,
        last_status="STOPPED",
        stop_code="TaskFailedToStart",
        stopped_reason="ResourceInitializationError: unable to pull secrets or registry auth",
    )
    for name in ("startedAt", "pullStartedAt", "pullStoppedAt"):
        event["detail"].pop(name)
    parsed = parse_event(event)
    alert = task_alert(parsed, task_record(parsed, 30), SETTINGS)
    assert alert is not None
    assert "Started:" not in alert.text
    assert "Stopped:   2026-11-20 03:30:31 UTC (failed after 16m 30s)" in alert.text
    assert "secrets, SSM parameters" in alert.text


@pytest.mark.parametrize(
    "kwargs",
    [
        {"exit_code": 0},
        {
            "exit_code": 137,
            "stop_code": "ServiceSchedulerInitiated",
            "stopped_reason": "Scaling activity initiated by (deployment ecs-svc/123)",
        },
        {"exit_code": 137, "stop_code": "UserInitiated", "stopped_reason": "Task stopped by user"},
    ],
    ids=["clean exit", "deployment scale-in", "stopped by a person"],
)
def test_stops_that_are_not_failures_do_not_alert(kwargs: dict[str, Any]) -> None:
    assert stopped(**kwargs) is None


def test_running_task_never_alerts() -> None:
    event = parse_event(task_event(version=4, last_status="RUNNING", exit_code=1))
    assert task_alert(event, task_record(event, 30), SETTINGS) is None


def test_health_check_replacement_alerts_with_any_non_zero_and_explains_it() -> None:
    any_code = AlertSettings(topic_arn=SETTINGS.topic_arn, table_name="a", exit_codes=frozenset())
    alert = stopped(
        any_code,
        exit_code=143,
        stop_code="ServiceSchedulerInitiated",
        stopped_reason="Task failed ELB health checks in (target-group web)",
        group="service:web",
    )
    assert alert is not None
    assert "load balancer's health check failed" in alert.text
    assert "Group: service web" in alert.text


@pytest.mark.parametrize(
    ("settings", "alerts"),
    [
        (
            AlertSettings(topic_arn="t", table_name="a", families=frozenset({"billing-report"})),
            True,
        ),
        (AlertSettings(topic_arn="t", table_name="a", families=frozenset({"other"})), False),
        (AlertSettings(topic_arn="t", table_name="a", services=frozenset({"web"})), False),
        (
            AlertSettings(
                topic_arn="t", table_name="a", triggers=frozenset({"task_start_failure"})
            ),
            False,
        ),
    ],
    ids=["family matches", "other family", "not a service task", "trigger off"],
)
def test_filters_and_triggers_select_task_alerts(settings: AlertSettings, alerts: bool) -> None:
    assert (stopped(settings, exit_code=1) is not None) is alerts


def test_failed_deployment_alert_names_the_service_and_the_circuit_breaker() -> None:
    alert = service_alert(parse_event(deployment_event()), SETTINGS)
    assert alert is not None
    assert alert.kind == "deployment_failure"
    assert alert.subject == "ECS service web deployment failed in default"
    assert "Event:     SERVICE_DEPLOYMENT_FAILED (ERROR)" in alert.text
    assert "Reason:    ECS deployment circuit breaker: task failed to start." in alert.text
    assert "Deploy id: ecs-svc/1234567890123456789" in alert.text
    assert (
        "https://us-west-2.console.aws.amazon.com/ecs/v2/clusters/default/services/web/"
        "deployments?region=us-west-2"
    ) in alert.text


def test_placement_failure_alert_explains_the_missing_resource() -> None:
    alert = service_alert(parse_event(service_action_event()), SETTINGS)
    assert alert is not None
    assert alert.kind == "service_action"
    assert alert.subject == "ECS service web task placement failure in default"
    assert "no container instance has enough free CPU" in alert.text
    assert "/ecs/v2/clusters/default/services/web/health?region=us-west-2" in alert.text


def test_start_impaired_warning_alerts_at_warn_severity() -> None:
    event = service_action_event("SERVICE_TASK_START_IMPAIRED", "WARN")
    alert = service_alert(parse_event(event), SETTINGS)
    assert alert is not None
    assert (alert.severity, alert.subject) == (
        "WARN",
        "ECS service web task start impaired in default",
    )


@pytest.mark.parametrize(
    "event",
    [
        deployment_event("SERVICE_DEPLOYMENT_COMPLETED"),
        service_action_event("SERVICE_STEADY_STATE", "INFO"),
    ],
    ids=["deployment completed", "steady state"],
)
def test_good_news_does_not_alert(event: dict[str, Any]) -> None:
    assert service_alert(parse_event(event), SETTINGS) is None


def test_sns_message_has_text_for_people_json_for_machines_and_filterable_attributes() -> None:
    alert = stopped(exit_code=137, container_reason="OutOfMemoryError: killed")
    assert alert is not None
    request = sns_message(alert)
    assert request["MessageStructure"] == "json"
    bodies = json.loads(request["Message"])
    assert bodies["default"] == bodies["email"] == alert.text
    machine = json.loads(bodies["sqs"])
    assert machine["taskArn"] == TASK_ARN
    assert machine["containers"][0]["exitCode"] == 137
    assert machine["consoleUrl"] == CONSOLE
    assert {k: v["StringValue"] for k, v in request["MessageAttributes"].items()} == {
        "cluster": "default",
        "family": "billing-report",
        "severity": "ERROR",
        "kind": "task_exit",
        "account": "111122223333",
        "region": "us-west-2",
    }


def test_subject_stays_within_the_sns_limit() -> None:
    event = task_event(version=6, last_status="STOPPED", exit_code=1)
    event["detail"]["taskDefinitionArn"] += "-" + "very-long-family-name-é" * 10
    parsed = parse_event(event)
    alert = task_alert(parsed, task_record(parsed, 30), SETTINGS)
    assert alert is not None
    assert len(alert.subject) <= 100
    assert alert.subject.isascii()


def test_failure_metric_is_embedded_metric_format_by_cluster_family_and_stack() -> None:
    alert = stopped(exit_code=1)
    assert alert is not None
    line = json.loads(failure_metric(alert, SETTINGS, now=1795145431.75))
    directive = line["_aws"]["CloudWatchMetrics"][0]
    assert line["_aws"]["Timestamp"] == 1795145431750
    assert directive["Namespace"] == "ECSEvents"
    assert directive["Dimensions"] == [["Cluster", "Family"], ["Cluster"], ["Stack"]]
    assert directive["Metrics"] == [{"Name": "Failures", "Unit": "Count"}]
    assert (line["Cluster"], line["Family"], line["Stack"], line["Failures"]) == (
        "default",
        "billing-report",
        "ecs-events",
        1,
    )


@pytest.mark.parametrize(
    ("code", "text"), [(126, "not executable"), (127, "not found"), (134, "signal 6")]
)
def test_other_exit_codes_are_explained_too(code: int, text: str) -> None:
    assert text in explain_exit(code)

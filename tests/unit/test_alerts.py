"""What alerts say, for each trigger, on events shaped like AWS's documented examples."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from devkit.events import (
    TASK_ARN,
    daemon_action_event,
    daemon_deployment_event,
    deployment_event,
    hook_event,
    instance_health_event,
    service_action_event,
    task_event,
)
from ecs_events.alerts import (
    explain_exit,
    failure_metric,
    service_alert,
    sns_message,
    task_alert,
)
from ecs_events.alerts.chat import chat_message
from ecs_events.alerts.storm import Decision, with_held_back
from ecs_events.config import AlertSettings
from ecs_events.events import parse_event
from ecs_events.state import task_record
from ecs_events.times import epoch_millis

OOM_REASON = "OutOfMemoryError: Container killed due to memory usage"
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
    assert "Stopped:   2026-11-20 03:30:31 UTC (ran 16m 06s)" in alert.text
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


# --- failures in every shape --------------------------------------------------------


def stopped_without_stop_code(reason: str | None, started: bool = False, **kwargs: Any):
    """A STOPPED task as older events and some paths send it: no stopCode, containers
    without exitCode or reason, perhaps never started."""
    raw = task_event(version=6, last_status="STOPPED", **kwargs)
    del raw["detail"]["stopCode"]
    if reason is None:
        del raw["detail"]["stoppedReason"]
    else:
        raw["detail"]["stoppedReason"] = reason
    if not started:
        for name in ("startedAt", "pullStartedAt", "pullStoppedAt"):
            raw["detail"].pop(name)
    event = parse_event(raw)
    return task_alert(event, task_record(event, 30), SETTINGS)


def test_task_failed_to_start_without_a_stop_code_is_a_start_failure() -> None:
    alert = stopped_without_stop_code("Task failed to start", started=True)
    assert alert is not None
    assert alert.kind == "task_start_failure"
    assert (
        alert.subject == "ECS task billing-report failed to start: Task failed to start in default"
    )
    assert "Stopped:   -: Task failed to start" in alert.text


def test_a_task_that_never_ran_and_was_not_stopped_on_purpose_is_a_start_failure() -> None:
    alert = stopped_without_stop_code(None)
    assert alert is not None
    assert alert.kind == "task_start_failure"
    assert "failed to start: no reason given" in alert.subject


@pytest.mark.parametrize(
    "reason",
    ["Task stopped by user", "Scaling activity initiated by (deployment ecs-svc/1234567890)"],
)
def test_a_task_stopped_on_purpose_before_it_ran_does_not_alert(reason: str) -> None:
    assert stopped_without_stop_code(reason) is None


def test_spot_interruptions_are_their_own_trigger_and_off_by_default() -> None:
    kwargs: dict[str, Any] = {"exit_code": 143, "stop_code": "SpotInterruption"}
    assert stopped(**kwargs) is None
    with_spot = AlertSettings(
        topic_arn=SETTINGS.topic_arn, table_name="a", triggers=frozenset({"spot_interruption"})
    )
    alert = stopped(with_spot, **kwargs)
    assert alert is not None
    assert alert.kind == "spot_interruption"
    assert alert.subject == "ECS task billing-report interrupted (SpotInterruption) in default"
    assert "AWS reclaimed the Spot capacity" in alert.text


def test_a_newer_stop_code_is_explained_where_known() -> None:
    alert = stopped(exit_code=137, stop_code="InfrastructureHealth", stopped_reason="Host impaired")
    assert alert is not None
    assert "Stopped:   InfrastructureHealth: Host impaired" in alert.text
    assert "the infrastructure it ran on was unhealthy" in alert.text


def test_an_unknown_stop_code_passes_through_verbatim() -> None:
    alert = stopped(exit_code=1, stop_code="SomethingEcsAddsNext", stopped_reason="New reason")
    assert alert is not None
    assert alert.document["stopCode"] == "SomethingEcsAddsNext"
    assert "Stopped:   SomethingEcsAddsNext: New reason" in alert.text


def new_type_alert(raw: dict[str, Any]):
    return service_alert(parse_event(raw), SETTINGS)


def test_an_impaired_instance_alerts_with_its_failing_checks_explained() -> None:
    alert = new_type_alert(instance_health_event(failing=("CONTAINER_RUNTIME",)))
    assert alert is not None
    assert alert.kind == "instance_health"
    assert (
        alert.subject == "ECS container instance i-0123456789abcdef0 is IMPAIRED: CONTAINER_RUNTIME"
    )
    assert "Failing:   CONTAINER_RUNTIME: Docker daemon is unresponsive" in alert.text
    assert "the container runtime (Docker or containerd) is not responding" in alert.text
    assert alert.family == "instance/default"
    assert "None" not in alert.text  # capacityProviderName and statusReason were null


def test_a_healthy_instance_does_not_alert() -> None:
    assert new_type_alert(instance_health_event("OK", failing=())) is None


@pytest.mark.parametrize("event_type", ["WARNING", "WARN", "ERROR"])
def test_a_daemon_task_that_cannot_start_alerts_whether_it_says_warn_or_warning(
    event_type: str,
) -> None:
    alert = new_type_alert(daemon_action_event(event_type=event_type))
    assert alert is not None
    assert alert.kind == "daemon_failure"
    assert alert.severity == ("ERROR" if event_type == "ERROR" else "WARN")
    assert alert.subject == "ECS daemon node-exporter could not start a task (TASK_FAILED_TO_RUN)"
    assert "never reached RUNNING" in alert.text


def test_a_failed_daemon_deployment_without_resources_alerts() -> None:
    raw = daemon_deployment_event("DAEMON_DEPLOYMENT_ROLLBACK_FAILED")
    assert "resources" not in raw
    alert = new_type_alert(raw)
    assert alert is not None
    assert alert.subject == "ECS daemon node-exporter deployment rollback failed"
    assert alert.document["daemonDeploymentArn"].endswith("/deployment/d-0a1b2c3d")


def test_a_completed_daemon_deployment_does_not_alert() -> None:
    assert new_type_alert(daemon_deployment_event("DAEMON_DEPLOYMENT_COMPLETED")) is None


@pytest.mark.parametrize(("status", "headline"), [("FAILED", "failed"), ("TIMED_OUT", "timed out")])
def test_a_failing_deployment_hook_alerts(status: str, headline: str) -> None:
    alert = new_type_alert(hook_event(status))
    assert alert is not None
    assert alert.kind == "hook_failure"
    assert alert.subject == f"ECS service web deployment hook {headline}"
    assert "Hook:      hook-0a1b2c3d at POST_TEST_TRAFFIC_SHIFT" in alert.text


@pytest.mark.parametrize("status", ["IN_PROGRESS", "SUCCEEDED", "AWAITING_ACTION"])
def test_a_hook_that_is_not_failing_does_not_alert(status: str) -> None:
    assert new_type_alert(hook_event(status)) is None


def test_one_event_id_reused_across_detail_types_gives_two_alert_keys() -> None:
    deployment, hook = deployment_event(), hook_event()
    hook["id"] = deployment["id"]
    keys = {new_type_alert(deployment).key, new_type_alert(hook).key}  # type: ignore[union-attr]
    assert len(keys) == 2


def test_a_service_action_that_says_warning_alerts_as_warn() -> None:
    alert = new_type_alert(service_action_event(event_type="WARNING"))
    assert alert is not None
    assert alert.severity == "WARN"


def test_nine_fractional_digits_are_read_to_the_millisecond() -> None:
    assert epoch_millis("2026-11-20T03:15:02.123456789Z") == 1_795_144_502_123


# --- where people read alerts ---------------------------------------------------------


def test_chat_form_follows_the_q_developer_custom_notification_schema() -> None:
    alert = stopped(exit_code=137, container_reason=OOM_REASON)
    assert alert is not None
    chat = chat_message(alert)
    assert (chat["version"], chat["source"]) == ("1.0", "custom")
    assert chat["content"]["textType"] == "client-markdown"
    assert chat["content"]["title"].endswith(alert.subject)
    assert "• *report:* exit 137 (OutOfMemoryError" in chat["content"]["description"]
    assert chat["content"]["nextSteps"] == [f"<{CONSOLE}|Task in the ECS console>"]
    assert chat["metadata"]["threadId"] == "default/billing-report"
    assert chat["metadata"]["relatedResources"] == [TASK_ARN]


def test_https_subscribers_get_the_chat_form_and_the_rest_keep_text_and_facts() -> None:
    alert = stopped(exit_code=1)
    assert alert is not None
    message = json.loads(sns_message(alert, chat=True)["Message"])
    assert json.loads(message["https"])["source"] == "custom"
    assert json.loads(message["http"])["taskArn"] == TASK_ARN
    assert json.loads(message["sqs"])["taskArn"] == TASK_ARN
    assert message["email"] == alert.text


def test_without_the_chat_form_https_gets_the_facts() -> None:
    alert = stopped(exit_code=1)
    assert alert is not None
    message = json.loads(sns_message(alert, chat=False)["Message"])
    assert json.loads(message["https"])["taskArn"] == TASK_ARN


def test_a_held_back_count_keeps_the_subject_within_the_sns_limit() -> None:
    alert = stopped(exit_code=1)
    assert alert is not None
    long = replace(alert, subject="x" * 100)
    counted = with_held_back(long, Decision(send=True, held_back=23, since=1_795_144_520))
    assert len(counted.subject) <= 100
    assert counted.subject.endswith("... (+23 more)")
    assert "and 23 more since 2026-11-20 03:15:20 UTC" in counted.text
    assert "and 23 more since" in chat_message(counted)["content"]["description"]

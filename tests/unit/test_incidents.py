"""The incident model: what a failure belongs to, what ends it, what the resolution says."""

from __future__ import annotations

from typing import Any

import pytest

from devkit.events import (
    container_instance_event,
    deployment_event,
    instance_health_event,
    service_action_event,
    task_event,
)
from ecs_events.alerts import service_alert, task_alert
from ecs_events.alerts.chat import chat_message
from ecs_events.alerts.incident import (
    FAMILY,
    INSTANCE,
    SERVICE,
    Failure,
    Subject,
    failure_of,
    opened,
    recovery_of,
    resolves_by_quiet,
    subject_of,
    task_usage,
)
from ecs_events.alerts.resolution import in_incident, resolution_alert, resolved_subject
from ecs_events.config import AlertSettings
from ecs_events.events import parse_event
from ecs_events.state import task_record

SETTINGS = AlertSettings(topic_arn="arn:aws:sns:us-west-2:111122223333:alerts", table_name="a")
ACCOUNT, REGION = "111122223333", "us-west-2"
WEB = Subject(SERVICE, "web", "default", ACCOUNT, REGION)
INSTANCE_ID = "9a2f1c7e5b6d4e3f8a0b1c2d3e4f5a6b"


def stopped_task(**kwargs: Any) -> tuple[Any, dict[str, Any]]:
    event = parse_event(task_event(version=6, last_status="STOPPED", **kwargs))
    record = task_record(event, 30)
    alert = task_alert(event, record, SETTINGS)
    assert alert is not None
    return alert, record


# --- what an alert belongs to ------------------------------------------------------------


def test_a_task_outside_a_service_belongs_to_its_family() -> None:
    alert, _ = stopped_task(exit_code=1)
    assert subject_of(alert) == Subject(FAMILY, "billing-report", "default", ACCOUNT, REGION)


def test_a_task_of_a_service_belongs_to_the_service() -> None:
    alert, _ = stopped_task(exit_code=1, group="service:web")
    assert subject_of(alert) == WEB


def test_a_failed_deployment_belongs_to_its_service() -> None:
    alert = service_alert(parse_event(deployment_event()), SETTINGS)
    assert alert is not None
    assert subject_of(alert) == WEB


def test_an_impaired_instance_is_its_own_subject() -> None:
    alert = service_alert(parse_event(instance_health_event()), SETTINGS)
    assert alert is not None
    assert subject_of(alert) == Subject(INSTANCE, INSTANCE_ID, "default", ACCOUNT, REGION)


def test_subjects_of_two_accounts_have_two_keys() -> None:
    other = Subject(SERVICE, "web", "default", "444455556666", "us-west-2")
    assert WEB.key != other.key
    assert WEB.incident_id(100) != other.incident_id(100)


# --- which events resolve ---------------------------------------------------------------


def test_a_completed_deployment_recovers_its_service() -> None:
    recovery = recovery_of(parse_event(deployment_event("SERVICE_DEPLOYMENT_COMPLETED")))
    assert recovery is not None
    assert (recovery.subject, recovery.how) == (WEB, "deployment completed")


def test_steady_state_recovers_its_service() -> None:
    event = service_action_event("SERVICE_STEADY_STATE", event_type="INFO")
    recovery = recovery_of(parse_event(event))
    assert recovery is not None
    assert (recovery.subject, recovery.how) == (WEB, "reached steady state")


def test_a_deployment_in_progress_recovers_nothing() -> None:
    assert recovery_of(parse_event(deployment_event("SERVICE_DEPLOYMENT_IN_PROGRESS"))) is None


def test_health_back_to_ok_recovers_the_instance() -> None:
    recovery = recovery_of(parse_event(instance_health_event("OK", failing=())))
    assert recovery is not None
    assert recovery.subject.key.endswith(f"/default/instance/{INSTANCE_ID}")


def test_an_instance_that_leaves_the_cluster_is_recovered() -> None:
    recovery = recovery_of(parse_event(container_instance_event(status="INACTIVE")))
    assert recovery is not None
    assert recovery.how == "left the cluster (INACTIVE)"


def test_an_active_instance_state_change_recovers_nothing() -> None:
    assert recovery_of(parse_event(container_instance_event(status="ACTIVE"))) is None


def test_a_deployment_failure_waits_for_recovery_not_quiet() -> None:
    alert = service_alert(parse_event(deployment_event()), SETTINGS)
    assert alert is not None
    failure = failure_of(alert, now=0)
    assert failure.awaits_recovery
    assert not resolves_by_quiet(SERVICE, failure.awaits_recovery)
    assert resolves_by_quiet(SERVICE, False)
    assert not resolves_by_quiet(INSTANCE, False)


# --- reasons and usage --------------------------------------------------------------------


def test_a_crashed_task_counts_its_stop_code_and_exit_code() -> None:
    alert, record = stopped_task(exit_code=137)
    assert failure_of(alert, 0, record).reason == "EssentialContainerExited: exit 137"


def test_a_task_that_failed_to_start_counts_the_error_name() -> None:
    alert, record = stopped_task(
        stop_code="TaskFailedToStart",
        stopped_reason="CannotPullContainerError: pull image manifest has been retried",
    )
    assert failure_of(alert, 0, record).reason == "TaskFailedToStart: CannotPullContainerError"


def test_a_failure_is_dated_by_its_stop_time_not_by_when_it_arrived() -> None:
    alert, record = stopped_task(exit_code=1)
    assert failure_of(alert, 5, record).at == record["stoppedAt"] // 1000


def test_fargate_usage_is_pull_start_to_stop_rounded_up_times_cpu_and_memory() -> None:
    # The builder's task: pullStartedAt 03:14:05.1, stoppedAt 03:30:31.75: 986.65 s -> 987 s;
    # cpu 256 (0.25 vCPU), memory 512 MiB (0.5 GB).
    _, record = stopped_task(exit_code=1)
    assert task_usage(record) == (987 * 0.25, 987 * 0.5, False)


def test_a_task_that_never_pulled_its_image_counts_zero_and_is_said_so() -> None:
    _, record = stopped_task(exit_code=1)
    for name in ("pullStartedAt", "startedAt"):
        record.pop(name, None)
    assert task_usage(record) == (0.0, 0.0, True)


def test_a_task_on_ec2_uses_no_fargate_time() -> None:
    _, record = stopped_task(exit_code=1)
    record["launchType"] = "EC2"
    assert task_usage(record) == (0.0, 0.0, False)


# --- the summary ------------------------------------------------------------------------


def test_the_summary_keeps_the_earliest_and_latest_whatever_the_order() -> None:
    failures = [Failure(at=at, reason="exit 1") for at in (300, 100, 200)]
    summary = opened(WEB, 100, failures)
    assert (summary.count, summary.first_at, summary.last_at) == (3, 100, 300)


def test_the_summary_counts_each_reason() -> None:
    failures = [Failure(at=1, reason=r) for r in ("exit 1", "exit 137", "exit 1")]
    assert opened(WEB, 1, failures).reasons_by_count() == [("exit 1", 2), ("exit 137", 1)]


# --- the messages ------------------------------------------------------------------------


def resolution() -> Any:
    failures = [
        Failure(
            at=1_795_145_431 + 10 * i,
            reason="EssentialContainerExited: exit 1",
            vcpu_seconds=246.75,
            gb_seconds=493.5,
        )
        for i in range(49)
    ] + [
        Failure(
            at=1_795_145_300,
            reason="TaskFailedToStart: CannotPullContainerError",
            never_started=True,
        )
    ]
    summary = opened(WEB, 1_795_145_300, failures)
    return resolution_alert(
        summary,
        "reached steady state",
        1_795_146_800,
        "ECS task web report exited 1 in default",
        {"account": "111122223333", "region": "us-west-2", "cluster": "default"},
    )


def test_the_resolution_says_count_span_reasons_duration_and_usage() -> None:
    text = resolution().text
    assert text.splitlines() == [
        "Resolved: service web in default, reached steady state.",
        "",
        "Failures:  50, 2026-11-20 03:28:20 UTC to 2026-11-20 03:38:31 UTC",
        "Lasted:    25m 00s (first failure to resolution at 2026-11-20 03:53:20 UTC)",
        "Reasons:",
        "     49  EssentialContainerExited: exit 1",
        "      1  TaskFailedToStart: CannotPullContainerError",
        "Fargate:   12,090.8 vCPU-seconds, 24,181.5 GB-seconds used by the failed tasks "
        "(image pull to stop); 1 never started and count 0",
        "Cluster:   default   Account: 111122223333   Region: us-west-2",
        f"Incident:  {WEB.incident_id(1_795_145_300)}",
    ]


def test_the_resolution_keeps_the_opening_subject_after_a_resolved_prefix() -> None:
    alert = resolution()
    assert alert.subject == "[resolved] ECS task web report exited 1 in default"
    assert alert.attributes["incidentState"] == "resolved"


def test_a_resolved_subject_stays_within_snss_100_characters() -> None:
    assert len(resolved_subject("x" * 100)) == 100


def test_every_message_of_an_incident_carries_its_id_as_the_chat_thread() -> None:
    alert, _ = stopped_task(exit_code=1, group="service:web")
    incident_id = WEB.incident_id(7)
    opening = in_incident(alert, incident_id, "opened", alert.subject)
    assert chat_message(opening)["metadata"]["threadId"] == incident_id
    assert chat_message(resolution())["metadata"]["threadId"] == WEB.incident_id(1_795_145_300)


def test_an_incident_message_carries_id_and_state_as_filterable_attributes() -> None:
    alert, _ = stopped_task(exit_code=1)
    update = in_incident(alert, "abc-1", "updated", "ECS task billing-report failed")
    assert (update.attributes["incidentId"], update.attributes["incidentState"]) == (
        "abc-1",
        "updated",
    )
    assert update.subject == "ECS task billing-report failed"


@pytest.mark.parametrize("kind", [FAMILY, SERVICE])
def test_families_and_services_resolve_by_quiet(kind: str) -> None:
    assert resolves_by_quiet(kind, awaits_recovery=False)


def test_a_resolution_goes_through_the_alerts_escaping_and_size_path() -> None:
    import json

    from ecs_events.alerts.render import sns_message

    hostile = "CannotPullContainerError <!channel> \x1b[2J"
    summary = opened(WEB, 1_795_145_300, [Failure(at=1_795_145_300, reason=hostile)])
    alert = resolution_alert(summary, "reached steady state", 1_795_146_000, "ECS web", {})
    message = sns_message(alert, chat=True)
    entries = json.loads(message["Message"])
    assert "\x1b" not in entries["email"]
    assert "\\x1b[2J" in entries["email"]
    assert "<!channel>" not in json.loads(entries["https"])["content"]["description"]

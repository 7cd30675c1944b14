"""Incidents under moto: opened, updated, resolved, one thread, with the clock in the test.

Quiet-period wake-ups are one-time EventBridge Scheduler schedules; moto stores them but does
not fire them, so `fire_due` plays the Scheduler: it sends every schedule whose at() time
has come to the processor, as the SQS message the schedule's target would get, and deletes
it, as ActionAfterCompletion DELETE does.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from devkit.events import (
    ACCOUNT,
    REGION,
    clone,
    container_instance_event,
    deployment_event,
    instance_health_event,
    service_action_event,
    sqs_batch,
    task_event,
)
from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE
from ecs_events.alerts.incident_state import CLOSED
from ecs_events.config import AlertSettings, Settings
from ecs_events.handler import Processor

from .test_alerts import ALERT_TABLE, Clock, FailingPublishes, inbox
from .test_alerts import topic as topic  # the alerts table, the topic and its inbox

GROUP = "ecs-events-incidents"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:ecs-events"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/ecs-events-incident-wake"
START = 1_795_145_400  # 2026-11-20 03:30:00 UTC


@pytest.fixture
def scheduler(topic: tuple[str, str]) -> Any:
    client = boto3.client("scheduler", region_name=REGION)
    client.create_schedule_group(Name=GROUP)
    return client


def incident_processor(
    dynamodb: Any, topic_arn: str, scheduler: Any, clock: Clock, sns: Any = None, **overrides: Any
) -> Processor:
    alerts = AlertSettings(
        topic_arn=topic_arn,
        table_name=ALERT_TABLE,
        claim_seconds=60,
        log_lines=0,
        schedule_group=GROUP,
        schedule_role_arn=ROLE_ARN,
        wake_target_arn=QUEUE_ARN,
        **overrides,
    )
    settings = Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE, 30, alerts)
    processor = Processor(
        settings,
        dynamodb,
        sns or boto3.client("sns", region_name=REGION),
        scheduler=scheduler,
        metrics_out=lambda line: None,
    )
    assert processor.alerts is not None
    processor.alerts.clock = clock
    processor.alerts.metrics_out = lambda line: None
    return processor


def iso(epoch: float) -> str:
    return (
        datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def crash(index: int, family: str = "billing-report", exit_code: int = 1) -> dict[str, Any]:
    """Task `index` of a crash-looping family: pulled at START + 10*index, stopped 30 s later."""
    task_id = f"{family[:4].encode().hex()}{index:024x}"
    event = task_event(
        version=6,
        last_status="STOPPED",
        exit_code=exit_code,
        task_arn=f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/default/{task_id}",
        group=f"family:{family}",
    )
    detail = event["detail"]
    detail["taskDefinitionArn"] = detail["taskDefinitionArn"].replace("billing-report", family)
    begun = START + 10 * index
    detail.update(
        pullStartedAt=iso(begun),
        startedAt=iso(begun + 5),
        stoppedAt=iso(begun + 30),
    )
    return event


def healthy(family: str = "billing-report") -> dict[str, Any]:
    event = task_event(version=4, last_status="RUNNING", group=f"family:{family}")
    event["detail"]["taskDefinitionArn"] = event["detail"]["taskDefinitionArn"].replace(
        "billing-report", family
    )
    event["detail"]["healthStatus"] = "HEALTHY"
    return event


def schedules(scheduler: Any) -> list[dict[str, Any]]:
    names = [s["Name"] for s in scheduler.list_schedules(GroupName=GROUP)["Schedules"]]
    return [scheduler.get_schedule(Name=name, GroupName=GROUP) for name in names]


def fire_due(scheduler: Any, processor: Processor, now: float, times: int = 1) -> int:
    """Deliver every schedule due by `now` (`times` times each: a wake-up that arrives
    twice) and delete it; the number fired."""
    fired = 0
    for schedule in schedules(scheduler):
        at = schedule["ScheduleExpression"].removeprefix("at(").removesuffix(")")
        if datetime.fromisoformat(at).replace(tzinfo=UTC).timestamp() > now:
            continue
        for _ in range(times):
            body = schedule["Target"]["Input"]
            assert processor.process_batch(sqs_batch([body])["Records"]) == {
                "batchItemFailures": []
            }
        scheduler.delete_schedule(Name=schedule["Name"], GroupName=GROUP)
        fired += 1
    return fired


def settle(scheduler: Any, processor: Processor, clock: Clock, until: float) -> None:
    """Let time pass to `until` a minute at a time, firing schedules as they fall due."""
    while clock.now < until:
        clock.now = min(until, clock.now + 60)
        fire_due(scheduler, processor, clock.now)


def by_family(messages: list[dict[str, Any]]) -> dict[str, list[str]]:
    states: dict[str, list[str]] = {}
    for message in messages:
        name = message.get("family") or message.get("subject")
        states.setdefault(str(name), []).append(message["incidentState"])
    return states


def crash_loop_with_a_neighbour() -> list[dict[str, Any]]:
    return [crash(i) for i in range(50)] + [crash(i, "invoice-mailer", 137) for i in range(3)]


def play_crash_loop(
    dynamodb: Any,
    topic: tuple[str, str],
    scheduler: Any,
    events: list[dict[str, Any]],
    step: float = 10,
) -> list[dict[str, Any]]:
    """Deliver the events `step` seconds apart, then a healthy run of each family, then
    let three quiet periods pass; every message the topic sent."""
    topic_arn, queue_url = topic
    clock = Clock(START)
    processor = incident_processor(dynamodb, topic_arn, scheduler, clock)
    for event in events:
        clock.now += step
        assert processor.process_batch(sqs_batch([event])["Records"]) == {"batchItemFailures": []}
    processor.process_batch(sqs_batch([healthy(), healthy("invoice-mailer")])["Records"])
    settle(scheduler, processor, clock, clock.now + 3 * 900)
    return inbox(queue_url)


def test_a_crash_loop_of_fifty_then_a_healthy_run_sends_one_opening_and_one_resolution(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    messages = play_crash_loop(dynamodb, topic, scheduler, crash_loop_with_a_neighbour())
    billing = [m for m in messages if m.get("family") == "billing-report"]
    assert [m["incidentState"] for m in billing] == ["opened", "resolved"]
    resolution = billing[1]
    assert resolution["count"] == 50
    assert resolution["reasons"] == [{"reason": "EssentialContainerExited: exit 1", "count": 50}]
    assert (resolution["firstFailureAt"], resolution["lastFailureAt"]) == (
        "2026-11-20 03:30:30 UTC",
        "2026-11-20 03:38:40 UTC",
    )
    assert resolution["how"] == "no new failure for 15m 00s"
    # 50 tasks of 0.25 vCPU and 0.5 GB, each 30 s from image pull to stop.
    assert (resolution["fargateVcpuSeconds"], resolution["fargateGbSeconds"]) == (375.0, 750.0)
    assert billing[0]["incidentId"] == resolution["incidentId"]


def test_a_second_family_failing_meanwhile_gets_its_own_incident(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    messages = play_crash_loop(dynamodb, topic, scheduler, crash_loop_with_a_neighbour())
    mailer = [m for m in messages if m.get("family") == "invoice-mailer"]
    billing = [m for m in messages if m.get("family") == "billing-report"]
    assert [m["incidentState"] for m in mailer] == ["opened", "resolved"]
    assert mailer[1]["count"] == 3
    assert mailer[0]["incidentId"] != billing[0]["incidentId"]


def test_every_event_delivered_twice_and_shuffled_gives_the_same_two_messages_each(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    events = crash_loop_with_a_neighbour()
    twice = [clone(e) for e in events] + [clone(e) for e in events]
    random.Random(21).shuffle(twice)
    # The same loop in the same time: 106 deliveries 5 s apart.
    messages = play_crash_loop(dynamodb, topic, scheduler, twice, step=5)
    assert by_family(messages) == {
        "billing-report": ["opened", "resolved"],
        "invoice-mailer": ["opened", "resolved"],
    }
    resolutions = {m["family"]: m for m in messages if m["incidentState"] == "resolved"}
    assert resolutions["billing-report"]["count"] == 50
    assert resolutions["billing-report"]["firstFailureAt"] == "2026-11-20 03:30:30 UTC"
    assert resolutions["billing-report"]["lastFailureAt"] == "2026-11-20 03:38:40 UTC"
    assert resolutions["invoice-mailer"]["count"] == 3


def test_failures_that_continue_keep_the_incident_open_past_its_first_wake_up(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    clock = Clock(START)
    processor = incident_processor(dynamodb, topic_arn, scheduler, clock)
    for index in range(30):  # one failure a minute for half an hour
        clock.now += 60
        processor.process_batch(sqs_batch([crash(index)])["Records"])
        fire_due(scheduler, processor, clock.now)
    # An update after each 15-minute window; no resolution while failures keep coming.
    assert [m["incidentState"] for m in inbox(queue_url)] == ["opened", "updated"]
    assert len(schedules(scheduler)) == 1  # the next wake-up, moved past the last failure


def test_a_wake_up_that_arrives_twice_resolves_once(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    clock = Clock(START)
    processor = incident_processor(dynamodb, topic_arn, scheduler, clock)
    processor.process_batch(sqs_batch([crash(1)])["Records"])
    clock.now += 900
    assert fire_due(scheduler, processor, clock.now, times=2) == 1
    assert [m["incidentState"] for m in inbox(queue_url)] == ["opened", "resolved"]


def test_a_late_wake_up_resolves_once_and_a_stale_one_does_nothing(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    clock = Clock(START)
    processor = incident_processor(dynamodb, topic_arn, scheduler, clock)
    processor.process_batch(sqs_batch([crash(1)])["Records"])
    (wake,) = schedules(scheduler)
    clock.now += 5 * 3600  # the Scheduler was late by hours
    body = wake["Target"]["Input"]
    processor.process_batch(sqs_batch([body])["Records"])
    processor.process_batch(sqs_batch([crash(2)])["Records"])  # a new incident opens
    processor.process_batch(sqs_batch([body])["Records"])  # the old wake-up, again
    assert [m["incidentState"] for m in inbox(queue_url)] == ["opened", "resolved", "opened"]


def test_no_schedule_is_left_once_the_incident_is_resolved(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, _ = topic
    clock = Clock(START)
    processor = incident_processor(dynamodb, topic_arn, scheduler, clock)
    processor.process_batch(sqs_batch([crash(1)])["Records"])
    settle(scheduler, processor, clock, clock.now + 2 * 900)
    assert schedules(scheduler) == []


def test_a_deployment_that_fails_then_completes_opens_and_resolves(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    clock = Clock(START)
    processor = incident_processor(dynamodb, topic_arn, scheduler, clock)
    failed = deployment_event()
    completed = deployment_event("SERVICE_DEPLOYMENT_COMPLETED")
    completed["time"] = "2026-11-20T03:40:00Z"
    processor.process_batch(sqs_batch([failed])["Records"])
    clock.now += 3600  # quiet alone does not end a failed deployment's incident
    fire_due(scheduler, processor, clock.now)
    assert [m["incidentState"] for m in inbox(queue_url)] == ["opened"]
    processor.process_batch(sqs_batch([completed, clone(completed)])["Records"])
    (resolution,) = inbox(queue_url)
    assert (resolution["incidentState"], resolution["how"]) == ("resolved", "deployment completed")
    assert resolution["subject"] == "web"


def test_steady_state_from_before_the_failure_does_not_resolve_it(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    processor = incident_processor(dynamodb, topic_arn, scheduler, Clock(START))
    steady = service_action_event("SERVICE_STEADY_STATE", event_type="INFO")
    steady["time"] = "2026-11-20T03:00:00Z"  # the failure was at 03:15
    processor.process_batch(sqs_batch([deployment_event(), steady])["Records"])
    assert [m["incidentState"] for m in inbox(queue_url)] == ["opened"]


def test_an_instance_impaired_then_ok_opens_and_resolves(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    processor = incident_processor(dynamodb, topic_arn, scheduler, Clock(START))
    ok = instance_health_event("OK", failing=())
    ok["time"] = "2026-11-20T03:20:00Z"
    processor.process_batch(sqs_batch([instance_health_event(), ok])["Records"])
    opening, resolution = inbox(queue_url)
    assert (opening["incidentState"], resolution["incidentState"]) == ("opened", "resolved")
    assert resolution["how"] == "health back to OK"
    assert schedules(scheduler) == []  # an instance waits for its health, not for quiet


def test_an_impaired_instance_that_leaves_the_cluster_is_resolved(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    processor = incident_processor(dynamodb, topic_arn, scheduler, Clock(START))
    gone = container_instance_event(version=14802, status="INACTIVE")
    gone["time"] = "2026-11-20T03:20:00Z"
    processor.process_batch(sqs_batch([instance_health_event(), gone])["Records"])
    assert [m["incidentState"] for m in inbox(queue_url)] == ["opened", "resolved"]


def test_a_resolution_whose_publish_failed_is_sent_once_on_retry(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    sns = FailingPublishes(boto3.client("sns", region_name=REGION), failures=0)
    processor = incident_processor(dynamodb, topic_arn, scheduler, Clock(START), sns=sns)
    ok = instance_health_event("OK", failing=())
    ok["time"] = "2026-11-20T03:20:00Z"
    processor.process_batch(sqs_batch([instance_health_event()])["Records"])
    sns.failures = 1
    assert processor.process_batch(sqs_batch([ok])["Records"]) == {
        "batchItemFailures": [{"itemIdentifier": "msg-0"}]
    }
    assert processor.process_batch(sqs_batch([ok])["Records"]) == {"batchItemFailures": []}
    assert [m["incidentState"] for m in inbox(queue_url)] == ["opened", "resolved"]


def test_a_failure_after_the_resolution_opens_a_new_incident_and_keeps_the_old(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    clock = Clock(START)
    processor = incident_processor(dynamodb, topic_arn, scheduler, clock)
    processor.process_batch(sqs_batch([crash(1)])["Records"])
    settle(scheduler, processor, clock, clock.now + 2 * 900)
    processor.process_batch(sqs_batch([crash(2)])["Records"])
    first, resolution, second = inbox(queue_url)
    assert first["incidentId"] == resolution["incidentId"] != second["incidentId"]
    archived = dynamodb.get_item(
        TableName=ALERT_TABLE, Key={"alertKey": {"S": f"incident-log/{first['incidentId']}"}}
    )["Item"]
    assert archived["status"]["S"] == CLOSED


def test_with_resolution_off_incidents_open_but_never_resolve(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    clock = Clock(START)
    processor = incident_processor(dynamodb, topic_arn, scheduler, clock, resolution=False)
    processor.process_batch(sqs_batch([crash(1), instance_health_event()])["Records"])
    ok = instance_health_event("OK", failing=())
    ok["time"] = "2026-11-20T03:20:00Z"
    processor.process_batch(sqs_batch([ok])["Records"])
    settle(scheduler, processor, clock, clock.now + 2 * 900)
    assert sorted(m["incidentState"] for m in inbox(queue_url)) == ["opened", "opened"]
    assert schedules(scheduler) == []


def test_a_kind_left_out_of_resolve_kinds_does_not_resolve(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    processor = incident_processor(
        dynamodb, topic_arn, scheduler, Clock(START), resolve_kinds=frozenset({"family"})
    )
    ok = instance_health_event("OK", failing=())
    ok["time"] = "2026-11-20T03:20:00Z"
    processor.process_batch(sqs_batch([instance_health_event(), ok])["Records"])
    assert [m["incidentState"] for m in inbox(queue_url)] == ["opened"]


def test_every_message_of_an_incident_carries_its_id_and_state_as_attributes(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    processor = incident_processor(dynamodb, topic_arn, scheduler, Clock(START))
    ok = instance_health_event("OK", failing=())
    ok["time"] = "2026-11-20T03:20:00Z"
    sqs = boto3.client("sqs", region_name=REGION)
    processor.process_batch(sqs_batch([instance_health_event(), ok])["Records"])
    received = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )["Messages"]
    attributes = [
        {name: value["StringValue"] for name, value in m["MessageAttributes"].items()}
        for m in received
    ]
    assert [a["incidentState"] for a in attributes] == ["opened", "resolved"]
    assert attributes[0]["incidentId"] == attributes[1]["incidentId"]
    assert json.loads(received[1]["Body"])["summary"].startswith("[resolved] ECS container")


def test_the_chat_form_of_every_message_threads_by_incident(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, _ = topic
    published: list[dict[str, Any]] = []

    class Recording:
        def publish(self, **request: Any) -> None:
            published.append(json.loads(json.loads(request["Message"])["https"]))

    processor = incident_processor(dynamodb, topic_arn, scheduler, Clock(START), sns=Recording())
    ok = instance_health_event("OK", failing=())
    ok["time"] = "2026-11-20T03:20:00Z"
    processor.process_batch(sqs_batch([instance_health_event(), ok])["Records"])
    opening, resolution = published
    assert opening["metadata"]["threadId"] == resolution["metadata"]["threadId"]
    assert resolution["content"]["title"].startswith("INFO: [resolved] ")


def test_settings_with_the_update_window_off_send_every_failure_as_an_update(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    processor = incident_processor(
        dynamodb, topic_arn, scheduler, Clock(START), storm_window_seconds=0
    )
    processor.process_batch(sqs_batch([crash(i) for i in range(3)])["Records"])
    assert [m["incidentState"] for m in inbox(queue_url)] == ["opened", "updated", "updated"]


def test_a_failure_whose_publish_failed_is_counted_once_when_retried(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    clock = Clock(START)
    sns = FailingPublishes(boto3.client("sns", region_name=REGION), failures=1)
    processor = incident_processor(dynamodb, topic_arn, scheduler, clock, sns=sns)
    batch = sqs_batch([crash(1)])["Records"]
    assert processor.process_batch(batch)["batchItemFailures"] == [{"itemIdentifier": "msg-0"}]
    assert processor.process_batch(batch) == {"batchItemFailures": []}
    settle(scheduler, processor, clock, clock.now + 2 * 900)
    opening, resolution = inbox(queue_url)
    assert (opening["incidentState"], resolution["count"]) == ("opened", 1)


def test_a_failure_during_a_live_resolution_claim_waits_and_then_opens_a_new_incident(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    clock = Clock(START)
    processor = incident_processor(dynamodb, topic_arn, scheduler, clock)
    processor.process_batch(sqs_batch([crash(1)])["Records"])
    key = {"alertKey": {"S": f"incident/{ACCOUNT}/{REGION}/default/family/billing-report"}}
    dynamodb.update_item(  # another delivery has claimed the resolution, this very second
        TableName=ALERT_TABLE,
        Key=key,
        UpdateExpression="SET #s = :resolving, resolver = :other, resolveClaimedAt = :now",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={
            ":resolving": {"S": "resolving"},
            ":other": {"S": "another delivery"},
            ":now": {"N": str(int(clock.now))},
        },
    )
    late = sqs_batch([crash(2)])["Records"]
    assert processor.process_batch(late)["batchItemFailures"] == [{"itemIdentifier": "msg-0"}]
    dynamodb.update_item(  # that delivery marks it resolved
        TableName=ALERT_TABLE,
        Key=key,
        UpdateExpression="SET #s = :resolved REMOVE resolver",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":resolved": {"S": "resolved"}},
    )
    assert processor.process_batch(late) == {"batchItemFailures": []}
    first, second = inbox(queue_url)
    assert (first["incidentState"], second["incidentState"]) == ("opened", "opened")
    assert first["incidentId"] != second["incidentId"]


def test_a_resolution_is_kind_resolution_severity_info_as_a_scheduled_jobs_is(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any
) -> None:
    topic_arn, queue_url = topic
    processor = incident_processor(dynamodb, topic_arn, scheduler, Clock(START))
    ok = instance_health_event("OK", failing=())
    ok["time"] = "2026-11-20T03:20:00Z"
    sqs = boto3.client("sqs", region_name=REGION)
    processor.process_batch(sqs_batch([instance_health_event(), ok])["Records"])
    received = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )["Messages"]
    last = {name: v["StringValue"] for name, v in received[-1]["MessageAttributes"].items()}
    assert (last["kind"], last["severity"], last["cluster"]) == ("resolution", "INFO", "default")

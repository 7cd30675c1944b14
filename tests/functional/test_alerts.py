"""Alerts under moto: one message per failure however often ECS delivers it, and none lost."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import boto3
import pytest
from botocore.config import Config

from devkit.events import (
    ACCOUNT,
    clone,
    daemon_action_event,
    daemon_deployment_event,
    deployment_event,
    hook_event,
    instance_health_event,
    sqs_batch,
    task_event,
)
from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE
from ecs_events.alerts import ALERT_KEY, AlertSender
from ecs_events.alerts.size import SNS_MESSAGE_LIMIT_BYTES, publish_bytes
from ecs_events.config import AlertSettings, Settings
from ecs_events.handler import Processor

from .conftest import REGION, RequestCounter

ALERT_TABLE = "ecs-events-alerts"
OOM = "OutOfMemoryError: Container killed due to memory usage"


class Clock:
    """Time the test controls, in epoch seconds."""

    def __init__(self, now: float = 1_795_145_500.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FailingPublishes:
    """An SNS client whose first `failures` publishes fail, as a throttled or down SNS would."""

    def __init__(self, sns: Any, failures: int) -> None:
        self.sns, self.failures = sns, failures

    def publish(self, **request: Any) -> Any:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("SNS is unavailable")
        return self.sns.publish(**request)


@pytest.fixture
def topic(dynamodb: Any) -> tuple[str, str]:
    """(topic ARN, URL of an SQS queue subscribed to it with raw delivery)."""
    dynamodb.create_table(
        TableName=ALERT_TABLE,
        KeySchema=[{"AttributeName": ALERT_KEY, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": ALERT_KEY, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    sns = boto3.client("sns", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    topic_arn = sns.create_topic(Name="ecs-events-alerts")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    return topic_arn, queue_url


def alert_settings(topic_arn: str) -> AlertSettings:
    return AlertSettings(topic_arn=topic_arn, table_name=ALERT_TABLE, claim_seconds=60)


def make_processor(dynamodb: Any, topic_arn: str, sns: Any = None, clock: Clock | None = None):
    settings = Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE, 30, alert_settings(topic_arn))
    processor = Processor(settings, dynamodb, sns or boto3.client("sns", region_name=REGION))
    metrics: list[str] = []
    assert processor.alerts is not None
    processor.alerts.metrics_out = metrics.append
    if clock is not None:
        processor.alerts.clock = clock
    # moto's topic is in its own account; the events' tasks run in devkit.events.ACCOUNT,
    # which is the function's own account here (a fleet's member account is tested apart).
    processor.alerts.log_reader.own_account = ACCOUNT
    # A budget no loaded machine runs out of: the deadline tests inject their clock.
    processor.alerts.log_reader.budget = 600.0
    return processor, metrics


def inbox(queue_url: str) -> list[dict[str, Any]]:
    """Every message the subscribed queue received (bounded: the queue is local)."""
    sqs = boto3.client("sqs", region_name=REGION)
    messages = []
    for _ in range(10):
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            break
        messages += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)
            ],
        )
    return messages


def failing_task() -> dict[str, Any]:
    return task_event(version=6, last_status="STOPPED", exit_code=137, container_reason=OOM)


def test_a_failure_delivered_three_times_alerts_once(dynamodb: Any, topic: tuple[str, str]) -> None:
    topic_arn, queue_url = topic
    processor, metrics = make_processor(dynamodb, topic_arn)
    event = failing_task()
    for _ in range(3):
        assert processor.process_batch(sqs_batch([event])["Records"]) == {"batchItemFailures": []}
    (message,) = inbox(queue_url)
    assert message["kind"] == "task_exit"
    assert message["containers"][0]["exitCode"] == 137
    assert len(metrics) == 1


def test_a_failed_publish_fails_the_event_and_its_retry_sends_exactly_one(
    dynamodb: Any, topic: tuple[str, str]
) -> None:
    topic_arn, queue_url = topic
    flaky = FailingPublishes(boto3.client("sns", region_name=REGION), failures=1)
    processor, _ = make_processor(dynamodb, topic_arn, sns=flaky)
    batch = sqs_batch([failing_task()])["Records"]
    assert processor.process_batch(batch) == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    assert inbox(queue_url) == []
    # SQS redelivers: the state write is now a duplicate, and the alert goes out once.
    assert processor.process_batch(batch) == {"batchItemFailures": []}
    assert processor.process_batch(batch) == {"batchItemFailures": []}
    assert len(inbox(queue_url)) == 1


def test_a_delivery_that_died_after_claiming_is_taken_over_once_its_claim_expires(
    dynamodb: Any, topic: tuple[str, str]
) -> None:
    topic_arn, queue_url = topic
    clock = Clock()
    # A first delivery claimed the alert, then its Lambda was killed before publishing.
    dynamodb.put_item(
        TableName=ALERT_TABLE,
        Item={
            ALERT_KEY: {"S": failing_task()["detail"]["taskArn"]},
            "status": {"S": "claimed"},
            "claimedAt": {"N": str(int(clock.now))},
        },
    )
    processor, _ = make_processor(dynamodb, topic_arn, clock=clock)
    batch = sqs_batch([failing_task()])["Records"]
    clock.now += 30  # a concurrent duplicate, while the claim is fresh: stays quiet
    processor.process_batch(batch)
    assert inbox(queue_url) == []
    clock.now += 60  # SQS redelivers after the visibility timeout: the claim has expired
    processor.process_batch(batch)
    assert len(inbox(queue_url)) == 1


def test_out_of_order_delivery_alerts_once_for_the_stopped_state(
    dynamodb: Any, topic: tuple[str, str]
) -> None:
    topic_arn, queue_url = topic
    processor, _ = make_processor(dynamodb, topic_arn)
    stream = [failing_task(), task_event(version=4), failing_task(), task_event(version=2)]
    processor.process_batch(sqs_batch(stream)["Records"])
    assert len(inbox(queue_url)) == 1


def test_a_failed_deployment_delivered_twice_alerts_once(
    dynamodb: Any, topic: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    topic_arn, queue_url = topic
    processor, _ = make_processor(dynamodb, topic_arn)
    event = deployment_event()
    with caplog.at_level("INFO", logger="ecs_events"):
        processor.process_batch(sqs_batch([event, event])["Records"])
    (message,) = inbox(queue_url)
    assert (message["kind"], message["service"]) == ("deployment_failure", "web")
    assert [r.outcome for r in caplog.records if hasattr(r, "outcome")] == ["applied", "duplicate"]


def test_alert_carries_the_subject_and_filterable_attributes(
    dynamodb: Any, topic: tuple[str, str]
) -> None:
    topic_arn, _ = topic
    published: list[dict[str, Any]] = []

    class Recorder:
        def publish(self, **request: Any) -> None:
            published.append(request)

    sender = AlertSender(alert_settings(topic_arn), dynamodb, Recorder(), metrics_out=print)
    processor, _ = make_processor(dynamodb, topic_arn)
    processor.alerts = sender
    processor.process_event(failing_task())
    (request,) = published
    assert (
        request["Subject"] == "ECS task billing-report report exited 137 (out of memory) in default"
    )
    assert request["MessageAttributes"]["severity"] == {
        "DataType": "String",
        "StringValue": "ERROR",
    }


def test_with_alerts_off_failures_are_stored_but_nothing_is_published(
    processor: Processor, caplog: pytest.LogCaptureFixture
) -> None:
    assert processor.alerts is None
    with caplog.at_level("INFO", logger="ecs_events"):
        processor.process_batch(sqs_batch([failing_task(), deployment_event()])["Records"])
    outcomes = [
        (r.outcome, getattr(r, "reason", "")) for r in caplog.records if hasattr(r, "outcome")
    ]
    assert outcomes == [("applied", ""), ("skipped", "alerts are off")]


@pytest.mark.parametrize(
    "build",
    [instance_health_event, daemon_action_event, daemon_deployment_event, hook_event],
)
def test_each_newer_event_type_is_routed_and_alerts_once(
    dynamodb: Any, topic: tuple[str, str], build: Any
) -> None:
    topic_arn, queue_url = topic
    processor, metrics = make_processor(dynamodb, topic_arn)
    event = build()
    result = processor.process_batch(sqs_batch([event, event])["Records"])
    assert result == {"batchItemFailures": []}
    (message,) = inbox(queue_url)
    assert message["detailType"] == event["detail-type"]
    assert len(metrics) == 1


def test_one_id_under_two_detail_types_is_two_alerts(dynamodb: Any, topic: tuple[str, str]) -> None:
    topic_arn, queue_url = topic
    processor, _ = make_processor(dynamodb, topic_arn)
    deployment, hook = deployment_event(), hook_event()
    hook["id"] = deployment["id"]
    processor.process_batch(sqs_batch([deployment, hook])["Records"])
    assert sorted(m["kind"] for m in inbox(queue_url)) == ["deployment_failure", "hook_failure"]


# --- no storms -------------------------------------------------------------------------


def crash(index: int, family: str = "billing-report") -> dict[str, Any]:
    """One more task of a crash-looping family: same exit, new task."""
    event = task_event(
        version=6,
        last_status="STOPPED",
        exit_code=1,
        task_arn=f"arn:aws:ecs:us-west-2:111122223333:task/default/{index:032x}",
    )
    event["detail"]["taskDefinitionArn"] = event["detail"]["taskDefinitionArn"].replace(
        "billing-report", family
    )
    return event


def test_fifty_failures_of_one_family_in_a_window_send_one_message_and_count_fifty(
    dynamodb: Any, topic: tuple[str, str]
) -> None:
    topic_arn, queue_url = topic
    clock = Clock()
    processor, metrics = make_processor(dynamodb, topic_arn, clock=clock)
    for index in range(50):
        clock.now += 10  # 50 failures over 500 s, inside the 900 s window
        processor.process_batch(sqs_batch([crash(index)])["Records"])
    assert len(inbox(queue_url)) <= 2
    assert len(metrics) == 50


def test_failures_of_two_families_are_not_merged(dynamodb: Any, topic: tuple[str, str]) -> None:
    topic_arn, queue_url = topic
    processor, _ = make_processor(dynamodb, topic_arn, clock=Clock())
    events = [crash(1, "billing-report"), crash(2, "invoice-mailer"), crash(3, "billing-report")]
    processor.process_batch(sqs_batch(events)["Records"])
    assert sorted(m["family"] for m in inbox(queue_url)) == ["billing-report", "invoice-mailer"]


def test_a_failure_after_the_window_alerts_again_and_says_how_many_were_held(
    dynamodb: Any, topic: tuple[str, str]
) -> None:
    topic_arn, queue_url = topic
    clock = Clock()
    processor, _ = make_processor(dynamodb, topic_arn, clock=clock)
    processor.process_batch(sqs_batch([crash(i) for i in range(24)])["Records"])
    first = inbox(queue_url)
    clock.now += 901
    processor.process_batch(sqs_batch([crash(99)])["Records"])
    (after,) = inbox(queue_url)
    assert len(first) == 1
    assert (after["incidentState"], after["heldBack"], after["count"]) == ("updated", 23, 25)
    # One incident, one email subject: the update keeps the opening's.
    assert after["summary"] == first[0]["summary"]


def test_a_storm_opener_whose_publish_failed_is_sent_on_retry(
    dynamodb: Any, topic: tuple[str, str]
) -> None:
    topic_arn, queue_url = topic
    sns = FailingPublishes(boto3.client("sns", region_name=REGION), failures=1)
    processor, _ = make_processor(dynamodb, topic_arn, sns=sns, clock=Clock())
    failed = processor.process_batch(sqs_batch([crash(1)])["Records"])
    retried = processor.process_batch(sqs_batch([crash(1)])["Records"])
    assert failed == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    assert retried == {"batchItemFailures": []}
    assert len(inbox(queue_url)) == 1


# --- the container's last words ---------------------------------------------------------

LOG_GROUP = "/ecs/billing-report"


@pytest.fixture
def logging_task(aws: None) -> dict[str, Any]:
    """A failing task whose task definition logs with awslogs, and 30 lines in its stream."""
    ecs = boto3.client("ecs", region_name=REGION)
    logs = boto3.client("logs", region_name=REGION)
    arn = ecs.register_task_definition(
        family="billing-report",
        containerDefinitions=[
            {
                "name": "report",
                "image": "billing-report:2026.11.3",
                "memory": 512,
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": LOG_GROUP,
                        "awslogs-region": REGION,
                        "awslogs-stream-prefix": "ecs",
                    },
                },
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    event = failing_task()
    event["detail"]["taskDefinitionArn"] = arn
    stream = f"ecs/report/{event['detail']['taskArn'].rsplit('/', 1)[-1]}"
    logs.create_log_group(logGroupName=LOG_GROUP)
    now_ms = int(time.time() * 1000)
    logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=stream)
    logs.put_log_events(
        logGroupName=LOG_GROUP,
        logStreamName=stream,
        logEvents=[
            # CloudWatch Logs (and moto) refuse events older than 14 days: stamp them now.
            {"timestamp": now_ms - 30 + i, "message": f"line {i:02d}"}
            for i in range(30)
        ],
    )
    return event


def test_a_task_alert_carries_the_failed_containers_last_ten_lines_and_a_stream_link(
    dynamodb: Any, topic: tuple[str, str], logging_task: dict[str, Any]
) -> None:
    topic_arn, queue_url = topic
    processor, _ = make_processor(dynamodb, topic_arn)
    processor.process_batch(sqs_batch([logging_task])["Records"])
    (message,) = inbox(queue_url)
    assert message["lastLogLines"] == [f"line {i:02d}" for i in range(20, 30)]
    assert (
        "log-group/$252Fecs$252Fbilling-report/log-events/ecs$252Freport$252F"
        in (message["logStreamUrl"])
    )


def test_without_awslogs_the_alert_says_why_it_has_no_lines(
    dynamodb: Any, topic: tuple[str, str]
) -> None:
    topic_arn, queue_url = topic
    arn = boto3.client("ecs", region_name=REGION).register_task_definition(
        family="billing-report",
        containerDefinitions=[{"name": "report", "image": "billing-report", "memory": 512}],
    )["taskDefinition"]["taskDefinitionArn"]
    event = failing_task()
    event["detail"]["taskDefinitionArn"] = arn
    processor, _ = make_processor(dynamodb, topic_arn)
    processor.process_batch(sqs_batch([event])["Records"])
    (message,) = inbox(queue_url)
    assert message["lastLogLines"] == []
    assert message["lastLogLinesMissing"] == "it does not log with the awslogs driver"


def test_an_unreadable_stream_leaves_the_alert_without_lines_but_sent(
    dynamodb: Any, topic: tuple[str, str], logging_task: dict[str, Any]
) -> None:
    topic_arn, queue_url = topic
    boto3.client("logs", region_name=REGION).delete_log_group(logGroupName=LOG_GROUP)
    processor, _ = make_processor(dynamodb, topic_arn)
    assert processor.process_batch(sqs_batch([logging_task])["Records"]) == {
        "batchItemFailures": []
    }
    (message,) = inbox(queue_url)
    assert message["lastLogLinesMissing"].startswith("could not read them: ResourceNotFound")


def test_a_logs_api_that_does_not_answer_in_time_costs_the_lines_not_the_alert(
    dynamodb: Any, topic: tuple[str, str], logging_task: dict[str, Any]
) -> None:
    topic_arn, queue_url = topic
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    try:
        processor, _ = make_processor(dynamodb, topic_arn)
        assert processor.alerts is not None
        reader = processor.alerts.log_reader
        reader.budget = 0.3
        reader._logs = lambda region: boto3.client(
            "logs",
            region_name=region,
            endpoint_url=f"http://127.0.0.1:{silent.getsockname()[1]}",
            # Socket timeouts far beyond the budget: the read's deadline is what ends it.
            config=Config(connect_timeout=30, read_timeout=30, retries={"total_max_attempts": 1}),
        )
        processor.process_batch(sqs_batch([logging_task])["Records"])
    finally:
        silent.close()
    (message,) = inbox(queue_url)
    assert message["lastLogLinesMissing"] == "out of time (0.3 s)"


def test_log_lines_can_be_switched_off(
    dynamodb: Any, topic: tuple[str, str], logging_task: dict[str, Any]
) -> None:
    topic_arn, queue_url = topic
    processor, _ = make_processor(dynamodb, topic_arn)
    assert processor.alerts is not None
    processor.alerts.log_reader.lines = 0
    processor.process_batch(sqs_batch([logging_task])["Records"])
    (message,) = inbox(queue_url)
    assert "lastLogLines" not in message


def test_the_log_configuration_is_read_once_per_task_definition_revision(
    dynamodb: Any, topic: tuple[str, str], logging_task: dict[str, Any]
) -> None:
    topic_arn, _ = topic
    processor, _ = make_processor(dynamodb, topic_arn)
    assert processor.alerts is not None
    ecs = boto3.client("ecs", region_name=REGION)
    calls = RequestCounter()
    ecs.meta.events.register("before-call.ecs", calls)
    processor.alerts.log_reader._ecs = ecs
    processor.alerts.storm.window_seconds = 0  # both failures are sent, so both read logs
    second = clone(logging_task)
    second["detail"]["taskArn"] = second["detail"]["taskArn"].replace("4fd8", "5fd8")
    processor.process_batch(sqs_batch([logging_task, second])["Records"])
    assert calls["DescribeTaskDefinition"] == 1


# --- what an alert may carry ---------------------------------------------------------------

EMOJI_REASON = "\U0001f4a5" * 255  # ECS allows reasons of 255 characters; 4 bytes each


class RecordingPublishes:
    """The SNS client, keeping every PublishInput it was given."""

    def __init__(self, sns: Any) -> None:
        self.sns, self.requests = sns, []

    def publish(self, **request: Any) -> Any:
        self.requests.append(request)
        return self.sns.publish(**request)


class MaximalLogs:
    """A Logs API whose stream holds lines of CloudWatch Logs' largest event size."""

    def get_log_events(self, **request: Any) -> dict[str, Any]:
        line = "\U0001f4a5" * (256 * 1024 // 4 - 26)  # 256 KiB less the 26-byte overhead
        return {"events": [{"message": line} for _ in range(request["limit"])]}


class LoggingTaskDefinition:
    def describe_task_definition(self, taskDefinition: str) -> dict[str, Any]:
        options = {"awslogs-group": "/g", "awslogs-stream-prefix": "ecs", "awslogs-region": REGION}
        log = {"logDriver": "awslogs", "options": options}
        return {
            "taskDefinition": {
                "containerDefinitions": [{"name": "c" * 254 + "0", "logConfiguration": log}]
            }
        }


def test_the_worst_ecs_possible_alert_is_accepted_by_sns_and_within_its_byte_limit(
    dynamodb: Any, topic: tuple[str, str]
) -> None:
    topic_arn, queue_url = topic
    event = failing_task()
    detail = event["detail"]
    cluster = "k" * 255
    detail["clusterArn"] = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{cluster}"
    detail["taskArn"] = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/{cluster}/{'f' * 32}"
    detail["stoppedReason"] = EMOJI_REASON
    detail["containers"] = [
        {**detail["containers"][0], "name": "c" * 254 + str(i), "reason": EMOJI_REASON}
        for i in range(10)
    ]
    sns = RecordingPublishes(boto3.client("sns", region_name=REGION))
    processor, _ = make_processor(dynamodb, topic_arn, sns=sns)
    assert processor.alerts is not None
    processor.alerts.log_reader._logs = lambda region: MaximalLogs()
    processor.alerts.log_reader._ecs = LoggingTaskDefinition()
    assert processor.process_batch(sqs_batch([event])["Records"]) == {"batchItemFailures": []}
    (request,) = sns.requests
    assert publish_bytes(request) <= SNS_MESSAGE_LIMIT_BYTES
    (message,) = inbox(queue_url)
    assert message["taskArn"] == detail["taskArn"]


def test_secrets_in_the_last_log_lines_do_not_reach_the_alert(
    dynamodb: Any, topic: tuple[str, str], logging_task: dict[str, Any]
) -> None:
    topic_arn, queue_url = topic
    logs = boto3.client("logs", region_name=REGION)
    stream = f"ecs/report/{logging_task['detail']['taskArn'].rsplit('/', 1)[-1]}"
    secrets = [
        "AKIAIOSFODNN7EXAMPLE",
        "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig",
        "hunter2-do-not-store",  # the task's own environment-override value (devkit.events)
        "postgres://app:s3cr3tpw@db/x",
    ]
    logs.put_log_events(
        logGroupName=LOG_GROUP,
        logStreamName=stream,
        logEvents=[
            {"timestamp": int(time.time() * 1000) + i, "message": f"leak {secret}"}
            for i, secret in enumerate(secrets)
        ],
    )
    sns = RecordingPublishes(boto3.client("sns", region_name=REGION))
    processor, _ = make_processor(dynamodb, topic_arn, sns=sns)
    processor.process_batch(sqs_batch([logging_task])["Records"])
    (request,) = sns.requests
    for leaked in (
        "AKIAIOSFODNN7EXAMPLE",
        "eyJhbGciOiJIUzI1NiJ9",
        "hunter2-do-not-store",
        "s3cr3tpw",
    ):
        assert leaked not in request["Message"]
    (message,) = inbox(queue_url)
    assert message["lastLogLines"][-1] == "leak postgres://app:[REDACTED]@db/x"


def test_an_invalid_utf8_byte_in_one_line_costs_one_character_not_every_line(
    dynamodb: Any, topic: tuple[str, str], logging_task: dict[str, Any]
) -> None:
    topic_arn, queue_url = topic
    logs = boto3.client("logs", region_name=REGION)

    def corrupt(response_dict: dict[str, Any], **_: Any) -> None:
        # As a Logs endpoint would send it: one byte that is not UTF-8, in line 29.
        response_dict["body"] = response_dict["body"].replace(b"line 29", b"line \xff9")

    logs.meta.events.register("before-parse.cloudwatch-logs.GetLogEvents", corrupt)
    processor, _ = make_processor(dynamodb, topic_arn)
    assert processor.alerts is not None
    processor.alerts.log_reader._logs = lambda region: logs
    processor.process_batch(sqs_batch([logging_task])["Records"])
    (message,) = inbox(queue_url)
    assert message["lastLogLines"][-2:] == ["line 28", "line \ufffd9"]

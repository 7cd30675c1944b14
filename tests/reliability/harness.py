"""SQS-like redelivery of ECS event streams through the handler, under injected faults.

The handler runs in process with real boto3 clients (botocore's standard retries, as the
Lambda configures them) against moto, with a FaultInjector beneath each client. The queue
is simulated: batches of 10, a failed record (or every record of a crashed batch) comes
back after the visibility timeout, a record received `max_receives` times goes to the
dead-letter queue, and the DLQ is redriven once the queue is empty (the operator's
`ecs-events redrive` after a fix). The clock the alert claims read moves with it.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import boto3
from botocore.config import Config
from moto import mock_aws

from devkit.events import LIFECYCLE, deployment_event, task_event
from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE, create_state_tables, stored_task
from ecs_events.aws import RetryPolicy
from ecs_events.config import AlertSettings, Settings
from ecs_events.handler import Processor

from .faults import FaultInjector, LambdaCrash

REGION = "us-west-2"
ALERT_TABLE = "ecs-events-alerts"
CLAIM_SECONDS = 60  # the function timeout
VISIBILITY_SECONDS = 6 * CLAIM_SECONDS  # modules/handler: six times the function timeout
MAX_RECEIVES = 5  # modules/handler's redrive policy
BATCH = 10
SCHEDULE_GROUP = "ecs-events-incidents"
QUIET_SECONDS = 900  # the quiet period's default
# The handler's botocore configuration (handler.default_processor).
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5})


class Clock:
    def __init__(self, now: float = 1_795_145_500.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Stream:
    """Events to deliver and what must hold once they all have been."""

    events: list[dict[str, Any]]
    final_versions: dict[str, int]  # task ARN -> highest version
    expected_alerts: set[str]  # alert keys that must go out
    duplicates: int = 0


def task_stream(
    tasks: int,
    duplicate_share: float,
    rng: random.Random,
    failing: float = 0.3,
    deployments: int = 0,
) -> Stream:
    """`tasks` lives of versions 1..6; a `failing` share stop with exit 1 (an alert each);
    `duplicate_share` of the events delivered a second time; all shuffled."""
    events: list[dict[str, Any]] = []
    finals: dict[str, int] = {}
    expected: set[str] = set()
    for n in range(tasks):
        arn = f"arn:aws:ecs:{REGION}:111122223333:task/default/{n:032x}"
        fails = rng.random() < failing
        for version, status in enumerate(LIFECYCLE, start=1):
            exit_code = (1 if fails else 0) if status == "STOPPED" else None
            events.append(task_event(version, status, task_arn=arn, exit_code=exit_code))
        finals[arn] = len(LIFECYCLE)
        if fails:
            expected.add(arn)
    for _ in range(deployments):
        event = deployment_event()
        events.append(event)
        expected.add(f"{event['detail-type']}/{event['id']}")  # alerts/render.event_key
    copies = [dict(e) for e in rng.sample(events, int(len(events) * duplicate_share))]
    events += copies
    rng.shuffle(events)
    return Stream(events, finals, expected, len(copies))


@dataclass
class Report:
    events: int = 0
    duplicates: int = 0
    deliveries: int = 0
    batches: int = 0
    batch_crashes: int = 0
    record_failures: int = 0
    dead_lettered: int = 0
    redrives: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    wrong_states: int = 0
    alerts_expected: int = 0
    alerts_lost: int = 0
    alerts_doubled: Counter[str] = field(default_factory=Counter)  # by window
    unexpected_alerts: int = 0
    dead_left: int = 0  # left in the dead-letter queue (deliver's max_redrives)

    @property
    def doubled(self) -> int:
        return sum(self.alerts_doubled.values())


class World:
    """moto with the module's tables and topic, and a processor wired like the Lambda."""

    def __init__(
        self, injector: FaultInjector, clock: Clock | None = None, storm_window_seconds: int = 0
    ) -> None:
        self.stack = ExitStack()
        self.stack.enter_context(mock_aws())
        # botocore's retry backoff and the handler's own sleep cost nothing here.
        self.stack.enter_context(mock.patch("botocore.endpoint.time.sleep"))
        self.injector = injector
        self.clock = clock or Clock()
        self.dynamodb = boto3.client("dynamodb", region_name=REGION, config=CLIENT_CONFIG)
        sns = boto3.client("sns", region_name=REGION, config=CLIENT_CONFIG)
        create_state_tables(self.dynamodb, query_indexes=False)
        self.dynamodb.create_table(
            TableName=ALERT_TABLE,
            KeySchema=[{"AttributeName": "alertKey", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "alertKey", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        self.topic_arn = sns.create_topic(Name="ecs-events-alerts")["TopicArn"]
        # The incidents' wake-ups. No faults beneath this client: the injector speaks
        # DynamoDB's and SNS's protocols only; a failed CreateSchedule fails its event like
        # any other call, and its retry creates it (the name makes it once).
        self.scheduler = boto3.client("scheduler", region_name=REGION, config=CLIENT_CONFIG)
        self.scheduler.create_schedule_group(Name=SCHEDULE_GROUP)
        injector.alert_table = ALERT_TABLE
        injector.attach(self.dynamodb)
        injector.attach(sns)
        alerts = AlertSettings(
            topic_arn=self.topic_arn,
            table_name=ALERT_TABLE,
            claim_seconds=CLAIM_SECONDS,
            # The once-only protocol is under test here: with a storm window, failures of
            # one family would be held back by design (tests/functional/test_alerts.py);
            # the storm-count mixes (storms.py) turn it on.
            storm_window_seconds=storm_window_seconds,
            quiet_seconds=QUIET_SECONDS,
            schedule_group=SCHEDULE_GROUP,
            schedule_role_arn=f"arn:aws:iam::111122223333:role/{SCHEDULE_GROUP}",
            wake_target_arn=f"arn:aws:sqs:{REGION}:111122223333:ecs-events",
        )
        settings = Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE, 30, alerts)
        retry = RetryPolicy(sleep=lambda _: None, rng=random.Random(1))
        self.metrics: list[str] = []
        self.processor = Processor(
            settings,
            self.dynamodb,
            sns,
            retry=retry,
            metrics_out=self.metrics.append,
            scheduler=self.scheduler,
        )
        assert self.processor.alerts is not None
        self.processor.alerts.clock = self.clock
        self.processor.alerts.metrics_out = self.metrics.append

    def close(self) -> None:
        self.stack.close()

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def messages(self) -> list[dict[str, str]]:
        """The message attributes of every message SNS accepted, in order."""
        from moto.sns.models import sns_backends

        topic = sns_backends["123456789012"][REGION].topics[self.topic_arn]
        return [
            {name: value["Value"] for name, value in attributes.items()}
            for _id, _message, _subject, attributes, _group in topic.sent_notifications
        ]

    def due_wake_ups(self) -> list[dict[str, Any]]:
        """The wake-ups whose time has come, taken from the Scheduler as it fires them
        (one-time schedules delete themselves: ActionAfterCompletion DELETE)."""
        due = []
        for listed in self.scheduler.list_schedules(GroupName=SCHEDULE_GROUP)["Schedules"]:
            schedule = self.scheduler.get_schedule(Name=listed["Name"], GroupName=SCHEDULE_GROUP)
            at = schedule["ScheduleExpression"].removeprefix("at(").removesuffix(")")
            if datetime.fromisoformat(at).replace(tzinfo=UTC).timestamp() <= self.clock.now:
                due.append(json.loads(schedule["Target"]["Input"]))
                self.scheduler.delete_schedule(Name=listed["Name"], GroupName=SCHEDULE_GROUP)
        return due

    def published(self) -> Counter[str]:
        """Messages SNS accepted, by the alertKey attribute they carry."""
        from moto.sns.models import sns_backends

        topic = sns_backends["123456789012"][REGION].topics[self.topic_arn]
        keys: Counter[str] = Counter()
        for _id, _message, _subject, attributes, _group in topic.sent_notifications:
            keys[attributes["alertKey"]["Value"]] += 1
        return keys


def deliver(
    world: World, stream: Stream, max_rounds: int = 40, max_redrives: int | None = None
) -> Report:
    """Deliver every event until each one has succeeded; return the figures. With
    `max_redrives`, what is still in the dead-letter queue after that many redrives stays
    there (events that fail on every delivery by design), counted in `dead_left`."""
    report = Report(events=len(stream.events), duplicates=stream.duplicates)
    rng = random.Random(7)
    queue = [(f"m{i}", json.dumps(e), 0) for i, e in enumerate(stream.events)]
    dlq: list[tuple[str, str, int]] = []
    for _ in range(max_rounds):
        if not queue and dlq and max_redrives is not None and report.redrives >= max_redrives:
            break
        if not queue and dlq:  # redrive after the fix
            queue, dlq = [(m, b, 0) for m, b, _ in dlq], []
            report.redrives += 1
        if not queue:
            break
        again: list[tuple[str, str, int]] = []
        for start in range(0, len(queue), BATCH):
            batch = queue[start : start + BATCH]
            report.batches += 1
            report.deliveries += len(batch)
            world.clock.now += 1
            records = [{"messageId": m, "body": b} for m, b, _ in batch]
            try:
                result = world.processor.process_batch(records)
                failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            except LambdaCrash:
                report.batch_crashes += 1
                failed = {m for m, _, _ in batch}
            report.record_failures += len(failed)
            for message_id, body, receives in batch:
                if message_id not in failed:
                    continue
                if receives + 1 >= MAX_RECEIVES:
                    dlq.append((message_id, body, receives + 1))
                    report.dead_lettered += 1
                else:
                    again.append((message_id, body, receives + 1))
        rng.shuffle(again)
        queue = again
        world.clock.now += VISIBILITY_SECONDS
    assert not queue, "events still undelivered after the last round"
    assert max_redrives is not None or not dlq, "events still undelivered after the last round"
    report.dead_left = len(dlq)
    report.faults = Counter(world.injector.injected)
    check(world, stream, report)
    return report


def check(world: World, stream: Stream, report: Report) -> None:
    for arn, version in stream.final_versions.items():
        item = _stored(world, arn)
        if item is None or item.get("version") != version:
            report.wrong_states += 1
    published = world.published()
    report.alerts_expected = len(stream.expected_alerts)
    report.alerts_lost = len(stream.expected_alerts - set(published))
    report.unexpected_alerts = len(set(published) - stream.expected_alerts)
    for key, count in published.items():
        if count > 1:
            report.alerts_doubled[window(world.injector.calls, key)] += count - 1


def _stored(world: World, arn: str) -> dict[str, Any] | None:
    enabled, world.injector.enabled = world.injector.enabled, False
    try:
        return stored_task(world.dynamodb, arn)
    finally:
        world.injector.enabled = enabled


def window(calls: list[Any], key: str) -> str:
    """Why an alert went out twice, read from the calls that touched its key in order:
    the first publish SNS accepted was followed by a second before any mark was applied."""
    published = False
    cause = "unexplained"
    for call in calls:
        if call.key != key:
            continue
        if call.operation == "Publish" and call.applied:
            if published:
                return cause
            published = True
            cause = {
                "applied_lost": "publish accepted, response lost",
                "crash_after": "crash between publish and mark",
            }.get(call.fault or "", "mark failed after retries")
        elif call.operation == "UpdateItem" and call.fault == "crash_before" and published:
            cause = "crash between publish and mark"
        elif call.operation == "UpdateItem" and call.applied:
            published = False
            cause = "unexplained"
    return cause


def stored_versions(dynamodb: Any) -> dict[str, int]:
    """Every task's stored version, by one paginated scan."""
    versions: dict[str, int] = {}
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=TASK_TABLE,
        ProjectionExpression="taskArn, #v",
        ExpressionAttributeNames={"#v": "version"},
    )
    for page in pages:
        for item in page["Items"]:
            versions[item["taskArn"]["S"]] = int(item["version"]["N"])
    return versions


def replay(world: World, stream: Stream) -> Report:
    """Deliver a shuffled stream with duplicates once, in batches of 10, with no faults:
    every event must succeed and the table must end at the ground truth."""
    report = Report(events=len(stream.events), duplicates=stream.duplicates)
    for start in range(0, len(stream.events), BATCH):
        chunk = stream.events[start : start + BATCH]
        records = [
            {"messageId": str(start + i), "body": json.dumps(e)} for i, e in enumerate(chunk)
        ]
        report.batches += 1
        report.deliveries += len(chunk)
        report.record_failures += len(world.processor.process_batch(records)["batchItemFailures"])
    stored = stored_versions(world.dynamodb)
    report.wrong_states = sum(1 for arn, v in stream.final_versions.items() if stored.get(arn) != v)
    return report


def tasks_for(events: int, duplicate_share: float) -> int:
    """How many task lives make `events` deliveries with that share of duplicates."""
    return max(1, round(events / (len(LIFECYCLE) * (1 + duplicate_share))))


# --- incidents -------------------------------------------------------------------------------


def crash_loops(families: int, failures: int, duplicate_share: float, rng: random.Random) -> Stream:
    """`families` families each failing `failures` times (distinct tasks, exit 1), with
    `duplicate_share` delivered twice, all shuffled; each family must end with exactly one
    opening and one resolution counting `failures`."""
    events: list[dict[str, Any]] = []
    for family in range(families):
        name = f"loop-{family}"
        for n in range(failures):
            arn = f"arn:aws:ecs:{REGION}:111122223333:task/default/{family:08x}{n:024x}"
            event = task_event(6, "STOPPED", task_arn=arn, exit_code=1, group=f"family:{name}")
            detail = event["detail"]
            detail["taskDefinitionArn"] = detail["taskDefinitionArn"].replace(
                "billing-report", name
            )
            events.append(event)
    copies = [dict(e) for e in rng.sample(events, int(len(events) * duplicate_share))]
    events += copies
    rng.shuffle(events)
    expected = {f"loop-{family}" for family in range(families)}
    return Stream(events, {}, expected, len(copies))


@dataclass
class IncidentReport:
    families: int = 0
    opened: int = 0  # incidents with an opening message
    resolved: int = 0  # incidents with a resolution message
    lost: int = 0  # an opening or a resolution that never went out
    doubled: Counter[str] = field(default_factory=Counter)  # extra messages, by window
    miscounted: int = 0  # resolutions whose count is not the family's failures
    wake_ups: int = 0
    faults: Counter[str] = field(default_factory=Counter)


def deliver_incidents(
    world: World, stream: Stream, failures: int, rounds: int = 10
) -> IncidentReport:
    """Deliver the crash loops under the world's faults, then let quiet periods pass and
    deliver the wake-ups (through the same faulty queue) until none is left."""
    deliver_events(world, stream.events)
    report = IncidentReport(families=len(stream.expected_alerts))
    for _ in range(rounds):
        world.clock.now += QUIET_SECONDS + 60
        wake_ups = world.due_wake_ups()
        if not wake_ups:
            break
        report.wake_ups += len(wake_ups)
        deliver_events(world, wake_ups + [dict(w) for w in wake_ups[:1]])  # one arrives twice
    report.faults = Counter(world.injector.injected)
    by_state: dict[tuple[str, str], list[dict[str, str]]] = {}
    for message in world.messages():
        if message.get("family", "").startswith("loop-"):
            by_state.setdefault((message["family"], message["incidentState"]), []).append(message)
    for family in stream.expected_alerts:
        for state in ("opened", "resolved"):
            sent = by_state.get((family, state), [])
            if state == "opened":
                report.opened += bool(sent)
            else:
                report.resolved += bool(sent)
            report.lost += not sent
            for extra in sent[1:]:
                report.doubled[window(world.injector.calls, extra["alertKey"])] += 1
    report.miscounted = _miscounted(world, failures)
    return report


def _miscounted(world: World, failures: int) -> int:
    enabled, world.injector.enabled = world.injector.enabled, False
    try:
        items = world.dynamodb.scan(TableName=ALERT_TABLE)["Items"]
    finally:
        world.injector.enabled = enabled
    return sum(
        1
        for item in items
        if item.get("kind", {}).get("S") == "incident" and int(item["count"]["N"]) != failures
    )


def deliver_events(world: World, events: list[dict[str, Any]], max_rounds: int = 40) -> Report:
    """`deliver` for any events: every one until it has succeeded."""
    return deliver(world, Stream(events, {}, set()), max_rounds)


# --- hostile content: what every sent message holds ---------------------------------------

_LIVE_MENTION = re.compile(r"<[!@#]|<https?://|@(?:here|channel|everyone)\b", re.IGNORECASE)
_RAW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass
class ContentReport:
    tasks: int = 0
    sent: int = 0
    lost: int = 0
    over_limit: int = 0
    largest_bytes: int = 0
    secrets_present: int = 0
    live_mentions: int = 0
    raw_controls: int = 0


class _Logs:
    """The task's log lines, as GetLogEvents would give them."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def get_log_events(self, **request: Any) -> dict[str, Any]:
        return {"events": [{"message": line} for line in self.lines[-request["limit"] :]]}


class _TaskDefinitions:
    def describe_task_definition(self, taskDefinition: str) -> dict[str, Any]:
        options = {"awslogs-group": "/ecs/x", "awslogs-stream-prefix": "ecs"}
        log = {"logDriver": "awslogs", "options": options}
        names = [f"{'c' * n}{i}" for n in (5, 250) for i in range(10)]
        return {
            "taskDefinition": {
                "containerDefinitions": [{"name": n, "logConfiguration": log} for n in names]
            }
        }


def hostile_content_run(tasks: int, seed: int = 400) -> ContentReport:
    """Hostile failing tasks through the processor; every PublishInput SNS is given is
    checked for its size, secrets, live mentions and raw control characters."""
    from ecs_events.alerts.size import SNS_MESSAGE_LIMIT_BYTES, publish_bytes

    from .hostile import OVERRIDE_SECRET, SECRET_LINES, hostile_content

    rng = random.Random(seed)
    report = ContentReport()
    with World(FaultInjector()) as world:
        assert world.processor.alerts is not None
        sender = world.processor.alerts
        reader = sender.log_reader
        logs = _Logs()
        reader.own_account, reader.budget = "111122223333", 600.0
        reader._ecs, reader._logs = _TaskDefinitions(), lambda region: logs
        requests: list[dict[str, Any]] = []
        sns = sender.sns

        class Recording:
            def publish(self, **request: Any) -> Any:
                requests.append(request)
                return sns.publish(**request)

        sender.sns = Recording()
        for serial in range(tasks):
            event, logs.lines = hostile_content(rng, serial)
            report.tasks += 1
            body = json.dumps(event, ensure_ascii=False)
            failed = world.processor.process_batch([{"messageId": "m", "body": body}])
            report.lost += len(failed["batchItemFailures"])
    accepted = {r["MessageAttributes"]["alertKey"]["StringValue"] for r in requests}
    report.lost += tasks - len(accepted)
    secrets = [secret for _, secret in SECRET_LINES] + [OVERRIDE_SECRET]
    for request in requests:
        report.sent += 1
        size = publish_bytes(request)
        report.largest_bytes = max(report.largest_bytes, size)
        report.over_limit += size > SNS_MESSAGE_LIMIT_BYTES
        entries = json.loads(request["Message"])
        every_text = request["Subject"] + "".join(entries.values())
        report.secrets_present += any(secret in every_text for secret in secrets)
        chat = json.loads(entries["https"])
        chat_texts = [chat["content"]["title"], chat["content"]["description"]]
        chat_texts += chat["content"]["keywords"] + [chat["metadata"]["summary"]]
        report.live_mentions += any(_LIVE_MENTION.search(t) for t in chat_texts)
        # Our own console links are the only live links: nextSteps is not from ECS.
        shown = [request["Subject"], entries["email"], entries["default"], *chat_texts]
        report.raw_controls += any(_RAW_CONTROL.search(t) for t in shown)
    return report

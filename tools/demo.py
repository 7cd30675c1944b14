"""`make demo`: the module end to end on a local AWS emulator, with no AWS account.

1. starts moto_server on a free loopback port (tools/emulator.py);
2. runs `terraform init` and `apply` of examples/local, the real module with every AWS
   endpoint pointed at the emulator, in a temporary working copy;
3. stands in for the Lambda service, which the emulator cannot provide without Docker:
   turns off the emulator's own event source mapping and loads the handler from the zip
   Terraform deployed, with the function's environment as deployed;
4. sends a realistic stream of ECS events through EventBridge PutEvents;
5. hands what the rule routed to the queue to the handler, batch by batch, deleting the
   successes and leaving the batchItemFailures, as Lambda does;
6. prints the task table, the alerts published and the outcome counts;
7. destroys the stack and stops the emulator, also after Ctrl-C or an error.

`--summary-json PATH` writes the results for tests/e2e.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from tools import demo_events
from tools.emulator import LocalEmulator
from tools.terraform import Workspace, copy_sources

STEPS = 7
# A long step (terraform apply) says it is still alive this often.
HEARTBEAT_SECONDS = 20
EXAMPLE = Path("examples") / "local"
HANDLER_ZIP = Path("dist") / "ecs_events.zip"

# Receive loops stop after this many empty receives in a row, or at their deadline.
EMPTY_RECEIVES_TO_STOP = 3
EMPTY_RECEIVE_PAUSE_SECONDS = 0.3
DELIVERY_DEADLINE_SECONDS = 60
ALERT_DEADLINE_SECONDS = 15

# Resource kinds named after the apply, for a sense of what the module made.
SHOWN_RESOURCE_KINDS = ("dynamodb_table", "sqs_queue", "cloudwatch_event_rule", "lambda_function")

# Resources that only set an attribute of an SQS queue. Deleting one makes the provider
# wait about 25 s for the change to propagate (six equal reads, five seconds apart); the
# queue's own deletion takes its attributes with it.
QUEUE_ATTRIBUTE_RESOURCES = (
    "aws_sqs_queue_policy",
    "aws_sqs_queue_redrive_allow_policy",
    "aws_sqs_queue_redrive_policy",
)


class Interrupted(Exception):
    """SIGTERM, turned into an exception so cleanup runs as it does for Ctrl-C."""


# --- screen -------------------------------------------------------------------------------


class Screen:
    """Numbered steps with timings, and indented detail lines."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.timings: dict[str, float] = {}

    def say(self, text: str = "") -> None:
        print(text, flush=True)

    def detail(self, text: str) -> None:
        self.say(f"      {text}")

    @contextlib.contextmanager
    def step(self, number: int, title: str, heartbeat: bool = False) -> Iterator[None]:
        self.say(f"[{number}/{STEPS}] {title}")
        began = time.monotonic()
        stop = threading.Event()
        ticker = None
        if heartbeat:
            ticker = threading.Thread(target=self._tick, args=(began, stop), daemon=True)
            ticker.start()
        try:
            yield
        finally:
            stop.set()
            if ticker:
                ticker.join()
            took = time.monotonic() - began
            self.timings[title] = round(took, 1)
        self.detail(f"done in {took:.1f} s")

    def _tick(self, began: float, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            self.detail(f"... {time.monotonic() - began:.0f} s")


# --- the Lambda service, played by this process -------------------------------------------


class LambdaContext:
    """The attributes of the Lambda context object a handler may read."""

    def __init__(self, function: dict[str, Any]) -> None:
        self.function_name = function["FunctionName"]
        self.function_version = function.get("Version", "$LATEST")
        self.invoked_function_arn = function["FunctionArn"]
        self.memory_limit_in_mb = function.get("MemorySize", 128)
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "demo"
        self._deadline = time.monotonic() + function.get("Timeout", 60)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class OutcomeCounter(logging.Handler):
    """Counts the handler's one-log-line-per-event outcomes (applied, duplicate, ...)."""

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        outcome = getattr(record, "outcome", None)
        if isinstance(outcome, str):
            self.outcomes[outcome] += 1


@dataclass
class LambdaStandIn:
    """The deployed function's handler, loaded from its zip, fed from its queue."""

    handler: Callable[[dict[str, Any], Any], dict[str, Any]]
    function: dict[str, Any]
    queue_url: str
    queue_arn: str
    batch_size: int
    log_path: Path
    counter: OutcomeCounter


def load_handler(
    function: dict[str, Any], package: Path, endpoint: str, log_path: Path
) -> tuple[Callable[[dict[str, Any], Any], dict[str, Any]], OutcomeCounter]:
    """Import the function's handler from its deployment package, configured as deployed."""
    environment = function.get("Environment", {}).get("Variables", {})
    os.environ.update(environment)
    # What the Lambda runtime would provide, pointed at the emulator.
    os.environ.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="local-emulator",
        AWS_SECRET_ACCESS_KEY="local-emulator",
        AWS_REGION=demo_events.REGION,
        AWS_DEFAULT_REGION=demo_events.REGION,
        AWS_LAMBDA_FUNCTION_NAME=function["FunctionName"],
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    # The zip Terraform uploaded, first on the path: the code Lambda would run.
    sys.path.insert(0, str(package))
    module_name, function_name = function["Handler"].rsplit(".", 1)
    package_logger = logging.getLogger(module_name.split(".")[0])
    counter = OutcomeCounter()
    to_file = logging.FileHandler(log_path)
    to_file.setFormatter(importlib.import_module("ecs_events.logs").JsonFormatter())
    # With handlers in place the package adds none of its own: its log lines go to the
    # file (as they would go to CloudWatch Logs) and are counted, not printed.
    package_logger.addHandler(to_file)
    package_logger.addHandler(counter)
    package_logger.propagate = False
    handler = getattr(importlib.import_module(module_name), function_name)
    return handler, counter


def lambda_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """An SQS message in the shape Lambda hands it to a function."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": demo_events.REGION,
    }


def receive(sqs: Any, queue_url: str, limit: int) -> list[dict[str, Any]]:
    """One short poll. The module's queue long-polls for 20 s, but the emulator delivers
    during PutEvents and Publish, so anything sent is already there."""
    response = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=min(limit, 10),
        WaitTimeSeconds=0,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    )
    return list(response.get("Messages", []))


@dataclass
class Delivery:
    batches: int = 0
    records: int = 0
    failures: int = 0
    handler_errors: int = 0


def deliver(stand_in: LambdaStandIn, sqs: Any, screen: Screen) -> Delivery:
    """Poll, invoke, delete successes: what Lambda's SQS event source mapping does."""
    result = Delivery()
    empty = 0
    deadline = time.monotonic() + DELIVERY_DEADLINE_SECONDS
    while empty < EMPTY_RECEIVES_TO_STOP and time.monotonic() < deadline:
        messages = receive(sqs, stand_in.queue_url, stand_in.batch_size)
        if not messages:
            empty += 1
            time.sleep(EMPTY_RECEIVE_PAUSE_SECONDS)
            continue
        empty = 0
        result.batches += 1
        result.records += len(messages)
        event = {"Records": [lambda_record(m, stand_in.queue_arn) for m in messages]}
        try:
            # The function's stdout (embedded metric lines) goes to its log, as on Lambda.
            with stand_in.log_path.open("a") as log, contextlib.redirect_stdout(log):
                response = stand_in.handler(event, LambdaContext(stand_in.function))
        except Exception as error:  # the whole batch failed: Lambda would retry all of it
            result.handler_errors += 1
            screen.detail(f"batch {result.batches}: the handler raised {error!r}")
            continue
        failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            sqs.delete_message_batch(
                QueueUrl=stand_in.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(done[start : start + 10])
                ],
            )
        result.failures += len(failed)
        note = (
            f", {len(failed)} reported in batchItemFailures (left in the queue)" if failed else ""
        )
        screen.detail(f"batch {result.batches}: {len(messages)} events{note}")
    return result


# --- reading results ----------------------------------------------------------------------


# The demo imports ecs_events only from the deployed zip (load_handler), so that the handler
# it runs is the one Terraform uploaded; reading tables and printing them is done here
# rather than with ecs_events_cli, which would import it first.
def scan(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    items = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        for item in page["Items"]:
            items.append({k: deserializer.deserialize(v) for k, v in item.items()})
    return items


def task_rows(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    rows = {}
    for item in items:
        task_id = str(item["taskArn"]).rsplit("/", 1)[-1]
        rows[task_id] = {
            "taskDefinition": item.get("taskDefinition"),
            "lastStatus": item.get("lastStatus"),
            "version": int(item["version"]),
            "stopCode": item.get("stopCode"),
            "exitCodes": [
                int(c["exitCode"]) for c in item.get("containers", []) if "exitCode" in c
            ],
        }
    return dict(sorted(rows.items(), key=lambda kv: (str(kv[1]["taskDefinition"]), kv[0])))


def print_table(screen: Screen, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        screen.detail("  ".join(cells).rstrip())


def collect_alerts(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """The alerts SNS delivered to the demo's subscribed queue (SNS envelope, JSON body)."""
    alerts: list[dict[str, Any]] = []
    empty = 0
    deadline = time.monotonic() + ALERT_DEADLINE_SECONDS
    while empty < EMPTY_RECEIVES_TO_STOP and time.monotonic() < deadline:
        messages = receive(sqs, queue_url, 10)
        if not messages:
            empty += 1
            time.sleep(EMPTY_RECEIVE_PAUSE_SECONDS)
            continue
        empty = 0
        for message in messages:
            envelope = json.loads(message["Body"])
            document = json.loads(envelope["Message"])
            alerts.append({"subject": envelope.get("Subject", ""), **document})
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return alerts


def count_log_events(logs: Any, group: str) -> int:
    total = 0
    for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group):
        total += len(page["events"])
    return total


def leftovers(clients: dict[str, Any]) -> dict[str, list[str]]:
    """What the emulator still holds after destroy; empty lists mean a clean destroy."""
    return {
        "tables": clients["dynamodb"].list_tables()["TableNames"],
        "queues": clients["sqs"].list_queues().get("QueueUrls", []),
        "functions": [f["FunctionName"] for f in clients["lambda"].list_functions()["Functions"]],
        "rules": [r["Name"] for r in clients["events"].list_rules()["Rules"]],
        "topics": [t["TopicArn"] for t in clients["sns"].list_topics()["Topics"]],
        "logGroups": [
            g["logGroupName"] for g in clients["logs"].describe_log_groups()["logGroups"]
        ],
    }


# --- the run ------------------------------------------------------------------------------


@dataclass
class Summary:
    """What the demo showed, for tests/e2e."""

    sent: int = 0
    repeated: int = 0
    filtered_out: int = 0
    broken: int = 0
    expected: dict[str, dict[str, Any]] = field(default_factory=dict)
    expected_alert_kinds: list[str] = field(default_factory=list)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    container_instances: dict[str, dict[str, Any]] = field(default_factory=dict)
    alerts: list[dict[str, Any]] | None = None
    outcomes: dict[str, int] = field(default_factory=dict)
    delivered: int = 0
    handler_errors: int = 0
    left_in_queue: int = 0
    event_log: int | None = None
    leftovers: dict[str, list[str]] | None = None
    destroyed: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None


class Demo:
    def __init__(self, seed: int, screen: Screen) -> None:
        self.seed = seed
        self.screen = screen
        self.summary = Summary()
        self.workdir = Path(tempfile.mkdtemp(prefix="ecs-events-demo-"))
        self.emulator = LocalEmulator(self.workdir / "emulator.log")
        self.workspace: Workspace | None = None
        self.applying = False
        self.clients: dict[str, Any] = {}
        self.alert_queue_url: str | None = None
        self.alert_subscription: str | None = None
        # Non-zero when cleanup itself was interrupted (130) or failed (1).
        self.cleanup_exit_code = 0

    # The steps, in order.

    def run(self) -> None:
        screen = self.screen
        with screen.step(1, "Start the local AWS emulator (moto_server)"):
            self.emulator.start()
            screen.detail(f"{self.emulator.url}, pid {self.emulator.pid}")
            screen.detail(f"its log: {self.emulator.log_path}")
            self.clients = self._clients()

        with screen.step(
            2,
            "terraform init + apply examples/local (the real module, endpoints on the emulator)",
            heartbeat=True,
        ):
            screen.detail("About 70 s: after each SQS queue change the AWS provider waits ~25 s")
            screen.detail("for it to settle (six equal reads, 5 s apart), twice in a row.")
            outputs = self._apply()

        with screen.step(3, "Stand in for the Lambda service"):
            stand_in = self._stand_in(outputs)
            self._subscribe_to_alerts(outputs)

        stream = demo_events.demo_stream(datetime.now(UTC) - timedelta(minutes=30), self.seed)
        with screen.step(4, f"Send {len(stream.events)} ECS events through EventBridge PutEvents"):
            self._send(stream)

        with screen.step(5, "Deliver the queue to the handler, batch by batch"):
            delivery = deliver(stand_in, self.clients["sqs"], screen)
            self.summary.outcomes = dict(stand_in.counter.outcomes)
            self.summary.delivered = delivery.records
            self.summary.handler_errors = delivery.handler_errors
            screen.detail(f"handler log (JSON lines, as in CloudWatch Logs): {stand_in.log_path}")

        with screen.step(6, "What the module made of it"):
            self._report(outputs, stand_in, stream)

    def _clients(self) -> dict[str, Any]:
        import boto3

        session = boto3.session.Session(
            aws_access_key_id="local-emulator",
            aws_secret_access_key="local-emulator",
            region_name=demo_events.REGION,
        )
        return {
            name: session.client(name, endpoint_url=self.emulator.url)
            for name in ("dynamodb", "events", "lambda", "logs", "sns", "sqs")
        }

    def _write_variables(self, directory: Path) -> None:
        # One variables file in the working copy, read by every terraform command there
        # (apply and destroy alike).
        variables = {
            "emulator_url": self.emulator.url,
            "region": demo_events.REGION,
            # The rule takes the demo cluster only; an event of another cluster shows that.
            "cluster_arns": [demo_events.cluster_arn()],
        }
        (directory / "demo.auto.tfvars.json").write_text(json.dumps(variables, indent=2))

    def _apply(self) -> dict[str, Any]:
        sources = copy_sources(self.workdir / "terraform")
        self.workspace = Workspace(sources / EXAMPLE)
        self.screen.detail(f"working copy: {self.workspace.directory}")
        self._write_variables(self.workspace.directory)
        self.workspace.init()
        self.applying = True
        self.workspace.apply()
        outputs: dict[str, Any] = self.workspace.outputs()["ecs_events"]
        created = self.workspace.state_addresses()
        kinds = Counter(address.split(".")[-2].removeprefix("aws_") for address in created)
        self.screen.detail(
            f"{len(created)} resources, among them "
            + ", ".join(f"{kinds[k]} {k}" for k in SHOWN_RESOURCE_KINDS if kinds[k])
        )
        return outputs

    def _stand_in(self, outputs: dict[str, Any]) -> LambdaStandIn:
        screen = self.screen
        lambda_ = self.clients["lambda"]
        sqs = self.clients["sqs"]
        function = lambda_.get_function_configuration(FunctionName=outputs["handler_function_name"])
        queue_url = outputs["handler_queue_url"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        screen.detail("The emulator cannot run Lambda code without Docker, so this process plays")
        screen.detail(f"the Lambda service for {function['FunctionName']}: it polls the queue and")
        screen.detail(f"calls {function['Handler']} from the deployed zip, with the function's")
        screen.detail("environment as Terraform set it.")
        batch_size = 10
        for mapping in lambda_.list_event_source_mappings(FunctionName=function["FunctionArn"])[
            "EventSourceMappings"
        ]:
            if mapping["EventSourceArn"] != queue_arn:
                continue
            batch_size = int(mapping.get("BatchSize", batch_size))
            # moto "runs" a mapped function on every message that arrives; without Docker
            # that fails, puts the messages back and counts a receive, so after five
            # arrivals the messages would move to the dead-letter queue unprocessed.
            lambda_.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
            screen.detail(
                f"Turned off the emulator's event source mapping {mapping['UUID'][:8]}: it would"
            )
            screen.detail(
                "try to run the function in Docker on each message, fail, and count a receive"
            )
            screen.detail(
                f"until the dead-letter queue took them. Batches of {batch_size}, as set."
            )
        log_path = self.workdir / "handler.log"
        # copy_sources keeps the tree's shape: the package sits beside modules/ and examples/.
        package = self.workdir / "terraform" / HANDLER_ZIP
        handler, counter = load_handler(function, package, self.emulator.url, log_path)
        return LambdaStandIn(handler, function, queue_url, queue_arn, batch_size, log_path, counter)

    def _subscribe_to_alerts(self, outputs: dict[str, Any]) -> None:
        topic = outputs.get("alert_topic_arn")
        if not topic:
            self.screen.detail("Alerts are not part of this build (the module has no alert topic).")
            return
        sqs, sns = self.clients["sqs"], self.clients["sns"]
        self.alert_queue_url = sqs.create_queue(
            QueueName=f"{outputs['handler_function_name']}-demo-alerts"
        )["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(
            QueueUrl=self.alert_queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        self.alert_subscription = sns.subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True
        )["SubscriptionArn"]
        self.screen.detail(f"Subscribed a queue to the alert topic {topic.rsplit(':', 1)[-1]}.")

    def _send(self, stream: demo_events.Stream) -> None:
        screen = self.screen
        summary = self.summary
        summary.sent = len(stream.events)
        summary.repeated = stream.repeated
        summary.filtered_out = stream.filtered_out
        summary.broken = stream.broken
        summary.expected = {
            task_id: {
                "taskDefinition": d["taskDefinitionArn"].rsplit("/", 1)[-1],
                "lastStatus": d["lastStatus"],
                "version": d["version"],
                "stopCode": d.get("stopCode"),
                "exitCodes": [c["exitCode"] for c in d["containers"] if "exitCode" in c],
            }
            for task_id, d in demo_events.expected_task_states(stream).items()
        }
        summary.expected_alert_kinds = stream.expected_alert_kinds
        kinds = Counter(e.detail_type for e in stream.events)
        screen.detail(
            f"{len(stream.tasks)} tasks through their lives, a container instance, a failed "
            "deployment, a placement failure:"
        )
        screen.detail(", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())))
        screen.detail(
            f"{stream.repeated} states sent twice; all shuffled (seed {self.seed}); "
            f"{stream.filtered_out} event of cluster {demo_events.OTHER_CLUSTER}, which the rule"
        )
        screen.detail(f"does not take; {stream.broken} deliberately broken event.")
        screen.detail(
            'AWS keeps "aws.*" sources to its services (PutEvents refuses "aws.ecs" there);'
        )
        screen.detail("the emulator accepts it, so the demo can speak for ECS.")
        events = self.clients["events"]
        for start in range(0, len(stream.events), 10):
            batch = stream.events[start : start + 10]
            response = events.put_events(Entries=[e.entry() for e in batch])
            if response.get("FailedEntryCount"):
                raise RuntimeError(f"PutEvents refused entries: {response['Entries']}")

    def _report(
        self, outputs: dict[str, Any], stand_in: LambdaStandIn, stream: demo_events.Stream
    ) -> None:
        screen, summary = self.screen, self.summary
        dynamodb, sqs = self.clients["dynamodb"], self.clients["sqs"]

        summary.tasks = task_rows(scan(dynamodb, outputs["task_table_name"]))
        screen.say()
        screen.detail(f"Task table {outputs['task_table_name']}: one row per task")
        print_table(
            screen,
            ["TASK ID", "DEFINITION", "STATUS", "VERSION", "STOP CODE", "EXIT CODES"],
            [
                [
                    task_id,
                    str(row["taskDefinition"]),
                    str(row["lastStatus"]),
                    str(row["version"]),
                    row["stopCode"] or "-",
                    ", ".join(map(str, row["exitCodes"])) or "-",
                ]
                for task_id, row in summary.tasks.items()
            ],
        )

        instances = scan(dynamodb, outputs["container_instance_table_name"])
        summary.container_instances = {
            str(i["containerInstanceArn"]).rsplit("/", 1)[-1]: {
                "lastStatus": i.get("lastStatus"),
                "version": int(i["version"]),
                "ec2InstanceId": i.get("ec2InstanceId"),
                "runningTasksCount": int(i.get("runningTasksCount", 0)),
            }
            for i in instances
        }
        screen.say()
        screen.detail(f"Container instance table {outputs['container_instance_table_name']}")
        print_table(
            screen,
            ["CONTAINER INSTANCE", "EC2 INSTANCE", "STATUS", "VERSION", "RUNNING TASKS"],
            [
                [
                    k,
                    str(v["ec2InstanceId"]),
                    str(v["lastStatus"]),
                    str(v["version"]),
                    str(v["runningTasksCount"]),
                ]
                for k, v in summary.container_instances.items()
            ],
        )

        screen.say()
        if self.alert_queue_url is None:
            screen.detail("Alerts: not part of this build (no alert_topic_arn output).")
        else:
            summary.alerts = collect_alerts(sqs, self.alert_queue_url)
            screen.detail(f"Alerts published to the alert topic: {len(summary.alerts)}")
            for alert in summary.alerts:
                screen.detail(f"  [{alert.get('kind')}] {alert['subject']}")
                reason = alert.get("stoppedReason") or alert.get("reason")
                if reason:
                    screen.detail(f"      why: {_shorten(str(reason), 84)}")
                for container in alert.get("containers") or []:
                    if container.get("meaning"):
                        code = container.get("exitCode")
                        exited = "never ran" if code is None else f"exit {code}"
                        screen.detail(
                            f"      {container.get('name')} {exited}: "
                            f"{_shorten(str(container['meaning']), 70)}"
                        )

        screen.say()
        outcomes = Counter(summary.outcomes)
        screen.detail(
            "Events by outcome: "
            + ", ".join(
                f"{name} {outcomes[name]}"
                for name in ("applied", "duplicate", "stale", "skipped", "failed")
            )
        )
        screen.detail(
            f"{summary.delivered} delivered to the handler out of {summary.sent} sent; "
            f"{summary.filtered_out} filtered out by the rule's cluster filter"
        )
        attributes = sqs.get_queue_attributes(
            QueueUrl=stand_in.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        summary.left_in_queue = sum(int(v) for v in attributes.values())
        if summary.left_in_queue:
            screen.detail(
                f"{summary.left_in_queue} left in the queue (batchItemFailures): SQS retries it "
                "after the"
            )
            screen.detail("visibility timeout, and after 5 receives the dead-letter queue keeps it")
        history_group = outputs.get("history_log_group_name")
        if history_group:
            summary.event_log = count_log_events(self.clients["logs"], history_group)
            screen.detail(
                f"Event log {history_group}: {summary.event_log} events, straight from "
                "EventBridge (no Lambda)"
            )

    # Cleanup, whatever happened before.

    def clean_up(self) -> None:
        screen = self.screen
        with screen.step(STEPS, "Clean up: terraform destroy, then stop the emulator"):
            try:
                self._destroy()
            except (KeyboardInterrupt, Interrupted):
                screen.detail("destroy interrupted; stopping the emulator discards the stack")
                self.cleanup_exit_code = 130
            except Exception as error:
                screen.detail(f"destroy failed ({error}); stopping the emulator discards the stack")
                self.summary.error = self.summary.error or f"destroy failed: {error}"
                self.cleanup_exit_code = 1
            finally:
                pid = self.emulator.pid
                self.emulator.stop()
                if pid:
                    screen.detail(f"emulator (pid {pid}) stopped")

    def _destroy(self) -> None:
        if self.workspace is None or not self.applying:
            return
        screen = self.screen
        if self.alert_subscription:
            self.clients["sns"].unsubscribe(SubscriptionArn=self.alert_subscription)
        if self.alert_queue_url:
            self.clients["sqs"].delete_queue(QueueUrl=self.alert_queue_url)
        forgotten = _forget_queue_attributes(self.workspace)
        if forgotten:
            screen.detail(
                f"Dropped {forgotten} SQS policy resources from the state first: they go with"
            )
            screen.detail(
                "their queues, and the provider would wait ~25 s to see each removal settle."
            )
        self.workspace.destroy()
        self.summary.destroyed = True
        self.summary.leftovers = leftovers(self.clients)
        remaining = {k: v for k, v in self.summary.leftovers.items() if v}
        screen.detail(
            "nothing left in the emulator" if not remaining else f"left behind: {remaining}"
        )


def _forget_queue_attributes(workspace: Workspace) -> int:
    addresses = [
        a for a in workspace.state_addresses() if a.split(".")[-2] in QUEUE_ATTRIBUTE_RESOURCES
    ]
    workspace.forget(addresses)
    return len(addresses)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seed", type=int, default=6, help="shuffle of the event stream")
    parser.add_argument("--summary-json", type=Path, help="write the results here (tests/e2e)")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, _raise_interrupted)
    screen = Screen()
    screen.say("ECS events, end to end on a local AWS emulator: no AWS account, nothing leaves")
    screen.say("127.0.0.1. Expect about two minutes; most of it is terraform apply.")
    screen.say()
    demo = Demo(args.seed, screen)
    code = 0
    try:
        demo.run()
    except (KeyboardInterrupt, Interrupted):
        screen.say("\nInterrupted: cleaning up.")
        demo.summary.error = "interrupted"
        code = 130
    except Exception as error:
        screen.say(f"\nThe demo failed: {error}")
        demo.summary.error = f"{type(error).__name__}: {error}"
        code = 1
    finally:
        demo.clean_up()
        code = code or demo.cleanup_exit_code
        demo.summary.timings = screen.timings
        demo.summary.seconds = round(time.monotonic() - screen.started, 1)
        if args.summary_json:
            args.summary_json.write_text(json.dumps(asdict(demo.summary), indent=2, default=str))
        if code == 0:
            shutil.rmtree(demo.workdir, ignore_errors=True)
        else:
            screen.say(f"Kept {demo.workdir} (emulator and handler logs) for a look.")
    screen.say(f"\nFinished in {demo.summary.seconds:.0f} s.")
    return code


if __name__ == "__main__":
    sys.exit(main())

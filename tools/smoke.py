"""Release check: the module applied, used and destroyed, on AWS or on the local emulator.

1. applies examples/basic with alerts on, under a unique name (smoke-<8 hex>), with tables
   it can delete;
2. subscribes an SQS queue of its own to the alert topic;
3. delivers an ECS task event (a container that exited 1) to the handler's queue, as
   EventBridge would;
4. waits for the task's item in the task table and for the alert on the subscribed queue;
5. finds the ECS console's History capture of a cluster, under the names the console looks
   for (the rule EventsToLogs-... and /aws/events/ecs/containerinsights/<cluster>/performance),
   computed by tools/console_names.py, not read from Terraform;
6. unsubscribes, deletes its queue and destroys the stack, also after an error or Ctrl-C.

On AWS (a maintainer's release step; it creates billable resources for a few minutes):

    AWS_PROFILE=sandbox python -m tools.smoke --region eu-west-1

On the local emulator (CI, tests/e2e/test_smoke.py), the same steps with every AWS
endpoint, for Terraform and boto3 alike, set by the environment (AWS_ENDPOINT_URL):

    python -m tools.smoke --emulator

or, against an emulator already running, SMOKE_ENDPOINT_URL=http://127.0.0.1:<port>.
The emulator cannot run Lambda code without Docker, so there this process plays the Lambda
service for the handler (tools/demo's stand-in); on AWS the deployed function runs.
Exit status 0 when every check passed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from devkit.emulator import LocalEmulator
from devkit.lambda_service import LambdaStandIn, deliver, load_handler
from devkit.terraform import Workspace, copy_sources
from tools.console_names import console_log_group, console_rule_name
from tools.demo import events as demo_events
from tools.demo.report import collect_alerts
from tools.demo.screen import Screen
from tools.demo.stack import forget_queue_attributes

EXAMPLE = Path("examples") / "basic"
HANDLER_ZIP = Path("dist") / "ecs_events.zip"
# On AWS the function polls the queue and the alert crosses SNS: allow minutes.
AWS_DEADLINE_SECONDS = 300
EMULATOR_DEADLINE_SECONDS = 30
POLL_SECONDS = 5


def smoke_event(account: str, region: str) -> tuple[str, dict[str, Any]]:
    """(task ARN, EventBridge event) of a task whose essential container exited 1."""
    task = demo_events.Task(
        task_id=uuid.uuid4().hex,
        family="smoke",
        revision=1,
        group="family:smoke",
        started_by="ecs-events-smoke",
        container="app",
        image="public.ecr.aws/docker/library/busybox:latest",
    )
    ending = demo_events.TaskEnding(
        stop_code="EssentialContainerExited",
        stopped_reason="Essential container in task exited",
        exit_code=1,
    )
    stopped = demo_events.task_states(task, datetime.now(UTC) - timedelta(minutes=2), ending)[-1]
    event = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": stopped.detail_type,
        "source": "aws.ecs",
        "account": account,
        "time": stopped.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": stopped.resources,
        "detail": stopped.detail,
    }
    return task.arn, event


def wait_for(check: Callable[[], Any], deadline_seconds: float) -> Any:
    """check() until it returns something truthy, or None at the deadline."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        found = check()
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(POLL_SECONDS)


class Smoke:
    def __init__(self, region: str, endpoint: str | None, screen: Screen) -> None:
        self.region = region
        self.endpoint = endpoint
        self.screen = screen
        self.name = f"smoke-{uuid.uuid4().hex[:8]}"
        self.workdir = Path(tempfile.mkdtemp(prefix="ecs-events-smoke-"))
        self.workspace: Workspace | None = None
        self.applying = False
        self.subscription: str | None = None
        self.alert_queue_url: str | None = None
        self.deadline = EMULATOR_DEADLINE_SECONDS if endpoint else AWS_DEADLINE_SECONDS
        import boto3

        session = boto3.session.Session(region_name=region)
        self.clients = {
            name: session.client(name, endpoint_url=endpoint)
            for name in ("dynamodb", "events", "lambda", "logs", "sns", "sqs", "sts")
        }

    def run(self) -> None:
        screen = self.screen
        with screen.step(1, f"terraform apply examples/basic as {self.name}", heartbeat=True):
            outputs = self._apply()
        with screen.step(2, "Subscribe a queue to the alert topic"):
            self._subscribe(outputs["alert_topic_arn"])
        with screen.step(3, "Deliver a task event (exit code 1) to the handler's queue"):
            queue_url = outputs["handler_queue_url"]
            queue_arn = self._queue_arn(queue_url)
            account = queue_arn.split(":")[4]
            task_arn, event = smoke_event(account, self.region)
            self.clients["sqs"].send_message(QueueUrl=queue_url, MessageBody=json.dumps(event))
            screen.detail(f"task {task_arn.rsplit('/', 1)[-1]}, event {event['id']}")
            if self.endpoint:
                self._play_lambda(outputs["handler_function_name"], queue_url, queue_arn)
        with screen.step(4, "Check the stored item and the alert"):
            item = wait_for(lambda: self._item(outputs["task_table_name"], task_arn), self.deadline)
            if not item:
                raise AssertionError(f"no item for {task_arn} in {outputs['task_table_name']}")
            if item["lastStatus"] != {"S": "STOPPED"} or item["version"] != {"N": "6"}:
                raise AssertionError(f"unexpected item: {item}")
            screen.detail("task table: STOPPED at version 6, as sent")
            alerts = wait_for(self._alerts, self.deadline)
            if not alerts or task_arn.rsplit("/", 1)[-1] not in json.dumps(alerts):
                raise AssertionError(f"no alert for the task on the subscribed queue: {alerts}")
            screen.detail(f"alert received: {alerts[0].get('subject', '')}")
        with screen.step(5, "Check the console's History rule and group, by the console's names"):
            self._console_history(outputs)

    def _apply(self) -> dict[str, Any]:
        sources = copy_sources(self.workdir / "terraform")
        self.workspace = Workspace(sources / EXAMPLE)
        account = self.clients["sts"].get_caller_identity()["Account"]
        cluster = f"arn:aws:ecs:{self.region}:{account}:cluster/{self.name}"
        variables = {
            "console_history_cluster_arns": [cluster],
            "region": self.region,
            "name": self.name,
            "alerts_enabled": True,
            "deletion_protection": False,
        }
        (self.workspace.directory / "smoke.auto.tfvars.json").write_text(json.dumps(variables))
        self.workspace.init()
        self.applying = True
        self.workspace.apply()
        return self.workspace.outputs()

    def _console_history(self, outputs: dict[str, Any]) -> None:
        (cluster_arn,) = outputs["console_history_rule_names"]
        rule = self.clients["events"].describe_rule(Name=console_rule_name(cluster_arn))
        group = console_log_group(cluster_arn)
        (target,) = self.clients["events"].list_targets_by_rule(Rule=rule["Name"])["Targets"]
        if not target["Arn"].endswith(f":log-group:{group}"):
            raise AssertionError(f"{rule['Name']} writes to {target['Arn']}, not {group}")
        found = self.clients["logs"].describe_log_groups(logGroupNamePrefix=group)["logGroups"]
        if [g["logGroupName"] for g in found] != [group]:
            raise AssertionError(f"no log group {group}: {found}")
        self.screen.detail(f"rule {rule['Name']} -> {group}")

    def _queue_arn(self, queue_url: str) -> str:
        attributes = self.clients["sqs"].get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn"]
        )
        return str(attributes["Attributes"]["QueueArn"])

    def _subscribe(self, topic_arn: str) -> None:
        sqs = self.clients["sqs"]
        self.alert_queue_url = sqs.create_queue(
            QueueName=f"{self.name}-alerts-check", Attributes={"SqsManagedSseEnabled": "true"}
        )["QueueUrl"]
        queue_arn = self._queue_arn(self.alert_queue_url)
        # SNS delivers to a queue whose policy admits the topic.
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
                }
            ],
        }
        sqs.set_queue_attributes(
            QueueUrl=self.alert_queue_url, Attributes={"Policy": json.dumps(policy)}
        )
        self.subscription = self.clients["sns"].subscribe(
            TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True
        )["SubscriptionArn"]
        self.screen.detail(f"{queue_arn.rsplit(':', 1)[-1]} subscribed")

    def _play_lambda(self, function_name: str, queue_url: str, queue_arn: str) -> None:
        """On the emulator: run the deployed handler on the queue, as Lambda would."""
        lambda_ = self.clients["lambda"]
        function = lambda_.get_function_configuration(FunctionName=function_name)
        for mapping in lambda_.list_event_source_mappings(FunctionName=function["FunctionArn"])[
            "EventSourceMappings"
        ]:
            # The emulator would try to run the function in Docker on each message.
            lambda_.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
        assert self.endpoint is not None
        handler, counter = load_handler(
            function,
            self.workdir / "terraform" / HANDLER_ZIP,
            self.endpoint,
            self.workdir / "h.log",
        )
        stand_in = LambdaStandIn(
            handler, function, queue_url, queue_arn, 10, self.workdir / "h.log", counter
        )
        delivery = deliver(stand_in, self.clients["sqs"], self.screen)
        self.screen.detail(
            f"the handler took {delivery.records} event(s): {dict(counter.outcomes)}"
        )

    def _item(self, table: str, task_arn: str) -> dict[str, Any] | None:
        response = self.clients["dynamodb"].get_item(
            TableName=table, Key={"taskArn": {"S": task_arn}}, ConsistentRead=True
        )
        return response.get("Item")

    def _alerts(self) -> list[dict[str, Any]]:
        assert self.alert_queue_url is not None
        return collect_alerts(self.clients["sqs"], self.alert_queue_url)

    def clean_up(self) -> None:
        with self.screen.step(6, "Clean up: unsubscribe, delete the queue, terraform destroy"):
            if self.subscription:
                self.clients["sns"].unsubscribe(SubscriptionArn=self.subscription)
            if self.alert_queue_url:
                self.clients["sqs"].delete_queue(QueueUrl=self.alert_queue_url)
            if self.workspace is not None and self.applying:
                if self.endpoint:
                    # The emulator's queue policies go with their queues; the provider
                    # would wait ~25 s to see each removal settle.
                    forget_queue_attributes(self.workspace)
                self.workspace.destroy()
                self.screen.detail(f"{self.name} destroyed")


@contextlib.contextmanager
def endpoint_environment(endpoint: str | None) -> Iterator[None]:
    """Point Terraform's AWS provider and boto3 at the endpoint, when there is one."""
    if endpoint is None:
        yield
        return
    saved = dict(os.environ)
    os.environ.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="local-emulator",
        AWS_SECRET_ACCESS_KEY="local-emulator",
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", demo_events.REGION))
    parser.add_argument(
        "--emulator", action="store_true", help="start the local emulator and run against it"
    )
    args = parser.parse_args(argv)
    screen = Screen(6)
    endpoint = os.environ.get("SMOKE_ENDPOINT_URL")
    emulator = LocalEmulator(Path(tempfile.mkdtemp(prefix="ecs-events-smoke-")) / "emulator.log")
    code = 0
    try:
        if args.emulator:
            emulator.start()
            endpoint = emulator.url
            screen.say(f"emulator {endpoint}, pid {emulator.pid}")
        with endpoint_environment(endpoint):
            smoke = Smoke(args.region, endpoint, screen)
            try:
                smoke.run()
                screen.say("\nSmoke test passed.")
            except Exception as error:
                screen.say(f"\nSmoke test failed: {error}")
                code = 1
            finally:
                try:
                    smoke.clean_up()
                except Exception as error:
                    screen.say(f"clean-up failed: {error}; delete {smoke.name}-* by hand")
                    code = code or 1
    except KeyboardInterrupt:
        code = 130
    finally:
        emulator.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())

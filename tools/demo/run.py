"""`make demo`: the module end to end on a local AWS emulator, with no AWS account.

1. starts moto_server on a free loopback port (devkit/emulator.py);
2. runs `terraform init` and `apply` of examples/local, the real module with every AWS
   endpoint pointed at the emulator, in a temporary working copy (stack.py);
3. stands in for the Lambda service, which the emulator cannot provide without Docker:
   turns off the emulator's own event source mapping and loads the handler from the zip
   Terraform deployed, with the function's environment as deployed (lambda_service.py);
4. sends a realistic stream of ECS events through EventBridge PutEvents (events.py);
5. hands what the rule routed to the queue to the handler, batch by batch, deleting the
   successes and leaving the batchItemFailures, as Lambda does;
6. shows what the module made of it with the real `ecs-events` command, the alerts
   published and the outcome counts (report.py, cli.py);
7. destroys the stack and stops the emulator, also after Ctrl-C or an error; with --keep,
   leaves both up and prints commands to try and how to stop.

The logs it names (emulator, handler) stay after it ends. `--summary-json PATH` writes the
results for tests/e2e.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from devkit.emulator import LocalEmulator
from devkit.lambda_service import LambdaStandIn, deliver, load_handler

from . import cli
from . import events as demo_events
from .report import Summary, hand_over, leftovers, report
from .screen import Screen
from .stack import Stack

STEPS = 7


class Interrupted(Exception):
    """SIGTERM, turned into an exception so cleanup runs as it does for Ctrl-C."""


class Demo:
    def __init__(self, seed: int, screen: Screen, keep: bool) -> None:
        self.seed = seed
        self.screen = screen
        self.keep = keep
        self.summary = Summary()
        self.workdir = Path(tempfile.mkdtemp(prefix="ecs-events-demo-"))
        self.emulator = LocalEmulator(self.workdir / "emulator.log")
        self.stack = Stack(self.workdir, screen)
        self.clients: dict[str, Any] = {}
        self.connection: cli.Connection | None = None
        self.alert_queue_url: str | None = None
        self.alert_subscription: str | None = None
        # Non-zero when cleanup itself was interrupted (130) or failed (1).
        self.cleanup_exit_code = 0

    def run(self) -> None:
        screen = self.screen
        with screen.step(1, "Start the local AWS emulator (moto_server)"):
            self.emulator.start()
            screen.detail(f"{self.emulator.url}, pid {self.emulator.pid}")
            screen.detail(f"its log: {self.emulator.log_path}")
            self.summary.logs.append(str(self.emulator.log_path))
            self.clients = self._clients()

        with screen.step(
            2,
            "terraform init + apply examples/local (the real module, endpoints on the emulator)",
            heartbeat=True,
        ):
            screen.detail("About 70 s: after each SQS queue change the AWS provider waits ~25 s")
            screen.detail("for it to settle (six equal reads, 5 s apart), twice in a row.")
            outputs = self.stack.apply(self.emulator.url)
            self.connection = cli.Connection(
                self.emulator.url, outputs["task_table_name"].removesuffix("-tasks")
            )

        with screen.step(3, "Stand in for the Lambda service"):
            stand_in = self._stand_in(outputs)
            alert_queue_url = self._subscribe_to_alerts(outputs)

        stream = demo_events.demo_stream(datetime.now(UTC) - timedelta(minutes=30), self.seed)
        with screen.step(4, f"Send {len(stream.events)} ECS events through EventBridge PutEvents"):
            self._send(stream)

        with screen.step(5, "Deliver the queue to the handler, batch by batch"):
            delivery = deliver(stand_in, self.clients["sqs"], screen)
            self.summary.outcomes = dict(stand_in.counter.outcomes)
            self.summary.delivered = delivery.records
            self.summary.handler_errors = delivery.handler_errors
            screen.detail(f"handler log (JSON lines, as in CloudWatch Logs): {stand_in.log_path}")
            self.summary.logs.append(str(stand_in.log_path))

        with screen.step(6, "What the module made of it, asked with the ecs-events command"):
            report(
                screen,
                self.summary,
                self.clients,
                outputs,
                stand_in.queue_url,
                alert_queue_url,
                self.connection,
            )

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
        handler, counter = load_handler(function, self.stack.package, self.emulator.url, log_path)
        return LambdaStandIn(handler, function, queue_url, queue_arn, batch_size, log_path, counter)

    def _subscribe_to_alerts(self, outputs: dict[str, Any]) -> str:
        """A queue subscribed to the alert topic (examples/local turns alerts on); its URL."""
        topic = outputs["alert_topic_arn"]
        sqs, sns = self.clients["sqs"], self.clients["sns"]
        queue_url: str = sqs.create_queue(
            QueueName=f"{outputs['handler_function_name']}-demo-alerts"
        )["QueueUrl"]
        self.alert_queue_url = queue_url  # for the cleanup
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        self.alert_subscription = sns.subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True
        )["SubscriptionArn"]
        self.screen.detail(f"Subscribed a queue to the alert topic {topic.rsplit(':', 1)[-1]}.")
        return queue_url

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

    # Cleanup, whatever happened before.

    def clean_up(self, failed: bool) -> None:
        if self.keep and not failed and self.connection is not None:
            self.summary.kept = True
            hand_over(self.screen, self.connection, self.emulator.pid)
            return
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
        if self.alert_subscription:
            self.clients["sns"].unsubscribe(SubscriptionArn=self.alert_subscription)
        if self.alert_queue_url:
            self.clients["sqs"].delete_queue(QueueUrl=self.alert_queue_url)
        if not self.stack.destroy():
            return
        self.summary.destroyed = True
        self.summary.leftovers = leftovers(self.clients)
        remaining = {k: v for k, v in self.summary.leftovers.items() if v}
        self.screen.detail(
            "nothing left in the emulator" if not remaining else f"left behind: {remaining}"
        )


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seed", type=int, default=6, help="shuffle of the event stream")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="leave the emulator and the stack up, and print ecs-events commands to try",
    )
    parser.add_argument("--summary-json", type=Path, help="write the results here (tests/e2e)")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, _raise_interrupted)
    screen = Screen(STEPS)
    screen.say("ECS events, end to end on a local AWS emulator: no AWS account, nothing leaves")
    screen.say("127.0.0.1. Expect about three minutes; most of it is terraform apply and destroy.")
    screen.say()
    demo = Demo(args.seed, screen, args.keep)
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
        demo.clean_up(failed=code != 0)
        code = code or demo.cleanup_exit_code
        demo.summary.timings = screen.timings
        demo.summary.seconds = round(time.monotonic() - screen.started, 1)
        if args.summary_json:
            args.summary_json.write_text(json.dumps(asdict(demo.summary), indent=2, default=str))
        if not demo.summary.kept:
            # The working copy of the Terraform goes; the logs the demo named stay.
            shutil.rmtree(demo.stack.sources, ignore_errors=True)
    screen.say(f"\nLogs: {demo.workdir} (emulator.log, handler.log)")
    screen.say(f"Finished in {demo.summary.seconds:.0f} s.")
    return code


if __name__ == "__main__":
    sys.exit(main())

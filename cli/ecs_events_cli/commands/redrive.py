"""`ecs-events redrive`: move what waits in the handler's dead-letter queue back to its queue.

After the cause is fixed (the handler's log names each event id and reason), the events go
back through the handler. Moving is receive, send, delete, ten messages at a time: a message
is deleted from the dead-letter queue only once SQS has accepted it on the handler's queue,
so a failure half way leaves it where it was (received messages reappear after the
visibility timeout). SQS answers a batch call per entry, so every entry's result is read:
a message is reported moved only when both its send and its delete succeeded; one sent but
not deleted comes back to the dead-letter queue and is delivered twice (the handler's
version-guarded write turns the second into a counted duplicate); one not sent stays where
it was. Either exits with status 4 and one line saying what is left. So does a run that
finds messages in flight (received by an interrupted run and not yet visible again): it has
not moved them, and says when to run again.

The destination must be the queue whose redrive policy names this dead-letter queue: that is
one GetQueueAttributes call, and it refuses the dead-letter queue itself (which would move
messages onto themselves forever) and a queue of another deployment.

SQS's own StartMessageMoveTask does the same server-side; this loop also reports what it
moved and runs against emulators that lack that API.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import aws, render
from ..errors import AWS, INCOMPLETE, CliError, explain

HELP = "move the handler's dead-letter queue back to the handler's queue"

BATCH = 10  # SQS's most messages per ReceiveMessage and SendMessageBatch
VISIBILITY_SECONDS = 60  # a message being moved is hidden this long if we stop half way
# "The maximum allowed individual message size and the maximum total payload size (the sum
# of the individual lengths of all of the batched messages) are both 1 MiB 1,048,576 bytes."
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
BATCH_BYTES = 1_048_576


@dataclass
class Report:
    """What one run did with each message it received."""

    moved: Counter[str] = field(default_factory=Counter)  # by event detail-type
    not_deleted: int = 0  # sent, then SQS refused the delete: it will be delivered twice
    not_sent: int = 0  # SQS refused the send: it stays in the dead-letter queue
    refusal: str = ""  # the first refusal SQS gave, "Code: message"
    in_flight: int = 0  # hidden by an earlier receive when this run looked

    @property
    def handled(self) -> int:
        return sum(self.moved.values()) + self.not_deleted + self.not_sent

    def refused(self, entry: dict[str, Any]) -> None:
        if not self.refusal:
            self.refusal = f"{entry.get('Code')}: {entry.get('Message', '')}".rstrip(": ")

    def summary(self) -> dict[str, Any]:
        return {
            "moved": dict(self.moved),
            "sent_not_deleted": self.not_deleted,
            "not_sent": self.not_sent,
            "in_flight": self.in_flight,
        }

    def left_behind(self) -> str:
        """One line on what did not move and when to run again; empty when all moved."""
        parts = []
        if self.not_deleted:
            parts.append(
                f"{self.not_deleted} sent but not deleted (they return to the dead-letter "
                "queue and will be delivered twice; the handler counts the second as a "
                "duplicate)"
            )
        if self.not_sent:
            parts.append(f"{self.not_sent} not sent")
        if parts and self.refusal:
            parts[-1] += f" (SQS: {self.refusal})"
        if self.in_flight:
            parts.append(f"{self.in_flight} message{'s' if self.in_flight != 1 else ''} in flight")
        if not parts:
            return ""
        return f"{'; '.join(parts)}; they return after the visibility timeout, run again then"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max", type=int, default=1000, help="move at most this many messages (default 1000)"
    )
    parser.add_argument(
        "--queue", help="handler queue name or URL (default: <name>, the module's handler queue)"
    )
    parser.add_argument(
        "--dead-letter-queue", help="dead-letter queue name or URL (default: <name>-dlq)"
    )
    parser.add_argument("--json", action="store_true", help="the report as JSON")


def run(args: argparse.Namespace, env: dict[str, str]) -> int:
    if args.max < 1:
        raise CliError("--max must be 1 or more")
    name = aws.name(args, env)
    dead_letter_queue = args.dead_letter_queue or f"{name}-dlq"
    queue = args.queue or name
    if dead_letter_queue == queue:
        raise CliError(f"{queue} is the dead-letter queue: give --queue the handler's queue")
    sqs = aws.client(args, "sqs")
    source = queue_url(args, sqs, dead_letter_queue)
    destination = queue_url(args, sqs, queue)
    report = Report()
    report.in_flight = check_pair(args, sqs, source, destination)
    try:
        move(args, sqs, source, destination, args.max, report)
    except Exception as error:
        explained = explain(error, args.target)
        if explained is None or not report.handled:
            raise
        left = report.left_behind()
        raise CliError(
            f"{moved_line(report, source, destination)}{f' ({left})' if left else ''}, "
            f"then: {explained}",
            explained.status,
        ) from None
    if report.in_flight:
        # Look again: some of those may have come back and been moved by this run.
        report.in_flight = min(report.in_flight, in_flight(args, sqs, source))
    if args.json:
        render.print_json({"from": source, "to": destination, **report.summary()})
    else:
        print(moved_line(report, source, destination))
        for kind, count in sorted(report.moved.items()):
            print(f"  {count:>6}  {render.clean(kind)}")
    left = report.left_behind()
    if left:
        raise CliError(left, INCOMPLETE)
    return 0


def moved_line(report: Report, source: str, destination: str) -> str:
    total = sum(report.moved.values())
    return f"moved {total} message{'s' if total != 1 else ''} from {source} to {destination}"


def queue_url(args: argparse.Namespace, sqs: Any, queue: str) -> str:
    args.target.subject = f"queue {queue}"
    if queue.startswith(("https://", "http://")):
        return queue
    url = sqs.get_queue_url(QueueName=queue).get("QueueUrl")
    if not url:
        raise CliError(f"{args.target.where} gave no URL for queue {queue}: is it SQS?", AWS)
    return str(url)


def attributes(args: argparse.Namespace, sqs: Any, url: str, *names: str) -> dict[str, str]:
    args.target.subject = f"queue {url}"
    found: dict[str, str] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names)).get(
        "Attributes", {}
    )
    return found


def in_flight(args: argparse.Namespace, sqs: Any, url: str) -> int:
    # "Messages are considered to be in flight if they have been sent to a client but have
    # not yet been deleted or have not yet reached the end of their visibility window";
    # approximate, and it may lag a minute behind receives and deletes.
    # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-resources-required-process-messages.html
    found = attributes(args, sqs, url, "ApproximateNumberOfMessagesNotVisible")
    return int(found.get("ApproximateNumberOfMessagesNotVisible") or 0)


def check_pair(args: argparse.Namespace, sqs: Any, source: str, destination: str) -> int:
    """Refuses a destination that is not the dead-letter queue's redrive source; returns how
    many of the dead-letter queue's messages are in flight before this run receives any.

    Counted before moving because the count lags: read after this run's own deletes, it could
    still hold them."""
    dead = attributes(args, sqs, source, "QueueArn", "ApproximateNumberOfMessagesNotVisible")
    target = attributes(args, sqs, destination, "QueueArn", "RedrivePolicy")
    dead_arn = dead.get("QueueArn", "")
    if source == destination or (dead_arn and dead_arn == target.get("QueueArn")):
        raise CliError(
            f"{destination} is the dead-letter queue itself: give --queue the handler's queue"
        )
    try:
        policy = json.loads(target.get("RedrivePolicy") or "{}")
    except ValueError:
        policy = {}
    named = policy.get("deadLetterTargetArn") if isinstance(policy, dict) else None
    if named != dead_arn:
        sends_to = f"sends its dead letters to {named}" if named else "has no redrive policy"
        raise CliError(
            f"{destination} {sends_to}, not to {dead_arn or source}: give --queue the queue "
            "whose dead-letter queue this is (the module's handler queue, <name>)"
        )
    return int(dead.get("ApproximateNumberOfMessagesNotVisible") or 0)


def move(
    args: argparse.Namespace,
    sqs: Any,
    source: str,
    destination: str,
    limit: int,
    report: Report,
) -> None:
    """Moves up to `limit` messages, counting every message received (moved or not) against
    the limit, so refusals cannot keep the loop going."""
    while report.handled < limit:
        args.target.subject = f"queue {source}"
        messages = sqs.receive_message(
            QueueUrl=source,
            MaxNumberOfMessages=min(BATCH, limit - report.handled),
            WaitTimeSeconds=1,
            VisibilityTimeout=VISIBILITY_SECONDS,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return
        entries = [entry(str(number), message) for number, message in enumerate(messages)]
        by_id = {str(number): message for number, message in enumerate(messages)}
        for chunk in chunks(entries):
            args.target.subject = f"queue {destination}"
            sent = sqs.send_message_batch(QueueUrl=destination, Entries=chunk)
            accepted = {e["Id"] for e in sent.get("Successful", [])}
            for failed in sent.get("Failed", []):
                report.refused(failed)
            # An entry in neither list was not sent either: only Successful counts.
            report.not_sent += sum(1 for e in chunk if e["Id"] not in accepted)
            if not accepted:
                continue
            args.target.subject = f"queue {source}"
            deleted = sqs.delete_message_batch(
                QueueUrl=source,
                Entries=[{"Id": i, "ReceiptHandle": by_id[i]["ReceiptHandle"]} for i in accepted],
            )
            gone = {e["Id"] for e in deleted.get("Successful", [])}
            for failed in deleted.get("Failed", []):
                report.refused(failed)
            report.not_deleted += len(accepted - gone)
            report.moved.update(kind(by_id[i]["Body"]) for i in gone)


def entry(number: str, message: dict[str, Any]) -> dict[str, Any]:
    sent: dict[str, Any] = {"Id": number, "MessageBody": message["Body"]}
    if message.get("MessageAttributes"):
        sent["MessageAttributes"] = message["MessageAttributes"]
    return sent


def size(sent: dict[str, Any]) -> int:
    """The bytes of one entry as SQS counts them against the batch: the body, and each
    attribute's name, type and value ("All parts of the message attribute, including Name,
    Type, and Value, are part of the message size restriction").
    https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageAttributeValue.html"""
    total = len(sent["MessageBody"].encode())
    for name, value in sent.get("MessageAttributes", {}).items():
        total += len(name.encode()) + len(str(value.get("DataType", "")).encode())
        if "StringValue" in value:
            total += len(str(value["StringValue"]).encode())
        if "BinaryValue" in value:
            total += len(bytes(value["BinaryValue"]))
    return total


def chunks(entries: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """The entries in order, as batches of at most BATCH entries and BATCH_BYTES. A single
    message always fits: it came from SQS, whose largest message is the batch limit."""
    chunk: list[dict[str, Any]] = []
    total = 0
    for sent in entries:
        bytes_ = size(sent)
        if chunk and (total + bytes_ > BATCH_BYTES or len(chunk) == BATCH):
            yield chunk
            chunk, total = [], 0
        chunk.append(sent)
        total += bytes_
    if chunk:
        yield chunk


def kind(body: str) -> str:
    """The EventBridge detail-type of a message, to say what was moved."""
    try:
        event = json.loads(body)
    except ValueError:
        return "(not JSON)"
    return (
        str(event.get("detail-type", "(no detail-type)"))
        if isinstance(event, dict)
        else "(not an event)"
    )

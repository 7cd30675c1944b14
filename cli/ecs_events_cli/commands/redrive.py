"""`ecs-events redrive`: move what waits in the handler's dead-letter queue back to its queue.

After the cause is fixed (the handler's log names each event id and reason), the events go
back through the handler. Moving is receive, send, delete, ten messages at a time: a message
is deleted from the dead-letter queue only once SQS has accepted it on the handler's queue,
so a failure half way leaves it where it was (received messages reappear after the
visibility timeout). A send whose delete failed is delivered twice, which the handler's
version-guarded write turns into a counted duplicate. SQS's own StartMessageMoveTask does
the same server-side; this loop also reports what it moved and runs against emulators that
lack that API.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

from .. import aws, render
from ..errors import AWS, CliError

HELP = "move the handler's dead-letter queue back to the handler's queue"

BATCH = 10  # SQS's most messages per ReceiveMessage and SendMessageBatch
VISIBILITY_SECONDS = 60  # a message being moved is hidden this long if we stop half way


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
    sqs = aws.client(args, "sqs")
    source = queue_url(args, sqs, args.dead_letter_queue or f"{name}-dlq")
    destination = queue_url(args, sqs, args.queue or name)
    moved = move(sqs, source, destination, args.max)
    total = sum(moved.values())
    if args.json:
        render.print_json({"from": source, "to": destination, "moved": dict(moved)})
    else:
        print(f"moved {total} message{'s' if total != 1 else ''} from {source} to {destination}")
        for kind, count in sorted(moved.items()):
            print(f"  {count:>6}  {render.clean(kind)}")
    return 0


def queue_url(args: argparse.Namespace, sqs: Any, queue: str) -> str:
    if queue.startswith(("https://", "http://")):
        return queue
    args.target.subject = f"queue {queue}"
    url = sqs.get_queue_url(QueueName=queue).get("QueueUrl")
    if not url:
        raise CliError(f"{args.target.where} gave no URL for queue {queue}: is it SQS?", AWS)
    return str(url)


def move(sqs: Any, source: str, destination: str, limit: int) -> Counter[str]:
    """Moves up to `limit` messages; returns how many of each event detail-type."""
    moved: Counter[str] = Counter()
    while sum(moved.values()) < limit:
        wanted = min(BATCH, limit - sum(moved.values()))
        messages = sqs.receive_message(
            QueueUrl=source,
            MaxNumberOfMessages=wanted,
            WaitTimeSeconds=1,
            VisibilityTimeout=VISIBILITY_SECONDS,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return moved
        entries = []
        for number, message in enumerate(messages):
            entry: dict[str, Any] = {"Id": str(number), "MessageBody": message["Body"]}
            if message.get("MessageAttributes"):
                entry["MessageAttributes"] = message["MessageAttributes"]
            entries.append(entry)
        sent = sqs.send_message_batch(QueueUrl=destination, Entries=entries)
        accepted = {entry["Id"] for entry in sent.get("Successful", [])}
        if accepted:
            sqs.delete_message_batch(
                QueueUrl=source,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                    for n, m in enumerate(messages)
                    if str(n) in accepted
                ],
            )
        moved.update(kind(m["Body"]) for n, m in enumerate(messages) if str(n) in accepted)
        failed = sent.get("Failed", [])
        if failed:
            first = failed[0]
            raise CliError(
                f"moved {sum(moved.values())}, then SQS refused {len(failed)} "
                f"({first.get('Code')}: {first.get('Message', '')}); they stay in the "
                "dead-letter queue",
                AWS,
            )
    return moved


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

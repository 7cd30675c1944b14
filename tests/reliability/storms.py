"""Storm counts under faults: every failure of a storm is either sent, or counted exactly
once in the message that follows its window (alerts/storm.py).

A storm is failures of one family, kind and reason, each a distinct task. After the
stream is delivered (under faults, with SQS-like redelivery), one more failure a window
later flushes the last window, so every held-back failure has a message that carries it.
Then, read from what SNS accepted and what the alerts table holds:

- counted: the sum of the held-back counts the sent messages carry (each alert key once);
- held: the failures whose key was never published; each must have its marker;
- wrong: |counted - held|, plus repeats of one alert that carry different counts, plus
  failures both sent and counted. 0 when counts are exact.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ecs_events.alerts.storm import HELD_PREFIX
from tests.events import task_event

from .harness import ALERT_TABLE, Stream, World

STORM_WINDOW_SECONDS = 900
STORM_ARN = "arn:aws:ecs:us-west-2:111122223333:task/default/{:032x}"


def storm_failure(index: int) -> dict[str, Any]:
    """One more task of a crash-looping family: the same exit, a new task."""
    return task_event(6, "STOPPED", task_arn=STORM_ARN.format(index), exit_code=1)


def storm_stream(failures: int, duplicate_share: float, rng: random.Random) -> Stream:
    events = [storm_failure(n) for n in range(failures)]
    finals = {e["detail"]["taskArn"]: 6 for e in events}
    copies = [dict(e) for e in rng.sample(events, int(len(events) * duplicate_share))]
    events += copies
    rng.shuffle(events)
    return Stream(events, finals, set(finals), len(copies))


@dataclass
class StormCount:
    failures: int
    sent: int
    held: int
    counted: int
    unmarked: int  # held but without a marker: counted by no one
    disagreeing: int  # one alert's repeats carrying different counts
    sent_and_counted: int

    @property
    def wrong(self) -> int:
        return (
            abs(self.counted - self.held) + self.unmarked + self.disagreeing + self.sent_and_counted
        )


def count_storm(world: World, stream: Stream) -> StormCount:
    """Flush the last window with one fault-free failure, then compare (see module doc)."""
    world.injector.enabled = False
    world.injector.script.clear()
    flush = storm_failure(10**6)
    world.clock.now += 2 * STORM_WINDOW_SECONDS
    result = world.processor.process_batch([{"messageId": "flush", "body": json.dumps(flush)}])
    assert result == {"batchItemFailures": []}, "the flushing failure must go through"
    failures = set(stream.final_versions) | {flush["detail"]["taskArn"]}
    carried = held_back_by_key(world)
    sent = set(carried)
    markers = held_markers(world)
    held = failures - sent
    return StormCount(
        failures=len(failures),
        sent=len(sent & failures),
        held=len(held),
        counted=sum(values[0] for values in carried.values()),
        unmarked=len(held - markers),
        disagreeing=sum(1 for values in carried.values() if len(set(values)) > 1),
        sent_and_counted=len(sent & markers),
    )


def held_back_by_key(world: World) -> dict[str, list[int]]:
    """The held-back count each published message carried, by alert key, in order."""
    from moto.sns.models import sns_backends

    topic = sns_backends["123456789012"]["us-west-2"].topics[world.topic_arn]
    carried: dict[str, list[int]] = defaultdict(list)
    for _id, message, _subject, attributes, _group in topic.sent_notifications:
        document = json.loads(json.loads(message)["sqs"])
        carried[attributes["alertKey"]["Value"]].append(int(document.get("heldBack", 0)))
    return dict(carried)


def held_markers(world: World) -> set[str]:
    """Alert keys with a held-back marker in the alerts table."""
    keys = set()
    for page in world.dynamodb.get_paginator("scan").paginate(TableName=ALERT_TABLE):
        for item in page["Items"]:
            key = item["alertKey"]["S"]
            if key.startswith(HELD_PREFIX):
                keys.add(key.removeprefix(HELD_PREFIX))
    return keys

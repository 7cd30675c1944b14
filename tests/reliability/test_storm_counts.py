"""Storm counts are of distinct failures, exact under the faults that repeat a write:
a lost response, a write applied that answered an error, a crash after the write, a
redelivery; and the count rides on the next message even when the window-opening write's
response was lost."""

from __future__ import annotations

import json
import random

import pytest

from .faults import STORM_KINDS, FaultInjector, LambdaCrash
from .harness import VISIBILITY_SECONDS, World, deliver
from .storms import STORM_WINDOW_SECONDS, count_storm, held_back_by_key, storm_failure, storm_stream

HELD = 49  # failures held back in the first window, as in the report
# The storm gate's writes: a held-back failure's count, a window's opening, a mark.
WRITES = "TransactWriteItems|UpdateItem"


def storm_world(script: list[tuple[str, str]]) -> World:
    return World(FaultInjector(script=script), storm_window_seconds=STORM_WINDOW_SECONDS)


def send(world: World, *indexes: int) -> list[str]:
    """One batch of storm failures; the message ids reported failed."""
    records = [{"messageId": f"m{i}", "body": json.dumps(storm_failure(i))} for i in indexes]
    result = world.processor.process_batch(records)
    return [f["itemIdentifier"] for f in result["batchItemFailures"]]


def next_window_count(world: World) -> int:
    """The held-back count the first message of the next window carries."""
    world.injector.script.clear()
    world.clock.now += STORM_WINDOW_SECONDS + 1
    assert send(world, 999) == []
    return held_back_by_key(world)[storm_failure(999)["detail"]["taskArn"]][0]


def hold_back(world: World) -> None:
    """The opener, then HELD failures in its window. A failure that fails (botocore's
    retry quota spent on the injected faults, as on AWS) is redelivered once, a visibility
    timeout later and still inside the window."""
    assert send(world, 0) == []
    failed: list[int] = []
    for start in range(1, HELD + 1, 10):
        world.clock.now += 1
        failed += [int(m[1:]) for m in send(world, *range(start, min(start + 10, HELD + 1)))]
    if failed:
        world.clock.now += VISIBILITY_SECONDS
        assert send(world, *failed) == []


@pytest.mark.parametrize("fault", ["applied_lost", "applied_error"])
def test_a_count_retried_after_it_was_applied_is_counted_once(fault: str) -> None:
    # The opener's three writes to the alerts table go through; then the counts of 20
    # held-back failures are applied and look failed, botocore's retry of each goes
    # through, and so does its mark (20: within botocore's retry quota, which a long run
    # of timeouts spends).
    held = [(WRITES, fault), (WRITES, "ok"), (WRITES, "ok")]
    with storm_world([(WRITES, "ok")] * 3 + held * 20) as world:
        hold_back(world)
        assert next_window_count(world) == HELD


def test_a_crash_after_the_count_and_the_redelivery_count_the_failure_once() -> None:
    with storm_world([]) as world:
        hold_back(world)
        world.injector.script = [(WRITES, "crash_after")]
        with pytest.raises(LambdaCrash):
            send(world, 500)  # the Lambda dies after the count was stored
        world.clock.now += VISIBILITY_SECONDS  # the whole batch comes back
        assert send(world, 500) == []
        assert next_window_count(world) == HELD + 1


def test_a_redelivered_held_back_failure_is_not_counted_again() -> None:
    with storm_world([]) as world:
        hold_back(world)
        world.clock.now += 1
        # The mark of a held-back failure lost on every attempt: its claim goes stale and
        # its redelivery goes through the storm gate a second time.
        world.injector.script = [("UpdateItem", "connection")] * 6
        assert send(world, 600) == []
        world.clock.now += VISIBILITY_SECONDS
        assert send(world, 600) == []
        assert next_window_count(world) == HELD + 1


def test_a_lost_response_on_the_window_opening_write_keeps_the_carried_count() -> None:
    with storm_world([]) as world:
        hold_back(world)
        world.clock.now += STORM_WINDOW_SECONDS + 1
        # The new opener's count finds no open window; its opening write is applied and
        # its response lost; botocore retries it.
        world.injector.script = [(WRITES, "ok"), ("UpdateItem", "applied_lost")]
        assert send(world, 700) == []
        assert held_back_by_key(world)[storm_failure(700)["detail"]["taskArn"]] == [HELD]


def test_an_opener_whose_publish_failed_carries_the_count_on_its_redelivery() -> None:
    with storm_world([]) as world:
        hold_back(world)
        world.clock.now += STORM_WINDOW_SECONDS + 1
        world.injector.script = [("Publish", "server_error")] * 6
        assert send(world, 800) == ["m800"]
        world.clock.now += VISIBILITY_SECONDS
        assert send(world, 800) == []
        assert held_back_by_key(world)[storm_failure(800)["detail"]["taskArn"]] == [HELD]


@pytest.mark.parametrize("rate", [0.1, 0.2, 0.3])
def test_random_fault_mixes_count_every_held_back_failure_exactly_once(rate: float) -> None:
    stream = storm_stream(60, 0.3, random.Random(int(rate * 100)))
    injector = FaultInjector(
        rate=rate, crash_rate=0.005, rng=random.Random(int(rate * 1000)), kinds=STORM_KINDS
    )
    with World(injector, storm_window_seconds=STORM_WINDOW_SECONDS) as world:
        report = deliver(world, stream)
        count = count_storm(world, stream)
    assert sum(report.faults.values()) > 0
    assert count.held > 0
    assert count.wrong == 0, count


def test_a_count_carried_by_an_opener_not_yet_sent_rides_on_the_next_window() -> None:
    with storm_world([]) as world:
        hold_back(world)
        world.clock.now += STORM_WINDOW_SECONDS + 1
        # The next window's opener carries the 49; its publish fails on every attempt.
        world.injector.script = [("Publish", "server_error")] * 6
        assert send(world, 800) == ["m800"]
        # Its redelivery is late: its window has closed when another failure comes.
        world.clock.now += STORM_WINDOW_SECONDS + 1
        assert send(world, 900) == []
        assert held_back_by_key(world)[storm_failure(900)["detail"]["taskArn"]] == [HELD]
        # The late opener is now a failure of the open window, counted once in the next.
        assert send(world, 800) == []
        assert next_window_count(world) == 1

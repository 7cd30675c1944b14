"""The alert protocol under the faults of issue 10, one deterministic case each, and
random mixes of 10-30 % faulty calls with SQS-like redelivery."""

from __future__ import annotations

import random
from typing import Any

import pytest

from ecs_events.handler import EventFailed
from tests.events import deployment_event, sqs_batch, task_event

from .faults import FaultInjector
from .harness import CLAIM_SECONDS, VISIBILITY_SECONDS, World, deliver, task_stream

TASK = "arn:aws:ecs:us-west-2:111122223333:task/default/0123456789abcdef0123456789abcdef"
# The handler configures max_attempts=5 retries, so 6 attempts in all; this many
# failures exhausts them.
EVERY_ATTEMPT = 6


def stopped(version: int = 6) -> dict[str, Any]:
    return task_event(version, "STOPPED", task_arn=TASK, exit_code=1)


def run(world: World, *events: dict[str, Any]) -> list[str]:
    """One batch; the message ids reported failed."""
    result = world.processor.process_batch(sqs_batch(list(events))["Records"])
    return [f["itemIdentifier"] for f in result["batchItemFailures"]]


def test_a_claim_whose_response_was_lost_is_recognised_by_its_retry() -> None:
    # State write unharmed; the claim applied, its response lost; botocore retries it.
    script = [("PutItem", "ok"), ("PutItem", "applied_lost")]
    with World(FaultInjector(script=script)) as world:
        assert run(world, stopped()) == []
        assert world.published() == {TASK: 1}


def test_a_live_claim_left_by_a_failed_publish_is_not_taken_for_a_sent_alert() -> None:
    # The publish fails on every attempt and so does giving the claim back.
    script = [("Publish", "server_error")] * EVERY_ATTEMPT + [("DeleteItem", "connection")] * 20
    with World(FaultInjector(script=script)) as world:
        assert run(world, stopped(5)) == ["msg-0"]
        world.injector.script.clear()
        world.clock.now += 1
        # A newer STOPPED version meets the live claim: it must fail, not be acknowledged.
        assert run(world, stopped(6)) == ["msg-0"]
        assert world.published() == {}
        # Its redelivery, a visibility timeout later, finds the claim stale and sends.
        world.clock.now += VISIBILITY_SECONDS
        assert run(world, stopped(6)) == []
        assert world.published() == {TASK: 1}


def test_a_bare_event_retried_by_lambda_a_minute_later_is_not_acknowledged_early(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ecs_events import handler

    script = [("Publish", "throttle")] * EVERY_ATTEMPT + [("DeleteItem", "timeout")] * 20
    event = deployment_event()
    with World(FaultInjector(script=script)) as world:
        monkeypatch.setattr(handler, "default_processor", lambda: world.processor)
        with pytest.raises(EventFailed):
            handler.lambda_handler(event, None)
        world.injector.script.clear()
        world.clock.now += CLAIM_SECONDS  # Lambda's first async retry, about a minute on
        with pytest.raises(EventFailed, match="claimed by another delivery"):
            handler.lambda_handler(event, None)
        world.clock.now += 2 * CLAIM_SECONDS  # the second retry
        assert handler.lambda_handler(event, None) == {"outcome": "applied"}
        assert world.published() == {f"{event['detail-type']}/{event['id']}": 1}


def test_a_mark_lost_to_a_connection_error_is_retried_within_the_lambda() -> None:
    script = [("UpdateItem", "connection")] * EVERY_ATTEMPT
    with World(FaultInjector(script=script)) as world:
        assert run(world, stopped()) == []
        world.clock.now += VISIBILITY_SECONDS
        assert run(world, stopped()) == []  # ECS delivers the state again later
        assert world.published() == {TASK: 1}


def test_a_publish_accepted_with_its_response_lost_is_the_documented_repeat() -> None:
    # SNS takes the message, the response is lost, botocore sends it again: two
    # messages, both carrying the same alertKey for the receiver to drop one.
    with World(FaultInjector(script=[("Publish", "applied_lost")])) as world:
        assert run(world, stopped()) == []
        assert world.published() == {TASK: 2}


@pytest.mark.parametrize("rate", [0.1, 0.2, 0.3])
def test_random_fault_mixes_lose_no_state_and_no_alert(rate: float) -> None:
    stream = task_stream(40, 0.3, random.Random(int(rate * 100)), deployments=3)
    injector = FaultInjector(rate=rate, crash_rate=0.005, rng=random.Random(int(rate * 1000)))
    with World(injector) as world:
        report = deliver(world, stream)
    assert sum(report.faults.values()) > 0
    assert report.wrong_states == 0
    assert report.alerts_lost == 0
    assert report.unexpected_alerts == 0
    # Every repeat falls in a window docs/operations.md names (Guarantees).
    assert "unexplained" not in report.alerts_doubled

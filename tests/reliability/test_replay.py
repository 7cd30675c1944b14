"""A shuffled replay with 30 % duplicates ends at the ground truth. The default run
replays a bounded stream; the `replay` marker runs the 100,000-event one."""

from __future__ import annotations

import random

import pytest

from .faults import FaultInjector
from .harness import World, replay, task_stream, tasks_for

DUPLICATES = 0.3


def run_replay(events: int) -> None:
    stream = task_stream(tasks_for(events, DUPLICATES), DUPLICATES, random.Random(events))
    with World(FaultInjector()) as world:
        report = replay(world, stream)
    assert report.events >= events * 0.99
    assert report.record_failures == 0
    assert report.wrong_states == 0


def test_a_shuffled_replay_with_duplicates_ends_at_the_ground_truth() -> None:
    run_replay(1_000)


@pytest.mark.replay
def test_a_100000_event_replay_ends_at_the_ground_truth() -> None:
    run_replay(100_000)

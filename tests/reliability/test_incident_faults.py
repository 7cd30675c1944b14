"""Incidents under the reliability suite's fault mix: every crash loop opens one incident
and resolves it once, with its count exact, whatever the network and the Lambda do."""

from __future__ import annotations

import random

import pytest

from .faults import FaultInjector
from .harness import World, crash_loops, deliver_incidents

FAMILIES = 4
FAILURES = 12


@pytest.mark.parametrize("rate", [0.1, 0.2, 0.3])
def test_random_fault_mixes_lose_no_opening_and_no_resolution(rate: float) -> None:
    stream = crash_loops(FAMILIES, FAILURES, 0.3, random.Random(int(rate * 100)))
    injector = FaultInjector(rate=rate, crash_rate=0.005, rng=random.Random(int(rate * 1000)))
    with World(injector, storm_window_seconds=900) as world:
        report = deliver_incidents(world, stream, FAILURES)
    assert sum(report.faults.values()) > 0
    assert (report.opened, report.resolved, report.lost) == (FAMILIES, FAMILIES, 0)
    assert report.miscounted == 0
    # Every repeat falls in a window the README names.
    assert "unexplained" not in report.doubled


def test_without_faults_each_loop_is_one_opening_and_one_resolution() -> None:
    stream = crash_loops(FAMILIES, FAILURES, 0.3, random.Random(5))
    with World(FaultInjector(), storm_window_seconds=900) as world:
        report = deliver_incidents(world, stream, FAILURES)
        states = [m["incidentState"] for m in world.messages()]
    assert (report.opened, report.resolved, report.lost, sum(report.doubled.values())) == (
        FAMILIES,
        FAMILIES,
        0,
        0,
    )
    assert sorted(states) == ["opened"] * FAMILIES + ["resolved"] * FAMILIES

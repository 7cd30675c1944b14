"""Recorded ECS task streams for the benchmarks, built from the documented event shapes
(tests/events.py) and a seed, so every run replays the same deliveries.

- production-like: tasks start one after another across two accounts and two regions,
  each through its whole life (versions 1..6) in order; about 5 % of deliveries repeat
  (at least once delivery) and about 10 % of a task's neighbouring states arrive swapped.
  Half the tasks run on EC2 container instances, a tenth exit 137.
- production-like with a sidecar: the same, each task with a second container, a FireLens
  log router as many services run (the sample stores every container of every event).
- EC2 bridge mode: the same delivery pattern, every task on a container instance without
  an elastic network interface, its life three states (PENDING, RUNNING, STOPPED; a
  public EC2 event from 2018 stops at version 3): the index's two writes weigh most here.
- hostile: the same tasks as the first, every delivery repeated with probability one
  half, and the whole stream shuffled.
"""

from __future__ import annotations

import random
from typing import Any

from tests.events import LIFECYCLE, task_event

ACCOUNTS = ("111122223333", "444455556666")
REGIONS = ("us-west-2", "eu-west-1")
CLUSTERS = ("production", "batch")


SIDECAR = {
    "name": "log_router",
    "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
    "cpu": "0",
}


BRIDGE_LIFECYCLE = ("PENDING", "RUNNING", "STOPPED")


def task_life(
    n: int, rng: random.Random, sidecar: bool = False, bridge: bool = False
) -> list[dict[str, Any]]:
    account, region = ACCOUNTS[n % 2], REGIONS[(n // 2) % 2]
    cluster = CLUSTERS[(n // 4) % 2]
    arn = f"arn:aws:ecs:{region}:{account}:task/{cluster}/{n:032x}"
    group = "service:web" if n % 3 else "family:billing-report"
    failed = rng.random() < 0.1
    instance = (
        f"arn:aws:ecs:{region}:{account}:container-instance/{cluster}/{n % 7:032x}"
        if n % 2 or bridge
        else None
    )
    life = []
    for version, status in enumerate(BRIDGE_LIFECYCLE if bridge else LIFECYCLE, start=1):
        exit_code = (137 if failed else 0) if status == "STOPPED" else None
        event = task_event(version, status, task_arn=arn, exit_code=exit_code, group=group)
        event["account"], event["region"] = account, region
        detail = event["detail"]
        detail["clusterArn"] = f"arn:aws:ecs:{region}:{account}:cluster/{cluster}"
        if instance:
            detail["containerInstanceArn"] = instance
            detail["launchType"] = "EC2"
        if bridge:  # no task ENI, no Fargate platform
            for name in ("attachments", "platformVersion", "connectivity", "connectivityAt"):
                detail.pop(name, None)
            for container in detail["containers"]:
                container.pop("networkInterfaces", None)
        if sidecar:
            app = detail["containers"][0]
            detail["containers"].append(
                {
                    **{k: v for k, v in app.items() if k not in ("name", "image", "exitCode")},
                    **SIDECAR,
                    "containerArn": app["containerArn"][:-4] + "f1b7",
                    **({"exitCode": 0} if "exitCode" in app else {}),
                }
            )
        life.append(event)
    return life


def production_stream(
    tasks: int, seed: int, sidecar: bool = False, bridge: bool = False
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    timed: list[tuple[float, dict[str, Any]]] = []
    for n in range(tasks):
        start = n * 2.0  # a task starts every two seconds; each state about 5 s after the last
        life = task_life(n, rng, sidecar, bridge)
        moments = [start + 5.0 * k + rng.random() for k in range(len(life))]
        for k in range(len(life) - 1):
            if rng.random() < 0.1:  # this pair of neighbouring states arrives swapped
                moments[k], moments[k + 1] = moments[k + 1], moments[k]
        for moment, event in zip(moments, life, strict=True):
            timed.append((moment, event))
            if rng.random() < 0.05:  # delivered again, a little later
                timed.append((moment + rng.random() * 3, event))
    timed.sort(key=lambda pair: pair[0])
    return [event for _, event in timed]


def hostile_stream(tasks: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    events = [event for n in range(tasks) for event in task_life(n, rng)]
    events += [event for event in events if rng.random() < 0.5]
    rng.shuffle(events)
    return events


def final_versions(stream: list[dict[str, Any]]) -> dict[str, int]:
    """The state every task must end in: its highest version delivered."""
    final: dict[str, int] = {}
    for event in stream:
        arn, version = event["detail"]["taskArn"], event["detail"]["version"]
        final[arn] = max(final.get(arn, 0), version)
    return final

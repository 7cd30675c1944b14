"""Recorded ECS task streams for the benchmarks, built from the documented event shapes
(devkit/events.py) and a seed, so every run replays the same deliveries.

- production-like: tasks start one after another across two accounts and two regions,
  each through its whole life (versions 1..6) in order; about 5 % of deliveries repeat
  (at least once delivery) and about 10 % of a task's neighbouring states arrive swapped.
  Half the tasks run on EC2 container instances, a tenth exit 137.
- production-like with a sidecar: the same, each task with a second container, a FireLens
  log router as many services run (the sample stores every container of every event).
- EC2 bridge mode: the same delivery pattern, every task on a container instance without
  an elastic network interface, its life three states (PENDING, RUNNING, STOPPED; a
  public EC2 event from 2018 stops at version 3): the index's two writes weigh most here.
  With `instance_events`, also the Container Instance State Change that ECS sends when a
  task is placed on or leaves an instance (its resources change; ECS developer guide,
  "Amazon ECS container instance state change events"), each instance's versions in the
  order of those changes, delivered with the same jitter and repeats.
- hostile: the same tasks as the first, every delivery repeated with probability one
  half, and the whole stream shuffled.
"""

from __future__ import annotations

import random
from typing import Any

from devkit.events import LIFECYCLE, envelope, task_event

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


# The capabilities the ECS developer guide's example container instance event lists
# ("Amazon ECS events", container instance state change events); real instances list more.
DOCUMENTED_CAPABILITIES = (
    "logging-driver.syslog",
    "task-iam-role-network-host",
    "logging-driver.awslogs",
    "logging-driver.json-file",
    "docker-remote-api.1.17",
    "privileged-container",
    "docker-remote-api.1.18",
    "docker-remote-api.1.19",
    "ecr-auth",
    "docker-remote-api.1.20",
    "docker-remote-api.1.21",
    "docker-remote-api.1.22",
    "docker-remote-api.1.23",
    "task-iam-role",
)
PORTS = ["22", "2376", "2375", "51678", "51679"]


def _resources(cpu: int, memory: int) -> list[dict[str, Any]]:
    return [
        {"name": "CPU", "type": "INTEGER", "integerValue": cpu},
        {"name": "MEMORY", "type": "INTEGER", "integerValue": memory},
        {"name": "PORTS", "type": "STRINGSET", "stringSetValue": PORTS},
        {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []},
    ]


def instance_event(task: dict[str, Any], version: int, running: int) -> dict[str, Any]:
    """The state change of the container instance `task` runs on, now running `running`
    tasks, in the shape of the developer guide's example."""
    arn = task["detail"]["containerInstanceArn"]
    detail = {
        "agentConnected": True,
        "attributes": [
            {"name": f"com.amazonaws.ecs.capability.{name}"} for name in DOCUMENTED_CAPABILITIES
        ],
        "clusterArn": task["detail"]["clusterArn"],
        "containerInstanceArn": arn,
        "ec2InstanceId": f"i-{arn[-17:]}",
        "registeredResources": _resources(2048, 3767),
        "remainingResources": _resources(2048 - 256 * running, 3767 - 512 * running),
        "runningTasksCount": running,
        "pendingTasksCount": 0,
        "status": "ACTIVE",
        "version": version,
        "versionInfo": {
            "agentHash": "aebcbca",
            "agentVersion": "1.13.0",
            "dockerVersion": "DockerVersion: 1.11.2",
        },
        "updatedAt": "2026-11-20T03:15:09.991Z",
    }
    event = envelope("ECS Container Instance State Change", detail, [arn])
    event["account"], event["region"] = task["account"], task["region"]
    return event


def production_stream(
    tasks: int,
    seed: int,
    sidecar: bool = False,
    bridge: bool = False,
    instance_events: bool = False,
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    timed: list[tuple[float, dict[str, Any]]] = []
    # (moment, +1 placed or -1 left, the task's state): what changes an instance's resources
    placements: list[tuple[float, int, dict[str, Any]]] = []

    def deliver(moment: float, event: dict[str, Any]) -> None:
        timed.append((moment, event))
        if rng.random() < 0.05:  # delivered again, a little later
            timed.append((moment + rng.random() * 3, event))

    for n in range(tasks):
        start = n * 2.0  # a task starts every two seconds; each state about 5 s after the last
        life = task_life(n, rng, sidecar, bridge)
        happened = [start + 5.0 * k + rng.random() for k in range(len(life))]
        moments = list(happened)
        for k in range(len(life) - 1):
            if rng.random() < 0.1:  # this pair of neighbouring states arrives swapped
                moments[k], moments[k + 1] = moments[k + 1], moments[k]
        for moment, event in zip(moments, life, strict=True):
            deliver(moment, event)
        if instance_events and "containerInstanceArn" in life[0]["detail"]:
            placements.append((happened[0], 1, life[0]))
            placements.append((happened[-1], -1, life[-1]))
    versions: dict[str, int] = {}
    running: dict[str, int] = {}
    for moment, change, task in sorted(placements, key=lambda placement: placement[0]):
        instance = task["detail"]["containerInstanceArn"]
        versions[instance] = versions.get(instance, 0) + 1
        running[instance] = running.get(instance, 0) + change
        event = instance_event(task, versions[instance], running[instance])
        deliver(moment + rng.random(), event)
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
        if event["detail-type"] != "ECS Task State Change":
            continue
        arn, version = event["detail"]["taskArn"], event["detail"]["version"]
        final[arn] = max(final.get(arn, 0), version)
    return final

"""A realistic stream of ECS events for the demo and the end-to-end test.

One evening on a cluster named "demo": two web tasks start and keep running, a nightly
report runs to completion, an image resizer on an EC2 container instance is killed for
using too much memory (exit 137, OutOfMemoryError), a new web revision cannot pull its
image (CannotPullContainerError, TaskFailedToStart), so the deployment's circuit breaker
fails it, and a resizer replacement cannot be placed. ECS delivers at least once and out of
order, so the stream repeats some states and is shuffled. One event from another cluster
shows the rule's cluster filter, and one deliberately broken event shows a bad record
failing alone.

Shapes follow the ECS developer guide's examples of task, container-instance, deployment
and service-action events; values are made up. Times are relative to `start`.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from devkit.emulator import EMULATOR_ACCOUNT as ACCOUNT
from devkit.emulator import EMULATOR_REGION as REGION
from ecs_events.ecs import (
    CONTAINER_INSTANCE_STATE_CHANGE,
    DEPLOYMENT_STATE_CHANGE,
    SERVICE_ACTION,
    TASK_STATE_CHANGE,
)

CLUSTER = "demo"
OTHER_CLUSTER = "staging"

OOM_REASON = "OutOfMemoryError: Container killed due to memory usage"
PULL_REASON = (
    "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to "
    f"resolve ref {ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/web:2026.11.4: not found"
)

# Fargate tasks go through every state; EC2 tasks without awsvpc skip the provisioning ones.
FARGATE_LIFE = ("PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEPROVISIONING", "STOPPED")
EC2_LIFE = ("PENDING", "RUNNING", "STOPPED")


def cluster_arn(cluster: str = CLUSTER) -> str:
    return f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{cluster}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class DemoEvent:
    """One PutEvents entry, and what it stands for (for the screen and the test)."""

    detail_type: str
    detail: dict[str, Any]
    resources: list[str]
    time: datetime
    label: str
    source: str = "aws.ecs"

    def entry(self) -> dict[str, Any]:
        return {
            "Source": self.source,
            "DetailType": self.detail_type,
            "Detail": json.dumps(self.detail),
            "Resources": self.resources,
            "Time": self.time,
        }


@dataclass(frozen=True)
class Task:
    task_id: str
    family: str
    revision: int
    group: str
    started_by: str
    container: str
    image: str
    launch_type: str = "FARGATE"
    cluster: str = CLUSTER
    container_instance_arn: str | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/{self.cluster}/{self.task_id}"


@dataclass
class TaskEnding:
    """How a task stops; None for a task that is still running at the end of the stream."""

    stop_code: str
    stopped_reason: str
    exit_code: int | None = None
    container_reason: str | None = None
    started: bool = True


def task_states(
    task: Task, start: datetime, ending: TaskEnding | None, last: str | None = None
) -> list[DemoEvent]:
    """The task's state changes in ECS order, versions 1, 2, 3... ending at `last`."""
    life = FARGATE_LIFE if task.launch_type == "FARGATE" else EC2_LIFE
    if ending is not None and not ending.started:
        life = tuple(s for s in life if s not in ("ACTIVATING", "RUNNING"))
    if last is not None:
        life = life[: life.index(last) + 1]
    events = []
    for version, status in enumerate(life, start=1):
        moment = start + timedelta(seconds=20 * version)
        detail = _task_detail(task, status, version, start, moment, ending)
        events.append(
            DemoEvent(
                TASK_STATE_CHANGE,
                detail,
                [task.arn],
                moment,
                f"task {task.family} {task.task_id[:8]} v{version} {status}",
            )
        )
    return events


def _task_detail(
    task: Task,
    status: str,
    version: int,
    created: datetime,
    moment: datetime,
    ending: TaskEnding | None,
) -> dict[str, Any]:
    stopping = status in ("DEPROVISIONING", "STOPPED")
    container: dict[str, Any] = {
        "containerArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:container/{task.cluster}/"
        f"{task.task_id}/{task.task_id[:4]}-{task.container}",
        "lastStatus": "STOPPED" if stopping else ("RUNNING" if status == "RUNNING" else "PENDING"),
        "name": task.container,
        "image": task.image,
        "taskArn": task.arn,
        "cpu": "0",
    }
    detail: dict[str, Any] = {
        "clusterArn": cluster_arn(task.cluster),
        "containers": [container],
        "cpu": "256" if task.launch_type == "FARGATE" else "512",
        "memory": "512" if task.launch_type == "FARGATE" else "1024",
        "createdAt": _iso(created),
        "desiredStatus": "STOPPED" if stopping else "RUNNING",
        "group": task.group,
        "launchType": task.launch_type,
        "lastStatus": status,
        "overrides": {"containerOverrides": [{"name": task.container}]},
        "startedBy": task.started_by,
        "taskArn": task.arn,
        "taskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/"
        f"{task.family}:{task.revision}",
        "updatedAt": _iso(moment),
        "version": version,
    }
    if task.launch_type == "FARGATE":
        detail.update(availabilityZone=f"{REGION}a", platformVersion="1.4.0")
    else:
        detail.update(
            availabilityZone=f"{REGION}b", containerInstanceArn=task.container_instance_arn
        )
    ran = ending is None or ending.started
    if ran and (status in ("ACTIVATING", "RUNNING") or stopping):
        detail.update(
            pullStartedAt=_iso(created + timedelta(seconds=25)),
            pullStoppedAt=_iso(created + timedelta(seconds=38)),
            startedAt=_iso(created + timedelta(seconds=41)),
        )
        if status in ("RUNNING", "ACTIVATING"):
            container["runtimeId"] = f"{task.task_id}-{task.container}"
    if stopping and ending is not None:
        detail.update(
            stopCode=ending.stop_code,
            stoppedReason=ending.stopped_reason,
            stoppingAt=_iso(moment - timedelta(seconds=5)),
            executionStoppedAt=_iso(moment - timedelta(seconds=3)),
        )
        if ending.exit_code is not None:
            container["exitCode"] = ending.exit_code
        if ending.container_reason is not None:
            container["reason"] = ending.container_reason
        if status == "STOPPED":
            detail["stoppedAt"] = _iso(moment)
    return detail


CONTAINER_INSTANCE_ARN = (
    f"arn:aws:ecs:{REGION}:{ACCOUNT}:container-instance/{CLUSTER}/5c1e4a8d2b7f4e0a9d3c6b1a8e2f7d40"
)


def container_instance_states(start: datetime) -> list[DemoEvent]:
    """An EC2 instance joins, takes the resizer task, loses it, and is drained."""
    states = [
        # (status, running tasks, remaining memory)
        ("ACTIVE", 0, 3767),
        ("ACTIVE", 1, 2743),
        ("ACTIVE", 0, 3767),
        ("DRAINING", 0, 3767),
    ]
    events = []
    for version, (status, running, memory) in enumerate(states, start=1):
        moment = start + timedelta(seconds=30 * version)
        detail = {
            "agentConnected": True,
            "attributes": [{"name": "ecs.instance-type", "value": "t3.medium"}],
            "clusterArn": cluster_arn(),
            "containerInstanceArn": CONTAINER_INSTANCE_ARN,
            "ec2InstanceId": "i-0d4c1f2e3a5b6c7d8",
            "registeredResources": [
                {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 3767},
            ],
            "remainingResources": [
                {"name": "CPU", "type": "INTEGER", "integerValue": 2048 - 512 * running},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": memory},
            ],
            "runningTasksCount": running,
            "pendingTasksCount": 0,
            "status": status,
            "version": version,
            "versionInfo": {"agentVersion": "1.89.1", "dockerVersion": "DockerVersion: 25.0.8"},
            "registeredAt": _iso(start),
            "updatedAt": _iso(moment),
        }
        events.append(
            DemoEvent(
                CONTAINER_INSTANCE_STATE_CHANGE,
                detail,
                [CONTAINER_INSTANCE_ARN],
                moment,
                f"container instance v{version} {status}",
            )
        )
    return events


def service_arn(service: str, cluster: str = CLUSTER) -> str:
    return f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/{cluster}/{service}"


def deployment_failed(moment: datetime) -> DemoEvent:
    detail = {
        "eventType": "ERROR",
        "eventName": "SERVICE_DEPLOYMENT_FAILED",
        "deploymentId": "ecs-svc/4629184472380914822",
        "updatedAt": _iso(moment),
        "reason": "ECS deployment circuit breaker: tasks failed to start.",
    }
    return DemoEvent(
        DEPLOYMENT_STATE_CHANGE, detail, [service_arn("web")], moment, "web deployment FAILED"
    )


def placement_failed(moment: datetime) -> DemoEvent:
    detail = {
        "eventType": "ERROR",
        "eventName": "SERVICE_TASK_PLACEMENT_FAILURE",
        "clusterArn": cluster_arn(),
        "capacityProviderArns": [],
        "reason": "RESOURCE:MEMORY",
        "createdAt": _iso(moment),
    }
    return DemoEvent(
        SERVICE_ACTION,
        detail,
        [service_arn("image-resizer")],
        moment,
        "image-resizer placement failure",
    )


@dataclass
class Stream:
    """The events to send, in sending order, and what the demo should end with."""

    events: list[DemoEvent]
    tasks: dict[str, Task]  # by task id
    repeated: int  # states sent twice
    filtered_out: int  # events of clusters the rule does not take
    broken: int  # events the handler must fail, alone
    expected_alert_kinds: list[str] = field(default_factory=list)


def demo_stream(start: datetime, seed: int = 6) -> Stream:
    """The whole evening, repeated and shuffled (the same for the same seed)."""
    web_image = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/web:2026.11.3"
    web = [
        Task(task_id, "web", 12, "service:web", "ecs-svc/7301952818412934721", "app", web_image)
        for task_id in ("8f3b2c1d9e4a4f6b8c7d5e1f2a3b4c5d", "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6")
    ]
    report = Task(
        "c0ffee15b1ab4e3c9d8e7f6a5b4c3d2e",
        "billing-report",
        7,
        "family:billing-report",
        "events-rule/nightly-billing",
        "report",
        f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/billing-report:2026.11.3",
    )
    resizer = Task(
        "0ddba11a7e5f4c2b8a9d0e1f2c3b4a59",
        "image-resizer",
        31,
        "service:image-resizer",
        "ecs-svc/5518820033178204419",
        "resizer",
        f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/image-resizer:4.2.0",
        launch_type="EC2",
        container_instance_arn=CONTAINER_INSTANCE_ARN,
    )
    bad_web = Task(
        "badc0de0c4d44e5f8a7b6c5d4e3f2a10",
        "web",
        13,
        "service:web",
        "ecs-svc/4629184472380914822",
        "app",
        f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/web:2026.11.4",
    )
    staging = Task(
        "57a9e0000c4d4e5f8a7b6c5d4e3f2a11",
        "web",
        14,
        "service:web",
        "ecs-svc/1000000000000000001",
        "app",
        web_image,
        cluster=OTHER_CLUSTER,
    )

    minute = timedelta(minutes=1)
    events: list[DemoEvent] = []
    events += task_states(web[0], start, None, last="RUNNING")
    events += task_states(web[1], start + minute, None, last="RUNNING")
    events += task_states(
        report,
        start + 2 * minute,
        TaskEnding("EssentialContainerExited", "Essential container in task exited", 0),
    )
    events += container_instance_states(start)
    events += task_states(
        resizer,
        start + 3 * minute,
        TaskEnding(
            "EssentialContainerExited",
            "Essential container in task exited",
            137,
            OOM_REASON,
        ),
    )
    events += task_states(
        bad_web,
        start + 4 * minute,
        TaskEnding("TaskFailedToStart", PULL_REASON, None, PULL_REASON, started=False),
    )
    events.append(deployment_failed(start + 9 * minute))
    events.append(placement_failed(start + 10 * minute))
    filtered = task_states(staging, start, None, last="PENDING")[-1:]
    events += filtered

    broken_detail = dict(events[0].detail)
    del broken_detail["taskArn"]
    broken = DemoEvent(
        TASK_STATE_CHANGE,
        broken_detail,
        [],
        events[0].time,
        "deliberately broken task event (no taskArn)",
    )
    events.append(broken)

    rng = random.Random(seed)
    # ECS delivers at least once: some states arrive twice, including a failing one,
    # which must still alert once. (Deployment and service events are not repeated here:
    # PutEvents gives every entry a new id, so a repeat would be a new event, not a copy.)
    not_repeated = {id(broken), *(id(e) for e in filtered)}
    versioned = [e for e in events if "version" in e.detail and id(e) not in not_repeated]
    repeats = rng.sample(versioned, 5)
    failing_stop = [
        e
        for e in versioned
        if e.detail.get("lastStatus") == "STOPPED" and e.detail["taskArn"] == resizer.arn
    ]
    repeats += [e for e in failing_stop if all(e is not r for r in repeats)]
    events += repeats
    rng.shuffle(events)

    return Stream(
        events=events,
        tasks={t.task_id: t for t in (*web, report, resizer, bad_web)},
        repeated=len(repeats),
        filtered_out=len(filtered),
        broken=1,
        expected_alert_kinds=[
            "task_exit",
            "task_start_failure",
            "deployment_failure",
            "service_action",
        ],
    )


def expected_task_states(stream: Stream) -> dict[str, dict[str, Any]]:
    """For each task of the demo cluster: the detail of its highest version."""
    highest: dict[str, dict[str, Any]] = {}
    for event in stream.events:
        detail = event.detail
        if event.detail_type != TASK_STATE_CHANGE or "taskArn" not in detail:
            continue
        if detail["clusterArn"] != cluster_arn():
            continue
        task_id = detail["taskArn"].rsplit("/", 1)[-1]
        if task_id not in highest or highest[task_id]["version"] < detail["version"]:
            highest[task_id] = detail
    return highest

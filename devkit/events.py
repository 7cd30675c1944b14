"""Builders for ECS events in the shapes AWS documents for EventBridge.

Values are made up (account 111122223333, cluster "default"); field names and
nesting follow the ECS developer guide's task, container-instance, deployment and
service-action examples.
"""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

from ecs_events import ecs

ACCOUNT = "111122223333"
REGION = "us-west-2"
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/default"
TASK_ID = "4fd8ba3eb0ae4bb4a3fa8d2e39d79c4a"
TASK_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/default/{TASK_ID}"
TASK_DEFINITION_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/billing-report:7"
CONTAINER_INSTANCE_ARN = (
    f"arn:aws:ecs:{REGION}:{ACCOUNT}:container-instance/default/9a2f1c7e5b6d4e3f8a0b1c2d3e4f5a6b"
)

# A task's life as ECS reports it: one state per version.
LIFECYCLE = ("PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEPROVISIONING", "STOPPED")


def envelope(detail_type: str, detail: dict[str, Any], resources: list[str]) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": ecs.ECS_SOURCE,
        "account": ACCOUNT,
        "time": "2026-11-20T03:15:09Z",
        "region": REGION,
        "resources": resources,
        "detail": detail,
    }


def task_event(
    version: int = 4,
    last_status: str = "RUNNING",
    task_arn: str = TASK_ARN,
    exit_code: int | None = None,
    stop_code: str | None = None,
    stopped_reason: str | None = None,
    container_reason: str | None = None,
    group: str = "family:billing-report",
    started_by: str | None = "events-rule/nightly-billing",
) -> dict[str, Any]:
    """A Fargate task with one container at the given point of its life."""
    stopped = last_status in ("DEPROVISIONING", "STOPPED")
    container: dict[str, Any] = {
        "containerArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:container/default/{TASK_ID}/c9b1",
        "lastStatus": "STOPPED" if stopped else last_status,
        "name": "report",
        "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/billing-report:2026.11.3",
        "imageDigest": "sha256:" + "ab" * 32,
        "runtimeId": f"{TASK_ID}-1234567890",
        "taskArn": task_arn,
        "networkInterfaces": [{"attachmentId": "a1b2", "privateIpv4Address": "10.0.1.20"}],
        "cpu": "0",
    }
    if exit_code is not None:
        container["exitCode"] = exit_code
    if container_reason is not None:
        container["reason"] = container_reason
    detail: dict[str, Any] = {
        "attachments": [
            {
                "id": "a1b2",
                "type": "eni",
                "status": "DELETED" if stopped else "ATTACHED",
                "details": [
                    {"name": "subnetId", "value": "subnet-0a1b2c3d"},
                    {"name": "networkInterfaceId", "value": "eni-0a1b2c3d4e5f"},
                    {"name": "macAddress", "value": "0a:1b:2c:3d:4e:5f"},
                    {"name": "privateIPv4Address", "value": "10.0.1.20"},
                ],
            }
        ],
        "availabilityZone": f"{REGION}a",
        "clusterArn": CLUSTER_ARN,
        "containers": [container],
        "cpu": "256",
        "createdAt": "2026-11-20T03:14:01.123Z",
        "desiredStatus": "STOPPED" if stopped else "RUNNING",
        "group": group,
        "launchType": "FARGATE",
        "lastStatus": last_status,
        "memory": "512",
        "overrides": {
            "containerOverrides": [
                {
                    "name": "report",
                    "command": ["--month", "2026-10"],
                    "environment": [{"name": "DB_PASSWORD", "value": "hunter2-do-not-store"}],
                }
            ]
        },
        "platformVersion": "1.4.0",
        "taskArn": task_arn,
        "taskDefinitionArn": TASK_DEFINITION_ARN,
        "updatedAt": f"2026-11-20T03:{14 + version:02d}:09.5Z",
        "version": version,
    }
    if started_by:
        detail["startedBy"] = started_by
    if last_status not in ("PROVISIONING", "PENDING"):
        detail.update(
            pullStartedAt="2026-11-20T03:14:05.1Z",
            pullStoppedAt="2026-11-20T03:14:20.9Z",
            startedAt="2026-11-20T03:14:25.25Z",
            connectivity="CONNECTED",
            connectivityAt="2026-11-20T03:14:03.3Z",
        )
    if stopped:
        detail.update(
            stoppingAt="2026-11-20T03:30:00.0Z",
            executionStoppedAt="2026-11-20T03:30:01.5Z",
            stopCode=stop_code or "EssentialContainerExited",
            stoppedReason=stopped_reason or "Essential container in task exited",
        )
        if last_status == "STOPPED":
            detail["stoppedAt"] = "2026-11-20T03:30:31.75Z"
    return envelope(ecs.TASK_STATE_CHANGE, detail, [task_arn])


def task_lifecycle(task_arn: str = TASK_ARN) -> list[dict[str, Any]]:
    """Every state of one task's life, in order, versions 1..6."""
    return [
        task_event(version=v, last_status=s, task_arn=task_arn, exit_code=0 if v == 6 else None)
        for v, s in enumerate(LIFECYCLE, start=1)
    ]


def container_instance_event(version: int = 14801, status: str = "ACTIVE") -> dict[str, Any]:
    detail = {
        "agentConnected": True,
        "attributes": [{"name": "com.amazonaws.ecs.capability.ecr-auth"}],
        "clusterArn": CLUSTER_ARN,
        "containerInstanceArn": CONTAINER_INSTANCE_ARN,
        "ec2InstanceId": "i-0123456789abcdef0",
        "registeredResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 3767},
            {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2376"]},
        ],
        "remainingResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": 1988},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 767},
            {"name": "GPU_SHARE", "type": "DOUBLE", "doubleValue": 0.25},
        ],
        "runningTasksCount": 3,
        "pendingTasksCount": 0,
        "status": status,
        "version": version,
        "versionInfo": {"agentVersion": "1.89.1", "dockerVersion": "DockerVersion: 25.0.8"},
        "registeredAt": "2026-11-19T08:00:00.1Z",
        "updatedAt": "2026-11-20T03:15:09.991Z",
    }
    return envelope(ecs.CONTAINER_INSTANCE_STATE_CHANGE, detail, [CONTAINER_INSTANCE_ARN])


def deployment_event(event_name: str = "SERVICE_DEPLOYMENT_FAILED") -> dict[str, Any]:
    detail = {
        "eventType": "ERROR" if event_name.endswith("FAILED") else "INFO",
        "eventName": event_name,
        "deploymentId": "ecs-svc/1234567890123456789",
        "updatedAt": "2026-11-20T03:15:00Z",
        "reason": "ECS deployment circuit breaker: task failed to start.",
    }
    return envelope(
        ecs.DEPLOYMENT_STATE_CHANGE,
        detail,
        [f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/default/web"],
    )


def service_action_event(
    event_name: str = "SERVICE_TASK_PLACEMENT_FAILURE", event_type: str = "ERROR"
) -> dict[str, Any]:
    detail = {
        "eventType": event_type,
        "eventName": event_name,
        "clusterArn": CLUSTER_ARN,
        "containerInstanceArns": [CONTAINER_INSTANCE_ARN],
        "reason": "RESOURCE:CPU",
        "createdAt": "2026-11-20T03:15:00.000Z",
    }
    return envelope(
        ecs.SERVICE_ACTION, detail, [f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/default/web"]
    )


# The newer event types. Field names follow the ECS developer guide's pages for them
# (container instance health: ecs_container_instance_health_events.html; daemons:
# managed-daemons-events.html; hooks: deployment-lifecycle-hooks.html and the
# DeploymentLifecycleHookDetail API shape). None carries detail.version; they show the
# documented quirks: null fields, empty or missing resources, nine fractional digits.
DAEMON_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:daemon/default/node-exporter"
SERVICE_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/default/web"


def instance_health_event(
    overall_status: str = "IMPAIRED", failing: tuple[str, ...] = ("CONTAINER_RUNTIME",)
) -> dict[str, Any]:
    checks = [
        {
            "type": check,
            "status": "IMPAIRED" if check in failing else "OK",
            "statusReason": "Docker daemon is unresponsive" if check in failing else None,
            "lastUpdated": "2026-11-20T03:15:02.123456789Z",
            "lastStatusChange": "2026-11-20T03:15:02.123456789Z",
        }
        for check in dict.fromkeys(("CONTAINER_RUNTIME", "AGENT_CONNECTIVITY", *failing))
    ]
    detail = {
        "clusterArn": CLUSTER_ARN,
        "containerInstanceArn": CONTAINER_INSTANCE_ARN,
        "capacityProviderName": None,
        "ec2InstanceId": "i-0123456789abcdef0",
        "overallStatus": overall_status,
        "healthChecks": checks,
    }
    event = envelope(ecs.INSTANCE_HEALTH_CHANGE, detail, [CONTAINER_INSTANCE_ARN])
    event["time"] = "2026-11-20T03:15:02.123456789Z"
    return event


def daemon_action_event(
    event_type: str = "WARNING", failure_type: str = "TASK_FAILED_TO_RUN"
) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "eventType": event_type,
        "eventName": "DAEMON_TASK_START_IMPAIRED",
        "clusterArn": CLUSTER_ARN,
        "daemonArn": DAEMON_ARN,
        "containerInstanceArn": CONTAINER_INSTANCE_ARN,
        "failureType": failure_type,
        "reason": "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
        "createdAt": "2026-11-20T03:15:00.000000000Z",
    }
    resources: list[str] = []
    if failure_type == "TASK_FAILED_TO_RUN":  # no task exists when creation failed
        detail["taskArn"] = TASK_ARN
        resources = [TASK_ARN]
    return envelope(ecs.DAEMON_SERVICE_ACTION, detail, resources)


def daemon_deployment_event(
    event_name: str = "DAEMON_DEPLOYMENT_ROLLBACK_FAILED",
) -> dict[str, Any]:
    failed = event_name.endswith("FAILED")
    detail = {
        "eventType": "ERROR" if failed else "INFO",
        "eventName": event_name,
        "clusterArn": CLUSTER_ARN,
        "daemonArn": DAEMON_ARN,
        "daemonDeploymentArn": f"{DAEMON_ARN}/deployment/d-0a1b2c3d",
        "reason": "Daemon deployment circuit breaker: rollback could not place tasks."
        if failed
        else None,
        "updatedAt": "2026-11-20T03:15:00.123456789Z",
    }
    event = envelope(ecs.DAEMON_DEPLOYMENT_STATE_CHANGE, detail, [DAEMON_ARN])
    del event["resources"]  # some documented examples carry none
    return event


def hook_event(status: str = "FAILED") -> dict[str, Any]:
    detail = {
        "hookId": "hook-0a1b2c3d",
        "status": status,
        "lifecycleStage": "POST_TEST_TRAFFIC_SHIFT",
        "targetType": "AWS_LAMBDA",
        "targetArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:smoke-test",
        "timeoutAction": "ROLLBACK",
        "serviceArn": SERVICE_ARN,
        "serviceDeploymentArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service-deployment/default/web/x1",
        "reason": None,
        "updatedAt": "2026-11-20T03:15:00.5Z",
    }
    return envelope(ecs.HOOK_STATE_CHANGE, detail, [])


def sqs_batch(events: list[Any]) -> dict[str, Any]:
    """An SQS event for Lambda whose bodies are the given events (strings as they are)."""
    records = []
    for index, event in enumerate(events):
        body = event if isinstance(event, str) else json.dumps(event)
        records.append(
            {
                "messageId": f"msg-{index}",
                "receiptHandle": f"handle-{index}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:ecs-events",
                "awsRegion": REGION,
            }
        )
    return {"Records": records}


def clone(event: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(event)


def moved(
    event: dict[str, Any], account: str, region: str, cluster: str = "default"
) -> dict[str, Any]:
    """The event as ECS in another account, region and cluster would send it: the
    envelope's account and region and every ARN in it (a fleet's member accounts)."""
    text = json.dumps(event).replace(ACCOUNT, account).replace(f":{REGION}:", f":{region}:")
    text = text.replace(f".{REGION}.", f".{region}.")  # ECR image hosts
    if cluster != "default":
        for kind in ("cluster", "task", "container-instance", "container", "service"):
            text = text.replace(f":{kind}/default", f":{kind}/{cluster}")
    result = json.loads(text)
    result["region"] = region
    return dict(result)

"""`ecs-events service` against moto's CloudWatch Logs: the event log as EventBridge writes
it (whole events as JSON) and, where delivered, the cluster's ECS Action Logs."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest

from devkit.events import ACCOUNT, REGION, deployment_event
from ecs_events_cli.main import main

EVENT_LOG = "/aws/events/ecs-events"
ACTION_LOGS = "/aws/events/ecs/action-logs/production"
SERVICE_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/production/web"


def deployment(
    name: str,
    deployment_id: str,
    at: str,
    reason: str | None = None,
    service_arn: str = SERVICE_ARN,
) -> dict[str, Any]:
    event = deployment_event(name)
    event["resources"] = [service_arn]
    event["time"] = at
    event["detail"].update(deploymentId=deployment_id, updatedAt=at)
    if reason is None:
        event["detail"].pop("reason", None)
    else:
        event["detail"]["reason"] = reason
    return event


def put(logs: Any, group: str, messages: list[dict[str, Any]]) -> None:
    now = int(time.time() * 1000)
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[
            # CloudWatch Logs (and moto) refuse log events older than 14 days: ingestion
            # times are now; the deployments' own times are in the events.
            {"timestamp": now + i, "message": json.dumps(m)}
            for i, m in enumerate(messages)
        ],
    )


@pytest.fixture
def logs(aws: None) -> Any:
    return boto3.client("logs", region_name=REGION)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["service", *argv, "--since", "2026-01-01T00:00:00Z"], env={})
    out, err = capsys.readouterr()
    return code, out, err


def test_deployments_newest_first_with_their_outcome_and_reason(logs, capsys) -> None:
    put(
        logs,
        EVENT_LOG,
        [
            deployment("SERVICE_DEPLOYMENT_IN_PROGRESS", "ecs-svc/1", "2026-11-01T10:00:00Z"),
            deployment("SERVICE_DEPLOYMENT_COMPLETED", "ecs-svc/1", "2026-11-01T10:05:00Z"),
            deployment("SERVICE_DEPLOYMENT_IN_PROGRESS", "ecs-svc/2", "2026-11-02T10:00:00Z"),
            deployment(
                "SERVICE_DEPLOYMENT_FAILED",
                "ecs-svc/2",
                "2026-11-02T10:09:00Z",
                reason="ECS deployment circuit breaker: task failed to start.",
            ),
        ],
    )
    code, out, _ = run(capsys, "web", "--cluster", "production")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["LAST", "DEPLOYMENT", "OUTCOME", "REASON", "FROM"]
    assert "ecs-svc/2" in lines[1] and "SERVICE_DEPLOYMENT_FAILED" in lines[1]
    assert "ECS deployment circuit breaker: task failed to start." in lines[1]
    assert "ecs-svc/1" in lines[2] and "SERVICE_DEPLOYMENT_COMPLETED" in lines[2]
    assert len(lines) == 3


def test_other_services_and_clusters_are_left_out(logs, capsys) -> None:
    put(
        logs,
        EVENT_LOG,
        [
            deployment(
                "SERVICE_DEPLOYMENT_FAILED",
                "ecs-svc/9",
                "2026-11-02T10:00:00Z",
                service_arn=f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/staging/web",
            ),
            deployment(
                "SERVICE_DEPLOYMENT_FAILED",
                "ecs-svc/8",
                "2026-11-02T10:00:00Z",
                service_arn=f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/production/web-admin",
            ),
        ],
    )
    code, out, _ = run(capsys, "web", "--cluster", "production")
    assert code == 0
    assert out.startswith("no deployments of web in production")


def test_action_logs_add_awss_reasons_in_either_shape(logs, capsys) -> None:
    put(
        logs,
        EVENT_LOG,
        [deployment("SERVICE_DEPLOYMENT_COMPLETED", "ecs-svc/1", "2026-11-01T10:05:00Z")],
    )
    rollout = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service-deployment/production/web/AbCd"
    put(
        logs,
        ACTION_LOGS,
        [
            {
                "detail": {
                    "eventName": "SERVICE_DEPLOYMENT_ROLLBACK_FAILED",
                    "eventTimestamp": "2026-11-03T10:00:00Z",
                    "statusReason": "No rollback candidate was found",
                    "serviceArn": SERVICE_ARN,
                    "serviceDeploymentArn": rollout,
                }
            },
            {
                "eventName": "SERVICE_DEPLOYMENT_IN_PROGRESS",
                "eventTimestamp": "2026-11-03T09:00:00Z",
                "serviceArn": SERVICE_ARN,
                "serviceDeploymentArn": rollout,
            },
        ],
    )
    code, out, _ = run(capsys, "web", "--cluster", "production")
    assert code == 0
    first = out.splitlines()[1]
    assert "AbCd" in first and "SERVICE_DEPLOYMENT_ROLLBACK_FAILED" in first
    assert "No rollback candidate was found" in first and first.rstrip().endswith("action logs")


def test_json_is_one_array_newest_first(logs, capsys) -> None:
    put(
        logs,
        EVENT_LOG,
        [
            deployment("SERVICE_DEPLOYMENT_COMPLETED", "ecs-svc/1", "2026-11-01T10:05:00Z"),
            deployment("SERVICE_DEPLOYMENT_COMPLETED", "ecs-svc/2", "2026-11-02T10:05:00Z"),
        ],
    )
    code, out, _ = run(capsys, "web", "--cluster", "production", "--json")
    assert code == 0
    assert [d["deployment"] for d in json.loads(out)] == ["ecs-svc/2", "ecs-svc/1"]


def test_a_missing_event_log_is_one_line_and_status_3(logs, capsys) -> None:
    code, out, err = run(capsys, "web", "--cluster", "production")
    assert (code, out) == (3, "")
    assert err.startswith("ecs-events: error: log group /aws/events/ecs-events not found at")
    assert len(err.splitlines()) == 1


def test_a_bad_since_is_a_usage_error(logs, capsys) -> None:
    code = main(["service", "web", "--cluster", "production", "--since", "soon"], env={})
    _, err = capsys.readouterr()
    assert code == 2
    assert "--since: cannot read 'soon' as a time" in err


def test_the_cluster_is_required(capsys) -> None:
    code = main(["service", "web"], env={})
    _, err = capsys.readouterr()
    assert code == 2
    assert "--cluster" in err

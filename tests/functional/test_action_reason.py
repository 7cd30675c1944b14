"""AWS's reason for a failed deployment, read from the cluster's Action Logs under moto
(ecs_events.alerts.action_reason): present, absent, and a slow API within the budget."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from devkit.events import ACCOUNT, REGION, deployment_event
from ecs_events.alerts.action_reason import ActionReasonReader, action_logs_group
from ecs_events.alerts.classify import service_alert
from ecs_events.alerts.send import ALERT_KEY, AlertSender
from ecs_events.config import AlertSettings, Settings
from ecs_events.events import parse_event

SERVICE_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/production/web"
DEPLOYMENT = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service-deployment/production/web/AbCd"
OTHER_DEPLOYMENT = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service-deployment/production/web/EfGh"
GROUP = action_logs_group("production")


@pytest.fixture
def logs(aws: None) -> Any:
    return boto3.client("logs", region_name=REGION)


def deliver(logs: Any, at_millis: int, records: list[dict[str, Any]]) -> None:
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="s")
    logs.put_log_events(
        logGroupName=GROUP,
        logStreamName="s",
        logEvents=[
            {"timestamp": at_millis - 60_000 + i, "message": json.dumps(r)}
            for i, r in enumerate(records)
        ],
    )


def record(
    reason: str | None, deployment: str = DEPLOYMENT, at: str = "2026-11-20T03:10:00Z"
) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "eventName": "SERVICE_DEPLOYMENT_ROLLBACK_FAILED",
        "eventTimestamp": at,
        "serviceArn": SERVICE_ARN,
        "serviceDeploymentArn": deployment,
    }
    if reason:
        detail["statusReason"] = reason
    return {"detail": detail}


def reader(logs: Any, **kwargs: Any) -> ActionReasonReader:
    return ActionReasonReader(budget_seconds=2.0, logs=lambda region: logs, **kwargs)


def now_millis() -> int:
    # CloudWatch Logs (and moto) refuse log events older than 14 days: ingestion is now.
    return int(time.time() * 1000)


def test_the_deployments_reason_is_found(logs) -> None:
    at = now_millis()
    deliver(logs, at, [record("No rollback candidate was found")])
    assert reader(logs).reason(SERVICE_ARN, at, DEPLOYMENT) == "No rollback candidate was found"


def test_another_deployments_reason_is_not_taken(logs) -> None:
    at = now_millis()
    deliver(logs, at, [record("not this one", deployment=OTHER_DEPLOYMENT)])
    assert reader(logs).reason(SERVICE_ARN, at, DEPLOYMENT) is None


def test_without_a_deployment_arn_the_services_newest_reason_is_taken(logs) -> None:
    at = now_millis()
    deliver(
        logs,
        at,
        [
            record("older", at="2026-11-20T03:00:00Z"),
            record("newer", deployment=OTHER_DEPLOYMENT, at="2026-11-20T03:05:00Z"),
            record(None, at="2026-11-20T03:06:00Z"),
        ],
    )
    assert reader(logs).reason(SERVICE_ARN, at) == "newer"


def test_no_action_logs_group_gives_no_reason(logs) -> None:
    assert reader(logs).reason(SERVICE_ARN, now_millis(), DEPLOYMENT) is None


def test_a_record_without_a_reason_gives_no_reason(logs) -> None:
    at = now_millis()
    deliver(logs, at, [record(None)])
    assert reader(logs).reason(SERVICE_ARN, at, DEPLOYMENT) is None


class SlowLogs:
    """Each call takes `seconds` of the injected clock, then asks moto."""

    def __init__(self, logs: Any, clock: list[float], seconds: float) -> None:
        self.logs, self.clock, self.seconds, self.calls = logs, clock, seconds, 0

    def filter_log_events(self, **request: Any) -> Any:
        self.calls += 1
        self.clock[0] += self.seconds
        page = self.logs.filter_log_events(**request, limit=1)
        return page


def test_a_slow_api_stops_at_the_budget(logs) -> None:
    at = now_millis()
    deliver(logs, at, [record(None), record(None), record("too late")])
    clock = [0.0]
    slow = SlowLogs(logs, clock, seconds=1.5)  # the budget (2 s) allows two pages
    found = ActionReasonReader(2.0, logs=lambda region: slow, clock=lambda: clock[0]).reason(
        SERVICE_ARN, at, DEPLOYMENT
    )
    assert slow.calls == 2
    assert found is None


def test_an_api_error_gives_no_reason_and_does_not_raise(logs) -> None:
    class Failing:
        def filter_log_events(self, **_: Any) -> Any:
            raise TimeoutError("read timed out")

    assert ActionReasonReader(2.0, logs=lambda region: Failing()).reason(SERVICE_ARN, 0) is None


def test_what_is_not_a_service_arn_gives_no_reason(logs) -> None:
    assert reader(logs).reason("arn:aws:ecs:eu-west-1:1:cluster/production", 0) is None


# --- the alert ---------------------------------------------------------------------------


def deployment_alert(at_millis: int) -> Any:
    raw = deployment_event("SERVICE_DEPLOYMENT_FAILED")
    raw["resources"] = [SERVICE_ARN]
    raw["time"] = datetime.fromtimestamp(at_millis / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    alert = service_alert(
        parse_event(raw), AlertSettings(topic_arn="arn:aws:sns:t", table_name="a")
    )
    assert alert is not None
    return alert


def test_a_deployment_alert_carries_awss_reason(logs) -> None:
    at = now_millis()
    deliver(logs, at, [record("No rollback candidate was found")])
    alert = deployment_alert(at)
    enriched = reader(logs).add_to(alert)
    assert "AWS's reason (ECS Action Logs): No rollback candidate was found" in enriched.text
    assert enriched.document["actionReason"] == "No rollback candidate was found"


def test_a_deployment_alert_without_a_reason_is_unchanged(logs) -> None:
    alert = deployment_alert(now_millis())
    assert reader(logs).add_to(alert) == alert


# --- the alert path: settings and the sender -------------------------------------------


def test_the_reason_is_off_unless_the_module_turns_it_on() -> None:
    off = Settings.from_env({"ALERT_TOPIC_ARN": "t", "ALERT_TABLE_NAME": "a"}).alerts
    on = Settings.from_env(
        {"ALERT_TOPIC_ARN": "t", "ALERT_TABLE_NAME": "a", "ALERT_ACTION_REASON": "on"}
    ).alerts
    assert (off.action_reason, on.action_reason) == (False, True)


class Recorder:
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, **request: Any) -> None:
        self.published.append(request)


def sent_text(dynamodb: Any, logs: Any, action_reason: bool, at: int) -> str:
    dynamodb.create_table(
        TableName="alerts",
        KeySchema=[{"AttributeName": ALERT_KEY, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": ALERT_KEY, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    settings = AlertSettings(
        topic_arn="arn:aws:sns:t", table_name="alerts", action_reason=action_reason, chat=False
    )
    sns = Recorder()
    sender = AlertSender(settings, dynamodb, sns, metrics_out=lambda line: None)
    sender.action_reason = reader(logs)
    sender.send_once(deployment_alert(at))
    (request,) = sns.published
    return str(request["Message"])


def test_the_sender_adds_awss_reason_when_on(dynamodb, logs) -> None:
    at = now_millis()
    deliver(logs, at, [record("No rollback candidate was found")])
    assert "No rollback candidate was found" in sent_text(dynamodb, logs, True, at)


def test_the_sender_reads_no_action_logs_when_off(dynamodb, logs) -> None:
    at = now_millis()
    deliver(logs, at, [record("No rollback candidate was found")])
    assert "No rollback candidate was found" not in sent_text(dynamodb, logs, False, at)

"""Failure alerts a person can act on: what failed, where, why, and what it usually means.

An alert is a transition, not an event. A task alerts once, when its failing STOPPED
state is stored; a deployment or service action alerts once per event id. The alerts
table remembers what was sent (claim, publish, mark), so duplicate deliveries never
alert twice and a crash before the publish never loses the alert: the retry sends it.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from .config import (
    DEPLOYMENT_FAILURE,
    SERVICE_ACTION,
    TASK_EXIT,
    TASK_START_FAILURE,
    AlertSettings,
)
from .events import DEPLOYMENT_STATE_CHANGE, EcsEvent
from .logs import LOGGER

ALERT_KEY = "alertKey"
SENT = "sent"
CLAIMED = "claimed"
ALREADY_SENT = "already sent"
# How long the alerts table remembers a sent alert.
_REMEMBER_SECONDS = 30 * 86400
# SNS limits a subject to 100 printable ASCII characters.
_SUBJECT_LIMIT = 100

# Stops that are not failures: someone asked for them, or a deployment scaled in.
_NOT_FAILURES = ("UserInitiated",)
_SCALE_IN_PREFIX = "Scaling activity initiated by"

# Reasons that mean the task never got its containers running.
_START_FAILURES = {
    "CannotPullContainerError": "the image could not be pulled: check the image name and tag, "
    "the execution role's ECR permissions, and the network path to the registry "
    "(NAT gateway or VPC endpoints)",
    "ResourceInitializationError": "the task could not fetch what it needs before starting "
    "(secrets, SSM parameters, log configuration or the image manifest): check the "
    "execution role's permissions and the network path to those services",
    "CannotStartContainerError": "the container runtime could not start the container: "
    "check the command, entrypoint and mounts",
    "CannotCreateVolumeError": "a volume could not be created: check the volume configuration",
    "CannotInspectContainerError": "the container agent lost track of the container",
    "ContainerRuntimeTimeoutError": "the container runtime timed out starting the container",
}

_STOP_REASONS = {
    "failed ELB health checks": "the load balancer's health check failed, so the service "
    "replaced the task: check the health check path, port and grace period",
    "failed container health checks": "the container's own HEALTHCHECK failed",
    "SpotInterruption": "the Spot capacity was reclaimed by AWS",
}

_PLACEMENT_REASONS = {
    "RESOURCE:CPU": "no container instance has enough free CPU",
    "RESOURCE:MEMORY": "no container instance has enough free memory",
    "RESOURCE:PORTS": "the ports the task needs are taken on every instance",
    "RESOURCE:ENI": "no instance has a free network interface for an awsvpc task",
    "RESOURCE:GPU": "no container instance has a free GPU",
    "RESOURCE:FARGATE": "Fargate has no capacity for this task right now",
    "AGENT": "the container agent on the instance is disconnected",
    "ATTRIBUTE": "no container instance has the attributes the placement constraints ask for",
    "LaunchTemplate": "the capacity provider's launch template is invalid",
}


@dataclass(frozen=True)
class Alert:
    key: str  # what makes it "the same alert": a task ARN, or an event id
    kind: str  # one of the triggers in config
    severity: str
    subject: str
    text: str
    document: dict[str, Any]  # the same facts for machines
    cluster: str
    family: str  # task definition family, or "service/<name>" for service alerts
    attributes: dict[str, str] = field(default_factory=dict)


# --- what the exit codes and reasons usually mean ---------------------------------------


def explain_exit(code: int, reason: str = "") -> str:
    if code == 0:
        return "exited normally"
    if code == 137:
        if "OutOfMemory" in reason:
            return "killed for using more memory than its limit (OOM): raise memory or fix the leak"
        return "killed with SIGKILL: it did not stop within the stop timeout after SIGTERM"
    meanings = {
        1: "application error: read the container's logs",
        2: "misuse of a shell builtin or bad arguments: check the command",
        126: "the command is not executable",
        127: "the command was not found in the image",
        139: "segmentation fault (SIGSEGV) in the application or a native library",
        143: "stopped with SIGTERM and exited on it",
        255: "the entrypoint failed or exited with an out-of-range status",
    }
    if code in meanings:
        return meanings[code]
    if 128 < code < 160:
        return f"killed by signal {code - 128}"
    return "application-specific exit status: read the container's logs"


def explain_reason(text: str) -> str | None:
    for marker, meaning in {**_START_FAILURES, **_STOP_REASONS}.items():
        if marker in text:
            return meaning
    return None


def _is_failing_exit(code: object, exit_codes: frozenset[int]) -> bool:
    if not isinstance(code, int) or code == 0:
        return False
    return not exit_codes or code in exit_codes


# --- deciding -------------------------------------------------------------------------


def classify_task(record: dict[str, Any], settings: AlertSettings) -> str | None:
    """The trigger a stored task state fires, or None if it is not a failure."""
    if record.get("lastStatus") != "STOPPED":
        return None
    stop_code = str(record.get("stopCode", ""))
    reason = str(record.get("stoppedReason", ""))
    if stop_code in _NOT_FAILURES:
        return None
    if stop_code == "ServiceSchedulerInitiated" and reason.startswith(_SCALE_IN_PREFIX):
        return None
    containers = record.get("containers", [])
    reasons = [reason, *(str(c.get("reason", "")) for c in containers)]
    if stop_code == "TaskFailedToStart" or any(
        marker in text for text in reasons for marker in _START_FAILURES
    ):
        return TASK_START_FAILURE
    if any(_is_failing_exit(c.get("exitCode"), settings.exit_codes) for c in containers):
        return TASK_EXIT
    return None


def task_alert(event: EcsEvent, record: dict[str, Any], settings: AlertSettings) -> Alert | None:
    kind = classify_task(record, settings)
    if kind is None or kind not in settings.triggers:
        return None
    family = str(record.get("taskDefinition", "")).split(":")[0]
    group = str(record.get("group", ""))
    service = group.removeprefix("service:") if group.startswith("service:") else ""
    if settings.families and family not in settings.families:
        return None
    if settings.services and service not in settings.services:
        return None
    return _render_task(event, record, kind, family, service, settings)


def service_alert(event: EcsEvent, settings: AlertSettings) -> Alert | None:
    """A failed deployment, or a WARN/ERROR service action, as an alert (or None)."""
    detail = event.detail
    name = str(detail.get("eventName", ""))
    event_type = str(detail.get("eventType", ""))
    if event.detail_type == DEPLOYMENT_STATE_CHANGE:
        kind = DEPLOYMENT_FAILURE if name == "SERVICE_DEPLOYMENT_FAILED" else None
    else:
        kind = SERVICE_ACTION if event_type in ("WARN", "ERROR") else None
    if kind is None or kind not in settings.triggers:
        return None
    service_arn = next((r for r in event.resources if ":service/" in r), "")
    cluster, service = _service_names(service_arn, str(detail.get("clusterArn", "")))
    if settings.services and service not in settings.services:
        return None
    return _render_service(event, kind, cluster, service, service_arn)


# --- rendering ------------------------------------------------------------------------


def _render_task(
    event: EcsEvent,
    record: dict[str, Any],
    kind: str,
    family: str,
    service: str,
    settings: AlertSettings,
) -> Alert:
    cluster = str(record.get("cluster", ""))
    task_arn = str(record["taskArn"])
    task_id = task_arn.rsplit("/", 1)[-1]
    reason = str(record.get("stoppedReason", ""))
    containers = record.get("containers", [])
    failing = [
        c
        for c in containers
        if _is_failing_exit(c.get("exitCode"), settings.exit_codes)
        or (kind == TASK_START_FAILURE and c.get("reason"))
    ]
    started, stopped = record.get("startedAt"), record.get("stoppedAt")
    created = record.get("createdAt")

    if kind == TASK_START_FAILURE:
        cause = _first_reason(failing) or reason
        headline = f"failed to start: {_short_reason(cause)}"
    else:
        worst = failing[0]
        headline = f"{worst.get('name')} exited {worst.get('exitCode')}"
        if worst.get("exitCode") == 137 and "OutOfMemory" in str(worst.get("reason", "")):
            headline += " (out of memory)"
    subject = _subject(f"ECS task {family or task_id} {headline} in {cluster}")

    lines = [f"Task {record.get('taskDefinition', task_id)} {headline}.", ""]
    where = (service and f"service {service}") or str(record.get("group", ""))
    lines.append(f"Family:    {family}   Group: {where or '-'}")
    lines.append(f"Cluster:   {cluster}   Account: {event.account}   Region: {event.region}")
    stop_code = record.get("stopCode", "")
    lines.append(f"Stopped:   {stop_code or '-'}: {reason or '-'}")
    meaning = explain_reason(reason)
    if meaning:
        lines.append(f"           {meaning}")
    lines += ["", "Containers:"]
    for container in containers:
        lines += _container_lines(container)
    lines.append("")
    if started:
        lines.append(f"Started:   {_clock(started)}")
    if stopped:
        ran_from = started or created
        span = f" ({'ran' if started else 'failed after'} {_duration(stopped - ran_from)})"
        lines.append(f"Stopped:   {_clock(stopped)}{span if ran_from else ''}")
    console = _console(event.region, task_arn, f"clusters/{cluster}/tasks/{task_id}/configuration")
    lines.append(f"Task:      {console}")

    document = {
        "kind": kind,
        "severity": "ERROR",
        "summary": subject,
        "account": event.account,
        "region": event.region,
        "cluster": cluster,
        "family": family,
        "service": service or None,
        "group": record.get("group"),
        "taskArn": task_arn,
        "taskDefinition": record.get("taskDefinition"),
        "stopCode": stop_code or None,
        "stoppedReason": reason or None,
        "containers": [
            {
                "name": c.get("name"),
                "exitCode": c.get("exitCode"),
                "reason": c.get("reason"),
                "meaning": _container_meaning(c),
            }
            for c in containers
        ],
        "startedAt": _iso(started),
        "stoppedAt": _iso(stopped),
        "consoleUrl": console,
        "eventId": event.id,
    }
    return Alert(
        key=task_arn,
        kind=kind,
        severity="ERROR",
        subject=subject,
        text="\n".join(lines) + "\n",
        document=document,
        cluster=cluster,
        family=family,
        attributes=_attributes(event, cluster, family, "ERROR", kind),
    )


def _render_service(
    event: EcsEvent, kind: str, cluster: str, service: str, service_arn: str
) -> Alert:
    detail = event.detail
    name = str(detail.get("eventName", ""))
    severity = str(detail.get("eventType", "ERROR"))
    reason = str(detail.get("reason", ""))
    if kind == DEPLOYMENT_FAILURE:
        headline = "deployment failed"
        meaning = "the deployment circuit breaker rolled back or stopped the deployment"
    else:
        headline = name.removeprefix("SERVICE_").replace("_", " ").lower()
        meaning = _PLACEMENT_REASONS.get(reason) or explain_reason(reason) or ""
    subject = _subject(f"ECS service {service or '?'} {headline} in {cluster or '?'}")
    lines = [f"Service {service or service_arn} {headline}.", ""]
    lines.append(f"Event:     {name} ({severity})")
    lines.append(f"Cluster:   {cluster or '-'}   Account: {event.account}   Region: {event.region}")
    lines.append(f"Reason:    {reason or '-'}")
    if meaning:
        lines.append(f"           {meaning}")
    if detail.get("deploymentId"):
        lines.append(f"Deploy id: {detail['deploymentId']}")
    lines.append(f"At:        {event.time}")
    tab = "deployments" if kind == DEPLOYMENT_FAILURE else "health"
    console = _console(event.region, service_arn, f"clusters/{cluster}/services/{service}/{tab}")
    if cluster and service:
        lines.append(f"Service:   {console}")
    document = {
        "kind": kind,
        "severity": severity,
        "summary": subject,
        "account": event.account,
        "region": event.region,
        "cluster": cluster or None,
        "service": service or None,
        "serviceArn": service_arn or None,
        "eventName": name,
        "reason": reason or None,
        "meaning": meaning or None,
        "deploymentId": detail.get("deploymentId"),
        "consoleUrl": console if cluster and service else None,
        "eventId": event.id,
        "time": event.time,
    }
    family = f"service/{service}" if service else "service"
    return Alert(
        key=event.id,
        kind=kind,
        severity=severity,
        subject=subject,
        text="\n".join(lines) + "\n",
        document=document,
        cluster=cluster,
        family=family,
        attributes=_attributes(event, cluster, family, severity, kind),
    )


def _container_lines(container: dict[str, Any]) -> list[str]:
    code = container.get("exitCode")
    status = f"exit {code}" if code is not None else str(container.get("lastStatus", "?"))
    lines = [f"  {container.get('name', '?')}: {status}"]
    if container.get("reason"):
        lines.append(f"    reason:  {container['reason']}")
    meaning = _container_meaning(container)
    if meaning:
        lines.append(f"    meaning: {meaning}")
    if container.get("image"):
        lines.append(f"    image:   {container['image']}")
    return lines


def _container_meaning(container: dict[str, Any]) -> str | None:
    code = container.get("exitCode")
    reason = str(container.get("reason", ""))
    if isinstance(code, int):
        return explain_exit(code, reason)
    return explain_reason(reason)


def _first_reason(containers: list[dict[str, Any]]) -> str:
    return next((str(c["reason"]) for c in containers if c.get("reason")), "")


def _short_reason(text: str) -> str:
    return text.split(":", 1)[0].strip() or text


def _subject(text: str) -> str:
    ascii_text = text.encode("ascii", "replace").decode().replace("\n", " ")
    if len(ascii_text) <= _SUBJECT_LIMIT:
        return ascii_text
    return ascii_text[: _SUBJECT_LIMIT - 3] + "..."


def _service_names(service_arn: str, cluster_arn: str) -> tuple[str, str]:
    """(cluster, service) from arn:...:service/<cluster>/<service> (or the old
    arn:...:service/<service>, whose cluster comes from the detail if at all)."""
    path = service_arn.split(":service/", 1)[1] if ":service/" in service_arn else ""
    cluster = cluster_arn.split(":cluster/", 1)[1] if ":cluster/" in cluster_arn else ""
    if "/" in path:
        cluster, service = path.split("/", 1)
    else:
        service = path
    return cluster, service


def _attributes(
    event: EcsEvent, cluster: str, family: str, severity: str, kind: str
) -> dict[str, str]:
    # SNS rejects empty attribute values; subscribers filter on the ones present. In a
    # fleet, account and region let a team subscribe to its own accounts' alerts only.
    values = {
        "cluster": cluster,
        "family": family,
        "severity": severity,
        "kind": kind,
        "account": event.account,
        "region": event.region,
    }
    return {name: value for name, value in values.items() if value}


def _console(region: str, arn: str, path: str) -> str:
    partition = arn.split(":")[1] if arn.count(":") > 2 else "aws"
    domain = {
        "aws-cn": "console.amazonaws.cn",
        "aws-us-gov": "console.amazonaws-us-gov.com",
    }.get(partition, "console.aws.amazon.com")
    return f"https://{region}.{domain}/ecs/v2/{path}?region={region}"


def _clock(millis: int) -> str:
    return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _iso(millis: object) -> str | None:
    if not isinstance(millis, int):
        return None
    return datetime.fromtimestamp(millis / 1000, UTC).isoformat(timespec="milliseconds")


def _duration(millis: int) -> str:
    seconds = max(0, int(millis // 1000))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m {seconds}s"
    return f"{minutes}m {seconds}s" if minutes else f"{seconds}s"


# --- sending --------------------------------------------------------------------------


def sns_message(alert: Alert) -> dict[str, Any]:
    """PublishInput: plain text for people (email), JSON for machines (SQS, Lambda, HTTP)."""
    machine = json.dumps(alert.document, default=str)
    message = {
        "default": alert.text,
        "email": alert.text,
        "email-json": machine,
        "sqs": machine,
        "lambda": machine,
        "http": machine,
        "https": machine,
        "firehose": machine,
    }
    return {
        "Subject": alert.subject,
        "Message": json.dumps(message),
        "MessageStructure": "json",
        "MessageAttributes": {
            name: {"DataType": "String", "StringValue": value}
            for name, value in alert.attributes.items()
        },
    }


def failure_metric(alert: Alert, settings: AlertSettings, now: float) -> str:
    """One embedded-metric-format line: Failures by Cluster and Family, by Cluster, and
    for the whole Stack (the dimension the module's alarm watches)."""
    return json.dumps(
        {
            "_aws": {
                "Timestamp": int(now * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": settings.metric_namespace,
                        "Dimensions": [["Cluster", "Family"], ["Cluster"], ["Stack"]],
                        "Metrics": [{"Name": "Failures", "Unit": "Count"}],
                    }
                ],
            },
            "Cluster": alert.cluster or "unknown",
            "Family": alert.family or "unknown",
            "Stack": settings.stack,
            "Kind": alert.kind,
            "Failures": 1,
        }
    )


class AlertSender:
    """Sends each alert once: claim it in the alerts table, publish, mark it sent."""

    def __init__(
        self,
        settings: AlertSettings,
        dynamodb: Any,
        sns: Any,
        clock: Callable[[], float] = time.time,
        metrics_out: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.dynamodb = dynamodb
        self.sns = sns
        self.clock = clock
        self.metrics_out = metrics_out or _print_line

    def send_once(self, alert: Alert) -> str:
        """SENT, or ALREADY_SENT when this alert was sent (or is being sent) before.
        Raises when the publish fails, after giving the claim back, so a retry sends it."""
        now = int(self.clock())
        key = {ALERT_KEY: {"S": alert.key}}
        if not self._claim(alert, now):
            return ALREADY_SENT
        try:
            self.sns.publish(TopicArn=self.settings.topic_arn, **sns_message(alert))
        except Exception:
            self._release(key, now)
            raise
        self.metrics_out(failure_metric(alert, self.settings, now))
        try:
            self.dynamodb.update_item(
                TableName=self.settings.table_name,
                Key=key,
                UpdateExpression="SET #status = :sent, sentAt = :now",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":sent": {"S": SENT}, ":now": {"N": str(now)}},
            )
        except ClientError as error:
            # The alert is out. With the mark lost, a redelivery after the claim
            # expires may send it again: at least once, never lost.
            LOGGER.warning(
                "alert sent but not marked sent",
                extra={"alertKey": alert.key, "reason": str(error)},
            )
        return SENT

    def _claim(self, alert: Alert, now: int) -> bool:
        try:
            self.dynamodb.put_item(
                TableName=self.settings.table_name,
                Item={
                    ALERT_KEY: {"S": alert.key},
                    "status": {"S": CLAIMED},
                    "claimedAt": {"N": str(now)},
                    "kind": {"S": alert.kind},
                    "expiresAt": {"N": str(now + _REMEMBER_SECONDS)},
                },
                # Free, or claimed by a delivery that died before it could publish.
                ConditionExpression="attribute_not_exists(#key) OR "
                "(#status = :claimed AND claimedAt < :stale)",
                ExpressionAttributeNames={"#key": ALERT_KEY, "#status": "status"},
                ExpressionAttributeValues={
                    ":claimed": {"S": CLAIMED},
                    ":stale": {"N": str(now - self.settings.claim_seconds)},
                },
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _release(self, key: dict[str, Any], claimed_at: int) -> None:
        # If this fails too, the claim simply expires after claim_seconds.
        with contextlib.suppress(ClientError):
            self.dynamodb.delete_item(
                TableName=self.settings.table_name,
                Key=key,
                ConditionExpression="#status = :claimed AND claimedAt = :mine",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":claimed": {"S": CLAIMED},
                    ":mine": {"N": str(claimed_at)},
                },
            )


def _print_line(line: str) -> None:
    # EMF lines go to stdout as they are; CloudWatch Logs extracts the metric.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()

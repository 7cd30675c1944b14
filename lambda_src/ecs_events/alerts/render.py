"""How an alert reads: subject, plain text for people, JSON facts for machines, the SNS
message that carries both, and the failure metric line."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..config import DEPLOYMENT_FAILURE, TASK_START_FAILURE, AlertSettings
from ..events import EcsEvent
from .explain import PLACEMENT_REASONS, container_meaning, explain_reason, is_failing_exit

# SNS limits a subject to 100 printable ASCII characters.
_SUBJECT_LIMIT = 100


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


def render_task(
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
        if is_failing_exit(c.get("exitCode"), settings.exit_codes)
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
                "meaning": container_meaning(c),
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


def render_service(
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
        meaning = PLACEMENT_REASONS.get(reason) or explain_reason(reason) or ""
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
    meaning = container_meaning(container)
    if meaning:
        lines.append(f"    meaning: {meaning}")
    if container.get("image"):
        lines.append(f"    image:   {container['image']}")
    return lines


def _first_reason(containers: list[dict[str, Any]]) -> str:
    return next((str(c["reason"]) for c in containers if c.get("reason")), "")


def _short_reason(text: str) -> str:
    return text.split(":", 1)[0].strip() or text


def _subject(text: str) -> str:
    ascii_text = text.encode("ascii", "replace").decode().replace("\n", " ")
    if len(ascii_text) <= _SUBJECT_LIMIT:
        return ascii_text
    return ascii_text[: _SUBJECT_LIMIT - 3] + "..."


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

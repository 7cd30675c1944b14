"""How an alert reads: subject, plain text for people, JSON facts for machines, the SNS
message that carries both, and the failure metric line."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from ..config import DEPLOYMENT_FAILURE, SPOT_INTERRUPTION, TASK_START_FAILURE, AlertSettings
from ..events import EcsEvent
from ..times import format_clock, format_duration, format_iso
from . import size
from .chat import chat_message
from .explain import (
    PLACEMENT_REASONS,
    container_meaning,
    explain_reason,
    explain_stop_code,
    is_failing_exit,
)
from .redact import override_values
from .sanitize import visible, visible_data

# SNS limits a subject to 100 printable ASCII characters.
_SUBJECT_LIMIT = 100


@dataclass(frozen=True)
class Alert:
    key: str  # what makes it "the same alert": a task ARN, or "<detail-type>/<event id>"
    kind: str  # one of the triggers in config
    severity: str
    subject: str
    text: str
    document: dict[str, Any]  # the same facts for machines
    cluster: str
    family: str  # task definition family, or "service/<name>", "daemon/<name>", ...
    attributes: dict[str, str] = field(default_factory=dict)
    # What failures of one family have in common when they are "the same" (storms).
    reason: str = ""
    # For the chat form: the headline, the key facts, what to do, where to look.
    headline: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    advice: str = ""
    links: tuple[tuple[str, str], ...] = ()
    # Paragraphs added after rendering (storm count, last log lines): first line, then body.
    notes: tuple[str, ...] = ()
    # The task's environment-override values: never shown, redacted from its log lines.
    secrets: tuple[str, ...] = field(default=(), repr=False)


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
        cause = _first_reason(failing) or reason or "no reason given"
        headline = f"failed to start: {_short_reason(cause)}"
    elif kind == SPOT_INTERRUPTION:
        headline = f"interrupted ({record.get('stopCode')})"
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
    meaning = explain_reason(reason) or explain_stop_code(str(stop_code))
    if meaning:
        lines.append(f"           {meaning}")
    lines += ["", "Containers:"]
    for container in containers:
        lines += _container_lines(container)
    lines.append("")
    if started:
        lines.append(f"Started:   {format_clock(started)}")
    if stopped:
        ran_from = started or created
        span = f" ({'ran' if started else 'failed after'} {format_duration(stopped - ran_from)})"
        lines.append(f"Stopped:   {format_clock(stopped)}{span if ran_from else ''}")
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
        "startedAt": format_iso(started),
        "stoppedAt": format_iso(stopped),
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
        reason=headline,
        headline=f"Task {record.get('taskDefinition', task_id)} {headline}",
        facts=(
            ("Cluster", cluster),
            ("Group", where or "-"),
            ("Stopped", f"{stop_code or '-'}: {reason or '-'}"),
            *((str(c.get("name", "?")), _container_status(c)) for c in containers),
        ),
        advice=meaning or next(filter(None, map(container_meaning, failing)), "") or "",
        links=(("Task in the ECS console", console),),
        secrets=override_values(event.detail),
    )


def render_service(
    event: EcsEvent, kind: str, cluster: str, service: str, service_arn: str
) -> Alert:
    detail = event.detail
    name = str(detail.get("eventName", ""))
    severity = severity_of(detail)
    reason = str(detail.get("reason") or "")
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
        key=event_key(event),
        kind=kind,
        severity=severity,
        subject=subject,
        text="\n".join(lines) + "\n",
        document=document,
        cluster=cluster,
        family=family,
        attributes=_attributes(event, cluster, family, severity, kind),
        reason=f"{name} {reason}",
        headline=f"Service {service or service_arn} {headline}",
        facts=(("Cluster", cluster or "-"), ("Event", f"{name} ({severity})"), ("Reason", reason)),
        advice=meaning,
        links=(("Service in the ECS console", console),) if cluster and service else (),
    )


def event_key(event: EcsEvent) -> str:
    """Events without a version are the same alert when detail-type and id match: AWS's
    own examples reuse one id across types, so the id alone is not enough."""
    return f"{event.detail_type}/{event.id}"


def severity_of(detail: dict[str, Any]) -> str:
    """ERROR or WARN: service actions say WARN, the newer types WARNING."""
    value = str(detail.get("eventType") or "ERROR").upper()
    return "WARN" if value == "WARNING" else value


@dataclass(frozen=True)
class Facts:
    """What an alert about a non-task event says, before it is laid out."""

    kind: str
    what: str  # "Container instance i-0123 in default"
    headline: str  # "is IMPAIRED: CONTAINER_RUNTIME"
    cluster: str
    family: str
    severity: str
    reason: str
    meaning: str
    rows: tuple[tuple[str, str], ...]
    console: str | None
    document: dict[str, Any]


def render_event(event: EcsEvent, facts: Facts) -> Alert:
    """Instance health, daemon and hook alerts: one layout, the same quality as tasks."""
    subject = _subject(f"ECS {facts.what} {facts.headline}")
    lines = [f"{facts.what[0].upper()}{facts.what[1:]} {facts.headline}.", ""]
    # Labels in one column, as wide as the task alert's ("Cluster:   ").
    width = max(11, *(len(label) + 2 for label, _ in facts.rows))
    for label, value in facts.rows:
        lines.append(f"{label + ':':<{width}}{value}")
    lines.append(
        f"{'Cluster:':<{width}}{facts.cluster or '-'}   Account: {event.account}   "
        f"Region: {event.region}"
    )
    if facts.meaning:
        lines += ["", facts.meaning]
    lines += ["", f"{'At:':<{width}}{event.time}"]
    if facts.console:
        lines.append(f"{'Console:':<{width}}{facts.console}")
    document = {
        "kind": facts.kind,
        "severity": facts.severity,
        "summary": subject,
        "account": event.account,
        "region": event.region,
        "cluster": facts.cluster or None,
        **facts.document,
        "meaning": facts.meaning or None,
        "consoleUrl": facts.console,
        "eventId": event.id,
        "detailType": event.detail_type,
        "time": event.time,
    }
    return Alert(
        key=event_key(event),
        kind=facts.kind,
        severity=facts.severity,
        subject=subject,
        text="\n".join(lines) + "\n",
        document=document,
        cluster=facts.cluster,
        family=facts.family,
        attributes=_attributes(event, facts.cluster, facts.family, facts.severity, facts.kind),
        reason=facts.reason,
        headline=f"{facts.what[0].upper()}{facts.what[1:]} {facts.headline}",
        facts=(("Cluster", facts.cluster or "-"), *facts.rows),
        advice=facts.meaning,
        links=(("ECS console", facts.console),) if facts.console else (),
    )


def console_url(region: str, arn: str, path: str) -> str:
    return _console(region, arn, path)


def with_note(alert: Alert, note: str, fields: dict[str, Any], subject_suffix: str = "") -> Alert:
    """The alert with a paragraph added (last log lines, a storm count) and its facts."""
    subject = alert.subject
    if subject_suffix:
        room = _SUBJECT_LIMIT - len(subject_suffix)
        subject = (
            subject if len(subject) <= room else subject[: room - 3] + "..."
        ) + subject_suffix
    return replace(
        alert,
        subject=subject,
        text=alert.text + "\n" + note.rstrip("\n") + "\n",
        document={**alert.document, **fields, "summary": subject},
        notes=(*alert.notes, note),
    )


def _container_status(container: dict[str, Any]) -> str:
    code = container.get("exitCode")
    status = f"exit {code}" if code is not None else str(container.get("lastStatus", "?"))
    if container.get("reason"):
        status += f" ({container['reason']})"
    return status


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


def sns_message(
    alert: Alert, chat: bool = False, limit: int = size.SNS_MESSAGE_LIMIT_BYTES
) -> dict[str, Any]:
    """PublishInput: plain text for people (email), JSON for machines (SQS, Lambda, HTTP),
    and with `chat`, the chat form for HTTPS (Amazon Q Developer in chat applications).
    Within SNS's size limit whatever the alert holds (alerts/size.py)."""
    request = _publish_input(alert, chat)
    for shrink in (
        *(lambda a: size.without_oldest_log_lines(a, 1) for _ in range(_MAX_LOG_LINE_CUTS)),
        size.with_long_values_cut,
        size.with_one_container,
    ):
        if size.publish_bytes(request) <= size.budget(limit):
            return request
        smaller = shrink(alert)
        if smaller is not None:
            alert = smaller
            request = _publish_input(alert, chat)
    if size.publish_bytes(request) <= size.budget(limit):
        return request
    return _publish_input(size.last_resort(alert), chat)


# More log lines than this are never read (config), so never cut one by one.
_MAX_LOG_LINE_CUTS = 50


def _publish_input(alert: Alert, chat: bool) -> dict[str, Any]:
    # ensure_ascii off: an emoji is its 4 UTF-8 bytes, not a 12-byte surrogate pair escaped
    # again (14 bytes) in the outer JSON. Control characters are made visible first.
    text = visible(alert.text)
    machine = json.dumps(visible_data(alert.document), default=str, ensure_ascii=False)
    message = {
        "default": text,
        "email": text,
        "email-json": machine,
        "sqs": machine,
        "lambda": machine,
        "http": machine,
        "https": json.dumps(chat_message(alert), ensure_ascii=False) if chat else machine,
        "firehose": machine,
    }
    return {
        "Subject": _subject(visible(alert.subject, newlines=False)),
        "Message": json.dumps(message, ensure_ascii=False),
        "MessageStructure": "json",
        "MessageAttributes": {
            name: {"DataType": "String", "StringValue": visible(value, newlines=False)}
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

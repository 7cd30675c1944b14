"""Which stored task states and which service events are alerts, and for whom."""

from __future__ import annotations

from typing import Any

from ..config import (
    DAEMON_FAILURE,
    DEPLOYMENT_FAILURE,
    HOOK_FAILURE,
    INSTANCE_HEALTH,
    SERVICE_ACTION,
    SPOT_INTERRUPTION,
    TASK_EXIT,
    TASK_START_FAILURE,
    AlertSettings,
)
from ..ecs import (
    DAEMON_DEPLOYMENT_STATE_CHANGE,
    DAEMON_SERVICE_ACTION,
    DEPLOYMENT_STATE_CHANGE,
    HOOK_STATE_CHANGE,
    INSTANCE_HEALTH_CHANGE,
    resource_path,
)
from ..ecs import (
    SERVICE_ACTION as SERVICE_ACTION_EVENT,
)
from ..events import EcsEvent
from .explain import (
    DAEMON_FAILURES,
    HEALTH_CHECKS,
    HOOK_FAILURES,
    NOT_FAILURES,
    SCALE_IN_PREFIX,
    SPOT_STOP_CODES,
    START_FAILURES,
    TASK_FAILED_TO_START,
    explain_reason,
    is_failing_exit,
)
from .render import (
    Alert,
    Facts,
    console_url,
    render_event,
    render_service,
    render_task,
    severity_of,
)

_FAILING_EVENT_TYPES = ("WARN", "ERROR")  # after severity_of: WARNING reads as WARN


def classify_task(record: dict[str, Any], settings: AlertSettings) -> str | None:
    """The trigger a stored task state fires, or None if it is not a failure."""
    if record.get("lastStatus") != "STOPPED":
        return None
    stop_code = str(record.get("stopCode", ""))
    reason = str(record.get("stoppedReason", ""))
    if stop_code in NOT_FAILURES:
        return None
    if reason.startswith(SCALE_IN_PREFIX):
        return None
    if stop_code in SPOT_STOP_CODES:
        return SPOT_INTERRUPTION
    containers = record.get("containers", [])
    reasons = [reason, *(str(c.get("reason", "")) for c in containers)]
    if (
        stop_code == "TaskFailedToStart"
        or TASK_FAILED_TO_START in reason
        or any(marker in text for text in reasons for marker in START_FAILURES)
    ):
        return TASK_START_FAILURE
    # Older events and some paths carry no stopCode: a task that never reached RUNNING
    # and that no one stopped on purpose did not start.
    if not stop_code and "startedAt" not in record and not _stopped_on_purpose(reason):
        return TASK_START_FAILURE
    if any(is_failing_exit(c.get("exitCode"), settings.exit_codes) for c in containers):
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
    return render_task(event, record, kind, family, service, settings)


def _stopped_on_purpose(reason: str) -> bool:
    text = reason.lower()
    return "stopped by user" in text or "user initiated" in text or "deployment" in text


def service_alert(event: EcsEvent, settings: AlertSettings) -> Alert | None:
    """Any event without a version as an alert (or None): failed deployments, WARN/ERROR
    service actions, impaired instances, failing daemons and hooks."""
    other = _OTHER_EVENTS.get(event.detail_type)
    if other is not None:
        return other(event, settings)
    detail = event.detail
    name = str(detail.get("eventName", ""))
    if event.detail_type == DEPLOYMENT_STATE_CHANGE:
        kind = DEPLOYMENT_FAILURE if name == "SERVICE_DEPLOYMENT_FAILED" else None
    elif event.detail_type == SERVICE_ACTION_EVENT:
        kind = SERVICE_ACTION if severity_of(detail) in _FAILING_EVENT_TYPES else None
    else:
        kind = None
    if kind is None or kind not in settings.triggers:
        return None
    service_arn = next((r for r in event.resources if ":service/" in r), "")
    cluster, service = _service_names(service_arn, str(detail.get("clusterArn", "")))
    if settings.services and service not in settings.services:
        return None
    return render_service(event, kind, cluster, service, service_arn)


def _service_names(service_arn: str, cluster_arn: str) -> tuple[str, str]:
    """(cluster, service) from arn:...:service/<cluster>/<service> (or the old
    arn:...:service/<service>, whose cluster comes from the detail if at all)."""
    path = resource_path(service_arn, "service")
    cluster = resource_path(cluster_arn, "cluster")
    if "/" in path:
        cluster, service = path.split("/", 1)
    else:
        service = path
    return cluster, service


# --- the newer event types ------------------------------------------------------------


def _instance_health_alert(event: EcsEvent, settings: AlertSettings) -> Alert | None:
    detail = event.detail
    if detail.get("overallStatus") != "IMPAIRED" or INSTANCE_HEALTH not in settings.triggers:
        return None
    checks = [c for c in detail.get("healthChecks") or [] if isinstance(c, dict)]
    failing = [c for c in checks if c.get("status") == "IMPAIRED"]
    names = [str(c.get("type") or "?") for c in failing] or ["unknown check"]
    cluster = resource_path(str(detail.get("clusterArn") or ""), "cluster")
    instance_arn = str(detail.get("containerInstanceArn") or "")
    instance = str(detail.get("ec2InstanceId") or "") or instance_arn.rsplit("/", 1)[-1]
    rows = [("Instance", f"{instance} ({instance_arn.rsplit('/', 1)[-1] or '-'})")]
    if detail.get("capacityProviderName"):
        rows.append(("Capacity", str(detail["capacityProviderName"])))
    for check in failing:
        rows.append(("Failing", f"{check.get('type')}: {check.get('statusReason') or 'IMPAIRED'}"))
    meaning = "; ".join(HEALTH_CHECKS[n] for n in names if n in HEALTH_CHECKS)
    console = console_url(event.region, instance_arn, f"clusters/{cluster}/infrastructure")
    return render_event(
        event,
        Facts(
            kind=INSTANCE_HEALTH,
            what=f"container instance {instance}",
            headline=f"is IMPAIRED: {', '.join(names)}",
            cluster=cluster,
            family=f"instance/{cluster}",
            severity="ERROR",
            reason=",".join(sorted(names)),
            meaning=meaning,
            rows=tuple(rows),
            console=console if cluster else None,
            document={
                "containerInstanceArn": instance_arn or None,
                "ec2InstanceId": detail.get("ec2InstanceId"),
                "overallStatus": "IMPAIRED",
                "healthChecks": [
                    {
                        "type": c.get("type"),
                        "status": c.get("status"),
                        "reason": c.get("statusReason"),
                    }
                    for c in checks
                ],
            },
        ),
    )


def _daemon_alert(event: EcsEvent, settings: AlertSettings) -> Alert | None:
    detail = event.detail
    severity = severity_of(detail)
    name = str(detail.get("eventName") or "")
    failed = severity in _FAILING_EVENT_TYPES or name.endswith("FAILED")
    if not failed or DAEMON_FAILURE not in settings.triggers:
        return None
    daemon_arn = str(detail.get("daemonArn") or "") or next(
        (r for r in event.resources if ":daemon/" in r), ""
    )
    cluster = resource_path(str(detail.get("clusterArn") or ""), "cluster") or (
        resource_path(daemon_arn, "daemon").split("/")[0] if "/" in daemon_arn else ""
    )
    daemon = daemon_arn.rsplit("/", 1)[-1] if daemon_arn else "?"
    reason = str(detail.get("reason") or "")
    failure_type = str(detail.get("failureType") or "")
    if event.detail_type == DAEMON_SERVICE_ACTION:
        headline = f"could not start a task ({failure_type or name})"
        meaning = DAEMON_FAILURES.get(failure_type, "")
    else:
        headline = name.removeprefix("DAEMON_").replace("_", " ").lower() or "deployment failed"
        meaning = "the daemon deployment failed; instances may run a mix of revisions"
    extra = explain_reason(reason)
    meaning = "; ".join(filter(None, (meaning, extra)))
    rows = [("Event", f"{name} ({severity})"), ("Reason", reason or "-")]
    if detail.get("containerInstanceArn"):
        rows.append(("Instance", str(detail["containerInstanceArn"]).rsplit("/", 1)[-1]))
    if detail.get("taskArn"):
        rows.append(("Task", str(detail["taskArn"]).rsplit("/", 1)[-1]))
    if detail.get("daemonDeploymentArn"):
        rows.append(("Deploy", str(detail["daemonDeploymentArn"]).rsplit("/", 1)[-1]))
    return render_event(
        event,
        Facts(
            kind=DAEMON_FAILURE,
            what=f"daemon {daemon}",
            headline=headline,
            cluster=cluster,
            family=f"daemon/{daemon}",
            severity=severity,
            reason=f"{name} {failure_type} {reason.split(':', 1)[0]}",
            meaning=meaning,
            rows=tuple(rows),
            console=console_url(event.region, daemon_arn, f"clusters/{cluster}/daemons")
            if cluster
            else None,
            document={
                "daemonArn": daemon_arn or None,
                "eventName": name or None,
                "failureType": failure_type or None,
                "reason": reason or None,
                "taskArn": detail.get("taskArn"),
                "containerInstanceArn": detail.get("containerInstanceArn"),
                "daemonDeploymentArn": detail.get("daemonDeploymentArn"),
            },
        ),
    )


def _hook_alert(event: EcsEvent, settings: AlertSettings) -> Alert | None:
    detail = event.detail
    status = str(detail.get("status") or detail.get("hookStatus") or "")
    if status not in HOOK_FAILURES or HOOK_FAILURE not in settings.triggers:
        return None
    service_arn = str(detail.get("serviceArn") or "") or next(
        (r for r in event.resources if ":service/" in r), ""
    )
    cluster, service = _service_names(service_arn, str(detail.get("clusterArn") or ""))
    if settings.services and service not in settings.services:
        return None
    stage = str(detail.get("lifecycleStage") or "")
    target = str(detail.get("targetArn") or detail.get("targetType") or "-")
    rows = [
        ("Hook", f"{detail.get('hookId') or '?'} at {stage or '?'}"),
        ("Target", target),
        ("Timeout", f"then {detail.get('timeoutAction') or '?'}"),
    ]
    if detail.get("reason"):
        rows.append(("Reason", str(detail["reason"])))
    return render_event(
        event,
        Facts(
            kind=HOOK_FAILURE,
            what=f"service {service or '?'} deployment hook",
            headline=status.replace("_", " ").lower(),
            cluster=cluster,
            family=f"service/{service}" if service else "service",
            severity="ERROR",
            reason=f"hook {stage} {status}",
            meaning=HOOK_FAILURES[status],
            rows=tuple(rows),
            console=console_url(
                event.region, service_arn, f"clusters/{cluster}/services/{service}/deployments"
            )
            if cluster and service
            else None,
            document={
                "service": service or None,
                "serviceArn": service_arn or None,
                "hookId": detail.get("hookId"),
                "hookStatus": status,
                "lifecycleStage": stage or None,
                "targetArn": detail.get("targetArn"),
                "serviceDeploymentArn": detail.get("serviceDeploymentArn"),
            },
        ),
    )


_OTHER_EVENTS = {
    INSTANCE_HEALTH_CHANGE: _instance_health_alert,
    DAEMON_SERVICE_ACTION: _daemon_alert,
    DAEMON_DEPLOYMENT_STATE_CHANGE: _daemon_alert,
    HOOK_STATE_CHANGE: _hook_alert,
}

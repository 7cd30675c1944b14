"""Which stored task states and which service events are alerts, and for whom."""

from __future__ import annotations

from typing import Any

from ..config import (
    DEPLOYMENT_FAILURE,
    SERVICE_ACTION,
    TASK_EXIT,
    TASK_START_FAILURE,
    AlertSettings,
)
from ..events import DEPLOYMENT_STATE_CHANGE, EcsEvent
from .explain import (
    NOT_FAILURES,
    SCALE_IN_PREFIX,
    START_FAILURES,
    is_failing_exit,
)
from .render import Alert, render_service, render_task


def classify_task(record: dict[str, Any], settings: AlertSettings) -> str | None:
    """The trigger a stored task state fires, or None if it is not a failure."""
    if record.get("lastStatus") != "STOPPED":
        return None
    stop_code = str(record.get("stopCode", ""))
    reason = str(record.get("stoppedReason", ""))
    if stop_code in NOT_FAILURES:
        return None
    if stop_code == "ServiceSchedulerInitiated" and reason.startswith(SCALE_IN_PREFIX):
        return None
    containers = record.get("containers", [])
    reasons = [reason, *(str(c.get("reason", "")) for c in containers)]
    if stop_code == "TaskFailedToStart" or any(
        marker in text for text in reasons for marker in START_FAILURES
    ):
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
    return render_service(event, kind, cluster, service, service_arn)


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

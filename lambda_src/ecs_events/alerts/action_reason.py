"""AWS's own reason for a failed deployment, from the cluster's ECS Action Logs
(modules/action_logs), for the deployment-failure and daemon alerts.

A bounded, read-only lookup at alert time, like the container's last log lines
(last_words.py): one client that tries once and times out within the budget, at most
_MAX_PAGES pages of FilterLogEvents on the service's name, and the deadline checked before
each page. A deployment named by its serviceDeploymentArn is matched exactly; otherwise the
service's newest reason in the window before the alert is taken. No Action Logs group, no
matching record, an error or no time left: None, and the alert says nothing extra.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..action_logs import ActionLogRecord, parse_record
from ..config import DAEMON_FAILURE, DEPLOYMENT_FAILURE
from ..logs import LOGGER
from ..times import epoch_millis
from .render import Alert, with_note

_MAX_PAGES = 3
# Action Logs of a deployment that failed at the alert's moment: an hour before it covers a
# rollout up to its circuit breaker; a few minutes after covers delivery lag.
_WINDOW_BEFORE_MS = 3_600_000
_WINDOW_AFTER_MS = 300_000


def action_logs_group(cluster_name: str) -> str:
    """Where modules/action_logs delivers a cluster's Action Logs."""
    return f"/aws/events/ecs/action-logs/{cluster_name}"


class ActionReasonReader:
    def __init__(
        self,
        budget_seconds: float,
        logs: Callable[[str], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget_seconds
        self._make_logs = logs
        self._clients: dict[str, Any] = {}
        self.clock = clock

    def add_to(self, alert: Alert) -> Alert:
        """A deployment-failure or daemon alert with AWS's reason added; any other alert,
        or one ECS logged no reason for, unchanged. Never raises."""
        if alert.kind not in (DEPLOYMENT_FAILURE, DAEMON_FAILURE):
            return alert
        document = alert.document
        at = epoch_millis(document.get("time"))
        service_arn = str(document.get("serviceArn") or "")
        if at is None or not service_arn:
            return alert
        found = self.reason(service_arn, at, document.get("serviceDeploymentArn"))
        if found is None:
            return alert
        return with_note(alert, f"AWS's reason (ECS Action Logs): {found}", {"actionReason": found})

    def reason(
        self,
        service_arn: str,
        at_millis: int,
        service_deployment_arn: str | None = None,
    ) -> str | None:
        """The statusReason ECS logged for the deployment, or None. Never raises."""
        started = self.clock()
        try:
            found = self._read(
                service_arn, at_millis, service_deployment_arn, started + self.budget
            )
        except Exception as error:  # a throttle, a timeout, no such group: no reason, go on
            LOGGER.info("no action logs reason", extra={"error": type(error).__name__})
            return None
        return found

    def _read(
        self, service_arn: str, at_millis: int, deployment_arn: str | None, deadline: float
    ) -> str | None:
        parts = service_arn.split(":")
        # arn:aws:ecs:<region>:<account>:service/<cluster>/<service>
        if len(parts) < 6 or parts[5].count("/") != 2:
            return None
        region = parts[3]
        _, cluster, service = parts[5].split("/")
        request: dict[str, Any] = {
            "logGroupName": action_logs_group(cluster),
            "filterPattern": f'"{service}"',
            "startTime": at_millis - _WINDOW_BEFORE_MS,
            "endTime": at_millis + _WINDOW_AFTER_MS,
        }
        records: list[ActionLogRecord] = []
        for _ in range(_MAX_PAGES):
            if self.clock() >= deadline:
                break
            page = self._logs(region).filter_log_events(**request)
            parsed = (parse_record(event.get("message", "")) for event in page.get("events", []))
            records.extend(r for r in parsed if r is not None and r.service_arn == service_arn)
            token = page.get("nextToken")
            if not token:
                break
            request["nextToken"] = token
        if deployment_arn:
            records = [r for r in records if r.service_deployment_arn == deployment_arn]
        with_reason = [r for r in records if r.status_reason]
        if not with_reason:
            return None
        newest = max(with_reason, key=lambda r: r.timestamp_millis or 0)
        return newest.status_reason

    def _logs(self, region: str) -> Any:
        if region not in self._clients:
            make = self._make_logs or (lambda name: _client(name, self.budget))
            self._clients[region] = make(region)
        return self._clients[region]


def _client(region: str, budget: float) -> Any:
    import boto3
    from botocore.config import Config

    # One attempt, and no wait longer than the budget: a slow API costs the alert its
    # reason, never its delivery.
    config = Config(
        connect_timeout=max(budget / 2, 0.1),
        read_timeout=max(budget, 0.1),
        retries={"total_max_attempts": 1},
    )
    return boto3.client("logs", region_name=region or None, config=config)

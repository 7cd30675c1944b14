"""Lambda entry point: SQS batches of EventBridge events, or one bare EventBridge event.

Every event ends in exactly one outcome, logged as one JSON line: applied, duplicate,
stale, skipped or failed. A failed event is reported alone in `batchItemFailures`, so
SQS retries it and the DLQ keeps it; the rest of the batch is processed.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import events as ev
from .alerts import ALREADY_SENT, AlertSender, service_alert, task_alert
from .config import Settings
from .logs import configure, log_event
from .state import (
    APPLIED,
    CONTAINER_INSTANCE_KEY,
    DUPLICATE,
    TASK_KEY,
    container_instance_record,
    task_record,
    write_if_newer,
)

SKIPPED = "skipped"
FAILED = "failed"


class EventFailed(RuntimeError):
    """Raised for a bare (non-SQS) event that failed, so the invoker retries it."""


@dataclass
class Outcome:
    name: str
    fields: dict[str, Any] = field(default_factory=dict)


class Processor:
    """Turns events into table writes. Clients are passed in (tests) or made once (Lambda)."""

    def __init__(self, settings: Settings, dynamodb: Any, sns: Any = None) -> None:
        self.settings = settings
        self.dynamodb = dynamodb
        self.alerts = (
            AlertSender(settings.alerts, dynamodb, sns) if settings.alerts.enabled else None
        )
        self._routes: dict[str, Callable[[ev.EcsEvent], Outcome]] = {
            ev.TASK_STATE_CHANGE: self._task_state_change,
            ev.CONTAINER_INSTANCE_STATE_CHANGE: self._container_instance_state_change,
            ev.DEPLOYMENT_STATE_CHANGE: self._service_event,
            ev.SERVICE_ACTION: self._service_event,
            ev.INSTANCE_HEALTH_CHANGE: self._service_event,
            ev.DAEMON_SERVICE_ACTION: self._service_event,
            ev.DAEMON_DEPLOYMENT_STATE_CHANGE: self._service_event,
            ev.HOOK_STATE_CHANGE: self._service_event,
        }

    # --- entry points -----------------------------------------------------------------

    def process_batch(self, records: list[Any]) -> dict[str, list[dict[str, str]]]:
        failures = []
        for record in records:
            message_id = record.get("messageId", "") if isinstance(record, dict) else ""
            try:
                body = json.loads(record["body"])
            except (TypeError, KeyError, ValueError) as error:
                log_event(FAILED, messageId=message_id, reason=f"SQS body is not JSON: {error}")
                failures.append({"itemIdentifier": message_id})
                continue
            if self.process_event(body, messageId=message_id).name == FAILED:
                failures.append({"itemIdentifier": message_id})
        return {"batchItemFailures": failures}

    def process_event(self, raw: object, **log_fields: Any) -> Outcome:
        """Handle one event and log its outcome; never raises."""
        fields: dict[str, Any] = dict(log_fields)
        if isinstance(raw, dict):
            fields.update(eventId=raw.get("id"), detailType=raw.get("detail-type"))
        try:
            event = ev.parse_event(raw)
            outcome = self._route(event)
        except ev.MalformedEvent as error:
            outcome = Outcome(FAILED, {"reason": f"malformed event: {error}"})
        except Exception as error:  # a throttled write, a bug: fail this event, not the batch
            outcome = Outcome(FAILED, {"reason": f"{type(error).__name__}: {error}"})
        log_event(outcome.name, **fields, **outcome.fields)
        return outcome

    # --- routing ----------------------------------------------------------------------

    def _route(self, event: ev.EcsEvent) -> Outcome:
        if event.source != ev.ECS_SOURCE:
            return Outcome(SKIPPED, {"reason": f"source {event.source} is not {ev.ECS_SOURCE}"})
        route = self._routes.get(event.detail_type)
        if route is None:
            return Outcome(SKIPPED, {"reason": "detail-type not handled"})
        return route(event)

    def _task_state_change(self, event: ev.EcsEvent) -> Outcome:
        table = self._table(self.settings.task_table_name, "TASK_TABLE_NAME")
        record = task_record(event, self.settings.retention_days)
        result = write_if_newer(self.dynamodb, table, TASK_KEY, record)
        outcome = Outcome(result.outcome, _state_fields(record, TASK_KEY))
        # The stored state is this one (applied now, or by an earlier delivery of the
        # same version): if it is a failure, make sure its alert went out exactly once.
        # A stale state is older than what is stored, so it never alerts.
        if self.alerts and result.outcome in (APPLIED, DUPLICATE):
            alert = task_alert(event, record, self.settings.alerts)
            if alert is not None:
                outcome.fields["alert"] = self.alerts.send_once(alert)
        return outcome

    def _service_event(self, event: ev.EcsEvent) -> Outcome:
        """Deployments, service actions, instance health, daemon and hook events carry no
        version: only alerts care about them, deduplicated by (detail-type, event id)
        in the alerts table."""
        if self.alerts is None:
            return Outcome(SKIPPED, {"reason": "alerts are off"})
        alert = service_alert(event, self.settings.alerts)
        if alert is None:
            return Outcome(SKIPPED, {"reason": "not an alert"})
        sent = self.alerts.send_once(alert)
        return Outcome(DUPLICATE if sent == ALREADY_SENT else APPLIED, {"alert": sent})

    def _container_instance_state_change(self, event: ev.EcsEvent) -> Outcome:
        table = self._table(
            self.settings.container_instance_table_name, "CONTAINER_INSTANCE_TABLE_NAME"
        )
        record = container_instance_record(event, self.settings.retention_days)
        result = write_if_newer(self.dynamodb, table, CONTAINER_INSTANCE_KEY, record)
        return Outcome(result.outcome, _state_fields(record, CONTAINER_INSTANCE_KEY))

    @staticmethod
    def _table(name: str | None, variable: str) -> str:
        if not name:
            raise RuntimeError(f"{variable} is not set; cannot store this event")
        return name


def _state_fields(record: dict[str, Any], key: str) -> dict[str, Any]:
    fields = {"resource": record[key], "version": record["version"]}
    for name in ("lastStatus", "trimmed"):
        if name in record:
            fields[name] = record[name]
    return fields


def _is_sqs_batch(event: object) -> bool:
    return isinstance(event, dict) and isinstance(event.get("Records"), list)


@functools.cache
def default_processor() -> Processor:
    """One processor (and one set of clients) per Lambda process, made on first use."""
    import boto3
    from botocore.config import Config

    configure()
    settings = Settings.from_env()
    config = Config(retries={"mode": "standard", "max_attempts": 5})
    sns = boto3.client("sns", config=config) if settings.alerts.enabled else None
    return Processor(settings, boto3.client("dynamodb", config=config), sns)


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    processor = default_processor()
    if _is_sqs_batch(event):
        return processor.process_batch(event["Records"])
    outcome = processor.process_event(event)
    if outcome.name == FAILED:
        raise EventFailed(outcome.fields.get("reason", "event failed"))
    return {"outcome": outcome.name}

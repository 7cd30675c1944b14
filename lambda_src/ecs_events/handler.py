"""Lambda entry point: SQS batches of EventBridge events, or one bare EventBridge event.

Every event ends in exactly one outcome, logged as one JSON line: applied, duplicate,
stale, skipped or failed. A failed event is reported alone in `batchItemFailures`, so
SQS retries it and the DLQ keeps it; the rest of the batch is processed. Nothing a record
holds can raise out of the batch: a raise would make SQS redeliver every record in it.
Each batch also writes one embedded-metric-format line counting its outcomes.
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import ecs
from . import events as ev
from .alerts import ALREADY_SENT, AlertSender, service_alert, task_alert
from .alerts.incident import recovery_of
from .alerts.incident_state import WAKE_SOURCE
from .aws import RetryPolicy, remaining_seconds
from .config import Settings
from .logs import configure, log_event
from .metrics import emf_line, print_line
from .outcome import Outcome
from .state import (
    CONTAINER_INSTANCE_KEY,
    TASK_KEY,
    container_instance_record,
    task_record,
    write_if_newer,
)


class EventFailed(RuntimeError):
    """Raised for a bare (non-SQS) event that failed, so the invoker retries it."""


@dataclass
class Result:
    """What became of one event: its outcome's name and the fields its log line carries."""

    name: Outcome
    fields: dict[str, Any] = field(default_factory=dict)


class Processor:
    """Turns events into table writes. Clients are passed in (tests) or made once (Lambda)."""

    def __init__(
        self,
        settings: Settings,
        dynamodb: Any,
        sns: Any = None,
        retry: RetryPolicy | None = None,
        metrics_out: Callable[[str], None] | None = None,
        scheduler: Any = None,
    ) -> None:
        self.settings = settings
        self.dynamodb = dynamodb
        self.retry = retry or RetryPolicy()
        self.metrics_out = metrics_out or print_line
        self.alerts = (
            AlertSender(settings.alerts, dynamodb, sns, retry=self.retry, scheduler=scheduler)
            if settings.alerts.enabled
            else None
        )
        self._routes: dict[str, Callable[[ev.EcsEvent], Result]] = {
            ecs.TASK_STATE_CHANGE: self._task_state_change,
            ecs.CONTAINER_INSTANCE_STATE_CHANGE: self._container_instance_state_change,
            ecs.DEPLOYMENT_STATE_CHANGE: self._service_event,
            ecs.SERVICE_ACTION: self._service_event,
            ecs.INSTANCE_HEALTH_CHANGE: self._service_event,
            ecs.DAEMON_SERVICE_ACTION: self._service_event,
            ecs.DAEMON_DEPLOYMENT_STATE_CHANGE: self._service_event,
            ecs.HOOK_STATE_CHANGE: self._service_event,
        }

    # --- entry points -----------------------------------------------------------------

    def process_batch(self, records: list[Any]) -> dict[str, list[dict[str, str]]]:
        failures = []
        counts: dict[Outcome, int] = {}
        for record in records:
            name, message_id = self._process_record(record)
            counts[name] = counts.get(name, 0) + 1
            # An empty or missing itemIdentifier makes Lambda fail the WHOLE batch
            # (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html),
            # so a record that cannot be named is logged as failed and not reported: SQS
            # never delivers such a record, only a hand-made invocation can.
            if name == Outcome.FAILED and message_id:
                failures.append({"itemIdentifier": message_id})
        self._write_metrics(counts)
        return {"batchItemFailures": failures}

    def _process_record(self, record: object) -> tuple[Outcome, str]:
        """(outcome, messageId) of one SQS record; nothing in the record can raise out."""
        message_id = ""
        try:
            raw_id = record.get("messageId") if isinstance(record, dict) else None
            message_id = raw_id if isinstance(raw_id, str) else ""
            if not message_id:
                log_event(Outcome.FAILED, messageId="", reason="SQS record has no messageId")
                return Outcome.FAILED, ""
            try:
                body = json.loads(record["body"])  # type: ignore[index]
            except (RecursionError, TypeError, KeyError, ValueError) as error:
                # RecursionError: JSON nested deeper than the parser's stack.
                reason = f"SQS body is not JSON: {type(error).__name__}: {_short(error)}"
                log_event(Outcome.FAILED, messageId=message_id, reason=reason)
                return Outcome.FAILED, message_id
            return self.process_event(body, messageId=message_id).name, message_id
        except Exception as error:  # the last guard of the batch: fail this record alone
            with contextlib.suppress(Exception):  # logging must not fail an event
                log_event(Outcome.FAILED, messageId=message_id, reason=_reason(error))
            return Outcome.FAILED, message_id

    def process_event(self, raw: object, **log_fields: Any) -> Result:
        """Handle one event and log its outcome; never raises."""
        fields: dict[str, Any] = dict(log_fields)
        try:
            if isinstance(raw, dict):
                fields.update(
                    eventId=_loggable(raw.get("id")), detailType=_loggable(raw.get("detail-type"))
                )
            event = ev.parse_event(raw)
            outcome = self._route(event)
        except ev.MalformedEvent as error:
            outcome = Result(Outcome.FAILED, {"reason": f"malformed event: {_short(error)}"})
        except Exception as error:  # a throttled write, a bug: fail this event, not the batch
            outcome = Result(Outcome.FAILED, {"reason": _reason(error)})
        with contextlib.suppress(Exception):  # logging must not fail an event
            log_event(outcome.name, **fields, **outcome.fields)
        return outcome

    def _write_metrics(self, counts: dict[Outcome, int]) -> None:
        with contextlib.suppress(Exception):  # nor metrics
            self.metrics_out(outcome_metrics(counts, self.settings, time.time()))

    # --- routing ----------------------------------------------------------------------

    def _route(self, event: ev.EcsEvent) -> Result:
        if event.source == WAKE_SOURCE:
            return self._incident_wake(event)
        if event.source != ecs.ECS_SOURCE:
            return Result(
                Outcome.SKIPPED, {"reason": f"source {event.source} is not {ecs.ECS_SOURCE}"}
            )
        route = self._routes.get(event.detail_type)
        if route is None:
            return Result(Outcome.SKIPPED, {"reason": "detail-type not handled"})
        return route(event)

    def _task_state_change(self, event: ev.EcsEvent) -> Result:
        table = self._table(self.settings.task_table_name, "TASK_TABLE_NAME")
        record = task_record(event, self.settings.retention_days)
        result = self.retry.call(lambda: write_if_newer(self.dynamodb, table, TASK_KEY, record))
        outcome = Result(Outcome(result.outcome), _state_fields(record, TASK_KEY))
        # The stored state is this one (applied now, or by an earlier delivery of the
        # same version): if it is a failure, make sure its alert went out exactly once.
        # A stale state is older than what is stored, so it never alerts.
        if self.alerts and result.outcome in (Outcome.APPLIED, Outcome.DUPLICATE):
            alert = task_alert(event, record, self.settings.alerts)
            if alert is not None:
                outcome.fields["alert"] = self.alerts.send_once(alert, record)
        return outcome

    def _service_event(self, event: ev.EcsEvent) -> Result:
        """Deployments, service actions, instance health, daemon and hook events carry no
        version: only alerts care about them, deduplicated by (detail-type, event id)
        in the alerts table."""
        if self.alerts is None:
            return Result(Outcome.SKIPPED, {"reason": "alerts are off"})
        alert = service_alert(event, self.settings.alerts)
        if alert is None:
            return self._recovery(event) or Result(Outcome.SKIPPED, {"reason": "not an alert"})
        sent = self.alerts.send_once(alert)
        return Result(
            Outcome.DUPLICATE if sent == ALREADY_SENT else Outcome.APPLIED, {"alert": sent}
        )

    def _container_instance_state_change(self, event: ev.EcsEvent) -> Result:
        table = self._table(
            self.settings.container_instance_table_name, "CONTAINER_INSTANCE_TABLE_NAME"
        )
        record = container_instance_record(event, self.settings.retention_days)
        result = self.retry.call(
            lambda: write_if_newer(self.dynamodb, table, CONTAINER_INSTANCE_KEY, record)
        )
        outcome = Result(Outcome(result.outcome), _state_fields(record, CONTAINER_INSTANCE_KEY))
        recovered = (
            self._recovery(event)
            if result.outcome in (Outcome.APPLIED, Outcome.DUPLICATE)
            else None
        )
        if recovered is not None:
            outcome.fields["incident"] = recovered.fields["incident"]
        return outcome

    def _recovery(self, event: ev.EcsEvent) -> Result | None:
        """An event that ends an incident (a completed deployment, steady state, health
        back to OK, an instance leaving): resolve it, once."""
        recovery = recovery_of(event) if self.alerts else None
        if recovery is None or self.alerts is None:
            return None
        return Result(Outcome.APPLIED, {"incident": self.alerts.recover(recovery)})

    def _incident_wake(self, event: ev.EcsEvent) -> Result:
        """A quiet period's wake-up, sent by the incident's one-time schedule."""
        if self.alerts is None:
            return Result(Outcome.SKIPPED, {"reason": "alerts are off"})
        key, incident_id = event.detail.get("incidentKey"), event.detail.get("incidentId")
        if not isinstance(key, str) or not isinstance(incident_id, str):
            raise ev.MalformedEvent("a wake-up names no incidentKey and incidentId")
        return Result(Outcome.APPLIED, {"incident": self.alerts.wake(key, incident_id)})

    @staticmethod
    def _table(name: str | None, variable: str) -> str:
        if not name:
            raise RuntimeError(f"{variable} is not set; cannot store this event")
        return name


def _state_fields(record: dict[str, Any], key: str) -> dict[str, Any]:
    fields = {"resource": record[key], "version": record["version"]}
    for name in ("lastStatus", "trimmed", "droppedFields"):
        if name in record:
            fields[name] = record[name]
    return fields


# Log lines stay readable whatever a record holds.
_REASON_CHARS = 500


def _short(error: BaseException) -> str:
    text = str(error)
    return text if len(text) <= _REASON_CHARS else text[:_REASON_CHARS] + "..."


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {_short(error)}"


def _loggable(value: object) -> object:
    """An envelope field for the log line: short strings as they are, anything else
    (a huge string, a nested object) by its type, so a hostile field cannot bloat it."""
    if value is None or (isinstance(value, str) and len(value) <= 200):
        return value
    return f"<{type(value).__name__}>"


def outcome_metrics(counts: dict[Outcome, int], settings: Settings, now: float) -> str:
    """One embedded-metric-format line per batch: events by outcome for the Stack."""
    return emf_line(
        settings.alerts.metric_namespace,
        [["Stack"]],
        {"Stack": settings.alerts.stack},
        {f"Events{name.value.capitalize()}": counts.get(name, 0) for name in Outcome},
        now,
    )


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
    alerts = settings.alerts
    sns = boto3.client("sns", config=config) if alerts.enabled else None
    scheduler = (
        boto3.client("scheduler", config=config)
        if alerts.enabled and alerts.schedule_group
        else None
    )
    return Processor(settings, boto3.client("dynamodb", config=config), sns, scheduler=scheduler)


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """SQS batches return their failures; a bare event that fails raises EventFailed
    (and nothing else), so its invoker retries it and its on-failure destination keeps it."""
    try:
        processor = default_processor()
        remaining = remaining_seconds(context)
        if remaining is not None:
            processor.retry.remaining = remaining
        if _is_sqs_batch(event):
            return processor.process_batch(event["Records"])
        outcome = processor.process_event(event)
    except Exception as error:  # a bad configuration, a bug outside any one event
        raise EventFailed(_reason(error)) from error
    if outcome.name == Outcome.FAILED:
        raise EventFailed(str(outcome.fields.get("reason", "event failed")))
    return {"outcome": outcome.name.value}

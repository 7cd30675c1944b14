"""Sends each alert once: claim it in the alerts table, publish, mark it sent.

An alert is a transition, not an event. A task alerts once, when its failing STOPPED
state is stored; a deployment or service action alerts once per event id.

The protocol, and why each step is there (README "Guarantees"):
- claim: a conditional PutItem of {status: claimed, claimant: <this delivery's token>}.
  It succeeds on a free key, on a claim older than `claim_seconds` (its delivery died),
  and on a claim carrying this delivery's own token: a claim whose response was lost
  and that botocore (or this module) retried meets itself, and goes on.
- A key marked `sent` is proof the alert went out: ALREADY_SENT. A live claim of another
  delivery is NOT proof (its publish may fail, its Lambda may die): AlertPending is raised,
  the event fails alone and is redelivered after the queue's visibility timeout, six times
  the function timeout, by when the claim is marked or stale.
- publish: the message carries the alert key (message attribute `alertKey` and the JSON's
  `alertKey`), a stable id a receiver can drop a repeat by. If it fails the claim is given
  back and the error raised, so the redelivery sends it.
- mark: retried inside the Lambda (bounded, jittered) on any transient error, because a
  lost mark is the one way a redelivery sends a second message.
What cannot be closed without the receiver: SNS accepted a publish whose response was lost
(botocore retries it, or the redelivery does), and a crash or persistent error between the
publish and the mark. Those repeats carry the same `alertKey`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from ..config import AlertSettings
from ..logs import LOGGER
from ..retry import RetryPolicy
from .action_reason import ActionReasonReader
from .incident import Recovery, failure_of, subject_of
from .incident_state import Incidents
from .last_words import LogReader
from .render import Alert, failure_metric, sns_message
from .resolution import with_incident
from .storm import StormGate, with_held_back

ALERT_KEY = "alertKey"
SENT = "sent"
CLAIMED = "claimed"
ALREADY_SENT = "already sent"
# Claimed and counted (in its storm window and its incident), not sent: the next message
# of the incident says how many were held back.
HELD_BACK = "held back"
# How long the alerts table remembers a sent alert.
_REMEMBER_SECONDS = 30 * 86400


class AlertPending(RuntimeError):
    """Another delivery holds a live claim on this alert and has not marked it sent;
    fail this event so that its redelivery finds the alert marked, or the claim stale."""


class AlertSender:
    """Sends each alert once: claim it in the alerts table, publish, mark it sent."""

    def __init__(
        self,
        settings: AlertSettings,
        dynamodb: Any,
        sns: Any,
        clock: Callable[[], float] = time.time,
        metrics_out: Callable[[str], None] | None = None,
        retry: RetryPolicy | None = None,
        token: Callable[[], str] = lambda: uuid.uuid4().hex,
        scheduler: Any = None,
    ) -> None:
        self.settings = settings
        self.dynamodb = dynamodb
        self.sns = sns
        self.clock = clock
        self.metrics_out = metrics_out or _print_line
        self.retry = retry or RetryPolicy()
        self.token = token
        self.storm = StormGate(dynamodb, settings.table_name or "", settings.storm_window_seconds)
        self.incidents = Incidents(settings, dynamodb, self._publish, scheduler, self.retry)
        self.log_reader = LogReader(settings, retry=self.retry)
        self.action_reason = ActionReasonReader(settings.log_timeout_seconds)

    def send_once(self, alert: Alert, record: dict[str, Any] | None = None) -> str:
        """SENT; ALREADY_SENT when this alert is marked sent; HELD_BACK when a storm window
        holds its message (it is counted all the same). Raises AlertPending
        when another live delivery holds it, and the error when counting it or the publish
        fails (after giving the claim back), so that a redelivery sends it. `record`: the
        stored task state, whose times and size the incident sums."""
        now = int(self.clock())
        token = self.token()  # the identity of this delivery, carried by its claim
        key = {ALERT_KEY: {"S": alert.key}}
        stored = self.retry.call(lambda: self._claim(alert, now, token))
        if stored is not None:
            if stored.get("status", {}).get("S") == SENT:
                return ALREADY_SENT
            held = now - int(stored.get("claimedAt", {}).get("N", "0"))
            raise AlertPending(
                f"alert {alert.key} is claimed by another delivery ({held}s ago) and not yet "
                "marked sent; retry later"
            )
        try:
            # The storm window decides which failures are sent (each counted once); the
            # incident, which message of its thread this is. An opening is always sent.
            storm = self.storm.admit(alert, now)
            admission = self.incidents.admit(
                alert, subject_of(alert), failure_of(alert, now, record), now
            )
            send = storm.send or admission.opened
            if send:
                message = with_incident(with_held_back(alert, storm), admission)
                message = self.log_reader.add_to(message)
                if self.settings.action_reason:
                    message = self.action_reason.add_to(message)
                self._publish(message)
        except Exception:
            self._release(key, token)
            raise
        if storm.opened:
            # Lost, the next window tells this count again; it never loses it.
            with contextlib.suppress(Exception):
                self.retry.call(lambda: self.storm.opener_sent(alert))
        with contextlib.suppress(Exception):
            self.metrics_out(failure_metric(alert, self.settings, now))
        try:
            self.retry.call(lambda: self._mark(key, now))
        except Exception as error:
            # The alert is out. With the mark lost, a redelivery after the claim
            # expires sends it again, with the same alertKey: at least once, never lost.
            LOGGER.warning(
                "alert sent but not marked sent",
                extra={"alertKey": alert.key, "reason": f"{type(error).__name__}: {error}"},
            )
        return SENT if send else HELD_BACK

    def recover(self, recovery: Recovery) -> str:
        """Resolve the incident a recovery event ends (resolution.RESOLVED), if one is open."""
        return self.incidents.recover(
            recovery.subject, recovery.how, recovery.at, int(self.clock())
        )

    def wake(self, incident_key: str, incident_id: str) -> str:
        """A quiet-period wake-up from the incident's schedule."""
        return self.incidents.wake(incident_key, incident_id, int(self.clock()))

    def _publish(self, message: Alert) -> None:
        self.sns.publish(
            TopicArn=self.settings.topic_arn, **_keyed_message(message, self.settings.chat)
        )

    def _claim(self, alert: Alert, now: int, token: str) -> dict[str, Any] | None:
        """None when this delivery holds the claim; else what the table holds."""
        try:
            self.dynamodb.put_item(
                TableName=self.settings.table_name,
                Item={
                    ALERT_KEY: {"S": alert.key},
                    "status": {"S": CLAIMED},
                    "claimedAt": {"N": str(now)},
                    "claimant": {"S": token},
                    "kind": {"S": alert.kind},
                    "expiresAt": {"N": str(now + _REMEMBER_SECONDS)},
                },
                # Free; or claimed by a delivery that died before it could publish; or
                # claimed by this very request, whose first response was lost.
                ConditionExpression="attribute_not_exists(#key) OR claimant = :me OR "
                "(#status = :claimed AND claimedAt < :stale)",
                ExpressionAttributeNames={"#key": ALERT_KEY, "#status": "status"},
                ExpressionAttributeValues={
                    ":claimed": {"S": CLAIMED},
                    ":me": {"S": token},
                    ":stale": {"N": str(now - self.settings.claim_seconds)},
                },
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                item: dict[str, Any] = error.response.get("Item") or {}
                return item
            raise
        return None

    def _mark(self, key: dict[str, Any], now: int) -> None:
        self.dynamodb.update_item(
            TableName=self.settings.table_name,
            Key=key,
            UpdateExpression="SET #status = :sent, sentAt = :now",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":sent": {"S": SENT}, ":now": {"N": str(now)}},
        )

    def _release(self, key: dict[str, Any], token: str) -> None:
        # If this fails too, the claim goes stale after claim_seconds, before the
        # redelivery (the visibility timeout is six times longer).
        with contextlib.suppress(Exception):
            self.dynamodb.delete_item(
                TableName=self.settings.table_name,
                Key=key,
                ConditionExpression="#status = :claimed AND claimant = :me",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":claimed": {"S": CLAIMED}, ":me": {"S": token}},
            )


def _keyed_message(alert: Alert, chat: bool) -> dict[str, Any]:
    """The PublishInput with the alert key as a stable id: in the JSON document and as a
    message attribute, so an SQS, Lambda or HTTP receiver can drop a repeat."""
    # Added before the message is built, so that its size is counted against SNS's limit.
    return sns_message(
        dataclasses.replace(
            alert,
            document={**alert.document, ALERT_KEY: alert.key},
            attributes={**alert.attributes, ALERT_KEY: alert.key},
        ),
        chat,
    )


def _print_line(line: str) -> None:
    # EMF lines go to stdout as they are; CloudWatch Logs extracts the metric.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()

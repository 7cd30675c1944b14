"""Sends each alert once: claim it in the alerts table, publish, mark it sent.

An alert is a transition, not an event. A task alerts once, when its failing STOPPED
state is stored; a deployment or service action alerts once per event id. The alerts
table remembers what was sent (claim, publish, mark), so duplicate deliveries never
alert twice and a crash before the publish never loses the alert: the retry sends it.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from ..config import AlertSettings
from ..logs import LOGGER
from .render import Alert, failure_metric, sns_message

ALERT_KEY = "alertKey"
SENT = "sent"
CLAIMED = "claimed"
ALREADY_SENT = "already sent"
# How long the alerts table remembers a sent alert.
_REMEMBER_SECONDS = 30 * 86400


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

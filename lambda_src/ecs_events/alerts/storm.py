"""No storms: when a service crash-loops, one message per window, not one per task.

The first failure of a family (or service) with a given kind and reason alerts at once
and opens a window. Further failures of the same kind within it are counted in the
alerts table, not sent. The first one after the window alerts again and carries the
count ("and 23 more since 10:02 UTC"). Nothing is lost: every failure is still claimed
once, counted in the metric and kept in the event log; only the message is held back.

State lives in the alerts table under "storm/..." keys, so concurrent invocations share
it. Each decision is one conditional UpdateItem (two when a window opens): a failure
inside an open window adds one to its count; otherwise it opens a new window and takes
the old count with it. A retry of the failure that opened a window (its publish failed)
is admitted again, so the first message of a storm is never swallowed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from ..times import format_clock
from .render import Alert, with_note

STORM_PREFIX = "storm/"
_CONDITION_FAILED = "ConditionalCheckFailedException"


@dataclass(frozen=True)
class Decision:
    send: bool
    # Failures held back in the window before this one (carried by this alert).
    held_back: int = 0
    since: int | None = None  # epoch seconds of the first held-back failure


def storm_key(alert: Alert) -> str:
    """One storm per account, region, cluster, family, kind and reason (cluster names
    repeat across the accounts of a fleet); the reason is hashed so that a long stopped
    reason cannot make the key exceed DynamoDB's 2048-byte key limit."""
    reason = hashlib.sha256(alert.reason.encode()).hexdigest()[:16]
    place = f"{alert.attributes.get('account', '')}/{alert.attributes.get('region', '')}"
    return f"{STORM_PREFIX}{place}/{alert.cluster}/{alert.family}/{alert.kind}/{reason}"


class StormGate:
    """Decides, per failure already claimed as new, whether its message goes out."""

    def __init__(self, dynamodb: Any, table_name: str, window_seconds: int) -> None:
        self.dynamodb = dynamodb
        self.table_name = table_name
        self.window_seconds = window_seconds

    def admit(self, alert: Alert, now: int) -> Decision:
        if self.window_seconds <= 0:
            return Decision(send=True)
        key = {"alertKey": {"S": storm_key(alert)}}
        # Two rounds at most: if another invocation opens the window between our two
        # requests, our failure belongs to that window.
        for _ in range(2):
            if self._count_in_open_window(key, alert.key, now):
                return Decision(send=False)
            opened = self._open_window(key, alert.key, now)
            if opened is not None:
                return opened
        return Decision(send=True)  # contention we cannot resolve: rather alert than lose

    def _count_in_open_window(self, key: dict[str, Any], opener: str, now: int) -> bool:
        try:
            self.dynamodb.update_item(
                TableName=self.table_name,
                Key=key,
                UpdateExpression="ADD heldBack :one SET firstHeldAt = if_not_exists("
                "firstHeldAt, :now), lastHeldAt = :now",
                ConditionExpression="windowEnds > :now AND openedBy <> :me",
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":now": {"N": str(now)},
                    ":me": {"S": opener},
                },
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == _CONDITION_FAILED:
                return False
            raise
        return True

    def _open_window(self, key: dict[str, Any], opener: str, now: int) -> Decision | None:
        """Open a window for this failure; the count of the window it replaces (and, for
        a retry of the opener, what that attempt carried) goes out with it."""
        try:
            old = self.dynamodb.update_item(
                TableName=self.table_name,
                Key=key,
                UpdateExpression="SET windowEnds = :end, openedBy = :me, openedAt = :now, "
                "heldBack = :zero, expiresAt = :expires, carried = :carried, "
                "carriedSince = :since REMOVE firstHeldAt",
                ConditionExpression="attribute_not_exists(alertKey) OR windowEnds <= :now "
                "OR openedBy = :me",
                ExpressionAttributeValues={
                    ":end": {"N": str(now + self.window_seconds)},
                    ":me": {"S": opener},
                    ":now": {"N": str(now)},
                    ":zero": {"N": "0"},
                    ":expires": {"N": str(now + 2 * self.window_seconds + 86400)},
                    ":carried": {"N": "0"},
                    ":since": {"N": "0"},
                },
                ReturnValues="ALL_OLD",
            ).get("Attributes", {})
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == _CONDITION_FAILED:
                return None
            raise
        held = _number(old, "heldBack")
        since = _number(old, "firstHeldAt") or None
        if old.get("openedBy", {}).get("S") == opener:
            # A retry: what the first attempt carried was never sent either.
            held += _number(old, "carried")
            since = _number(old, "carriedSince") or since
        if held:
            self._remember_carried(key, held, since or now)
        return Decision(send=True, held_back=held, since=since)

    def _remember_carried(self, key: dict[str, Any], held: int, since: int) -> None:
        self.dynamodb.update_item(
            TableName=self.table_name,
            Key=key,
            UpdateExpression="SET carried = :held, carriedSince = :since",
            ExpressionAttributeValues={":held": {"N": str(held)}, ":since": {"N": str(since)}},
        )


def with_held_back(alert: Alert, decision: Decision) -> Alert:
    """The alert, saying how many like it were counted but not sent before it."""
    if not decision.held_back:
        return alert
    since = format_clock(decision.since * 1000) if decision.since else "the last alert"
    more = f"and {decision.held_back} more since {since}"
    note = (
        f"Storm:     {more} (same family, kind and reason; counted in the metric "
        "and the event log, not sent one by one)."
    )
    return with_note(
        alert,
        note,
        {"heldBack": decision.held_back, "heldBackSince": since},
        subject_suffix=f" (+{decision.held_back} more)",
    )


def _number(item: dict[str, Any], name: str) -> int:
    value = item.get(name, {}).get("N")
    return int(value) if value is not None else 0

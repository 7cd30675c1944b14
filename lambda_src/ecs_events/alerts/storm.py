"""No storms: when a service crash-loops, one message per window, not one per task.

The first failure of a family (or service) with a given kind and reason alerts at once
and opens a window. Further failures of the same kind within it are counted in the
alerts table, not sent. The first one after the window alerts again and carries the
count ("and 23 more since 10:02 UTC"). Nothing is lost: every failure is still claimed
once, counted in the metric and kept in the event log; only the message is held back.

State lives in the alerts table under "storm/..." keys, so concurrent invocations share
it: one item per storm, the record of its current window (openedBy, openedAt, windowEnds,
firstHeldAt, lastHeldAt, heldBack: the distinct failures held back in it) and what its
opening message carried (carried, carriedSince).

Counts are of distinct failures, not of updates: a held-back failure is counted by ONE
TransactWriteItems that puts its marker ("storm-held/<alert key>", written only if absent)
and adds one to its window's count, both or neither. A retried lost response, an applied
request that answered an error, a crash after the write or a redelivery meets its own
marker and is not counted again. Cost per held-back failure: a transactional write of two
items under 1 KB, 2 write units each, 4 in all (1 before, uncounted), and a marker of about
150 bytes kept as long as a sent alert is remembered.
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-capacity-handling

The count rides on the next message: the request that opens a window copies the old
window's count into `carried` in the same write (DynamoDB evaluates every action of an
update expression against the item as it was before it,
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html),
so a retry of that request (its response lost) or a redelivery of the opener (its publish
failed) reads what it carries from the window item instead of recounting it. Once the
opener's message is out, one more write per window says so (`openerSent`); a closed
window without it (the opener's publish failed and its redelivery is late) hands on what
it carried too, so the next message tells it. Lost, that write makes the next window tell
the carried count a second time: told twice in that narrow case, never lost.
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
_TRANSACTION_CONDITION_FAILED = "ConditionalCheckFailed"  # a CancellationReasons code


@dataclass(frozen=True)
class Decision:
    send: bool
    # Failures held back in the window before this one (carried by this alert).
    held_back: int = 0
    since: int | None = None  # epoch seconds of the first held-back failure
    opened: bool = False  # this alert opened the window: say so once its message is out


def storm_key(alert: Alert) -> str:
    """One storm per account, region, cluster, family, kind and reason (cluster names
    repeat across the accounts of a fleet); the reason is hashed so that a long stopped
    reason cannot make the key exceed DynamoDB's 2048-byte key limit."""
    reason = hashlib.sha256(alert.reason.encode()).hexdigest()[:16]
    place = f"{alert.attributes.get('account', '')}/{alert.attributes.get('region', '')}"
    return f"{STORM_PREFIX}{place}/{alert.cluster}/{alert.family}/{alert.kind}/{reason}"


HELD_PREFIX = "storm-held/"
# As long as the alerts table remembers a sent alert (send._REMEMBER_SECONDS): a
# redelivery (a dead-letter redrive, days later) still finds the failure counted.
_HELD_MARKER_SECONDS = 30 * 86400


def held_marker_key(alert: Alert) -> str:
    """The per-failure marker that makes counting it idempotent."""
    return f"{HELD_PREFIX}{alert.key}"


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
            if self._count_in_open_window(key, alert, now):
                return Decision(send=False)
            opened = self._open_window(key, alert.key, now)
            if opened is not None:
                return opened
        return Decision(send=True)  # contention we cannot resolve: rather alert than lose

    def _count_in_open_window(self, key: dict[str, Any], alert: Alert, now: int) -> bool:
        """True when this failure is counted in an open window, by this call or an
        earlier attempt (its marker exists); False when no window it may join is open."""
        try:
            self.dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": {
                                "alertKey": {"S": held_marker_key(alert)},
                                "storm": key["alertKey"],
                                "heldAt": {"N": str(now)},
                                "expiresAt": {"N": str(now + _HELD_MARKER_SECONDS)},
                            },
                            "ConditionExpression": "attribute_not_exists(alertKey)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": key,
                            "UpdateExpression": "ADD heldBack :one SET firstHeldAt = "
                            "if_not_exists(firstHeldAt, :now), lastHeldAt = :now",
                            "ConditionExpression": "windowEnds > :now AND openedBy <> :me",
                            "ExpressionAttributeValues": {
                                ":one": {"N": "1"},
                                ":now": {"N": str(now)},
                                ":me": {"S": alert.key},
                            },
                        }
                    },
                ]
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            marker, window = (
                reason.get("Code") for reason in error.response.get("CancellationReasons", [])
            )
            if marker == _TRANSACTION_CONDITION_FAILED:
                return True  # counted already: a retry, a crash after the write, a redelivery
            if window == _TRANSACTION_CONDITION_FAILED:
                return False
            raise  # a conflicting transaction: the event fails and is redelivered
        return True

    def _open_window(self, key: dict[str, Any], opener: str, now: int) -> Decision | None:
        """Open a window for this failure, carrying the count of the window it replaces;
        None when another failure's window is open. The opener's own retry (its response
        was lost, or its publish failed) is sent with what its window item carries. A
        closed window whose opening message is not known to be out (no `openerSent`: its
        publish failed and its redelivery has not come yet, or the flag's write was lost)
        hands on what it carried as well, so that count is not lost with it."""
        stored = self._update_window(
            key,
            opener,
            now,
            carried="if_not_exists(heldBack, :zero)",
            condition="attribute_not_exists(alertKey) "
            "OR (windowEnds <= :now AND openerSent = :true)",
        )
        if stored.get("openedBy", {}).get("S") == opener and _number(stored, "windowEnds") > now:
            return _opened(stored)
        if not stored or _number(stored, "windowEnds") > now:
            return None  # another failure's window is open: count this one in it
        earlier = _number(stored, "carriedSince") if _number(stored, "carried") else 0
        stored = self._update_window(
            key,
            opener,
            now,
            carried="if_not_exists(carried, :zero) + if_not_exists(heldBack, :zero)",
            condition="windowEnds <= :now AND openedBy = :old AND attribute_not_exists(openerSent)",
            since=str(earlier) if earlier else None,
            old_opener=stored.get("openedBy", {}).get("S", ""),
        )
        if stored.get("openedBy", {}).get("S") == opener and _number(stored, "windowEnds") > now:
            return _opened(stored)
        return None

    def opener_sent(self, alert: Alert) -> None:
        """Record that the message of the window this alert opened went out, so the next
        window carries only what this one held. One write per window. If it is lost, the
        next window also hands on what this one carried: a count told twice, never lost."""
        try:
            self.dynamodb.update_item(
                TableName=self.table_name,
                Key={"alertKey": {"S": storm_key(alert)}},
                UpdateExpression="SET openerSent = :true",
                ConditionExpression="openedBy = :me",
                ExpressionAttributeValues={":true": {"BOOL": True}, ":me": {"S": alert.key}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != _CONDITION_FAILED:
                raise

    def _update_window(
        self,
        key: dict[str, Any],
        opener: str,
        now: int,
        carried: str,
        condition: str,
        since: str | None = None,
        old_opener: str | None = None,
    ) -> dict[str, Any]:
        """The window item after the update, or as it stood when the condition failed.
        `since`: the first held time carried, when it is older than the window's own;
        `old_opener`: the opener of the closed window this one may replace."""
        values: dict[str, dict[str, Any]] = {
            ":end": {"N": str(now + self.window_seconds)},
            ":me": {"S": opener},
            ":now": {"N": str(now)},
            ":zero": {"N": "0"},
            ":expires": {"N": str(now + 2 * self.window_seconds + 86400)},
        }
        if since is not None:
            values[":since"] = {"N": since}
        if old_opener is not None:
            values[":old"] = {"S": old_opener}
        else:
            values[":true"] = {"BOOL": True}
        try:
            return dict(
                self.dynamodb.update_item(
                    TableName=self.table_name,
                    Key=key,
                    # Every action reads the item as it was before this update, so
                    # `carried` takes the old window's count and first held time.
                    UpdateExpression=f"SET carried = {carried}, carriedSince = "
                    f"{':since' if since is not None else 'if_not_exists(firstHeldAt, :zero)'}, "
                    "windowEnds = :end, openedBy = :me, openedAt = :now, heldBack = :zero, "
                    "expiresAt = :expires REMOVE firstHeldAt, lastHeldAt, openerSent",
                    ConditionExpression=condition,
                    ExpressionAttributeValues=values,
                    ReturnValues="ALL_NEW",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                ).get("Attributes", {})
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != _CONDITION_FAILED:
                raise
            return dict(error.response.get("Item") or {})


def _opened(window: dict[str, Any]) -> Decision:
    """The decision of a window's opener: send, with what its window item carries."""
    return Decision(
        send=True,
        held_back=_number(window, "carried"),
        since=_number(window, "carriedSince") or None,
        opened=True,
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

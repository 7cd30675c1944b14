"""An incident's state in the alerts table, kept with the same discipline as an alert's.

One item per subject (incident.Subject.key) holds its current incident. Every change is
a read (consistent) and ONE conditional write on the item's revision (`rev`), so two
deliveries that change it at once cannot both win; the loser reads again. What the
protocol guarantees, and how (README "Guarantees"):

- A failure is counted once. The alert key of each counted failure is remembered (hashed,
  the last _REMEMBERED of them) in the item, so a retry of a failure whose first delivery
  crashed after counting it is not counted again. The failure's own alert claim (send.py)
  stops every other duplicate before it gets here.
- The opening is never lost: the failure that opened the incident is named in it
  (`openerKey`); its retry, whatever step it died at, finds itself there and sends the
  opening again. Which later failures are sent as updates is the storm window's call
  (storm.py), with its own exact counts.
- The resolution is claimed (status `resolving`, this delivery's token, the revision the
  decision was made on), published, then marked `resolved`. A failure that arrives after
  the claim finds the claim: while it is live the failure is retried later
  (IncidentBusy), so a resolution is never sent for an incident that a newer failure is
  still counting into; a claim whose publish failed is given back. A claim older than
  `claim_seconds` is a dead delivery's: a failure takes the incident back (open), a
  wake-up or recovery takes the claim over.
- A wake-up resolves only an open incident of its own id whose last failure is a full
  quiet period old; a second or late wake-up finds it resolved and does nothing.
What cannot be closed without the receiver, as for alerts: a crash between a publish and
its mark sends that message again, with the same incidentId and incidentState.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from ..config import AlertSettings
from ..logs import LOGGER
from ..retry import RetryPolicy
from ..times import format_duration
from .incident import (
    RESOLVED,
    Failure,
    Subject,
    Summary,
    opened,
    resolves_by_quiet,
)
from .render import Alert
from .resolution import resolution_alert

OPEN = "open"
RESOLVING = "resolving"
CLOSED = "resolved"
INCIDENT_ITEM_KIND = "incident"
# The source of the wake-up events the schedules send to the handler's queue.
WAKE_SOURCE = "ecs-events.incidents"
WAKE_DETAIL_TYPE = "Incident Quiet Period Ended"
# Counted failures remembered per incident: a retry comes within the queue's visibility
# timeout, long before this many more failures of one subject (17 bytes each).
_REMEMBERED = 200
# Rounds of read-and-write when other deliveries change the item at the same time.
_ROUNDS = 8
# A resolved incident is kept this long, for `ecs-events incidents`.
_KEEP_SECONDS = 30 * 86400
# Scheduler needs a moment in the future; a wake-up due now is set a minute ahead.
_SOONEST_SECONDS = 60
_CONDITION_FAILED = "ConditionalCheckFailedException"
# What a resolution claim adds; a failure that takes the incident back drops them.
_RESOLUTION_FIELDS = ("resolver", "resolveClaimedAt", "resolvedAt", "how")

# What a resolve or wake-up came to.
NOT_OPEN = "not open"
STILL_FAILING = "still failing"
RESCHEDULED = "rescheduled"


class IncidentBusy(RuntimeError):
    """Another delivery holds a live claim to resolve this incident; retry later, when it
    is resolved (and this failure opens a new one) or given back (and it counts here)."""


@dataclass(frozen=True)
class Admission:
    """The incident a counted failure belongs to, and whether it opened it."""

    incident_id: str
    opened: bool  # this failure opened the incident: its message is the opening
    subject_line: str
    count: int


class Incidents:
    """Opens, folds into and resolves incidents; publishes the resolutions."""

    def __init__(
        self,
        settings: AlertSettings,
        dynamodb: Any,
        publish: Callable[[Alert], None],
        scheduler: Any = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.dynamodb = dynamodb
        self.publish = publish
        self.scheduler = scheduler
        self.retry = retry or RetryPolicy()
        self.table = settings.table_name or ""

    # --- failures ------------------------------------------------------------------

    def admit(self, alert: Alert, subject: Subject, failure: Failure, now: int) -> Admission:
        """Count this failure (once) in its subject's incident, opening one if none is
        open, and say whether its message goes out."""
        remembered = _remember_key(alert.key)
        for _ in range(_ROUNDS):
            item = self._read(subject.key)
            status = _s(item, "status")
            if status == RESOLVING and now - _n(item, "resolveClaimedAt") < self._claim_seconds:
                raise IncidentBusy(f"incident {_s(item, 'incidentId')} is being resolved")
            if item is not None and remembered in _list(item, "counted"):
                return self._replay(item, alert.key)
            if item is None or status == CLOSED:
                state, fresh = self._opened(alert, subject, failure, now, remembered)
                if self._write(subject.key, fresh, item):
                    if item is not None:
                        self._archive(item)
                    self._schedule(subject, fresh, now + self.settings.quiet_seconds, now)
                    return state
                continue
            # Open, or a dead delivery's resolving claim: the incident is still failing.
            state, folded = self._folded(item, alert, failure, now, remembered)
            if self._write(subject.key, folded, item):
                return state
        raise IncidentBusy(f"incident of {subject.label} changed {_ROUNDS} times while counting")

    def _replay(self, item: dict[str, Any], alert_key: str) -> Admission:
        """A retry of a failure already counted: the opening again if it opened it."""
        return Admission(
            _s(item, "incidentId"),
            _s(item, "openerKey") == alert_key,
            _s(item, "subjectLine"),
            _n(item, "count"),
        )

    def _opened(
        self, alert: Alert, subject: Subject, failure: Failure, now: int, remembered: str
    ) -> tuple[Admission, dict[str, Any]]:
        summary = opened(subject, now, [failure], opener=alert.key)
        fresh = {
            "kind": {"S": INCIDENT_ITEM_KIND},
            "status": {"S": OPEN},
            "openedAt": {"N": str(now)},
            "lastSeenAt": {"N": str(now)},
            "openerKey": {"S": alert.key},
            "subjectLine": {"S": alert.subject},
            "firstAlertKind": {"S": alert.kind},
            "attrs": {"M": {k: {"S": v} for k, v in _resolution_attributes(alert).items()}},
            "awaitsRecovery": {"BOOL": failure.awaits_recovery},
            "counted": {"L": [{"S": remembered}]},
            "expiresAt": {"N": str(now + _KEEP_SECONDS)},
            **_summary_item(summary),
        }
        return Admission(summary.incident_id, True, alert.subject, 1), fresh

    def _folded(
        self,
        item: dict[str, Any],
        alert: Alert,
        failure: Failure,
        now: int,
        remembered: str,
    ) -> tuple[Admission, dict[str, Any]]:
        summary = summary_of(item).folded(failure)
        counted = [*_list(item, "counted"), remembered][-_REMEMBERED:]
        folded = {
            **{k: v for k, v in item.items() if k not in _RESOLUTION_FIELDS},
            "status": {"S": OPEN},
            "lastSeenAt": {"N": str(max(now, _n(item, "lastSeenAt")))},
            "awaitsRecovery": {"BOOL": failure.awaits_recovery or _b(item, "awaitsRecovery")},
            "counted": {"L": [{"S": key} for key in counted]},
            **_summary_item(summary),
        }
        admission = Admission(summary.incident_id, False, _s(item, "subjectLine"), summary.count)
        return admission, folded

    # --- resolution ------------------------------------------------------------------

    def recover(self, subject: Subject, how: str, recovered_at: int, now: int) -> str:
        """A recovery event: resolve the subject's open incident if the event came after
        its last failure (an older event delivered late proves nothing)."""
        if not self._resolves(subject.kind):
            return NOT_OPEN
        return self._resolve(subject.key, how, now, lambda item: recovered_at >= _n(item, "lastAt"))

    def wake(self, subject_key: str, incident_id: str, now: int) -> str:
        """A quiet-period wake-up: resolve if no failure came for a full quiet period,
        else set the next wake-up at the end of the new one."""
        item = self._read(subject_key)
        if item is None or _s(item, "incidentId") != incident_id or _s(item, "status") == CLOSED:
            return NOT_OPEN
        subject = subject_of_item(subject_key, item)
        if not self._resolves(subject.kind) or not resolves_by_quiet(
            subject.kind, _b(item, "awaitsRecovery")
        ):
            return STILL_FAILING
        quiet = self.settings.quiet_seconds
        due = _n(item, "lastSeenAt") + quiet
        if now < due:
            self._schedule(subject, item, due, now)
            return RESCHEDULED
        return self._resolve(
            subject_key,
            f"no new failure for {format_duration(quiet * 1000)}",
            now,
            lambda fresh: (
                _s(fresh, "incidentId") == incident_id and now >= _n(fresh, "lastSeenAt") + quiet
            ),
        )

    def _resolve(
        self, key: str, how: str, now: int, still_true: Callable[[dict[str, Any]], bool]
    ) -> str:
        token = uuid.uuid4().hex  # this delivery's identity, carried by its claim
        for _ in range(_ROUNDS):
            item = self._read(key)
            status = _s(item, "status")
            if item is None or status == CLOSED:
                return NOT_OPEN
            if status == RESOLVING:
                if now - _n(item, "resolveClaimedAt") < self._claim_seconds:
                    raise IncidentBusy(f"incident {_s(item, 'incidentId')} is being resolved")
            elif not still_true(item):
                return STILL_FAILING
            claimed = {
                **item,
                "status": {"S": RESOLVING},
                "resolver": {"S": token},
                "resolveClaimedAt": {"N": str(now)},
                "resolvedAt": {"N": str(now)},
                "how": {"S": how if status != RESOLVING else _s(item, "how") or how},
            }
            if self._write(key, claimed, item):
                break
        else:
            raise IncidentBusy(f"incident at {key} changed {_ROUNDS} times while resolving")
        message = resolution_of(key, claimed)
        try:
            self.publish(message)
        except Exception:
            self._give_back(key, claimed)
            raise
        try:
            self.retry.call(lambda: self._mark_resolved(key, token, now))
        except Exception as error:
            # Out, but not marked: a later delivery may send it again, same incidentId.
            LOGGER.warning(
                "resolution sent but not marked",
                extra={"incidentId": _s(claimed, "incidentId"), "reason": str(error)},
            )
        return RESOLVED

    def _mark_resolved(self, key: str, token: str, now: int) -> None:
        self.dynamodb.update_item(
            TableName=self.table,
            Key={"alertKey": {"S": key}},
            UpdateExpression="SET #status = :resolved, expiresAt = :expires, rev = rev + :one "
            "REMOVE resolver",
            ConditionExpression="resolver = :me",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":resolved": {"S": CLOSED},
                ":expires": {"N": str(now + _KEEP_SECONDS)},
                ":one": {"N": "1"},
                ":me": {"S": token},
            },
        )

    def _give_back(self, key: str, claimed: dict[str, Any]) -> None:
        # If this fails too, the claim goes stale after claim_seconds.
        with contextlib.suppress(Exception):
            self.dynamodb.update_item(
                TableName=self.table,
                Key={"alertKey": {"S": key}},
                UpdateExpression="SET #status = :open, rev = rev + :one "
                "REMOVE resolver, resolveClaimedAt, resolvedAt, how",
                ConditionExpression="resolver = :me",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":open": {"S": OPEN},
                    ":one": {"N": "1"},
                    ":me": claimed["resolver"],
                },
            )

    def _resolves(self, kind: str) -> bool:
        return self.settings.resolution and kind in self.settings.resolve_kinds

    @property
    def _claim_seconds(self) -> int:
        return self.settings.claim_seconds

    # --- the wake-up -------------------------------------------------------------------

    def _schedule(self, subject: Subject, item: dict[str, Any], due: int, now: int) -> None:
        """A one-time schedule that sends a wake-up to the handler's queue at `due` and
        deletes itself after (ActionAfterCompletion DELETE:
        https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-delete.html).
        Its name holds the incident and the moment, so a retry creates nothing twice."""
        settings = self.settings
        if (
            self.scheduler is None
            or not settings.schedule_group
            or not settings.schedule_role_arn
            or not settings.wake_target_arn
            or not self._resolves(subject.kind)
            or not resolves_by_quiet(subject.kind, _b(item, "awaitsRecovery"))
        ):
            return
        incident_id = _s(item, "incidentId")
        at = max(due, now + _SOONEST_SECONDS)
        wake = {
            "version": "0",
            "id": f"{incident_id}-{at}",
            "source": WAKE_SOURCE,
            "detail-type": WAKE_DETAIL_TYPE,
            "account": subject.account,
            "region": subject.region,
            "time": _at(at) + "Z",
            "resources": [],
            "detail": {"incidentKey": subject.key, "incidentId": incident_id},
        }
        try:
            self.retry.call(
                lambda: self.scheduler.create_schedule(
                    Name=f"{incident_id}-{at}",
                    GroupName=settings.schedule_group,
                    # One-time schedules: at(yyyy-mm-ddThh:mm:ss) in the given time zone
                    # (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html).
                    ScheduleExpression=f"at({_at(at)})",
                    ScheduleExpressionTimezone="UTC",
                    FlexibleTimeWindow={"Mode": "OFF"},
                    ActionAfterCompletion="DELETE",
                    Target={
                        "Arn": settings.wake_target_arn,
                        "RoleArn": settings.schedule_role_arn,
                        "Input": json.dumps(wake),
                    },
                )
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConflictException":
                raise  # the event fails and its retry schedules it (the count is kept)

    # --- the item ------------------------------------------------------------------------

    def _read(self, key: str) -> dict[str, Any] | None:
        response = self.retry.call(
            lambda: self.dynamodb.get_item(
                TableName=self.table, Key={"alertKey": {"S": key}}, ConsistentRead=True
            )
        )
        item: dict[str, Any] | None = response.get("Item")
        return item

    def _write(self, key: str, item: dict[str, Any], read: dict[str, Any] | None) -> bool:
        """Put `item` if the stored one is still the one read; False if another delivery
        changed it first. A put whose response was lost and that is retried meets its own
        revision and is taken as written."""
        revision = _n(read, "rev") if read is not None else 0
        body = {**item, "alertKey": {"S": key}, "rev": {"N": str(revision + 1)}}
        condition = "attribute_not_exists(alertKey)" if read is None else "rev = :rev"
        values = {} if read is None else {":rev": {"N": str(revision)}}
        try:
            self.retry.call(
                lambda: self.dynamodb.put_item(
                    TableName=self.table,
                    Item=body,
                    ConditionExpression=condition,
                    **({"ExpressionAttributeValues": values} if values else {}),
                )
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != _CONDITION_FAILED:
                raise
            stored = self._read(key)
            return stored is not None and _same_write(stored, body)
        return True

    def _archive(self, item: dict[str, Any]) -> None:
        """Keep a resolved incident that a new one replaces, for `ecs-events incidents`."""
        incident_id = _s(item, "incidentId")
        with contextlib.suppress(Exception):  # history only; the incident itself is safe
            self.dynamodb.put_item(
                TableName=self.table,
                Item={
                    **{k: v for k, v in item.items() if k != "counted"},
                    "alertKey": {"S": f"incident-log/{incident_id}"},
                    "subjectKey": item["alertKey"],
                },
            )


# --- items <-> summaries ---------------------------------------------------------------------


def summary_of(item: dict[str, Any]) -> Summary:
    return Summary(
        incident_id=_s(item, "incidentId"),
        subject=subject_of_item(_s(item, "subjectKey") or _s(item, "alertKey"), item),
        count=_n(item, "count"),
        first_at=_n(item, "firstAt"),
        last_at=_n(item, "lastAt"),
        reasons={
            name: int(value.get("N", "0"))
            for name, value in item.get("reasons", {}).get("M", {}).items()
        },
        vcpu_seconds=float(item.get("vcpuSeconds", {}).get("N", "0")),
        gb_seconds=float(item.get("gbSeconds", {}).get("N", "0")),
        never_started=_n(item, "neverStarted"),
    )


def subject_of_item(key: str, item: dict[str, Any]) -> Subject:
    return Subject(
        kind=_s(item, "subjectKind"),
        name=_s(item, "subjectName"),
        cluster=_s(item, "cluster"),
        account=_s(item, "account"),
        region=_s(item, "region"),
    )


def resolution_of(key: str, item: dict[str, Any]) -> Alert:
    attributes = {
        name: value.get("S", "") for name, value in item.get("attrs", {}).get("M", {}).items()
    }
    return resolution_alert(
        summary_of(item),
        _s(item, "how"),
        _n(item, "resolvedAt"),
        _s(item, "subjectLine"),
        attributes,
    )


def _summary_item(summary: Summary) -> dict[str, Any]:
    subject = summary.subject
    return {
        "incidentId": {"S": summary.incident_id},
        "subjectKind": {"S": subject.kind},
        "subjectName": {"S": subject.name},
        "cluster": {"S": subject.cluster},
        "account": {"S": subject.account},
        "region": {"S": subject.region},
        "count": {"N": str(summary.count)},
        "firstAt": {"N": str(summary.first_at)},
        "lastAt": {"N": str(summary.last_at)},
        "reasons": {"M": {name: {"N": str(n)} for name, n in summary.reasons.items()}},
        "vcpuSeconds": {"N": f"{summary.vcpu_seconds:.3f}"},
        "gbSeconds": {"N": f"{summary.gb_seconds:.3f}"},
        "neverStarted": {"N": str(summary.never_started)},
    }


def _resolution_attributes(alert: Alert) -> dict[str, str]:
    """The attributes a subscriber filters by (cluster, family, account, region) carried
    from the opening to the resolution; kind, severity and state are the resolution's own
    ("resolution", INFO, resolved), as in modules/scheduled_task's resolutions."""
    return {
        name: value
        for name, value in alert.attributes.items()
        if name in ("cluster", "family", "account", "region") and value
    }


def _same_write(stored: dict[str, Any], body: dict[str, Any]) -> bool:
    return (
        stored.get("rev") == body["rev"]
        and stored.get("counted") == body.get("counted")
        and (
            stored.get("status") == body.get("status")
            and stored.get("resolver") == body.get("resolver")
        )
    )


def _remember_key(alert_key: str) -> str:
    return hashlib.sha256(alert_key.encode()).hexdigest()[:16]


def _at(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _s(item: dict[str, Any] | None, name: str) -> str:
    return str((item or {}).get(name, {}).get("S", ""))


def _n(item: dict[str, Any] | None, name: str) -> int:
    value = (item or {}).get(name, {}).get("N")
    return int(float(value)) if value is not None else 0


def _b(item: dict[str, Any] | None, name: str) -> bool:
    return bool((item or {}).get(name, {}).get("BOOL", False))


def _list(item: dict[str, Any], name: str) -> list[str]:
    return [entry.get("S", "") for entry in item.get(name, {}).get("L", [])]

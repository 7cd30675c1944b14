"""Incidents, not messages: what a failure belongs to, what ends it, and what it cost.

An incident is a failure of one thing in one account and region: a task family (tasks
run outside a service), a service (its tasks, deployments, actions and hooks), a
container instance, a daemon, or a scheduled job (modules/scheduled_task keeps its own).
The first failure opens it, further failures of the same thing fold into it, and it
ends with one resolution message when the thing recovers or the failures stop:

- a service: a deployment COMPLETED, or SERVICE_STEADY_STATE, that happened after its
  last failure (an older event delivered late proves nothing);
- a family, a service or a daemon whose tasks kept failing: a quiet period with no new
  failure of it. A task of it that runs healthy that long ends the incident the same
  way, since it adds no failure; nothing is read or written for a healthy task;
- a container instance: its health back to OK, or it leaving the cluster (INACTIVE or
  DEREGISTERING); never by quiet, since an impaired instance sends no more events;
- a service whose deployment failed, or whose scheduler said ERROR/WARN, waits for the
  recovery event: quiet alone does not prove a rolled-back deployment healthy.

Everything here is pure; the state and its claim/mark protocol are in incident_state.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..config import (
    DAEMON_FAILURE,
    DEPLOYMENT_FAILURE,
    HOOK_FAILURE,
    INCIDENT_KINDS,
    INSTANCE_HEALTH,
    SERVICE_ACTION,
    TASK_START_FAILURE,
)
from ..ecs import (
    CONTAINER_INSTANCE_STATE_CHANGE,
    DEPLOYMENT_STATE_CHANGE,
    INSTANCE_HEALTH_CHANGE,
)
from ..ecs import SERVICE_ACTION as SERVICE_ACTION_EVENT
from ..events import EcsEvent
from ..times import epoch_millis
from .classify import _service_names
from .render import Alert

# What an incident is about; INCIDENT_RESOLVE_KINDS selects which of them resolve.
FAMILY = "family"
SERVICE = "service"
INSTANCE = "instance"
DAEMON = "daemon"
JOB = "job"  # published by modules/scheduled_task's state machine, never by the handler
SUBJECT_KINDS = (*INCIDENT_KINDS, JOB)

# The states a message of an incident announces (SNS attribute incidentState).
OPENED = "opened"
UPDATED = "updated"
RESOLVED = "resolved"

# Failures that only a recovery event ends (see the module docstring).
_AWAIT_RECOVERY = frozenset({DEPLOYMENT_FAILURE, SERVICE_ACTION, HOOK_FAILURE, INSTANCE_HEALTH})
# Kinds of subject whose incidents a quiet period can end.
QUIET_KINDS = frozenset({FAMILY, SERVICE, DAEMON})
# A container instance leaves the cluster through these statuses
# (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerInstance.html).
_LEFT_THE_CLUSTER = frozenset({"INACTIVE", "DEREGISTERING"})
# Reason labels are map keys in the incident's item; a stop reason can be 2 KB.
_REASON_CHARS = 80


@dataclass(frozen=True)
class Subject:
    """The thing an incident is about, named as the alerts name it."""

    kind: str
    name: str
    cluster: str
    account: str
    region: str

    @property
    def key(self) -> str:
        """The alerts-table key of this subject's incident (one at a time per subject)."""
        return f"incident/{self.account}/{self.region}/{self.cluster}/{self.kind}/{self.name}"

    @property
    def label(self) -> str:
        """ "service web in default" (as a person says it)."""
        return f"{self.kind} {self.name} in {self.cluster or '?'}"

    def incident_id(self, opened_at: int, opener: str = "") -> str:
        """Short, stable and unique per opening: a hash of the subject and the failure
        that opened it (one failure opens at most one incident), and the second it
        opened, so ids sort by time within a subject."""
        digest = hashlib.sha256(f"{self.key}|{opener}".encode()).hexdigest()[:10]
        return f"{digest}-{opened_at}"


@dataclass(frozen=True)
class Failure:
    """What one failure adds to its incident."""

    at: int  # epoch seconds: when it failed (stoppedAt, or the event's time)
    reason: str  # "exit 137", "TaskFailedToStart: CannotPullContainerError", ...
    # Fargate usage of a failed task, from its task-level cpu and memory.
    vcpu_seconds: float = 0.0
    gb_seconds: float = 0.0
    # A task that never started pulling its image consumed nothing, and counts 0.
    never_started: bool = False
    awaits_recovery: bool = False


@dataclass(frozen=True)
class Recovery:
    """An event that ends the incident of its subject."""

    subject: Subject
    how: str  # "deployment completed", "reached steady state", ...
    at: int  # epoch seconds of the event


def subject_of(alert: Alert) -> Subject:
    """The thing an alert is about. Tasks of a service belong to the service; other tasks
    to their family; deployments, service actions and hooks to their service."""
    doc = alert.document
    account = alert.attributes.get("account", "")
    region = alert.attributes.get("region", "")
    service = str(doc.get("service") or "")
    if alert.kind == INSTANCE_HEALTH:
        arn = str(doc.get("containerInstanceArn") or "")
        name = arn.rsplit("/", 1)[-1] or str(doc.get("ec2InstanceId") or "?")
        return Subject(INSTANCE, name, alert.cluster, account, region)
    if alert.kind == DAEMON_FAILURE:
        return Subject(DAEMON, alert.family.removeprefix("daemon/"), alert.cluster, account, region)
    if service or alert.family.startswith("service/"):
        name = service or alert.family.removeprefix("service/")
        return Subject(SERVICE, name, alert.cluster, account, region)
    return Subject(FAMILY, alert.family, alert.cluster, account, region)


def failure_of(alert: Alert, now: int, record: Mapping[str, Any] | None = None) -> Failure:
    """The failure an alert reports, with its reason and (for a Fargate task whose stored
    record is given) the vCPU-seconds and GB-seconds it consumed. `now` stands in for an
    event that carries no time."""
    doc = alert.document
    at_ms = (record or {}).get("stoppedAt") or epoch_millis(doc.get("time"))
    at = int(at_ms) // 1000 if isinstance(at_ms, int) else now
    awaits = alert.kind in _AWAIT_RECOVERY
    if record is None:
        return Failure(at=at, reason=_short(alert.reason or alert.kind), awaits_recovery=awaits)
    vcpu, gb, never = task_usage(record)
    return Failure(
        at=at,
        reason=task_reason(alert.kind, record),
        vcpu_seconds=vcpu,
        gb_seconds=gb,
        never_started=never,
        awaits_recovery=awaits,
    )


def task_reason(kind: str, record: Mapping[str, Any]) -> str:
    """A failed task's reason as the resolution counts it: the stop code and the exit
    code of its first failing container ("EssentialContainerExited: exit 137"), or, for
    a task that did not start, the stop code and the error's name."""
    stop_code = str(record.get("stopCode") or "no stop code")
    containers = [c for c in record.get("containers") or [] if isinstance(c, dict)]
    if kind == TASK_START_FAILURE:
        reasons = [str(c["reason"]) for c in containers if c.get("reason")]
        cause = (reasons[0] if reasons else str(record.get("stoppedReason") or "")).split(":")[0]
        return _short(f"{stop_code}: {cause.strip() or 'no reason given'}")
    codes = [c.get("exitCode") for c in containers if c.get("exitCode") not in (None, 0)]
    return _short(f"{stop_code}: exit {codes[0]}" if codes else stop_code)


def task_usage(record: Mapping[str, Any]) -> tuple[float, float, bool]:
    """(vCPU-seconds, GB-seconds, never_started) of a stopped Fargate task.

    Fargate bills the task-level vCPU and memory "from the time you start to download
    your container image until the Amazon ECS Task ... terminates, rounded up to the
    nearest second" (https://aws.amazon.com/fargate/pricing/): pullStartedAt (or
    startedAt when the pull time is missing) to stoppedAt, rounded up. A task with
    neither time never pulled an image and counts 0. Tasks on EC2 count 0: their
    instance is billed, not the task."""
    if not _on_fargate(record):
        return 0.0, 0.0, False
    begun = record.get("pullStartedAt") or record.get("startedAt")
    stopped = record.get("stoppedAt")
    if not isinstance(begun, int) or not isinstance(stopped, int):
        return 0.0, 0.0, True
    seconds = max(0, -(-(stopped - begun) // 1000))  # rounded up, as Fargate bills
    cpu, memory = _number(record.get("cpu")), _number(record.get("memory"))
    return seconds * cpu / 1024, seconds * memory / 1024, False


def recovery_of(event: EcsEvent) -> Recovery | None:
    """The subject an event proves recovered, or None (most events prove nothing)."""
    detail = event.detail
    at_ms = epoch_millis(event.time)
    at = at_ms // 1000 if at_ms is not None else 0
    name = str(detail.get("eventName") or "")
    if (event.detail_type, name) in (
        (DEPLOYMENT_STATE_CHANGE, "SERVICE_DEPLOYMENT_COMPLETED"),
        (SERVICE_ACTION_EVENT, "SERVICE_STEADY_STATE"),
    ):
        service_arn = next((r for r in event.resources if ":service/" in r), "")
        cluster, service = _service_names(service_arn, str(detail.get("clusterArn") or ""))
        if not service:
            return None
        how = "deployment completed" if "DEPLOYMENT" in name else "reached steady state"
        return Recovery(Subject(SERVICE, service, cluster, event.account, event.region), how, at)
    instance_arn = str(detail.get("containerInstanceArn") or "")
    if not instance_arn:
        return None
    cluster = str(detail.get("clusterArn") or "").split(":cluster/", 1)[-1]
    subject = Subject(
        INSTANCE, instance_arn.rsplit("/", 1)[-1], cluster, event.account, event.region
    )
    if event.detail_type == INSTANCE_HEALTH_CHANGE and detail.get("overallStatus") == "OK":
        return Recovery(subject, "health back to OK", at)
    if (
        event.detail_type == CONTAINER_INSTANCE_STATE_CHANGE
        and detail.get("status") in _LEFT_THE_CLUSTER
    ):
        return Recovery(subject, f"left the cluster ({detail.get('status')})", at)
    return None


def resolves_by_quiet(kind: str, awaits_recovery: bool) -> bool:
    return kind in QUIET_KINDS and not awaits_recovery


# --- the resolution's summary ------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """An incident's facts, as the resolution message and the CLI show them."""

    incident_id: str
    subject: Subject
    count: int
    first_at: int
    last_at: int
    reasons: dict[str, int] = field(default_factory=dict)
    vcpu_seconds: float = 0.0
    gb_seconds: float = 0.0
    never_started: int = 0

    def folded(self, failure: Failure) -> Summary:
        """This summary with one more failure in it (times kept as the earliest and the
        latest, whatever order the failures arrive in)."""
        reasons = dict(self.reasons)
        reasons[failure.reason] = reasons.get(failure.reason, 0) + 1
        return Summary(
            incident_id=self.incident_id,
            subject=self.subject,
            count=self.count + 1,
            first_at=min(self.first_at, failure.at) if self.count else failure.at,
            last_at=max(self.last_at, failure.at),
            reasons=reasons,
            vcpu_seconds=self.vcpu_seconds + failure.vcpu_seconds,
            gb_seconds=self.gb_seconds + failure.gb_seconds,
            never_started=self.never_started + int(failure.never_started),
        )

    def reasons_by_count(self) -> list[tuple[str, int]]:
        return sorted(self.reasons.items(), key=lambda pair: (-pair[1], pair[0]))


def opened(
    subject: Subject, opened_at: int, failures: Iterable[Failure] = (), opener: str = ""
) -> Summary:
    summary = Summary(subject.incident_id(opened_at, opener), subject, 0, 0, 0)
    for failure in failures:
        summary = summary.folded(failure)
    return summary


def _on_fargate(record: Mapping[str, Any]) -> bool:
    launch = str(record.get("launchType") or "")
    provider = str(record.get("capacityProviderName") or "")
    return launch == "FARGATE" or provider.startswith("FARGATE")


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 3] + "..."

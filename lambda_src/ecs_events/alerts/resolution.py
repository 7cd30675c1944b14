"""How an incident's messages read: the opening and updates are the failure's own alert,
marked with the incident; the resolution says what happened in one screen.

Every message of an incident carries, whatever kind of alert it is:
- SNS message attributes `incidentId` and `incidentState` (opened, updated, resolved), the
  names modules/scheduled_task's state machine uses too, so one filter policy matches both;
- the same email subject (the opening's), "[resolved] " before it on the last one;
- in chat, the same `threadId` (the incident id): Amazon Q Developer threads custom
  notifications that share one, where the channel's preferences allow threads
  (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from ..times import format_clock, format_duration
from .incident import OPENED, UPDATED, Summary
from .render import Alert, with_note

if TYPE_CHECKING:  # incident_state builds resolutions with this module
    from .incident_state import Admission

INCIDENT_ID = "incidentId"
INCIDENT_STATE = "incidentState"
RESOLVED_PREFIX = "[resolved] "
# SNS limits a subject to 100 printable ASCII characters.
_SUBJECT_LIMIT = 100
# A resolution lists this many reasons; the rest are summed in one line.
_REASONS_SHOWN = 8


def in_incident(alert: Alert, incident_id: str, state: str, subject: str) -> Alert:
    """The alert as a message of its incident: its id and state as attributes and facts,
    and the incident's subject line, so that email threads it with the others."""
    return dataclasses.replace(
        alert,
        subject=subject,
        document={
            **alert.document,
            INCIDENT_ID: incident_id,
            INCIDENT_STATE: state,
            "summary": subject,
        },
        attributes={**alert.attributes, INCIDENT_ID: incident_id, INCIDENT_STATE: state},
    )


def with_incident(alert: Alert, admission: Admission) -> Alert:
    """An opening or update: the failure's own alert (with the storm's count of failures
    held back, if any), marked with its incident and the count so far."""
    state = OPENED if admission.opened else UPDATED
    marked = in_incident(alert, admission.incident_id, state, admission.subject_line)
    if admission.opened:
        note = (
            f"Incident:  {admission.incident_id} opened; further failures of this "
            "fold into it, and one message says when it ends."
        )
    else:
        note = (
            f"Incident:  {admission.incident_id} still failing: {admission.count} failures in all."
        )
    return with_note(marked, note, {"count": admission.count})


def resolved_subject(subject: str) -> str:
    text = RESOLVED_PREFIX + subject
    return text if len(text) <= _SUBJECT_LIMIT else text[: _SUBJECT_LIMIT - 3] + "..."


def resolution_alert(
    summary: Summary,
    how: str,
    resolved_at: int,
    opening_subject: str,
    attributes: dict[str, str],
) -> Alert:
    """The one message that ends an incident: how it ended, how many failures from when to
    when, their reasons with counts, how long it lasted and, for tasks, what the failed
    tasks consumed on Fargate."""
    subject = summary.subject
    family = attributes.get("family") or f"{subject.kind}/{subject.name}"
    span = f"{format_clock(summary.first_at * 1000)} to {format_clock(summary.last_at * 1000)}"
    lasted = format_duration((resolved_at - summary.first_at) * 1000)
    failures = "failure" if summary.count == 1 else "failures"
    lines = [
        f"Resolved: {subject.label}, {how}.",
        "",
        f"Failures:  {summary.count}, {span}",
        f"Lasted:    {lasted} (first failure to resolution at {format_clock(resolved_at * 1000)})",
        "Reasons:",
    ]
    reasons = summary.reasons_by_count()
    for reason, count in reasons[:_REASONS_SHOWN]:
        lines.append(f"  {count:>5}  {reason}")
    if len(reasons) > _REASONS_SHOWN:
        rest = sum(count for _, count in reasons[_REASONS_SHOWN:])
        lines.append(f"  {rest:>5}  ({len(reasons) - _REASONS_SHOWN} other reasons)")
    usage = fargate_usage(summary)
    if usage:
        lines.append(f"Fargate:   {usage}")
    lines.append(
        f"Cluster:   {subject.cluster or '-'}   Account: {subject.account}   "
        f"Region: {subject.region}"
    )
    lines.append(f"Incident:  {summary.incident_id}")
    document = {
        "kind": "resolution",
        "severity": "INFO",
        "summary": resolved_subject(opening_subject),
        INCIDENT_ID: summary.incident_id,
        INCIDENT_STATE: "resolved",
        "account": subject.account,
        "region": subject.region,
        "cluster": subject.cluster or None,
        # The opening's family (task family, "service/web", ...), so one filter keeps both.
        "family": family,
        "subjectKind": subject.kind,
        "subject": subject.name,
        "how": how,
        "count": summary.count,
        "firstFailureAt": format_clock(summary.first_at * 1000),
        "lastFailureAt": format_clock(summary.last_at * 1000),
        "resolvedAt": format_clock(resolved_at * 1000),
        "durationSeconds": max(0, resolved_at - summary.first_at),
        "reasons": [{"reason": reason, "count": count} for reason, count in reasons],
        "fargateVcpuSeconds": round(summary.vcpu_seconds, 1),
        "fargateGbSeconds": round(summary.gb_seconds, 1),
        "neverStarted": summary.never_started,
    }
    return Alert(
        key=f"{summary.incident_id}/resolved",
        kind="resolution",
        severity="INFO",
        subject=resolved_subject(opening_subject),
        text="\n".join(lines) + "\n",
        document=document,
        cluster=subject.cluster,
        family=family,
        attributes={
            **attributes,
            "kind": "resolution",
            "severity": "INFO",
            INCIDENT_ID: summary.incident_id,
            INCIDENT_STATE: "resolved",
        },
        reason=how,
        headline=f"Resolved: {subject.label}, {how}",
        facts=(
            ("Failures", f"{summary.count} {failures}, {span}"),
            ("Lasted", lasted),
            ("Reasons", ", ".join(f"{reason} ({count})" for reason, count in reasons[:3])),
            *((("Fargate", usage),) if usage else ()),
        ),
    )


def fargate_usage(summary: Summary) -> str:
    """ "1,234.5 vCPU-seconds, 2,469.0 GB-seconds" (or "" when no failed task used any)."""
    if not summary.vcpu_seconds and not summary.gb_seconds and not summary.never_started:
        return ""
    text = (
        f"{summary.vcpu_seconds:,.1f} vCPU-seconds, {summary.gb_seconds:,.1f} GB-seconds "
        "used by the failed tasks (image pull to stop)"
    )
    if summary.never_started:
        text += f"; {summary.never_started} never started and count 0"
    return text

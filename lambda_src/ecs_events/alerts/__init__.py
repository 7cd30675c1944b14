"""Failure alerts a person can act on: what failed, where, why, and what it usually means.

explain: what codes and reasons mean; classify: which events and records are alerts;
render: subject, text, JSON and the SNS message; send: each alert once (claim, publish, mark).
"""

from .classify import classify_task, service_alert, task_alert
from .explain import explain_exit, explain_reason
from .render import Alert, failure_metric, sns_message
from .send import ALERT_KEY, ALREADY_SENT, CLAIMED, SENT, AlertSender

__all__ = [
    "ALERT_KEY",
    "ALREADY_SENT",
    "CLAIMED",
    "SENT",
    "Alert",
    "AlertSender",
    "classify_task",
    "explain_exit",
    "explain_reason",
    "failure_metric",
    "service_alert",
    "sns_message",
    "task_alert",
]

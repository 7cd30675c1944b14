"""The chat form of an alert: Amazon Q Developer in chat applications (formerly AWS Chatbot)
renders an SNS message in Slack, Microsoft Teams or Chime when it follows the custom
notification schema (version "1.0", source "custom", a content block with textType
"client-markdown", title, description, nextSteps and keywords, and optional metadata):
https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html

Q Developer subscribes to the topic over HTTPS, so the "https" entry of the SNS message
carries this form; email keeps the plain text and SQS, Lambda and HTTP keep the JSON facts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # render imports this module to build the SNS message
    from .render import Alert

# Chat clients cut or refuse very long messages; an alert that needs more than this is
# read in the console it links to. (The exact limit is unverified on AWS.)
_DESCRIPTION_LIMIT = 3500


def chat_message(alert: Alert) -> dict[str, Any]:
    lines = [f"*{alert.headline or alert.subject}.*"]
    lines += [f"• *{label}:* {value}" for label, value in alert.facts if value]
    if alert.advice:
        lines += ["", alert.advice]
    for note in alert.notes:
        first, _, rest = note.partition("\n")
        lines += ["", first] + ([f"```\n{rest.rstrip()}\n```"] if rest.strip() else [])
    description = "\n".join(lines)
    if len(description) > _DESCRIPTION_LIMIT:
        description = description[: _DESCRIPTION_LIMIT - 4] + "\n..."
    related = [
        str(value)
        for name, value in alert.document.items()
        if name.endswith("Arn") and isinstance(value, str) and value
    ]
    return {
        "version": "1.0",
        "source": "custom",
        "id": alert.key,
        "content": {
            "textType": "client-markdown",
            "title": f"{alert.severity}: {alert.subject}",
            "description": description,
            "nextSteps": [f"<{url}|{label}>" for label, url in alert.links],
            "keywords": [word for word in (alert.kind, alert.cluster, alert.family) if word],
        },
        "metadata": {
            # One thread per incident: its opening, updates and resolution stay together
            # (threadId: https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html).
            "threadId": alert.attributes.get("incidentId") or f"{alert.cluster}/{alert.family}",
            "summary": alert.subject,
            "eventType": alert.kind,
            "relatedResources": related,
            "additionalContext": dict(alert.attributes),
        },
    }

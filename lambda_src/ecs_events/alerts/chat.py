"""The chat form of an alert: Amazon Q Developer in chat applications (formerly AWS Chatbot)
renders an SNS message in Slack, Microsoft Teams or Chime when it follows the custom
notification schema (version "1.0", source "custom", a content block with textType
"client-markdown", title, description, nextSteps and keywords, and optional metadata):
https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html

Q Developer subscribes to the topic over HTTPS, so the "https" entry of the SNS message
carries this form; email keeps the plain text and SQS, Lambda and HTTP keep the JSON facts.

Everything from ECS in it (title, description, facts, keywords, metadata) goes through
sanitize.chat_text: no control character, mention or link of the data's own reaches the
channel, and the log lines sit in a fence they cannot close (sanitize.py). Only the
module's own markup (bold labels, bullets, the fence, the console links) is live.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .sanitize import chat_text, fenced, visible

if TYPE_CHECKING:  # render imports this module to build the SNS message
    from .render import Alert

# Chat clients cut or refuse very long messages; an alert that needs more than this is
# read in the console it links to. (The exact limit is unverified on AWS.)
_DESCRIPTION_LIMIT = 3500


def chat_message(alert: Alert) -> dict[str, Any]:
    lines = [f"*{_one_line(alert.headline or alert.subject)}.*"]
    lines += [
        f"• *{_one_line(label)}:* {_one_line(value)}" for label, value in alert.facts if value
    ]
    if alert.advice:
        lines += ["", chat_text(alert.advice)]
    for note in alert.notes:
        first, _, rest = note.partition("\n")
        lines += ["", chat_text(first)] + ([fenced(rest.rstrip())] if rest.strip() else [])
    description = "\n".join(lines)
    if len(description) > _DESCRIPTION_LIMIT:
        description = description[: _DESCRIPTION_LIMIT - 8] + "\n..."
        if description.count("```") % 2:  # cut inside the log fence: close it
            description += "\n```"
    related = [
        visible(str(value), newlines=False)
        for name, value in alert.document.items()
        if name.endswith("Arn") and isinstance(value, str) and value
    ]
    return {
        "version": "1.0",
        "source": "custom",
        "id": visible(alert.key, newlines=False),
        "content": {
            "textType": "client-markdown",
            "title": _one_line(f"{alert.severity}: {alert.subject}"),
            "description": description,
            "nextSteps": [f"<{_link_url(url)}|{_one_line(label)}>" for label, url in alert.links],
            "keywords": [
                _one_line(word) for word in (alert.kind, alert.cluster, alert.family) if word
            ],
        },
        "metadata": {
            # One thread per incident: its opening, updates and resolution stay together
            # (threadId: https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html).
            "threadId": _one_line(
                alert.attributes.get("incidentId") or f"{alert.cluster}/{alert.family}"
            ),
            "summary": _one_line(alert.subject),
            "eventType": alert.kind,
            "relatedResources": related,
            "additionalContext": {
                name: _one_line(value) for name, value in alert.attributes.items()
            },
        },
    }


def _one_line(text: str) -> str:
    return chat_text(text, newlines=False)


def _link_url(url: str) -> str:
    """A console URL as a link target: characters that would end the link or start
    another (`|`, `<`, `>`, spaces, controls) percent-encoded."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%-._~")

"""Every alert fits in one SNS message, by construction.

SNS refuses a Publish whose message is over 256 KiB, 262,144 bytes of UTF-8, and every
part of every message attribute (name, data type and value) counts towards that limit:
https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
https://docs.aws.amazon.com/sns/latest/api/API_MessageAttributeValue.html
With MessageStructure=json the limit applies to the whole JSON object that holds every
protocol's entry, so the entries share it. An alert that does not fit would be refused on
every delivery and end in the dead-letter queue unsent; instead it is cut, the least
useful parts first, and says so:
1. the oldest of the last log lines ("7 log lines omitted to fit");
2. long reasons and lines, to _CUT_CHARACTERS ("long reasons cut to fit");
3. the per-container detail beyond the failed container ("9 containers' detail omitted");
4. a last resort that always fits: the text cut to _TEXT_BYTES_LAST_RESORT and the JSON
   facts to the identifying ones.
The subject counts too (100 ASCII characters at most), and a margin keeps the arithmetic
honest about what SNS adds.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .render import Alert

SNS_MESSAGE_LIMIT_BYTES = 262_144
_MARGIN_BYTES = 1_024
_CUT_CHARACTERS = 200
_TEXT_BYTES_LAST_RESORT = 8_000
LOG_NOTE_START = "Last log lines of "
_KEPT_LAST_RESORT = (
    "kind",
    "severity",
    "summary",
    "account",
    "region",
    "cluster",
    "family",
    "service",
    "taskArn",
    "serviceArn",
    "consoleUrl",
    "eventId",
    "alertKey",
)


def publish_bytes(request: dict[str, Any]) -> int:
    """What SNS counts of a PublishInput: the message, the subject and every part of
    every message attribute, in bytes of UTF-8."""
    total = len(request["Message"].encode()) + len(request.get("Subject", "").encode())
    for name, value in request.get("MessageAttributes", {}).items():
        total += len(name.encode()) + len(value["DataType"].encode())
        total += len(value.get("StringValue", "").encode())
    return total


def budget(limit: int) -> int:
    return limit - _MARGIN_BYTES


def without_oldest_log_lines(alert: Alert, count: int) -> Alert | None:
    """The alert with its `count` oldest log lines left out and a line saying so, or
    None when it has no log lines left to leave out."""
    lines = list(alert.document.get("lastLogLines") or [])
    note = next((n for n in alert.notes if n.startswith(LOG_NOTE_START)), None)
    omitted = int(alert.document.get("lastLogLinesOmitted") or 0)
    if not lines or note is None:
        return None
    count = min(count, len(lines))
    header, *body = note.rstrip("\n").split("\n")
    shown = [line for line in body if line.startswith("  ") and not line.startswith("  … ")]
    rest = [line for line in body if not line.startswith("  ")]
    omitted += count
    new_note = (
        "\n".join([header, f"  … {omitted} log lines omitted to fit", *shown[count:], *rest]) + "\n"
    )
    return dataclasses.replace(
        alert,
        text=alert.text.replace(note.rstrip("\n"), new_note.rstrip("\n")),
        notes=tuple(new_note if n is note else n for n in alert.notes),
        document={
            **alert.document,
            "lastLogLines": lines[count:],
            "lastLogLinesOmitted": omitted,
        },
    )


def with_long_values_cut(alert: Alert) -> Alert | None:
    """Every reason and every line of text cut to _CUT_CHARACTERS; None if none was longer."""
    cut = [False]

    def short(text: str) -> str:
        if len(text) <= _CUT_CHARACTERS:
            return text
        cut[0] = True
        return text[: _CUT_CHARACTERS - 1] + "…"

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return short(value)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    text = "\n".join(short(line) for line in alert.text.split("\n"))
    document = walk(alert.document)
    facts = tuple((label, short(value)) for label, value in alert.facts)
    notes = tuple("\n".join(short(line) for line in n.split("\n")) for n in alert.notes)
    if not cut[0]:
        return None
    return dataclasses.replace(
        alert,
        text=text.rstrip("\n") + "\n\n(long reasons cut to fit)\n",
        document={**document, "valuesCut": True},
        facts=facts,
        notes=notes,
        headline=short(alert.headline),
        advice=short(alert.advice),
    )


def with_one_container(alert: Alert) -> Alert | None:
    """Only the failed container's detail (the first with a non-zero exit or a reason)."""
    containers = [c for c in alert.document.get("containers") or [] if isinstance(c, dict)]
    if len(containers) <= 1:
        return None
    failed = next(
        (c for c in containers if isinstance(c.get("exitCode"), int) and c["exitCode"] != 0),
        next((c for c in containers if c.get("reason")), containers[0]),
    )
    dropped = len(containers) - 1
    names = {str(c.get("name")) for c in containers if c is not failed}
    lines, skipping = [], False
    for line in alert.text.split("\n"):
        # A container's block: "  name: status" and its indented "    ..." lines.
        if line.startswith("  ") and not line.startswith("    "):
            skipping = line[2:].split(":", 1)[0] in names
        elif not line.startswith("    "):
            skipping = False
        if not skipping:
            lines.append(line)
    return dataclasses.replace(
        alert,
        text="\n".join(lines).rstrip("\n") + f"\n\n({dropped} containers' detail omitted to fit)\n",
        document={**alert.document, "containers": [failed], "containersOmitted": dropped},
        facts=tuple((label, value) for label, value in alert.facts if label not in names),
    )


def last_resort(alert: Alert) -> Alert:
    """An alert that fits whatever it held: the text's first _TEXT_BYTES_LAST_RESORT
    bytes, and the facts that identify what failed."""
    data = alert.text.encode()
    text = alert.text
    if len(data) > _TEXT_BYTES_LAST_RESORT:
        text = data[:_TEXT_BYTES_LAST_RESORT].decode(errors="ignore") + "\n… (cut to fit)\n"
    document = {
        k: (v[:_CUT_CHARACTERS] if isinstance(v, str) else v)
        for k, v in alert.document.items()
        if k in _KEPT_LAST_RESORT
    }
    return dataclasses.replace(
        alert,
        text=text,
        document={**document, "cutToFit": True},
        facts=tuple((label[:50], value[:_CUT_CHARACTERS]) for label, value in alert.facts[:5]),
        notes=(),
        headline=alert.headline[:_CUT_CHARACTERS],
        advice=alert.advice[:_CUT_CHARACTERS],
        links=tuple((label, url[:1000]) for label, url in alert.links),
    )

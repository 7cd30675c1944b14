"""Hostile SQS records: every field of a documented task event made wrong in turn.

Shared by the property-based test (hypothesis draws the Random) and the report.
"""

from __future__ import annotations

import json
import random
from typing import Any

from tests.events import task_event

HOSTILE_ARN = "arn:aws:ecs:us-west-2:111122223333:task/default/{:032x}"

_DEEP = 5_000  # deeper than the JSON parser's recursion limit


def _values(rng: random.Random) -> list[Any]:
    return [
        None,
        True,
        -1,
        10**60,
        1.5e308,
        "",
        "   ",
        "x" * rng.choice((3_000, 300_000)),
        "bad \ud800 surrogate",
        "nul \x00 byte",
        "arn:aws:ecs:us-west-2:111122223333:service/default/web",
        "not-an-arn",
        [],
        ["x"] * rng.choice((10, 20_000)),
        {},
        {"nested": {"deeper": [1, 2, {"x": None}]}},
        _nested(rng.randint(50, 900)),
    ]


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"n": value}
    return value


def _paths(event: dict[str, Any]) -> list[tuple[Any, ...]]:
    paths: list[tuple[Any, ...]] = [(k,) for k in event]
    paths += [("detail", k) for k in event["detail"]]
    paths += [("detail", "containers", 0, k) for k in event["detail"]["containers"][0]]
    return paths


def hostile_body(rng: random.Random, serial: int) -> tuple[str, str]:
    """(SQS body, what was done to it)."""
    event = task_event(
        rng.randint(1, 6), "STOPPED", task_arn=HOSTILE_ARN.format(serial), exit_code=1
    )
    choice = rng.random()
    if choice < 0.05:
        return "[" * _DEEP + "]" * _DEEP, "JSON nested deeper than the parser allows"
    if choice < 0.10:
        text = json.dumps(event)
        return text[: rng.randint(0, len(text) - 1)], "truncated JSON"
    if choice < 0.15:
        event["source"] = rng.choice(("aws.ec2", "custom.app", "", "aws.ecs "))
        return json.dumps(event), "not an ECS source"
    path = rng.choice(_paths(event))
    target = event
    for step in path[:-1]:
        target = target[step]
    if rng.random() < 0.2:
        del target[path[-1]]
        return json.dumps(event), f"missing {'.'.join(map(str, path))}"
    value = rng.choice(_values(rng))
    target[path[-1]] = value
    try:
        body = json.dumps(event)
    except (ValueError, RecursionError):
        body = json.dumps(event, allow_nan=True)
    return body, f"{'.'.join(map(str, path))} = {type(value).__name__}"


# --- hostile content: what a task's own data and logs may hold --------------------------

# Secrets a line may carry, each with the text that must not leave (the secret itself).
SECRET_LINES = (
    ("key AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("sts ASIAY34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG"),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "eyJhbGciOiJIUzI1NiJ9"),
    ("Authorization: Basic dXNlcjpodW50ZXIy", "dXNlcjpodW50ZXIy"),
    ("dsn=postgres://app:Tr0ub4dor@db:5432/app", "Tr0ub4dor"),
    ("login password=correct-horse-battery", "correct-horse-battery"),
    ("config secret: s3kr1t-value", "s3kr1t-value"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----", "BEGIN OPENSSH PRIVATE KEY"),
)
OVERRIDE_SECRET = "hunter2-do-not-store"  # tests.events puts it in the task's overrides
MENTIONS = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U024BE7LH>",
    "<#C024BE7LR>",
    "@here",
    "@channel",
    "@everyone",
    "<https://evil.example|click here>",
)
CONTROLS = ("\x1b[2J\x1b[31m", "\r", "\x00", "\x07", "\x9b31m", "\u202e", "\u2066")
_HUGE = ("\U0001f4a5" * 255, "\u6f22" * 255, "x" * 255)


def hostile_content(rng: random.Random, serial: int) -> tuple[dict[str, Any], list[str]]:
    """A failing task whose reasons and names are hostile or maximal, and its last log
    lines (secrets, mentions, controls, a fence-closing line)."""
    event = task_event(6, "STOPPED", task_arn=HOSTILE_ARN.format(serial), exit_code=137)
    detail = event["detail"]

    def text() -> str:
        kind = rng.random()
        if kind < 0.3:
            return rng.choice(_HUGE)
        return (rng.choice(MENTIONS) + " " + rng.choice(CONTROLS) + " reason ```")[:255]

    # One task in ten is ECS's worst case for size: 10 containers, maximal names,
    # 255-character reasons of 4-byte characters.
    worst = serial % 10 == 0
    detail["stoppedReason"] = _HUGE[0] if worst else text()
    template = detail["containers"][0]
    detail["containers"] = [
        {
            **template,
            "name": f"{'c' * (250 if worst else rng.choice((5, 250)))}{i}",
            "reason": _HUGE[0] if worst else text(),
        }
        for i in range(10 if worst else rng.randint(1, 10))
    ]
    lines = []
    for _ in range(10):
        choice = rng.random()
        if choice < 0.4:
            lines.append(rng.choice(SECRET_LINES)[0])
        elif choice < 0.5:
            lines.append(f"env {OVERRIDE_SECRET}")
        elif choice < 0.6:
            lines.append("```")
        elif choice < 0.8:
            lines.append(f"{rng.choice(MENTIONS)} {rng.choice(CONTROLS)} log")
        else:
            lines.append(rng.choice(_HUGE) * 4)
    return event, lines

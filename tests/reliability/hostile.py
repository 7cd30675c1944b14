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

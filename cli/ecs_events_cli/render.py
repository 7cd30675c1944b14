"""Tables, a task's page, the progress bar: what the commands print.

Everything shown comes from the ECS event stream, so it is data, not text for the terminal:
control characters (a stop reason carrying escape sequences, a newline in a container's
reason) are printed escaped, never raw.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, TextIO

from ecs_events.backfill import BackfillResult
from ecs_events.ecs import parse_arn
from ecs_events.state import CONTAINER_INSTANCE_KEY, TASK_KEY
from ecs_events.times import format_clock, format_duration

from . import queries
from .names import short_id as _short_id

# C0 controls, DEL and C1 controls (\x9b is a one-byte escape-sequence introducer).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(value: object) -> str:
    """The text of a value with every control character written as an escape (\\x1b, \\n)."""
    return _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode(), str(value))


class ProgressBar:
    """[#######.............] 35/100 tasks  on one line of stderr, redrawn in place."""

    WIDTH = 30

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.drawn = False

    def update(self, done: int, total: int, what: str) -> None:
        filled = self.WIDTH if total == 0 else self.WIDTH * done // total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {what}\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


RED = "\x1b[31m"
RESET = "\x1b[0m"


def use_colour(stream: TextIO, env: dict[str, str]) -> bool:
    """Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org)."""
    return stream.isatty() and "NO_COLOR" not in env and env.get("TERM") != "dumb"


def render_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    marked: Sequence[bool] | None = None,
) -> str:
    """Aligned columns; rows flagged in `marked` are red. Widths are measured on the text
    alone, and the colour wraps the finished line, so alignment holds."""
    rows = [[clean(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    flags = [False, *(marked or [False] * len(rows))]
    lines = []
    for line, flagged in zip([headers, *rows], flags, strict=True):
        text = "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        lines.append(f"{RED}{text.rstrip()}{RESET}" if flagged else text.rstrip())
    return "\n".join(lines)


def failed(task: dict[str, Any]) -> bool:
    """A task that never started or stopped with a container exiting non-zero."""
    if task.get("stopCode") == "TaskFailedToStart":
        return True
    return any(c.get("exitCode") not in (None, 0) for c in task.get("containers", []))


def _exit_codes(task: dict[str, Any]) -> str:
    codes = [str(c["exitCode"]) for c in task.get("containers", []) if "exitCode" in c]
    return ",".join(codes) or "-"


def render_tasks(items: list[dict[str, Any]], colour: bool = False) -> str:
    if not items:
        return "no tasks match"
    rows = [
        [
            _short_id(item[TASK_KEY]),
            str(item.get("cluster", "-")),
            str(item.get("taskDefinition", "-")),
            str(item.get("group", "-")),
            str(item.get("lastStatus", "-")),
            str(item.get("stopCode", "-")),
            _exit_codes(item),
            queries.format_millis(item.get("updatedAt")),
        ]
        for item in items
    ]
    headers = ["TASK", "CLUSTER", "DEFINITION", "GROUP", "STATUS", "STOP CODE", "EXIT", "UPDATED"]
    # In a fleet, one cluster name can live in several accounts and regions: name them
    # when the listing spans more than one, so two rows of "default" are told apart.
    places = [_account_region(item[TASK_KEY]) for item in items]
    if len(set(places)) > 1:
        headers[2:2] = ["ACCOUNT", "REGION"]
        for row, (account, region) in zip(rows, places, strict=True):
            row[2:2] = [account, region]
    marked = [colour and failed(item) for item in items]
    table = render_table(headers, rows, marked)
    return table + f"\n{len(items)} task{'s' if len(items) != 1 else ''}"


def _account_region(arn: str) -> tuple[str, str]:
    """The task's own account and region, from its ARN."""
    parsed = parse_arn(arn)
    return (parsed.account, parsed.region) if parsed is not None else ("-", "-")


def render_task(item: dict[str, Any]) -> str:
    facts = [
        ("Task", _short_id(item[TASK_KEY])),
        ("ARN", item[TASK_KEY]),
        ("Cluster", item.get("cluster")),
        ("Definition", item.get("taskDefinition")),
        ("Group", item.get("group")),
        ("Started by", item.get("startedBy")),
        (
            "Launch",
            " in ".join(
                str(v) for v in (item.get("launchType"), item.get("availabilityZone")) if v
            ),
        ),
        ("Instance", item.get("containerInstanceArn")),
        (
            "Status",
            f"{item.get('lastStatus', '-')} (desired {item.get('desiredStatus', '-')}), "
            f"version {item.get('version', 'unknown')}",
        ),
        ("Health", item.get("healthStatus")),
        (
            "Stopped",
            ": ".join(str(v) for v in (item.get("stopCode"), item.get("stoppedReason")) if v),
        ),
    ]
    lines = [f"{name:<11} {clean(value)}" for name, value in facts if value]
    steps = queries.timeline(item)
    if steps:
        rows, previous = [], None
        for step in steps:
            after = (
                "" if previous is None else "+" + queries.format_duration(step.at_millis - previous)
            )
            rows.append([step.status, queries.format_millis(step.at_millis), after, step.what])
            previous = step.at_millis
        lines += ["", "Timeline", _indent(render_table(["STATUS", "AT", "AFTER", "WHAT"], rows))]
        total = steps[-1].at_millis - steps[0].at_millis
        lines.append(f"  {queries.format_duration(total)} from {steps[0].what} to {steps[-1].what}")
    containers = item.get("containers", [])
    if containers:
        rows = [
            [
                str(c.get("name", "-")),
                str(c.get("lastStatus", "-")),
                str(c.get("exitCode", "-")),
                str(c.get("reason", "")),
            ]
            for c in containers
        ]
        lines += [
            "",
            "Containers",
            _indent(render_table(["NAME", "STATUS", "EXIT", "REASON"], rows)),
        ]
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def render_instances(items: list[dict[str, Any]]) -> str:
    if not items:
        return "no container instances match"

    def resource(item: dict[str, Any], name: str) -> str:
        free = item.get("remainingResources", {}).get(name)
        total = item.get("registeredResources", {}).get(name)
        return "-" if total is None else f"{free if free is not None else '?'}/{total}"

    rows = [
        [
            _short_id(item[CONTAINER_INSTANCE_KEY]),
            str(item.get("cluster", "-")),
            str(item.get("ec2InstanceId", "-")),
            str(item.get("lastStatus", "-")),
            _yes_no(item.get("agentConnected")),
            str(item.get("runningTasksCount", "-")),
            str(item.get("pendingTasksCount", "-")),
            resource(item, "CPU"),
            resource(item, "MEMORY"),
        ]
        for item in items
    ]
    headers = [
        "INSTANCE",
        "CLUSTER",
        "EC2",
        "STATUS",
        "AGENT",
        "RUNNING",
        "PENDING",
        "CPU FREE",
        "MEM FREE",
    ]
    return render_table(headers, rows)


def _yes_no(value: object) -> str:
    return "-" if not isinstance(value, bool) else ("yes" if value else "no")


def render_backfill(result: BackfillResult) -> str:
    def counts(counter: dict[str, int]) -> str:
        return ", ".join(f"{name} {count}" for name, count in sorted(counter.items())) or "none"

    return "\n".join(
        [
            clean(result.cluster),
            f"  tasks                {sum(result.tasks.values())}: {counts(result.tasks)}",
            f"  container instances  {sum(result.container_instances.values())}: "
            f"{counts(result.container_instances)}",
            f"  requests             {counts(result.requests)}",
        ]
    )


def render_incidents(items: list[dict[str, Any]], colour: bool = False) -> str:
    """Open incidents first, in red where colour is on."""
    if not items:
        return "no incidents"
    rows = [
        [
            str(item.get("incidentId", "-")),
            str(item.get("status", "-")),
            _incident_what(item),
            _moment(item.get("firstAt")),
            str(item.get("count", "-")),
            _moment(item.get("lastAt")),
            _moment(item.get("resolvedAt")) if item.get("status") == "resolved" else "-",
        ]
        for item in items
    ]
    headers = ["INCIDENT", "STATE", "WHAT", "SINCE", "FAILURES", "LAST", "RESOLVED"]
    marked = [item.get("status") != "resolved" for item in items] if colour else None
    return render_table(headers, rows, marked)


def render_incident(item: dict[str, Any]) -> str:
    first, last = item.get("firstAt"), item.get("lastAt")
    lines = [
        f"Incident:  {item.get('incidentId', '-')} ({item.get('status', '-')})",
        f"What:      {_incident_what(item)}",
        f"Where:     account {item.get('account', '-')}, region {item.get('region', '-')}",
        f"Subject:   {item.get('subjectLine', '-')}",
        f"Failures:  {item.get('count', 0)}, {_moment(first)} to {_moment(last)}",
    ]
    if item.get("status") == "resolved":
        resolved = item.get("resolvedAt")
        lasted = format_duration((int(resolved) - int(first)) * 1000) if resolved and first else "-"
        lines.append(f"Resolved:  {_moment(resolved)}, {item.get('how', '-')} (lasted {lasted})")
    lines.append("Reasons:")
    reasons = sorted((item.get("reasons") or {}).items(), key=lambda pair: (-int(pair[1]), pair[0]))
    lines += [f"  {int(count):>5}  {reason}" for reason, count in reasons] or ["  -"]
    vcpu, gb = float(item.get("vcpuSeconds", 0)), float(item.get("gbSeconds", 0))
    if vcpu or gb:
        lines.append(f"Fargate:   {vcpu:,.1f} vCPU-seconds, {gb:,.1f} GB-seconds")
    return "\n".join(clean(line) for line in lines)


def _incident_what(item: dict[str, Any]) -> str:
    kind, name = item.get("subjectKind", "?"), item.get("subjectName", "?")
    return f"{kind} {name} in {item.get('cluster') or '?'}"


def _moment(epoch: object) -> str:
    return format_clock(int(epoch) * 1000) if isinstance(epoch, int | float) and epoch else "-"


def print_json(value: Any) -> None:
    # json.dumps writes every control character as \\uXXXX (ensure_ascii), so stored text
    # cannot reach the terminal raw here either.
    print(json.dumps(queries.plain(value), indent=2, sort_keys=True))

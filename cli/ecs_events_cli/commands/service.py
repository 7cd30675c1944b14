"""`ecs-events service`: one service's deployments and how each ended, newest first, with
AWS's reasons, from the event log (ECS Deployment State Change events) and, where they are
delivered, the cluster's ECS Action Logs."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import Any

from ecs_events.action_logs import ActionLogRecord, parse_record
from ecs_events.times import epoch_millis, format_millis

from .. import aws, names, queries, render
from ..errors import USAGE, CliError

HELP = "one service: its deployments, their outcomes and AWS's reasons, newest first"

DEPLOYMENT_EVENT = "ECS Deployment State Change"
# A person is waiting: a bounded number of pages from each log group.
MAX_PAGES = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("service", help="service name")
    parser.add_argument("--cluster", required=True, help="cluster name or ARN")
    parser.add_argument(
        "--since", default="7d", help="how far back: 30m, 24h, 7d (default) or an ISO time"
    )
    parser.add_argument(
        "--log-group", help="the event log group (default: /aws/events/<name>, the history output)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON array, for machines")


@dataclass
class Deployment:
    deployment: str
    source: str  # "events" or "action logs"
    first_millis: int | None = None
    last_millis: int | None = None
    outcome: str = ""
    reason: str | None = None
    steps: list[str] = field(default_factory=list)

    def add(self, at: int | None, step: str, reason: str | None) -> None:
        self.steps.append(step)
        if at is not None:
            self.first_millis = at if self.first_millis is None else min(self.first_millis, at)
            if self.last_millis is None or at >= self.last_millis:
                self.last_millis = at
                self.outcome = step
                self.reason = reason or self.reason
        elif not self.outcome:
            self.outcome = step
        if reason and self.reason is None:
            self.reason = reason


def _messages(logs: Any, group: str, term: str, start_millis: int) -> list[str]:
    messages: list[str] = []
    request: dict[str, Any] = {
        "logGroupName": group,
        "startTime": start_millis,
        "filterPattern": f'"{term}"',
    }
    for _ in range(MAX_PAGES):
        page = logs.filter_log_events(**request)
        messages.extend(event["message"] for event in page.get("events", []))
        token = page.get("nextToken")
        if not token:
            break
        request["nextToken"] = token
    return messages


def deployments_from_events(messages: list[str], service_arn_suffix: str) -> list[Deployment]:
    found: dict[str, Deployment] = {}
    for message in messages:
        try:
            event = json.loads(message)
        except ValueError:
            continue
        if not isinstance(event, dict) or event.get("detail-type") != DEPLOYMENT_EVENT:
            continue
        if not any(str(r).endswith(service_arn_suffix) for r in event.get("resources", [])):
            continue
        detail = event.get("detail") or {}
        deployment_id = str(detail.get("deploymentId") or "?")
        entry = found.setdefault(deployment_id, Deployment(deployment_id, "events"))
        at = epoch_millis(detail.get("updatedAt")) or epoch_millis(event.get("time"))
        entry.add(at, str(detail.get("eventName", "")), detail.get("reason") or None)
    return list(found.values())


def deployments_from_action_logs(
    records: list[ActionLogRecord], service_arn_suffix: str
) -> list[Deployment]:
    found: dict[str, Deployment] = {}
    for record in records:
        if not (record.service_arn or "").endswith(service_arn_suffix):
            continue
        key = record.service_deployment_arn or "?"
        entry = found.setdefault(key, Deployment(key, "action logs"))
        entry.add(record.timestamp_millis, record.event_name, record.status_reason)
    return list(found.values())


def newest_first(deployments: list[Deployment]) -> list[Deployment]:
    return sorted(deployments, key=lambda d: d.last_millis or 0, reverse=True)


def render_deployments(deployments: list[Deployment], colour: bool = False) -> str:
    rows = [
        [
            format_millis(d.last_millis),
            names.short_id(d.deployment) if d.deployment.startswith("arn:") else d.deployment,
            d.outcome,
            d.reason or "",
            d.source,
        ]
        for d in deployments
    ]
    marked = [colour and ("FAIL" in d.outcome or "ROLLBACK" in d.outcome) for d in deployments]
    return render.render_table(["LAST", "DEPLOYMENT", "OUTCOME", "REASON", "FROM"], rows, marked)


def run(args: argparse.Namespace, env: dict[str, str]) -> int:
    cluster = names.cluster_name(args.cluster)
    if not cluster:
        raise CliError("--cluster needs a cluster name or ARN", USAGE)
    try:
        start = queries.parse_since(args.since)
    except ValueError as error:
        raise CliError(f"--since: {error}", USAGE) from None
    suffix = f":service/{cluster}/{args.service}"
    group = args.log_group or f"/aws/events/{aws.name(args, env)}"
    logs = aws.client(args, "logs")
    args.target.subject = f"log group {group}"
    deployments = deployments_from_events(_messages(logs, group, args.service, start), suffix)
    # Action Logs, where they are delivered (modules/action_logs); absent is not an error.
    action_group = f"/aws/events/ecs/action-logs/{cluster}"
    args.target.subject = f"log group {action_group}"
    try:
        records = [parse_record(m) for m in _messages(logs, action_group, args.service, start)]
    except logs.exceptions.ResourceNotFoundException:
        records = []
    deployments += deployments_from_action_logs([r for r in records if r is not None], suffix)
    ordered = newest_first(deployments)
    if args.json:
        render.print_json([d.__dict__ for d in ordered])
    elif not ordered:
        print(
            f"no deployments of {render.clean(args.service)} in {cluster} "
            f"since {args.since} in {group}"
        )
    else:
        print(render_deployments(ordered, render.use_colour(sys.stdout, env)))
    return 0

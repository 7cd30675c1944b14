"""`ecs-events task`: one task's state, timeline and containers."""

from __future__ import annotations

import argparse
import sys

from .. import aws, names, queries, render
from ..errors import NOT_FOUND

HELP = "one task: state, timeline and containers"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task", help="task ID or ARN (an ID without --cluster means a scan)")
    parser.add_argument("--cluster", help="cluster name or ARN, to turn a task ID into its ARN")
    parser.add_argument("--json", action="store_true", help="the item and its timeline as JSON")


def run(args: argparse.Namespace, env: dict[str, str]) -> int:
    table = aws.task_table(args, env)
    wanted: str = args.task
    cluster = names.cluster_name(args.cluster)
    args.target.subject = f"table {table}"
    dynamodb = aws.client(args, "dynamodb")
    if names.is_arn(wanted, "task"):
        item = queries.get_task(dynamodb, table, wanted)
    elif cluster:
        arn = queries.ecs_arn_for_id(dynamodb, table, "task", cluster, wanted)
        item = queries.get_task(dynamodb, table, arn)
    else:
        print(
            f"ecs-events: note: scanning all of {table} for the task ID: "
            "--cluster makes it one read",
            file=sys.stderr,
        )
        item = queries.find_task_by_id(dynamodb, table, wanted)
    if item is None:
        print(f"ecs-events: task {render.clean(wanted)} is not in {table}", file=sys.stderr)
        return NOT_FOUND
    if args.json:
        steps = [
            {"status": s.status, "what": s.what, "at": s.at_millis} for s in queries.timeline(item)
        ]
        render.print_json({**item, "timeline": steps})
    else:
        print(render.render_task(item))
    return 0

"""`ecs-events instances`: container instances, their agent and free resources."""

from __future__ import annotations

import argparse

from .. import aws, names, queries, render

HELP = "list container instances"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cluster", help="cluster name or ARN")
    parser.add_argument("--status", type=str.upper, help="ACTIVE, DRAINING, ...")
    parser.add_argument("--json", action="store_true", help="one JSON array, for machines")


def run(args: argparse.Namespace, env: dict[str, str]) -> int:
    table = aws.container_instance_table(args, env)
    cluster = names.cluster_name(args.cluster)
    args.target.subject = f"table {table}"
    # A scan by design: one item per instance keeps the table small (queries.py).
    items = queries.container_instances(aws.client(args, "dynamodb"), table, cluster, args.status)
    if args.json:
        render.print_json(items)
    else:
        print(render.render_instances(items))
    return 0

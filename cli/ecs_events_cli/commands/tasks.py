"""`ecs-events tasks`: tasks matching a filter, most recently updated first."""

from __future__ import annotations

import argparse
import sys

from .. import aws, names, queries, render
from ..errors import CliError

HELP = "list tasks, most recently updated first"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cluster",
        help="cluster name or ARN (queries the cluster index; an ARN also sets account and region)",
    )
    parser.add_argument(
        "--status", action="append", type=str.upper, help="lastStatus, repeatable (STOPPED...)"
    )
    # ECS's own task group: "family:<family>" for tasks started by RunTask or a schedule,
    # "service:<service>" for a service's tasks.
    grouping = parser.add_mutually_exclusive_group()
    grouping.add_argument("--family", help="tasks started outside services from this family")
    grouping.add_argument("--service", help="tasks of this service")
    grouping.add_argument("--group", help="ECS task group, e.g. family:etl or service:web")
    parser.add_argument(
        "--instance",
        help="container instance the tasks ran on: its ID (as `instances` shows) or ARN",
    )
    parser.add_argument("--since", help="30m, 24h, 7d or an ISO time: updated since")
    parser.add_argument("--stopped-since", help="30m, 24h, 7d or an ISO time: stopped since")
    parser.add_argument("--stopped-until", help="30m, 24h, 7d or an ISO time: stopped by")
    # The task's account and region (of the event), not those of the API call (--region).
    parser.add_argument("--account", help="only tasks of this AWS account (of the event)")
    parser.add_argument("--task-region", help="only tasks of this region (of the event)")
    parser.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    parser.add_argument("--json", action="store_true", help="one JSON array, for machines")


def run(args: argparse.Namespace, env: dict[str, str]) -> int:
    table = aws.task_table(args, env)
    if args.limit < 1:
        raise CliError("--limit must be 1 or more")
    times = {}
    for flag in ("since", "stopped_since", "stopped_until"):
        text = getattr(args, flag)
        try:
            times[flag] = queries.parse_since(text) if text else None
        except ValueError as error:
            raise CliError(f"--{flag.replace('_', '-')}: {error}") from None
    group = args.group
    if args.family:
        group = f"family:{args.family}"
    elif args.service:
        group = f"service:{args.service}"
    cluster = names.cluster_name(args.cluster)  # refuses an ARN that is not a cluster's
    args.target.subject = f"table {table}"
    dynamodb = aws.client(args, "dynamodb")
    instance = args.instance
    if instance and not names.is_arn(instance, "container-instance"):
        instance = container_instance_arn(args, env, dynamodb, instance, cluster)
    wanted = queries.TaskFilter(
        cluster=args.cluster,  # an ARN keeps its account and region
        statuses=tuple(args.status or ()),
        group=group,
        container_instance=instance,
        since_millis=times["since"],
        account=args.account,
        region=args.task_region,
        stopped_from=times["stopped_since"],
        stopped_to=times["stopped_until"],
    )
    if queries.cluster_query(table, wanted, args.limit) is None:
        print(
            f"ecs-events: note: scanning all of {table}: the index is per cluster; "
            "--cluster (or --instance, whose ARN names its cluster) makes this an index query",
            file=sys.stderr,
        )
    try:
        items = queries.find_tasks(dynamodb, table, wanted, args.limit)
    except queries.IndexMissing as missing:
        print(
            f"ecs-events: note: {table} has no {missing} (tables.query_indexes = false); "
            "scanning all of the table instead",
            file=sys.stderr,
        )
        items = queries.scan_tasks(dynamodb, table, wanted, args.limit)
    if args.json:
        render.print_json(items)
    else:
        print(render.render_tasks(items, colour=render.use_colour(sys.stdout, env)))
    return 0


def container_instance_arn(
    args: argparse.Namespace,
    env: dict[str, str],
    dynamodb: object,
    instance_id: str,
    cluster: str | None,
) -> str:
    """An instance ID becomes its ARN: built from the task table's ARN when the cluster is
    known, else looked up in the container-instance table (one item per instance: small)."""
    table = aws.task_table(args, env)
    if cluster:
        return queries.ecs_arn_for_id(dynamodb, table, "container-instance", cluster, instance_id)
    instances = aws.container_instance_table(args, env)
    args.target.subject = f"table {instances}"
    found = queries.find_container_instance_by_id(dynamodb, instances, instance_id)
    if found is None:
        raise CliError(
            f"container instance {instance_id} is not in {instances}: give its ARN, or --cluster",
            1,
        )
    args.target.subject = f"table {table}"
    return found

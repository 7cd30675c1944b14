"""`ecs-events backfill`: read tasks and container instances from ECS into the tables."""

from __future__ import annotations

import argparse
import sys

from botocore.exceptions import ClientError

from ecs_events.accounts import EcsClients, arn_account, arn_region, member_role_arns
from ecs_events.backfill import Backfill, BackfillResult, Throttled

from .. import aws, names, render
from ..errors import AWS, CliError

HELP = "read tasks and container instances from ECS into the tables"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cluster", action="append", required=True, help="cluster name or ARN, repeatable"
    )
    parser.add_argument(
        "--role-arn",
        action="append",
        default=[],
        help="read role of a member account (modules/forwarder read_role), repeatable: a "
        "--cluster ARN of that account is read through it, in the ARN's region",
    )
    parser.add_argument(
        "--role-name", help="the read role's name in every --account (instead of --role-arn)"
    )
    parser.add_argument(
        "--account", action="append", default=[], help="member account ID, with --role-name"
    )
    parser.add_argument("--page-size", type=int, default=100, help="ECS page size, 1-100")
    parser.add_argument("--running-only", action="store_true", help="skip recently stopped tasks")
    parser.add_argument(
        "--retention-days",
        type=int,
        help="TTL of stopped tasks, as the module's tables.retention_days "
        "(default: $RETENTION_DAYS, else 90)",
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="draw a progress bar on stderr (default: when stderr is a terminal)",
    )
    shown.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress bar"
    )
    parser.add_argument("--json", action="store_true", help="the summary as JSON")


def retention_days(args: argparse.Namespace, env: dict[str, str]) -> int:
    if args.retention_days is not None:
        days: int = args.retention_days
    else:
        text = env.get("RETENTION_DAYS", "").strip() or "90"
        try:
            days = int(text)
        except ValueError:
            raise CliError(
                f"RETENTION_DAYS={render.clean(text)} is not a whole number of days: "
                "set it to the module's tables.retention_days (e.g. 90) or unset it"
            ) from None
    if days < 1:
        raise CliError("retention days must be 1 or more (the module's tables.retention_days)")
    return days


def run(args: argparse.Namespace, env: dict[str, str]) -> int:
    task_table = aws.task_table(args, env)
    instance_table = aws.container_instance_table(args, env)
    if not 1 <= args.page_size <= 100:
        raise CliError("--page-size must be between 1 and 100 (the ECS API's limit)")
    days = retention_days(args, env)
    for cluster in args.cluster:
        names.checked_cluster_name(cluster)
    for arn in args.role_arn:
        names.role_arn(arn)
    for account in args.account:
        names.account_id(account)
    if args.role_name is not None:
        names.role_name(args.role_name)
        if not args.account:
            raise CliError("--role-name names the read role in each --account: give --account")
    try:
        roles = {
            arn_account(role): role
            for role in member_role_arns(args.role_arn, args.role_name, args.account)
        }
    except ValueError as error:
        raise CliError(f"{error}: pass --role-arn, or --role-name with --account") from None
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress
    ecs = aws.client(args, "ecs")
    # Clusters of member accounts (and other regions) are read through their read role.
    member_ecs = EcsClients(
        aws.client(args, "sts"),
        lambda service, region, keys: aws.client(args, service, region, keys),
    )
    backfill = Backfill(
        ecs,
        aws.client(args, "dynamodb"),
        task_table,
        instance_table,
        retention_days=days,
        page_size=args.page_size,
        include_stopped=not args.running_only,
    )
    results: list[BackfillResult] = []
    for cluster in args.cluster:
        args.target.subject = f"table {task_table} or {instance_table}"
        args.target.cluster = names.cluster_name(cluster)
        member = cluster.startswith("arn:")
        role = roles.get(arn_account(cluster)) if member else None
        region = arn_region(cluster) if member else None
        own = role is None and region in (None, ecs.meta.region_name)
        backfill.ecs = ecs if own else member_ecs(role, region or ecs.meta.region_name)
        bar = render.ProgressBar(sys.stderr, cluster) if show_progress else None
        try:
            results.append(backfill.run(cluster, bar.update if bar else _quiet))
        except Throttled as error:
            raise CliError(
                f"{cluster}: {error}; try again later or a smaller --page-size", AWS
            ) from None
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code != "ClusterNotFoundException" or not member:
                raise
            raise CliError(
                f"{cluster}: no such cluster where it was read (a cluster of another "
                "account needs that account's --role-arn, or --role-name with --account)",
                AWS,
            ) from None
        finally:
            if bar:
                bar.close()
    if args.json:
        render.print_json([r.summary() for r in results])
    else:
        for result in results:
            print(render.render_backfill(result))
    return 0


def _quiet(done: int, total: int, what: str) -> None:
    return None

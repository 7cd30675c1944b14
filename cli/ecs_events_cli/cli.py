"""`ecs-events`: ask the state tables what happened to tasks, and rebuild them from ECS.

    ecs-events tasks --cluster production --status STOPPED --since 24h
    ecs-events task 4fd8ba3eb0ae4bb4a3fa8d2e39d79c4a --cluster production
    ecs-events instances --cluster production
    ecs-events backfill --cluster production

Tables come from --task-table / --container-instance-table or TASK_TABLE_NAME /
CONTAINER_INSTANCE_TABLE_NAME (the module's task_table_name and
container_instance_table_name outputs). --endpoint-url or AWS_ENDPOINT_URL points it at a
local emulator. Errors about tables, credentials or endpoints print one line and exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from ecs_events.accounts import EcsClients, arn_account, arn_region, member_role_arns
from ecs_events.backfill import Backfill, BackfillResult, Throttled
from ecs_events.state import CONTAINER_INSTANCE_KEY, TASK_KEY

from . import history

USAGE_ERROR = 2

_NOT_FOUND = {"ResourceNotFoundException", "TableNotFoundException"}
_REFUSED = {
    "AccessDeniedException",
    "AccessDenied",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "ExpiredTokenException",
    "InvalidClientTokenId",
}


class CliError(Exception):
    """One line for the person at the terminal; the command exits 2."""


# --- entry point -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None, env: dict[str, str] | None = None) -> int:
    env = dict(os.environ) if env is None else env
    parser = build_parser(env)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args, env))
    except CliError as error:
        print(f"ecs-events: error: {error}", file=sys.stderr)
        return USAGE_ERROR


def build_parser(env: dict[str, str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecs-events", description="Ask the ECS state mirror questions; rebuild it from ECS."
    )
    _add_connection_options(parser, env)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # The same options after the command too (ecs-events tasks --task-table ...); there
    # they default to nothing, so a value given before the command is kept.
    after = argparse.ArgumentParser(add_help=False)
    _add_connection_options(after, None)

    tasks = commands.add_parser(
        "tasks", parents=[after], help="list tasks, most recently updated first"
    )
    tasks.add_argument(
        "--cluster", help="cluster name or ARN (an ARN also sets account and region)"
    )
    tasks.add_argument(
        "--status", action="append", type=str.upper, help="lastStatus, repeatable (STOPPED...)"
    )
    # ECS's own task group: "family:<family>" for tasks started by RunTask or a schedule,
    # "service:<service>" for a service's tasks.
    grouping = tasks.add_mutually_exclusive_group()
    grouping.add_argument("--family", help="tasks started outside services from this family")
    grouping.add_argument("--service", help="tasks of this service")
    grouping.add_argument("--group", help="ECS task group, e.g. family:etl or service:web")
    tasks.add_argument("--instance", help="container instance ARN the tasks ran on")
    tasks.add_argument("--since", help="30m, 24h, 7d or an ISO time: updated since")
    tasks.add_argument("--stopped-since", help="30m, 24h, 7d or an ISO time: stopped since")
    tasks.add_argument("--stopped-until", help="30m, 24h, 7d or an ISO time: stopped by")
    # The task's account and region (of the event), not those of the API call (--region).
    tasks.add_argument("--account", help="only tasks of this AWS account")
    tasks.add_argument("--task-region", help="only tasks of this region")
    tasks.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    tasks.add_argument("--json", action="store_true", help="one JSON array, for machines")
    tasks.set_defaults(run=run_tasks)

    task = commands.add_parser(
        "task", parents=[after], help="one task: state, timeline and containers"
    )
    task.add_argument("task", help="task ARN, or task ID (with --cluster, else a scan)")
    task.add_argument("--cluster", help="cluster name, to turn a task ID into its ARN")
    task.add_argument("--json", action="store_true", help="the item and its timeline as JSON")
    task.set_defaults(run=run_task)

    instances = commands.add_parser("instances", parents=[after], help="list container instances")
    instances.add_argument("--cluster", help="cluster name")
    instances.add_argument("--status", type=str.upper, help="ACTIVE, DRAINING, ...")
    instances.add_argument("--json", action="store_true", help="one JSON array, for machines")
    instances.set_defaults(run=run_instances)

    backfill = commands.add_parser(
        "backfill",
        parents=[after],
        help="read tasks and container instances from ECS into the tables",
    )
    backfill.add_argument(
        "--cluster", action="append", required=True, help="cluster name or ARN, repeatable"
    )
    backfill.add_argument(
        "--role-arn",
        action="append",
        default=[],
        help="read role of a member account (modules/forwarder read_role), repeatable: a "
        "--cluster ARN of that account is read through it, in the ARN's region",
    )
    backfill.add_argument(
        "--role-name", help="the read role's name in every --account (instead of --role-arn)"
    )
    backfill.add_argument(
        "--account", action="append", default=[], help="member account ID, with --role-name"
    )
    backfill.add_argument("--page-size", type=int, default=100, help="ECS page size, 1-100")
    backfill.add_argument("--running-only", action="store_true", help="skip recently stopped tasks")
    backfill.add_argument(
        "--retention-days",
        type=int,
        default=int(env.get("RETENTION_DAYS", "90") or 90),
        help="TTL of stopped tasks, as the module's tables.retention_days (default 90)",
    )
    shown = backfill.add_mutually_exclusive_group()
    shown.add_argument("--progress", dest="progress", action="store_true", default=None)
    shown.add_argument("--no-progress", dest="progress", action="store_false")
    backfill.add_argument("--json", action="store_true", help="the summary as JSON")
    backfill.set_defaults(run=run_backfill)
    return parser


def _add_connection_options(parser: argparse.ArgumentParser, env: dict[str, str] | None) -> None:
    """Where the tables are and how to reach AWS; env None means "no default" (SUPPRESS)."""

    def default(variable: str | None) -> Any:
        if env is None:
            return argparse.SUPPRESS
        return env.get(variable) if variable else None

    parser.add_argument(
        "--task-table",
        default=default("TASK_TABLE_NAME"),
        help="task state table (default: $TASK_TABLE_NAME)",
    )
    parser.add_argument(
        "--container-instance-table",
        default=default("CONTAINER_INSTANCE_TABLE_NAME"),
        help="container-instance state table (default: $CONTAINER_INSTANCE_TABLE_NAME)",
    )
    parser.add_argument(
        "--region", default=default(None), help="AWS region (default: the SDK's, $AWS_REGION)"
    )
    parser.add_argument(
        "--profile", default=default(None), help="AWS profile (default: the SDK's, $AWS_PROFILE)"
    )
    parser.add_argument(
        "--endpoint-url",
        default=default("AWS_ENDPOINT_URL"),
        help="AWS endpoint, e.g. a local emulator (default: $AWS_ENDPOINT_URL)",
    )


# --- AWS clients and their errors --------------------------------------------------------


def client(
    args: argparse.Namespace,
    service: str,
    region: str | None = None,
    credentials: dict[str, str] | None = None,
) -> Any:
    """A client of the chosen profile and region, or of `region` with assumed `credentials`."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        profile_name=None if credentials else args.profile,
        region_name=region or args.region,
        **(credentials or {}),
    )
    # A person is waiting: fail fast when an endpoint is down, retry throttling a little.
    config = Config(
        retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=30
    )
    try:
        return session.client(service, endpoint_url=args.endpoint_url or None, config=config)
    except NoRegionError:
        raise CliError("no AWS region: pass --region or set AWS_REGION") from None


def table_name(value: str | None, flag: str, variable: str) -> str:
    if not value:
        raise CliError(f"no table given: pass {flag} or set {variable}")
    return value


def guarded(tables: str, args: argparse.Namespace, action: Callable[[], int]) -> int:
    """Runs `action`, turning the errors a person can fix into one line each."""
    where = args.endpoint_url or "AWS"
    try:
        return action()
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        if code in _NOT_FOUND:
            raise CliError(
                f"table {tables} not found at {where}: check the table flags or "
                "TASK_TABLE_NAME / CONTAINER_INSTANCE_TABLE_NAME, --region and --endpoint-url"
            ) from None
        if code in _REFUSED:
            raise CliError(f"AWS refused the request ({code}): {message}") from None
        raise
    except (NoCredentialsError, PartialCredentialsError):
        raise CliError(
            "no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        ) from None
    except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError) as error:
        raise CliError(
            f"cannot reach {where} ({error}): check --endpoint-url / AWS_ENDPOINT_URL"
        ) from None
    except NoRegionError:
        raise CliError("no AWS region: pass --region or set AWS_REGION") from None


# --- commands ----------------------------------------------------------------------------


def run_tasks(args: argparse.Namespace, env: dict[str, str]) -> int:
    table = table_name(args.task_table, "--task-table", "TASK_TABLE_NAME")
    if args.limit < 1:
        raise CliError("--limit must be 1 or more")
    try:
        since, stopped_from, stopped_to = (
            history.parse_since(text) if text else None
            for text in (args.since, args.stopped_since, args.stopped_until)
        )
    except ValueError as error:
        raise CliError(str(error)) from None
    group = args.group
    if args.family:
        group = f"family:{args.family}"
    elif args.service:
        group = f"service:{args.service}"
    wanted = history.TaskFilter(
        cluster=args.cluster,
        statuses=tuple(args.status or ()),
        group=group,
        container_instance=args.instance,
        since_millis=since,
        account=args.account,
        region=args.task_region,
        stopped_from=stopped_from,
        stopped_to=stopped_to,
    )

    def action() -> int:
        dynamodb = client(args, "dynamodb")
        if group and history.cluster_query(table, wanted, args.limit) is None:
            print(
                "ecs-events: note: the index is per cluster; scanning the table "
                "(give --cluster to query the index)",
                file=sys.stderr,
            )
        try:
            items = history.find_tasks(dynamodb, table, wanted, args.limit)
        except history.IndexMissing as missing:
            print(
                f"ecs-events: note: {table} has no {missing} (tables.query_indexes = false); "
                "scanning the table instead",
                file=sys.stderr,
            )
            items = history.scan_tasks(dynamodb, table, wanted, args.limit)
        if args.json:
            _print_json(items)
        else:
            print(render_tasks(items))
        return 0

    return guarded(table, args, action)


def run_task(args: argparse.Namespace, env: dict[str, str]) -> int:
    table = table_name(args.task_table, "--task-table", "TASK_TABLE_NAME")
    wanted: str = args.task

    def action() -> int:
        dynamodb = client(args, "dynamodb")
        if wanted.startswith("arn:"):
            item = history.get_task(dynamodb, table, wanted)
        elif args.cluster:
            arn = history.task_arn_for_id(dynamodb, table, wanted, args.cluster)
            item = history.get_task(dynamodb, table, arn)
        else:
            item = history.find_task_by_id(dynamodb, table, wanted)
        if item is None:
            print(f"ecs-events: task {wanted} is not in {table}", file=sys.stderr)
            return 1
        if args.json:
            steps = [
                {"status": s.status, "what": s.what, "at": s.at_millis}
                for s in history.timeline(item)
            ]
            _print_json({**item, "timeline": steps})
        else:
            print(render_task(item))
        return 0

    return guarded(table, args, action)


def run_instances(args: argparse.Namespace, env: dict[str, str]) -> int:
    table = table_name(
        args.container_instance_table,
        "--container-instance-table",
        "CONTAINER_INSTANCE_TABLE_NAME",
    )

    def action() -> int:
        items = history.container_instances(
            client(args, "dynamodb"), table, args.cluster, args.status
        )
        if args.json:
            _print_json(items)
        else:
            print(render_instances(items))
        return 0

    return guarded(table, args, action)


def run_backfill(args: argparse.Namespace, env: dict[str, str]) -> int:
    task_table = table_name(args.task_table, "--task-table", "TASK_TABLE_NAME")
    instance_table = table_name(
        args.container_instance_table,
        "--container-instance-table",
        "CONTAINER_INSTANCE_TABLE_NAME",
    )
    if not 1 <= args.page_size <= 100:
        raise CliError("--page-size must be between 1 and 100 (the ECS API's limit)")
    try:
        roles = {
            arn_account(role): role
            for role in member_role_arns(args.role_arn, args.role_name, args.account)
        }
    except ValueError as error:
        raise CliError(f"{error}: pass --role-arn, or --role-name with --account") from None
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress

    def action() -> int:
        ecs = client(args, "ecs")
        # Clusters of member accounts (and other regions) through their read role.
        member_ecs = EcsClients(
            client(args, "sts"), lambda service, region, keys: client(args, service, region, keys)
        )
        backfill = Backfill(
            ecs,
            client(args, "dynamodb"),
            task_table,
            instance_table,
            retention_days=args.retention_days,
            page_size=args.page_size,
            include_stopped=not args.running_only,
        )
        results: list[BackfillResult] = []
        for cluster in args.cluster:
            role = roles.get(arn_account(cluster)) if cluster.startswith("arn:") else None
            region = arn_region(cluster) if cluster.startswith("arn:") else None
            own = role is None and region in (None, ecs.meta.region_name)
            backfill.ecs = ecs if own else member_ecs(role, region or ecs.meta.region_name)
            bar = ProgressBar(sys.stderr, cluster) if show_progress else None
            try:
                results.append(backfill.run(cluster, bar.update if bar else _quiet))
            except Throttled as error:
                raise CliError(
                    f"{cluster}: {error}; try again later or a smaller --page-size"
                ) from None
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "ClusterNotFoundException":
                    raise
                raise CliError(
                    f"{cluster}: no such cluster where it was read (a cluster of another "
                    "account needs that account's --role-arn, or --role-name with --account)"
                ) from None
            finally:
                if bar:
                    bar.close()
        if args.json:
            _print_json([r.summary() for r in results])
        else:
            for result in results:
                print(render_backfill(result))
        return 0

    return guarded(f"{task_table} or {instance_table}", args, action)


def _quiet(done: int, total: int, what: str) -> None:
    return None


# --- rendering ---------------------------------------------------------------------------


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


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _short_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _exit_codes(task: dict[str, Any]) -> str:
    codes = [str(c["exitCode"]) for c in task.get("containers", []) if "exitCode" in c]
    return ",".join(codes) or "-"


def render_tasks(items: list[dict[str, Any]]) -> str:
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
            history.format_millis(item.get("updatedAt")),
        ]
        for item in items
    ]
    headers = ["TASK", "CLUSTER", "DEFINITION", "GROUP", "STATUS", "STOP CODE", "EXIT", "UPDATED"]
    return render_table(headers, rows) + f"\n{len(items)} task{'s' if len(items) != 1 else ''}"


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
    lines = [f"{name:<11} {value}" for name, value in facts if value]
    steps = history.timeline(item)
    if steps:
        rows, previous = [], None
        for step in steps:
            after = (
                "" if previous is None else "+" + history.format_duration(step.at_millis - previous)
            )
            rows.append([step.status, history.format_millis(step.at_millis), after, step.what])
            previous = step.at_millis
        lines += ["", "Timeline", _indent(render_table(["STATUS", "AT", "AFTER", "WHAT"], rows))]
        total = steps[-1].at_millis - steps[0].at_millis
        lines.append(f"  {history.format_duration(total)} from {steps[0].what} to {steps[-1].what}")
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
            f"{result.cluster}",
            f"  tasks                {sum(result.tasks.values())}: {counts(result.tasks)}",
            f"  container instances  {sum(result.container_instances.values())}: "
            f"{counts(result.container_instances)}",
            f"  requests             {counts(result.requests)}",
        ]
    )


def _print_json(value: Any) -> None:
    print(json.dumps(history.plain(value), indent=2, sort_keys=True))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

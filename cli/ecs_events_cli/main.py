"""`ecs-events`: ask the state tables what happened to tasks, rebuild them from ECS, and send
the handler's dead-letter queue back through it.

    ecs-events tasks --cluster production --status STOPPED --since 24h
    ecs-events task 4fd8ba3eb0ae4bb4a3fa8d2e39d79c4a --cluster production
    ecs-events instances --cluster production
    ecs-events service web --cluster production
    ecs-events incidents
    ecs-events incidents 3f2a9c1d7e-1795145410
    ecs-events backfill --cluster production
    ecs-events redrive

Where: --name (or ECS_EVENTS_NAME) is the module's `name` (default ecs-events); the tables and
queues are named after it. --region (or AWS_REGION / AWS_DEFAULT_REGION) and --profile as for
the AWS CLI; --endpoint-url (or AWS_ENDPOINT_URL) points at a local emulator.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Sequence
from importlib import metadata
from typing import NoReturn

from . import aws, render
from .commands import backfill, incidents, instances, redrive, service, task, tasks
from .errors import EXIT_STATUSES, INTERNAL, INTERRUPTED, USAGE, CliError, Target, explain

COMMANDS = {
    "tasks": tasks,
    "task": task,
    "instances": instances,
    "service": service,
    "incidents": incidents,
    "backfill": backfill,
    "redrive": redrive,
}


class Parser(argparse.ArgumentParser):
    """argparse, but a wrong argument is one line (and where to read more), exit 2."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see {self.prog} --help)", USAGE)


def main(argv: Sequence[str] | None = None, env: dict[str, str] | None = None) -> int:
    env = dict(os.environ) if env is None else env
    target = Target()
    try:
        args = build_parser().parse_args(argv)
        args.env = env
        args.target = target = aws.target(args, env)
        return int(args.run(args, env))
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenPipeError:
        # `ecs-events tasks | head`: the reader has what it wanted. Point stdout at
        # /dev/null so the interpreter's own flush at exit does not complain either.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:
        explained = explain(error, target)
        if explained is None:
            if env.get("ECS_EVENTS_DEBUG"):
                traceback.print_exc()
            print(
                f"ecs-events: internal error: {type(error).__name__}: {render.clean(error)} "
                "(ECS_EVENTS_DEBUG=1 prints the traceback)",
                file=sys.stderr,
            )
            return INTERNAL
        print(f"ecs-events: error: {render.clean(explained)}", file=sys.stderr)
        return explained.status


def version() -> str:
    try:
        return metadata.version("ecs-events")
    except metadata.PackageNotFoundError:  # run from a checkout without installing
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="ecs-events",
        description="Ask the ECS state mirror questions; rebuild it from ECS; redrive its "
        "dead-letter queue.",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ecs-events {version()}")
    _add_connection_options(parser, None)
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=Parser
    )
    # The same options after the command too (ecs-events tasks --name ...); there they
    # default to nothing, so a value given before the command is kept.
    after = Parser(add_help=False)
    _add_connection_options(after, argparse.SUPPRESS)
    for name, command in COMMANDS.items():
        sub = commands.add_parser(
            name,
            parents=[after],
            help=command.HELP,
            description=command.HELP,
            epilog=EXIT_STATUSES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def _add_connection_options(parser: argparse.ArgumentParser, default: object) -> None:
    """Where the tables are and how to reach AWS."""
    parser.add_argument(
        "--name",
        default=default,
        help="the module's name input; tables are <name>-tasks and <name>-container-instances, "
        "queues <name> and <name>-dlq (default: $ECS_EVENTS_NAME, else ecs-events)",
    )
    parser.add_argument(
        "--task-table",
        default=default,
        help="task state table, wins over --name (default: $TASK_TABLE_NAME, else from the name)",
    )
    parser.add_argument(
        "--container-instance-table",
        default=default,
        help="container-instance state table, wins over --name "
        "(default: $CONTAINER_INSTANCE_TABLE_NAME, else from the name)",
    )
    parser.add_argument(
        "--region",
        default=default,
        help="AWS region (default: $AWS_REGION, else $AWS_DEFAULT_REGION, else the profile's)",
    )
    parser.add_argument(
        "--profile", default=default, help="AWS profile (default: $AWS_PROFILE, else default)"
    )
    parser.add_argument(
        "--endpoint-url",
        default=default,
        help="AWS endpoint, e.g. a local emulator (default: $AWS_ENDPOINT_URL)",
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Where the tables and queues are, and one AWS client per service.

Region: --region, else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's. boto3 itself
reads only AWS_DEFAULT_REGION; AWS_REGION is what Lambda, CloudShell and the AWS docs' examples
set, so both count.

Names: --name (or ECS_EVENTS_NAME, default "ecs-events") is the module's `name` input; the
module names its tables <name>-tasks and <name>-container-instances and its queues <name>
and <name>-dlq. A table flag, or TASK_TABLE_NAME / CONTAINER_INSTANCE_TABLE_NAME, wins over
the name; on the command line a flag wins over any environment variable.
"""

from __future__ import annotations

import argparse
from typing import Any

from botocore.exceptions import InvalidRegionError

from .errors import CliError, NotAws, Target

DEFAULT_NAME = "ecs-events"


def region(args: argparse.Namespace, env: dict[str, str]) -> str | None:
    return args.region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None


def endpoint(args: argparse.Namespace, env: dict[str, str]) -> str | None:
    return args.endpoint_url or env.get("AWS_ENDPOINT_URL") or None


def target(args: argparse.Namespace, env: dict[str, str]) -> Target:
    return Target(endpoint=endpoint(args, env), region=region(args, env))


def name(args: argparse.Namespace, env: dict[str, str]) -> str:
    return args.name or env.get("ECS_EVENTS_NAME") or DEFAULT_NAME


def task_table(args: argparse.Namespace, env: dict[str, str]) -> str:
    return _table(args.task_table, "TASK_TABLE_NAME", "tasks", args, env)


def container_instance_table(args: argparse.Namespace, env: dict[str, str]) -> str:
    return _table(
        args.container_instance_table,
        "CONTAINER_INSTANCE_TABLE_NAME",
        "container-instances",
        args,
        env,
    )


def alert_table(args: argparse.Namespace, env: dict[str, str]) -> str:
    return _table(getattr(args, "alert_table", None), "ALERT_TABLE_NAME", "alerts", args, env)


def _table(
    flag: str | None, variable: str, suffix: str, args: argparse.Namespace, env: dict[str, str]
) -> str:
    if flag:
        return flag
    if not args.name and env.get(variable):
        return env[variable]
    return f"{name(args, env)}-{suffix}"


def client(
    args: argparse.Namespace,
    service: str,
    in_region: str | None = None,
    credentials: dict[str, str] | None = None,
) -> Any:
    """A client for the region and endpoint the arguments and environment give; or, for a
    member account of a fleet, for `in_region` with the read role's assumed `credentials`."""
    import boto3
    from botocore.config import Config

    env: dict[str, str] = args.env
    session = boto3.session.Session(
        profile_name=None if credentials else args.profile or None, **(credentials or {})
    )
    # A person is waiting: fail fast when an endpoint is down, retry throttling a little.
    config = Config(
        retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=30
    )
    url = endpoint(args, env)
    try:
        made = session.client(
            service, region_name=in_region or region(args, env), endpoint_url=url, config=config
        )
    except InvalidRegionError:
        raise  # a ValueError too; errors.explain words it
    except ValueError as error:  # botocore: "Invalid endpoint: <url>"
        raise CliError(
            f"{error}: give a URL such as http://localhost:5000 (--endpoint-url)"
        ) from None
    # botocore reads a web page answered with 200 as an empty result ("no tasks match"):
    # AWS APIs never answer HTML, so one is an endpoint that is not AWS.
    made.meta.events.register("before-parse", refuse_web_pages)
    return made


def refuse_web_pages(response_dict: dict[str, Any], **_: Any) -> None:
    headers = response_dict.get("headers") or {}
    content_type = str(headers.get("content-type", headers.get("Content-Type", "")))
    if content_type.lower().startswith("text/html"):
        raise NotAws(int(response_dict.get("status_code") or 0))

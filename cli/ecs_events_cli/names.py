"""The names a person has in hand, as the tables store them.

Clusters: the tables keep the cluster's name; the module's `cluster_arns` input and the
console give ARNs, so both are taken. Tasks and container instances: an ID (what the listings
print) or the ARN.
"""

from __future__ import annotations

import re

from .errors import CliError

_ARN = re.compile(
    r"^arn:(?P<partition>[^:]+):ecs:(?P<region>[^:]*):(?P<account>[^:]*):(?P<rest>.+)$"
)


def cluster_name(value: str | None) -> str | None:
    if value is None or not value.startswith("arn:"):
        return value
    found = _ARN.match(value)
    if not found or not found.group("rest").startswith("cluster/"):
        raise CliError(
            f"{value} is not a cluster ARN: give arn:aws:ecs:REGION:ACCOUNT:cluster/NAME "
            "or the cluster's name"
        )
    return found.group("rest").removeprefix("cluster/")


def is_arn(value: str, kind: str) -> bool:
    """True for an ECS ARN of this kind ("task", "container-instance"); an error for an ARN
    of anything else, so a pasted service ARN is not looked up as a task."""
    if not value.startswith("arn:"):
        return False
    found = _ARN.match(value)
    if not found or not found.group("rest").startswith(kind + "/"):
        raise CliError(f"{value} is not a {kind} ARN: give the {kind}'s ID or its ARN")
    return True


def short_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


# The shapes AWS documents for what `backfill` takes, checked before any request so a typo
# is one line (exit 2) rather than a role ARN of no account or a cluster never found.
# Account IDs: "The regex pattern for an account ID string requires exactly 12 digits"
# (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeAccount.html).
# Role names: letters, digits and _+=,.@-, at most 64; a path is / and ASCII ! to ~
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
# Cluster names: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and
# hyphens" (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html).
_ACCOUNT_ID = re.compile(r"\d{12}")
_ROLE_NAME = r"(?:[!-~]*/)?[A-Za-z0-9_+=,.@-]{1,64}"
_ROLE_ARN = re.compile(rf"arn:aws[a-z-]*:iam::\d{{12}}:role/{_ROLE_NAME}")
_CLUSTER_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")


def account_id(value: str) -> str:
    if not _ACCOUNT_ID.fullmatch(value):
        raise CliError(f"--account {value} is not an account ID: give its 12 digits")
    return value


def role_name(value: str) -> str:
    if not re.fullmatch(_ROLE_NAME, value):
        raise CliError(
            f"--role-name {value} is not an IAM role name: up to 64 letters, digits and "
            "_+=,.@- (after an optional path/)"
        )
    return value


def role_arn(value: str) -> str:
    if not _ROLE_ARN.fullmatch(value):
        raise CliError(
            f"--role-arn {value} is not an IAM role ARN: give arn:aws:iam::ACCOUNT:role/NAME"
        )
    return value


def checked_cluster_name(value: str) -> str:
    """The cluster's name, from a name or an ARN, refused unless it is one ECS allows."""
    name = cluster_name(value) or ""
    if not _CLUSTER_NAME.fullmatch(name):
        raise CliError(
            f"--cluster {value} is not a cluster name: up to 255 letters, digits, - and _ "
            "(or the cluster's ARN)"
        )
    return name

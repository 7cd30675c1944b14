"""The names a person has in hand, as the tables store them.

Clusters: the tables keep the cluster's name; the module's `cluster_arns` input and the
console give ARNs, so both are taken. Tasks and container instances: an ID (what the listings
print) or the ARN.
"""

from __future__ import annotations

from ecs_events.ecs import parse_ecs_arn

from .errors import CliError


def cluster_name(value: str | None) -> str | None:
    if value is None or not value.startswith("arn:"):
        return value
    found = parse_ecs_arn(value, "cluster")
    if found is None or len(found.path) != 1:
        raise CliError(
            f"{value} is not a cluster ARN: give arn:aws:ecs:REGION:ACCOUNT:cluster/NAME "
            "or the cluster's name"
        )
    return found.name


def is_arn(value: str, kind: str) -> bool:
    """True for an ECS ARN of this kind ("task", "container-instance"); an error for an ARN
    of anything else, so a pasted service ARN is not looked up as a task."""
    if not value.startswith("arn:"):
        return False
    if parse_ecs_arn(value, kind) is None:
        raise CliError(f"{value} is not a {kind} ARN: give the {kind}'s ID or its ARN")
    return True


def short_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]

"""What the module knows about ECS itself: its event types, a task's lifecycle moments,
and the shape of its ARNs. One home, so a new event type or partition is added once.

Terraform cannot import this file: the lists in modules/forwarder/variables.tf and the
root module's event patterns are compared with DETAIL_TYPES by tests/unit/test_ecs.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ECS_SOURCE = "aws.ecs"

# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html
TASK_STATE_CHANGE = "ECS Task State Change"
CONTAINER_INSTANCE_STATE_CHANGE = "ECS Container Instance State Change"
DEPLOYMENT_STATE_CHANGE = "ECS Deployment State Change"
SERVICE_ACTION = "ECS Service Action"
# Newer types; none carries detail.version, so only alerts use them.
INSTANCE_HEALTH_CHANGE = "ECS Container Instance Health Change"
DAEMON_SERVICE_ACTION = "ECS Daemon Service Action"
DAEMON_DEPLOYMENT_STATE_CHANGE = "ECS Daemon Deployment State Change"
HOOK_STATE_CHANGE = "ECS Hook State Change"

# Every type the module consumes (state mirror, alerts, event log), in this order.
DETAIL_TYPES = (
    TASK_STATE_CHANGE,
    CONTAINER_INSTANCE_STATE_CHANGE,
    DEPLOYMENT_STATE_CHANGE,
    SERVICE_ACTION,
    INSTANCE_HEALTH_CHANGE,
    DAEMON_SERVICE_ACTION,
    DAEMON_DEPLOYMENT_STATE_CHANGE,
    HOOK_STATE_CHANGE,
)
# The types that carry detail.version and become table rows.
STATE_CHANGE_TYPES = (TASK_STATE_CHANGE, CONTAINER_INSTANCE_STATE_CHANGE)

# A task's lifecycle moments, in the order they happen, as both its events and
# DescribeTasks report them (events add updatedAt, the API does not).
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html
TASK_MOMENTS = (
    "createdAt",
    "pullStartedAt",
    "pullStoppedAt",
    "startedAt",
    "stoppingAt",
    "executionStoppedAt",
    "stoppedAt",
)

# --- ARNs ----------------------------------------------------------------------------
# arn:<partition>:<service>:<region>:<account>:<resource>
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
# Partitions are aws or aws-<name> (aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e,
# aws-iso-f, aws-eusc); a region is letter groups then a number, and its first group is not
# always two letters (the European Sovereign Cloud's eusc-de-east-1, us-isob-east-1). The
# partitions and their region forms are those of the SDKs' partition metadata (botocore's
# data/partitions.json regionRegex, e.g. ^eusc\-(de)\-\w+\-\d+$).
_PARTITION = r"aws(?:-[a-z]+)*"
_REGION = r"[a-z]+(?:-[a-z]+)+-\d{1,2}"
# An ECS resource is <type>/[<cluster>/]<id>: the long ARN format names the cluster, the
# old one does not. Cluster names are letters, digits, hyphens and underscores (up to
# 255); task and container-instance ids are the same alphabet.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html#ecs-resource-ids
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html#amazonelasticcontainerservice-resources-for-iam-policies
_NAME = r"[A-Za-z0-9_-]{1,255}"
_ECS_ARN = re.compile(
    rf"arn:(?P<partition>{_PARTITION}):ecs:(?P<region>{_REGION}):(?P<account>\d{{12}}):"
    r"(?P<type>[a-z-]+)/(?P<path>.+)"
)
_RESOURCE_PATH = re.compile(rf"(?:{_NAME}/)?{_NAME}")


@dataclass(frozen=True)
class Arn:
    """Any ARN, split into its six fields (region and account may be empty: IAM's)."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(text: object) -> Arn | None:
    """The fields of an ARN of any service; None for anything that is not one."""
    if not isinstance(text, str):
        return None
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def arn_account(arn: str) -> str:
    """The account of an ARN; ValueError where it has none."""
    parsed = parse_arn(arn)
    return _present(parsed.account if parsed else "", f"not an ARN with an account: {arn!r}")


def arn_region(arn: str) -> str:
    """The region of an ARN; ValueError where it has none."""
    parsed = parse_arn(arn)
    return _present(parsed.region if parsed else "", f"not an ARN with a region: {arn!r}")


def _present(value: str, refusal: str) -> str:
    if not value:
        raise ValueError(refusal)
    return value


@dataclass(frozen=True)
class EcsArn:
    """An ECS ARN: arn:<partition>:ecs:<region>:<account>:<type>/<path>."""

    partition: str
    region: str
    account: str
    resource_type: str  # task, container-instance, cluster, service, daemon, ...
    path: tuple[str, ...]  # [<cluster>/]<id> for most types, <name> for a cluster

    @property
    def cluster(self) -> str | None:
        """The cluster's name: a cluster ARN's own, or the one a long-format ARN names;
        None for an old-format ARN (<type>/<id>), which does not name it."""
        if self.resource_type == "cluster":
            return self.path[0]
        return self.path[0] if len(self.path) >= 2 else None

    @property
    def name(self) -> str:
        """The last part: a task's or instance's id, a service's or cluster's name."""
        return self.path[-1]

    @property
    def cluster_arn(self) -> str | None:
        cluster = self.cluster
        if cluster is None:
            return None
        return ecs_arn(self.partition, self.region, self.account, "cluster", cluster)


def parse_ecs_arn(text: object, resource_type: str | None = None) -> EcsArn | None:
    """An ECS ARN (of `resource_type`, when given); None for anything else, including an
    ARN of another partition shape, region or account that AWS would never issue."""
    if not isinstance(text, str):
        return None
    found = _ECS_ARN.fullmatch(text)
    if found is None or (resource_type is not None and found["type"] != resource_type):
        return None
    return EcsArn(
        found["partition"],
        found["region"],
        found["account"],
        found["type"],
        tuple(found["path"].split("/")),
    )


def is_resource_arn(text: object, resource_type: str) -> bool:
    """True for a task or container-instance ARN fit to key a table row: the id, and the
    cluster when named, in the alphabet ECS uses, so free text is never stored as a key."""
    parsed = parse_ecs_arn(text, resource_type)
    return parsed is not None and _RESOURCE_PATH.fullmatch("/".join(parsed.path)) is not None


def ecs_arn(partition: str, region: str, account: str, resource_type: str, *path: str) -> str:
    """The ARN of an ECS resource from its parts (an id plus where it lives)."""
    return f"arn:{partition}:ecs:{region}:{account}:{resource_type}/{'/'.join(path)}"


def resource_path(arn: str, resource_type: str) -> str:
    """The path of an ECS ARN of `resource_type` after its type ("c/web" of a service
    ARN), from whatever the text holds; "" when it holds none. Lenient on purpose: it
    reads the names an alert shows, where a strange ARN must not lose the alert."""
    marker = f":{resource_type}/"
    return arn.split(marker, 1)[1] if marker in arn else ""

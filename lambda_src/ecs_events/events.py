"""The EventBridge envelope of ECS events: parse, validate, name the kinds we know."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Re-exported: state.py and tests read ECS times from here.
from .times import epoch_millis as epoch_millis

ECS_SOURCE = "aws.ecs"
TASK_STATE_CHANGE = "ECS Task State Change"
CONTAINER_INSTANCE_STATE_CHANGE = "ECS Container Instance State Change"
DEPLOYMENT_STATE_CHANGE = "ECS Deployment State Change"
SERVICE_ACTION = "ECS Service Action"
# Newer types; none carries detail.version, so only alerts use them.
INSTANCE_HEALTH_CHANGE = "ECS Container Instance Health Change"
DAEMON_SERVICE_ACTION = "ECS Daemon Service Action"
DAEMON_DEPLOYMENT_STATE_CHANGE = "ECS Daemon Deployment State Change"
HOOK_STATE_CHANGE = "ECS Hook State Change"


class MalformedEvent(ValueError):
    """The event cannot be processed as it is; retrying will not help."""


@dataclass(frozen=True)
class EcsEvent:
    id: str
    source: str
    detail_type: str
    account: str
    region: str
    time: str
    resources: tuple[str, ...]
    detail: dict[str, Any]


def parse_event(raw: object) -> EcsEvent:
    """Check the envelope; the detail is checked by whoever handles its detail-type."""
    if not isinstance(raw, dict):
        raise MalformedEvent(f"event is a {type(raw).__name__}, not a JSON object")
    missing = [k for k in ("id", "source", "detail-type", "detail") if k not in raw]
    if missing:
        raise MalformedEvent(f"event lacks {', '.join(missing)}")
    detail = raw["detail"]
    if not isinstance(detail, dict):
        raise MalformedEvent("event detail is not a JSON object")
    resources = raw.get("resources") or []
    return EcsEvent(
        id=str(raw["id"]),
        source=str(raw["source"]),
        detail_type=str(raw["detail-type"]),
        account=str(raw.get("account", "")),
        region=str(raw.get("region", "")),
        time=str(raw.get("time", "")),
        resources=tuple(str(r) for r in resources if isinstance(r, str)),
        detail=detail,
    )


def required_string(detail: dict[str, Any], name: str) -> str:
    value = detail.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedEvent(f"detail.{name} is missing or not a string")
    return value


# arn:<partition>:ecs:<region>:<account>:<type>/[<cluster>/]<id>: the long ARN format
# names the cluster, the old one does not. Cluster names are letters, digits, hyphens and
# underscores (up to 255); task and container-instance ids are the same alphabet.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html#ecs-resource-ids
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html#amazonelasticcontainerservice-resources-for-iam-policies
# Partitions are aws or aws-<name> (aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e,
# aws-iso-f, aws-eusc); a region is letter groups then a number, and its first group is not
# always two letters (the European Sovereign Cloud's eusc-de-east-1, us-isob-east-1). The
# partitions and their region forms are those of the SDKs' partition metadata (botocore's
# data/partitions.json regionRegex, e.g. ^eusc\-(de)\-\w+\-\d+$).
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
_NAME = r"[A-Za-z0-9_-]{1,255}"
_PARTITION = r"aws(?:-[a-z]+)*"
_REGION = r"[a-z]+(?:-[a-z]+)+-\d{1,2}"
_ARN_PREFIX = rf"arn:{_PARTITION}:ecs:{_REGION}:\d{{12}}:"


def _arn_pattern(resource_type: str) -> re.Pattern[str]:
    return re.compile(rf"{_ARN_PREFIX}{resource_type}/(?:{_NAME}/)?{_NAME}")


_ARN_PATTERNS = {kind: _arn_pattern(kind) for kind in ("task", "container-instance")}


def required_arn(detail: dict[str, Any], name: str, resource_type: str) -> str:
    """detail.<name> as an ECS ARN of `resource_type`; it becomes a table key, so a
    blank, a foreign ARN or free text fails the event here rather than being stored."""
    value = required_string(detail, name)
    if not _ARN_PATTERNS[resource_type].fullmatch(value):
        shown = value if len(value) <= 120 else value[:120] + "..."
        raise MalformedEvent(f"detail.{name} is not an ECS {resource_type} ARN: {shown!r}")
    return value


# A version becomes the item's `version` number and the write condition's operand, so it
# must be a DynamoDB number: at most 38 digits of precision ("Exceeding this results in an
# exception"; a whole number under 10**38 is well inside the magnitude range).
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes
MAX_VERSION_DIGITS = 38


def required_version(detail: dict[str, Any]) -> int:
    """detail.version as a whole number DynamoDB can store. A version it cannot store fails
    the event here, before any write: stored without its version, the item would make every
    later state of the resource look stale."""
    value = detail.get("version")
    # bool is an int in Python; ECS never sends one as a version.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        shown = value if not isinstance(value, str) or len(value) <= 60 else value[:60] + "..."
        raise MalformedEvent(f"detail.version is missing or not a whole number: {shown!r}")
    if value >= 10**MAX_VERSION_DIGITS:
        raise MalformedEvent(
            f"detail.version has more than {MAX_VERSION_DIGITS} digits, the most a DynamoDB "
            "number holds, so this state cannot be stored with its version"
        )
    return value

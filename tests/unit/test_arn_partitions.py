"""One table of ECS ARNs, one per documented partition and region form, that every ARN
parser of the project must read: the handler's key check, the fleet's account and region,
the CLI's names and scopes, and the Terraform validations of cluster ARNs.

Partitions and region forms are those of the SDKs' partition metadata (botocore's
data/partitions.json: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f,
aws-eusc) and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecs_events.accounts import arn_account, arn_region
from ecs_events.events import required_arn
from ecs_events_cli.history import arn_scope
from ecs_events_cli.names import cluster_name, is_arn

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "111122223333"
TASK_ID = "4fd8ba3eb0ae4bb4a3fa8d2e39d79c4a"

# (partition, region): one region of each partition, as the partition metadata names them.
PLACES = [
    ("aws", "us-east-1"),
    ("aws", "ap-southeast-5"),
    ("aws-cn", "cn-northwest-1"),
    ("aws-us-gov", "us-gov-west-1"),
    ("aws-iso", "us-iso-east-1"),
    ("aws-iso-b", "us-isob-east-1"),
    ("aws-iso-e", "eu-isoe-west-1"),
    ("aws-iso-f", "us-isof-south-1"),
    ("aws-eusc", "eusc-de-east-1"),
]
IDS = [f"{partition}/{region}" for partition, region in PLACES]


def arn(partition: str, region: str, resource: str) -> str:
    return f"arn:{partition}:ecs:{region}:{ACCOUNT}:{resource}"


@pytest.mark.parametrize(("partition", "region"), PLACES, ids=IDS)
def test_the_handler_takes_task_and_container_instance_arns_of_every_partition(
    partition: str, region: str
) -> None:
    task = arn(partition, region, f"task/prod/{TASK_ID}")
    instance = arn(partition, region, f"container-instance/prod/{TASK_ID}")
    assert required_arn({"taskArn": task}, "taskArn", "task") == task
    assert required_arn({"arn": instance}, "arn", "container-instance") == instance


@pytest.mark.parametrize(("partition", "region"), PLACES, ids=IDS)
def test_the_fleet_reads_account_and_region_of_every_partition(partition: str, region: str) -> None:
    task = arn(partition, region, f"task/prod/{TASK_ID}")
    assert (arn_account(task), arn_region(task)) == (ACCOUNT, region)


@pytest.mark.parametrize(("partition", "region"), PLACES, ids=IDS)
def test_the_cli_reads_names_and_scopes_of_every_partition(partition: str, region: str) -> None:
    task = arn(partition, region, f"task/prod/{TASK_ID}")
    assert cluster_name(arn(partition, region, "cluster/prod")) == "prod"
    assert is_arn(task, "task")
    scope = arn_scope(task)
    assert scope is not None
    assert (scope.region, scope.account, scope.cluster) == (region, ACCOUNT, "prod")


def cluster_arn_validations() -> list[tuple[str, str]]:
    """(file, regex) of every Terraform validation that checks a cluster ARN."""
    found = []
    for path in sorted([ROOT / "variables.tf", *ROOT.glob("modules/*/variables.tf")]):
        for pattern in re.findall(r'regex\("(\^arn:[^"]*:cluster/[^"]*)"', path.read_text()):
            # HCL escapes a backslash as \\; RE2 and Python agree on what these use.
            found.append((str(path.relative_to(ROOT)), pattern.replace("\\\\", "\\")))
    return found


def test_cluster_arn_validations_are_found() -> None:
    files = {file for file, _ in cluster_arn_validations()}
    assert {
        "variables.tf",
        "modules/forwarder/variables.tf",
        "modules/reconciler/variables.tf",
    } <= files


@pytest.mark.parametrize(("partition", "region"), PLACES, ids=IDS)
def test_terraform_cluster_arn_validations_take_every_partition(
    partition: str, region: str
) -> None:
    cluster = arn(partition, region, "cluster/prod")
    refused = [
        file for file, pattern in cluster_arn_validations() if not re.search(pattern, cluster)
    ]
    assert refused == []

"""modules/scheduled_task against AWS's limits, planned offline: the longest name validation
admits plans (every derived name fits) and the same job in two regions of one account gets
IAM names that cannot collide. What the module refuses at plan (one character more, inputs
AWS would refuse at apply or accept and misbehave) is in tests/scheduled_task.tftest.hcl."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from devkit.plan import Plan
from devkit.terraform import OFFLINE_PROVIDER_OVERRIDE, Workspace

LONGEST_NAME = "j" * 64
BOUNDARY = "arn:aws:iam::123456789012:policy/platform-boundary"

# The offline provider settings of devkit/terraform.py, one aliased provider per region.
_PROVIDER = (
    OFFLINE_PROVIDER_OVERRIDE.replace("{", "{{")
    .replace("}", "}}")
    .replace(
        'provider "aws" {{\n  region                      = "eu-west-1"',
        'provider "aws" {{\n  alias = "{alias}"\n  region = "{region}"',
    )
)

_JOB = """
module "{alias}" {{
  source    = "../modules/scheduled_task"
  providers = {{ aws = aws.{alias} }}

  name                         = var.name
  max_run_seconds              = var.max_run_seconds
  topic_kms_key_arns           = var.topic_kms_key_arns
  iam_role_path                = "/scheduled-jobs/"
  iam_permissions_boundary_arn = "{boundary}"
  schedule                     = {{ expression = var.expression, time_zone = var.time_zone }}
  task = {{
    cluster_arn              = "arn:aws:ecs:{region}:123456789012:cluster/batch"
    task_definition_arn      = "arn:aws:ecs:{region}:123456789012:task-definition/report:1"
    essential_container_name = "report"
    launch_type              = "FARGATE"
    network_configuration    = var.with_network ? {{ subnets = ["subnet-0a1b2c3d"] }} : null
  }}
}}
"""

_VARIABLES = """
variable "name" {
  type    = string
  default = "nightly"
}
variable "expression" {
  type    = string
  default = "cron(0 3 * * ? *)"
}
variable "time_zone" {
  type    = string
  default = "Europe/Berlin"
}
variable "max_run_seconds" {
  type    = number
  default = 3600
}
variable "topic_kms_key_arns" {
  type    = list(string)
  default = []
}
variable "with_network" {
  type    = bool
  default = true
}
"""


@pytest.fixture(scope="module")
def two_regions(terraform_sources: Path) -> Workspace:
    """One configuration, the same job in eu-west-1 and us-east-1 of one account."""
    if shutil.which("terraform") is None:  # pragma: no cover - depends on the machine
        pytest.skip("terraform is not installed")
    directory = terraform_sources / "scheduled_task_limits"
    directory.mkdir(exist_ok=True)
    regions = {"eu": "eu-west-1", "us": "us-east-1"}
    (directory / "main.tf").write_text(
        _VARIABLES
        + "".join(_PROVIDER.format(alias=a, region=r) for a, r in regions.items())
        + "".join(_JOB.format(alias=a, region=r, boundary=BOUNDARY) for a, r in regions.items())
    )
    workspace = Workspace(directory)
    workspace.offline = True  # the providers above carry the offline settings
    workspace.init()
    return workspace


@pytest.fixture(scope="module")
def longest(two_regions: Workspace) -> Plan:
    return Plan(two_regions.plan({"name": LONGEST_NAME}))


def test_the_longest_admitted_name_plans_in_two_regions(longest: Plan) -> None:
    schedules = longest.of_type("aws_scheduler_schedule")

    assert sorted(s.address for s in schedules) == [
        "module.eu.aws_scheduler_schedule.this",
        "module.us.aws_scheduler_schedule.this",
    ]
    assert {s.values["name"] for s in schedules} == {LONGEST_NAME}


def test_iam_role_names_are_generated_so_two_regions_never_collide(longest: Plan) -> None:
    roles = longest.of_type("aws_iam_role")

    assert len(roles) == 4
    # A fixed name would be global to the account; a prefix gets a unique suffix.
    assert all(role.values.get("name") is None for role in roles)
    assert all(len(role.values["name_prefix"]) <= 38 for role in roles)


def test_every_role_gets_the_path_and_the_permissions_boundary(longest: Plan) -> None:
    roles = longest.of_type("aws_iam_role")

    assert {(r.values["path"], r.values["permissions_boundary"]) for r in roles} == {
        ("/scheduled-jobs/", BOUNDARY)
    }


def test_the_key_of_a_brought_alert_topic_is_granted_to_the_state_machine(
    two_regions: Workspace,
) -> None:
    key = "arn:aws:kms:eu-west-1:123456789012:key/alerts"
    plan = Plan(two_regions.plan({"topic_kms_key_arns": [key]}))

    [policy] = [
        r.values["policy"]
        for r in plan.of_type("aws_iam_role_policy")
        if r.address == "module.eu.aws_iam_role_policy.state_machine"
    ]
    [statement] = [s for s in json.loads(policy)["Statement"] if s["Sid"] == "UseCustomerKeys"]
    assert statement["Resource"] == key
    assert sorted(statement["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]

"""Names AWS would refuse at apply, caught at plan.

One configuration holds the root module twice, in two regions of one account (two provider
aliases), with the longest `name` its validation admits and every capability on. The plan
must succeed, every derived name must fit its AWS limit, and no two names that AWS keeps
per account (IAM roles are global) or per region may collide.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from devkit.plan import Plan
from devkit.terraform import OFFLINE_PROVIDER_OVERRIDE, Workspace

ROOT = Path(__file__).resolve().parents[2]
# The longest name the root module's validation admits, read from variables.tf.
LONGEST_NAME = "n" * int(
    re.search(
        r'regex\("\^\[A-Za-z0-9_-\]\{1,(\d+)\}\$", var\.name\)', (ROOT / "variables.tf").read_text()
    )[1]  # type: ignore[index]
)
REGIONS = {"ireland": "eu-west-1", "sydney": "ap-southeast-2"}
# The longest region name AWS has (us-isof-south-1); role names carry the region, so the
# role limits are checked as if the region were this long.
LONGEST_REGION_LENGTH = 15

# (resource type, attribute holding the name) -> AWS's limit, each from the service's API
# reference (CreateRole RoleName, CreateFunction FunctionName, CreateQueue QueueName,
# CreateTopic Name, PutRule Name, CreateSchedule Name, CreateScheduleGroup Name,
# CreateStateMachine name,
# PutMetricAlarm AlarmName, CreateLogGroup logGroupName, CreateTable TableName,
# PutResourcePolicy policyName, PutQueryDefinition name, PutDashboard DashboardName).
LIMITS = {
    ("aws_iam_role", "name"): 64,
    ("aws_lambda_function", "function_name"): 64,
    ("aws_sqs_queue", "name"): 80,
    ("aws_sns_topic", "name"): 256,
    ("aws_cloudwatch_event_rule", "name"): 64,
    ("aws_scheduler_schedule", "name"): 64,
    ("aws_scheduler_schedule_group", "name"): 64,
    ("aws_sfn_state_machine", "name"): 80,
    ("aws_cloudwatch_metric_alarm", "alarm_name"): 255,
    ("aws_cloudwatch_log_group", "name"): 512,
    ("aws_dynamodb_table", "name"): 255,
    ("aws_cloudwatch_log_resource_policy", "policy_name"): 255,
    ("aws_cloudwatch_query_definition", "name"): 255,
    ("aws_cloudwatch_dashboard", "dashboard_name"): 255,
}
# Resources named by something other than `name` or not named at all.
UNNAMED = {
    "aws_cloudwatch_event_target",
    "aws_iam_role_policy",
    "aws_lambda_event_source_mapping",
    "aws_lambda_function_event_invoke_config",
    "aws_sns_topic_policy",
    "aws_sns_topic_subscription",
    "aws_sqs_queue_policy",
}
# Names AWS keeps once per account, in every region: a second region must not reuse them.
# Dashboards too: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cw-dashboard.html
GLOBAL = {("aws_iam_role", "name"), ("aws_cloudwatch_dashboard", "dashboard_name")}

INSTANCE = """
module "{alias}" {{
  source    = "../"
  providers = {{ aws = aws.{alias} }}

  name         = "{name}"
  cluster_arns = ["arn:aws:ecs:{region}:111122223333:cluster/production"]
  alerts = {{
    enabled = true
    alarm   = {{ enabled = true }}
  }}
  history = {{
    # One Logs resource policy serves the region; each region here needs its own.
    create_log_resource_policy = true
  }}
  reconciler    = {{ enabled = true }}
  alarm_actions = ["arn:aws:sns:{region}:111122223333:operations"]
}}
"""

CONFIGURATION = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
"""


def provider(alias: str, region: str) -> str:
    """The offline provider settings of the plan tests, as an aliased provider of a region."""
    offline = OFFLINE_PROVIDER_OVERRIDE.replace('"eu-west-1"', f'"{region}"')
    return offline.replace('provider "aws" {\n', f'provider "aws" {{\n  alias = "{alias}"\n', 1)


@pytest.fixture(scope="module")
def two_regions(terraform_sources: Path) -> Plan:
    if shutil.which("terraform") is None:  # pragma: no cover - depends on the machine
        pytest.skip("terraform is not installed")
    directory = terraform_sources / "limits"
    directory.mkdir(exist_ok=True)
    text = CONFIGURATION + "".join(
        provider(alias, region) + INSTANCE.format(alias=alias, region=region, name=LONGEST_NAME)
        for alias, region in REGIONS.items()
    )
    (directory / "main.tf").write_text(text)
    workspace = Workspace(directory)
    workspace.init()
    return Plan(workspace.plan())


def names(plan: Plan) -> list[tuple[str, str, str]]:
    """(instance alias, (type, attribute), name) of every named resource of the plan."""
    found = []
    for resource in plan.resources:
        for (kind, attribute), _ in LIMITS.items():
            if resource.type == kind and resource.values.get(attribute):
                alias = resource.address.split(".")[1]
                found.append((alias, f"{kind}.{attribute}", resource.values[attribute]))
    return found


def test_both_regions_plan_every_capability(two_regions: Plan) -> None:
    for alias in REGIONS:
        kinds = {r.type for r in two_regions.resources if r.address.startswith(f"module.{alias}.")}
        assert {
            "aws_iam_role",
            "aws_lambda_function",
            "aws_scheduler_schedule",
            "aws_sns_topic",
            "aws_cloudwatch_log_resource_policy",
            "aws_cloudwatch_query_definition",
            "aws_cloudwatch_dashboard",
        } <= kinds


def test_every_named_resource_has_a_known_limit(two_regions: Plan) -> None:
    # A new resource type must be added to LIMITS (or UNNAMED) with its AWS limit.
    known = {kind for kind, _ in LIMITS} | UNNAMED
    assert {r.type for r in two_regions.resources} - known == set()


def slack(two_regions: Plan) -> dict[str, int]:
    """{name: characters left under its AWS limit}, roles measured as if their region
    were the longest region name."""
    left = {}
    for alias, key, name in names(two_regions):
        kind, attribute = key.split(".")
        length = len(name.replace(REGIONS[alias], "r" * LONGEST_REGION_LENGTH))
        left[name] = LIMITS[(kind, attribute)] - length
    return left


def test_every_derived_name_fits_its_aws_limit(two_regions: Plan) -> None:
    assert {name: left for name, left in slack(two_regions).items() if left < 0} == {}


def test_the_validation_admits_exactly_what_the_tightest_name_can_carry(two_regions: Plan) -> None:
    # One more character in `name` would push the tightest derived name over its limit.
    assert min(slack(two_regions).values()) == 0


def test_no_global_name_is_used_twice_in_the_account(two_regions: Plan) -> None:
    global_names = Counter(
        name for _, key, name in names(two_regions) if key == "aws_iam_role.name"
    )
    assert len(global_names) == 2 * 3  # the handler's and the reconciler's two, per region
    assert [name for name, count in global_names.items() if count > 1] == []


def test_no_regional_name_is_used_twice_in_a_region(two_regions: Plan) -> None:
    per_region = Counter((alias, key, name) for alias, key, name in names(two_regions))
    assert [entry for entry, count in per_region.items() if count > 1] == []


def test_role_names_carry_their_region(two_regions: Plan) -> None:
    for alias, key, name in names(two_regions):
        if tuple(key.split(".")) in GLOBAL:
            assert name.endswith(f"-{REGIONS[alias]}"), name

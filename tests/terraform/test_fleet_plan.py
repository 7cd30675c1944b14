"""Plan of examples/fleet: a central account and a member account in two regions.

What each account gets, that the central bus admits exactly the organisation, and that
every role is scoped to its one purpose. Values created in the same apply (the bus ARN,
the reconciler's role ARN) are unknown at plan time, so their use is checked on what the
configuration references, and the rest on planned values."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from devkit.plan import Plan, module_configuration, statement_resource_references
from devkit.terraform import offline_workspace
from ecs_events.ecs import DETAIL_TYPES

BUS = "ecs-events-fleet"
MEMBER_ROLE = "arn:aws:iam::444455556666:role/ecs-events-read"
MEMBERS = ("member_primary", "member_secondary")
ECS_EVENT_TYPES = list(DETAIL_TYPES)


@pytest.fixture(scope="module")
def fleet(plan_example) -> Plan:
    return plan_example("fleet")


def counts(plan: Plan, prefix: str) -> dict[str, int]:
    return dict(Counter(r.type for r in plan.resources if r.address.startswith(prefix)))


def read_data(plan: Plan, address: str) -> dict[str, Any]:
    """A data source read during apply: its arguments as far as they are known."""
    (change,) = [c for c in plan.document["resource_changes"] if c["address"] == address]
    return dict(change["change"]["after"])


# --- the member account ------------------------------------------------------------------


def test_each_member_region_gets_one_rule_its_role_and_a_dead_letter_queue(fleet) -> None:
    forwarding = {
        "aws_cloudwatch_event_rule": 1,
        "aws_cloudwatch_event_target": 1,
        "aws_iam_role": 1,
        "aws_iam_role_policy": 1,
        "aws_sqs_queue": 1,
        "aws_sqs_queue_policy": 1,
        "aws_cloudwatch_metric_alarm": 1,
    }
    # The account's read role is made once, in the primary region (IAM is global).
    assert counts(fleet, "module.member_primary.") == {
        **forwarding,
        "aws_iam_role": 2,
        "aws_iam_role_policy": 2,
    }
    # The secondary region also turns on the console's History tab of its one cluster.
    assert counts(fleet, "module.member_secondary.") == {
        **forwarding,
        "aws_cloudwatch_event_rule": 2,
        "aws_cloudwatch_event_target": 2,
        "aws_cloudwatch_log_group": 1,
        "aws_cloudwatch_log_resource_policy": 1,
        "aws_sqs_queue": 2,
        "aws_sqs_queue_policy": 2,
        "aws_cloudwatch_metric_alarm": 2,
    }


def test_member_rules_forward_the_ecs_events_the_central_module_consumes(fleet) -> None:
    patterns = {}
    for member in MEMBERS:
        rule = fleet.one(
            "aws_cloudwatch_event_rule", f"module.{member}.aws_cloudwatch_event_rule.this"
        ).values
        assert rule["event_bus_name"] == "default"
        patterns[member] = json.loads(rule["event_pattern"])
        assert patterns[member]["source"] == ["aws.ecs"]
    assert patterns["member_primary"]["detail-type"] == ECS_EVENT_TYPES
    assert "$or" not in patterns["member_primary"]
    # The secondary region forwards one cluster: by clusterArn, by service ARN prefix, and
    # hooks (which name no cluster) of any. The rule engine tests the semantics.
    branches = patterns["member_secondary"]["$or"]
    assert [b["detail-type"] for b in branches] == [
        ECS_EVENT_TYPES[:-1],
        ECS_EVENT_TYPES[:-1],
        ["ECS Hook State Change"],
    ]


def test_member_targets_are_the_central_bus_with_a_role_retries_and_a_dlq(fleet) -> None:
    for member in MEMBERS:
        target = fleet.one(
            "aws_cloudwatch_event_target", f"module.{member}.aws_cloudwatch_event_target.this"
        ).values
        assert target["retry_policy"] == [
            {"maximum_event_age_in_seconds": 86400, "maximum_retry_attempts": 185}
        ]
        assert len(target["dead_letter_config"]) == 1
        call = module_configuration(fleet)["module_calls"][member]
        assert call["expressions"]["central_bus_arn"]["references"][0] == (
            "module.central.event_bus_arn"
        )
    forwarder = module_configuration(fleet, "member_primary")
    (target,) = [
        r for r in forwarder["resources"] if r["address"] == "aws_cloudwatch_event_target.this"
    ]
    assert target["expressions"]["arn"]["references"] == ["var.central_bus_arn"]
    assert target["expressions"]["role_arn"]["references"][0] == "aws_iam_role.this.arn"


def test_forwarding_roles_are_named_per_region(fleet) -> None:
    names = {
        member: fleet.one("aws_iam_role", f"module.{member}.aws_iam_role.this").values["name"]
        for member in MEMBERS
    }
    assert names == {
        "member_primary": "ecs-events-forward-eu-west-1",
        "member_secondary": "ecs-events-forward-us-east-1",
    }


def test_forwarding_role_may_only_put_events_on_the_central_bus(fleet) -> None:
    forwarder = module_configuration(fleet, "member_primary")
    assert statement_resource_references(forwarder, "data.aws_iam_policy_document.this") == {
        "PutEventsOnCentralBus": {"var.central_bus_arn"}
    }
    policy = read_data(fleet, "module.member_primary.data.aws_iam_policy_document.this")
    assert [s["actions"] for s in policy["statement"]] == [["events:PutEvents"]]


def test_forwarding_role_is_assumed_by_eventbridge_for_its_rule_only(fleet) -> None:
    trust = read_data(fleet, "module.member_primary.data.aws_iam_policy_document.assume")
    (statement,) = trust["statement"]
    assert statement["principals"] == [{"identifiers": ["events.amazonaws.com"], "type": "Service"}]
    assert [(c["test"], c["variable"]) for c in statement["condition"]] == [
        ("ArnEquals", "aws:SourceArn")
    ]
    forwarder = module_configuration(fleet, "member_primary")
    (document,) = [
        r for r in forwarder["resources"] if r["address"] == "data.aws_iam_policy_document.assume"
    ]
    condition = document["expressions"]["statement"][0]["condition"][0]
    assert condition["values"]["references"][0] == "aws_cloudwatch_event_rule.this.arn"


def test_read_role_is_trusted_by_the_central_reconciler_role_only(fleet) -> None:
    trust = read_data(fleet, "module.member_primary.data.aws_iam_policy_document.read_assume[0]")
    (statement,) = trust["statement"]
    assert statement["actions"] == ["sts:AssumeRole"]
    assert [p["type"] for p in statement["principals"]] == ["AWS"]
    assert len(statement["principals"][0]["identifiers"]) == 1
    forwarder = module_configuration(fleet, "member_primary")
    (document,) = [
        r
        for r in forwarder["resources"]
        if r["address"] == "data.aws_iam_policy_document.read_assume"
    ]
    principal = document["expressions"]["statement"][0]["principals"][0]
    assert principal["identifiers"]["references"][0] == "var.read_role.trusted_role_arn"
    call = module_configuration(fleet)["module_calls"]["member_primary"]
    assert "module.central.reconciler_role_arn" in json.dumps(call["expressions"]["read_role"])


def test_read_role_only_lists_and_describes_ecs(fleet) -> None:
    policy = json.loads(
        fleet.one("aws_iam_role_policy", "module.member_primary.aws_iam_role_policy.read").values[
            "policy"
        ]
    )
    actions = {s["Action"] for s in policy["Statement"]}
    assert actions == {
        "ecs:ListClusters",
        "ecs:ListContainerInstances",
        "ecs:ListTasks",
        "ecs:DescribeTasks",
        "ecs:DescribeContainerInstances",
    }
    assert {s["Effect"] for s in policy["Statement"]} == {"Allow"}


# --- the central account -----------------------------------------------------------------


def test_central_bus_admits_exactly_the_organisation(fleet) -> None:
    bus = fleet.one("aws_cloudwatch_event_bus", "module.central.").values
    assert bus["name"] == BUS
    policy = read_data(
        fleet, "module.central.module.event_bus[0].data.aws_iam_policy_document.this"
    )
    (statement,) = policy["statement"]
    assert statement["actions"] == ["events:PutEvents"]
    assert statement["principals"] == [{"identifiers": ["*"], "type": "*"}]
    assert statement["condition"] == [
        {"test": "StringEquals", "values": ["o-a1b2c3d4e5"], "variable": "aws:PrincipalOrgID"}
    ]
    # The one resource is the bus's own ARN, known once the bus exists.
    assert statement["resources"] == [None]


def test_every_central_rule_and_target_attaches_to_the_central_bus(fleet) -> None:
    central = [
        r
        for r in fleet.resources
        if r.address.startswith("module.central.")
        and r.type in ("aws_cloudwatch_event_rule", "aws_cloudwatch_event_target")
    ]
    # state, deployments, service actions, instance health, daemons, hooks, the incidents'
    # service and instance recoveries, event log: a rule and a target each
    assert len(central) == 18
    assert {r.values["event_bus_name"] for r in central} == {BUS}


def test_central_reconciler_may_assume_the_member_read_role_and_nothing_else(fleet) -> None:
    function = fleet.one("aws_lambda_function", "module.reconciler[0].").values
    variables = function["environment"][0]["variables"]
    assert variables["MEMBER_ROLE_ARNS"] == MEMBER_ROLE
    assert variables["MEMBER_REGIONS"] == "eu-west-1,us-east-1"
    policy = read_data(
        fleet, "module.central.module.reconciler[0].data.aws_iam_policy_document.this"
    )
    assumes = [s for s in policy["statement"] if "sts:AssumeRole" in s["actions"]]
    assert assumes == [{**assumes[0], "sid": "ReadMemberAccounts", "resources": [MEMBER_ROLE]}]


def test_every_saved_query_shows_and_filters_account_and_region(fleet) -> None:
    queries = {
        q.values["name"]: q.values["query_string"]
        for q in fleet.of_type("aws_cloudwatch_query_definition")
    }
    assert len(queries) == 4
    for name, query in queries.items():
        assert "filter account like /.*/ and region like /.*/" in query, name
        # ...and shows them: as columns, or as keys of its statistics.
        assert re.search(
            r"fields @timestamp, account, region|stats .* by .*account, region", query
        ), name
    by_account = queries["ecs-events/events-by-account"]
    assert "by account, region, `detail-type`" in by_account


# --- who the bus admits, for each kind of admission --------------------------------------

ADMISSIONS = """
provider "aws" {
  region = "eu-west-1"
}

module "organization" {
  source          = "../modules/event_bus"
  name            = "by-organization"
  organization_id = "o-a1b2c3d4e5"
}

module "units" {
  source                    = "../modules/event_bus"
  name                      = "by-units"
  organizational_unit_paths = [
    "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*",
    "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/",
  ]
}

module "accounts" {
  source      = "../modules/event_bus"
  name        = "by-accounts"
  account_ids = ["444455556666", "777788889999"]
  kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

# Forwarders naming 11 and 12 clusters: the pattern-size check passes, then warns.
module "fourteen" {
  source          = "../modules/forwarder"
  name            = "fourteen"
  central_bus_arn = "arn:aws:events:eu-west-1:111122223333:event-bus/fleet"
  cluster_arns = [
    for n in range(11) : format("arn:aws:ecs:eu-west-1:444455556666:cluster/production-%02d", n)
  ]
}

module "fifteen" {
  source          = "../modules/forwarder"
  name            = "fifteen"
  central_bus_arn = "arn:aws:events:eu-west-1:111122223333:event-bus/fleet"
  cluster_arns = [
    for n in range(12) : format("arn:aws:ecs:eu-west-1:444455556666:cluster/production-%02d", n)
  ]
}
"""


@pytest.fixture(scope="module")
def admissions(terraform_sources: Path) -> Plan:
    directory = terraform_sources / "bus_admissions"
    directory.mkdir(exist_ok=True)
    (directory / "main.tf").write_text(ADMISSIONS)
    workspace = offline_workspace(directory)
    return Plan(workspace.plan())


def admitted(plan: Plan, call: str) -> list[dict[str, Any]]:
    policy = read_data(plan, f"module.{call}.data.aws_iam_policy_document.this")
    return [
        {key: statement[key] for key in ("sid", "actions", "principals", "condition")}
        for statement in policy["statement"]
    ]


def test_bus_admits_the_organisation_only(admissions) -> None:
    assert admitted(admissions, "organization") == [
        {
            "sid": "OrganizationPutsEvents",
            "actions": ["events:PutEvents"],
            "principals": [{"identifiers": ["*"], "type": "*"}],
            "condition": [
                {
                    "test": "StringEquals",
                    "values": ["o-a1b2c3d4e5"],
                    "variable": "aws:PrincipalOrgID",
                }
            ],
        }
    ]


def test_bus_admits_principals_of_the_units_only(admissions) -> None:
    assert admitted(admissions, "units") == [
        {
            "sid": "OrganizationalUnitsPutEvents",
            "actions": ["events:PutEvents"],
            "principals": [{"identifiers": ["*"], "type": "*"}],
            "condition": [
                {
                    "test": "ForAnyValue:StringLike",
                    "values": [
                        "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*",
                        "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/",
                    ],
                    "variable": "aws:PrincipalOrgPaths",
                }
            ],
        }
    ]


def test_bus_admits_the_listed_accounts_only(admissions) -> None:
    assert admitted(admissions, "accounts") == [
        {
            "sid": "AccountsPutEvents",
            "actions": ["events:PutEvents"],
            "principals": [
                {
                    "identifiers": [
                        "arn:aws:iam::444455556666:root",
                        "arn:aws:iam::777788889999:root",
                    ],
                    "type": "AWS",
                }
            ],
            "condition": [],
        }
    ]


def test_bus_is_encrypted_with_the_customer_key_when_given(admissions) -> None:
    keys = {
        r.address.split(".")[1]: r.values.get("kms_key_identifier")
        for r in admissions.of_type("aws_cloudwatch_event_bus")
    }
    assert keys == {
        "organization": None,
        "units": None,
        "accounts": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    }


def test_a_forwarder_pattern_past_eventbridge_default_size_warns(admissions) -> None:
    statuses = {
        check["address"]["module"]: check["status"]
        for check in admissions.document.get("checks", [])
        if check["address"].get("name") == "pattern_size"
    }
    assert statuses == {"module.fourteen": "pass", "module.fifteen": "fail"}

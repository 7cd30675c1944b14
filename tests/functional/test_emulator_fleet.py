"""What the local emulator (moto 5.2, in process) does with a fleet's forwarding rule.

It delivers an event from a member account's default bus to a central bus in another
account and region, so a forwarding path can run locally; but it drops the event's
`account`, stamps the central bus's region over the member's, and enforces neither the
bus policy nor the target's role. Those are what a fleet relies on, so the fleet's
semantics are tested with the real rule engine (tests/terraform/test_event_patterns.py)
and documented event shapes (tests/functional/test_fleet.py), not here. When moto fixes
these, this test fails and docs/fleet.md ("On the local emulator") needs updating."""

from __future__ import annotations

import json
from typing import Any

import boto3

from tests.events import task_event

CENTRAL_REGION = "eu-west-1"
MEMBER_REGION = "us-east-1"
MEMBER_ADMIN = "arn:aws:iam::444455556666:role/admin"


def member_client(service: str, region: str) -> Any:
    sts = boto3.client("sts", region_name=CENTRAL_REGION)
    keys = sts.assume_role(RoleArn=MEMBER_ADMIN, RoleSessionName="member")["Credentials"]
    return boto3.client(
        service,
        region_name=region,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    )


def test_moto_forwards_across_accounts_but_loses_account_and_region(aws: None) -> None:
    events = boto3.client("events", region_name=CENTRAL_REGION)
    sqs = boto3.client("sqs", region_name=CENTRAL_REGION)
    # A central bus with no policy at all: AWS would refuse every other account.
    bus = events.create_event_bus(Name="fleet")["EventBusArn"]
    queue = sqs.create_queue(QueueName="central")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    pattern = json.dumps({"source": ["aws.ecs"]})
    events.put_rule(Name="central", EventBusName="fleet", EventPattern=pattern)
    events.put_targets(
        Rule="central", EventBusName="fleet", Targets=[{"Id": "q", "Arn": queue_arn}]
    )

    member = member_client("events", MEMBER_REGION)
    member.put_rule(Name="forward", EventPattern=pattern)
    role = "arn:aws:iam::444455556666:role/no-such-role"
    member.put_targets(Rule="forward", Targets=[{"Id": "bus", "Arn": bus, "RoleArn": role}])
    event = task_event()
    member.put_events(
        Entries=[
            {
                "Source": "aws.ecs",
                "DetailType": event["detail-type"],
                "Detail": json.dumps(event["detail"]),
            }
        ]
    )

    (message,) = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    delivered = json.loads(message["Body"])
    assert delivered["detail"]["taskArn"] == event["detail"]["taskArn"]
    assert "account" not in delivered or delivered["account"] is None
    assert delivered["region"] == CENTRAL_REGION  # on AWS: the member's, us-east-1

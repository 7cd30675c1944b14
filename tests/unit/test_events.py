import pytest

from ecs_events.events import (
    MalformedEvent,
    epoch_millis,
    parse_event,
    required_arn,
    required_version,
)
from tests.events import task_event


def test_parse_event_reads_the_envelope() -> None:
    raw = task_event()
    event = parse_event(raw)
    assert (event.id, event.source, event.detail_type) == (
        raw["id"],
        "aws.ecs",
        "ECS Task State Change",
    )
    assert event.resources == tuple(raw["resources"])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "not a JSON object"),
        ({"id": "x", "source": "aws.ecs", "detail-type": "t"}, "lacks detail"),
        ({"id": "x", "source": "aws.ecs", "detail-type": "t", "detail": "s"}, "not a JSON"),
    ],
)
def test_parse_event_rejects_a_broken_envelope(raw: object, message: str) -> None:
    with pytest.raises(MalformedEvent, match=message):
        parse_event(raw)


@pytest.mark.parametrize("version", [None, "3", 1.5, True, -1])
def test_required_version_accepts_only_whole_numbers(version: object) -> None:
    with pytest.raises(MalformedEvent, match=r"detail\.version"):
        required_version({"version": version})


def test_required_version_refuses_a_version_dynamodb_cannot_store() -> None:
    with pytest.raises(MalformedEvent, match=r"detail\.version has more than 38 digits"):
        required_version({"version": 10**38})


def test_required_version_takes_the_largest_38_digit_version() -> None:
    assert required_version({"version": 10**38 - 1}) == 10**38 - 1


@pytest.mark.parametrize(
    ("text", "millis"),
    [
        ("2022-08-08T05:07:00.61Z", 1659935220610),
        ("2020-05-23T11:11:11Z", 1590232271000),
        ("2016-12-06T16:41:06.991Z", 1481042466991),
        ("2026-11-20T03:14:01.123456+00:00", 1795144441123),
    ],
)
def test_epoch_millis_reads_the_formats_ecs_sends(text: str, millis: int) -> None:
    assert epoch_millis(text) == millis


@pytest.mark.parametrize("text", [None, "", "yesterday", "2026-11-20T03:14:01"])
def test_epoch_millis_gives_none_for_absent_or_zoneless_times(text: object) -> None:
    assert epoch_millis(text) is None


# --- resource ARNs of state events ------------------------------------------------------


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:ecs:us-west-2:111122223333:task/default/4fd8ba3eb0ae4bb4a3fa8d2e39d79c4a",
        "arn:aws:ecs:us-west-2:111122223333:task/4fd8ba3e-b0ae-4bb4-a3fa-8d2e39d79c4a",
        "arn:aws-us-gov:ecs:us-gov-west-1:111122223333:task/prod_1/abc",
        "arn:aws-cn:ecs:cn-north-1:111122223333:task/c/abc",
    ],
)
def test_task_arns_in_both_formats_and_every_partition_are_keys(arn: str) -> None:
    assert required_arn({"taskArn": arn}, "taskArn", "task") == arn


@pytest.mark.parametrize(
    "arn",
    [
        "   ",
        "not an arn",
        "arn:aws:ecs:us-west-2:111122223333:service/default/web",
        "arn:aws:sqs:us-west-2:111122223333:task/default/abc",
        "arn:aws:ecs:us-west-2:1111:task/default/abc",
        "arn:aws:ecs:us-west-2:111122223333:task/default/abc/extra",
        "arn:aws:ecs:us-west-2:111122223333:task/default/ab c",
        "arn:aws:ecs:us-west-2:111122223333:container-instance/default/abc",
    ],
)
def test_what_is_not_an_ecs_task_arn_fails_with_a_reason(arn: str) -> None:
    with pytest.raises(MalformedEvent, match="not an ECS task ARN"):
        required_arn({"taskArn": arn}, "taskArn", "task")


def test_container_instance_arns_are_checked_by_their_own_type() -> None:
    arn = "arn:aws:ecs:us-west-2:111122223333:container-instance/default/9a2f1c7e"
    assert required_arn({"c": arn}, "c", "container-instance") == arn
    with pytest.raises(MalformedEvent, match="container-instance ARN"):
        required_arn({"c": arn.replace("container-instance", "task")}, "c", "container-instance")

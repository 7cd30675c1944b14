"""ECS facts in one place: the ARN shapes of every partition, and the Terraform copies of
the detail-types (Terraform cannot import Python) equal to ecs.DETAIL_TYPES."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecs_events.ecs import (
    DETAIL_TYPES,
    arn_account,
    arn_region,
    ecs_arn,
    is_resource_arn,
    parse_arn,
    parse_ecs_arn,
    resource_path,
)

ROOT = Path(__file__).resolve().parents[2]


# --- ARNs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arn", "partition", "region"),
    [
        ("arn:aws:ecs:us-west-2:111122223333:task/c/abc", "aws", "us-west-2"),
        ("arn:aws-cn:ecs:cn-north-1:111122223333:task/c/abc", "aws-cn", "cn-north-1"),
        ("arn:aws-us-gov:ecs:us-gov-west-1:111122223333:task/c/abc", "aws-us-gov", "us-gov-west-1"),
        ("arn:aws-iso-b:ecs:us-isob-east-1:111122223333:task/c/abc", "aws-iso-b", "us-isob-east-1"),
        ("arn:aws-eusc:ecs:eusc-de-east-1:111122223333:task/c/abc", "aws-eusc", "eusc-de-east-1"),
    ],
)
def test_ecs_arns_of_every_partition_are_read(arn: str, partition: str, region: str) -> None:
    parsed = parse_ecs_arn(arn, "task")
    assert parsed is not None
    assert (parsed.partition, parsed.region, parsed.account) == (partition, region, "111122223333")
    assert is_resource_arn(arn, "task")


def test_a_long_format_arn_names_its_cluster_and_an_old_one_does_not() -> None:
    long = parse_ecs_arn("arn:aws:ecs:eu-west-1:111122223333:container-instance/prod/9a2f")
    old = parse_ecs_arn("arn:aws:ecs:eu-west-1:111122223333:container-instance/9a2f")
    assert long is not None and old is not None
    assert (long.cluster, long.name) == ("prod", "9a2f")
    assert long.cluster_arn == "arn:aws:ecs:eu-west-1:111122223333:cluster/prod"
    assert (old.cluster, old.cluster_arn, old.name) == (None, None, "9a2f")


def test_a_cluster_arn_names_itself() -> None:
    parsed = parse_ecs_arn("arn:aws-eusc:ecs:eusc-de-east-1:111122223333:cluster/prod")
    assert parsed is not None and parsed.cluster == "prod"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "arn:aws:ecs:us-west-2:111122223333:service/c/web",  # another type
        "arn:azure:ecs:us-west-2:111122223333:task/c/abc",
        "arn:aws:ecs:us-west-2:1111:task/c/abc",
        "arn:aws:ecs:uswest2:111122223333:task/c/abc",
    ],
)
def test_what_is_not_an_ecs_task_arn_is_not_read_as_one(text: object) -> None:
    assert parse_ecs_arn(text, "task") is None


def test_an_ecs_arn_is_built_from_its_parts() -> None:
    arn = ecs_arn("aws-eusc", "eusc-de-east-1", "111122223333", "task", "prod", "abc")
    assert arn == "arn:aws-eusc:ecs:eusc-de-east-1:111122223333:task/prod/abc"
    assert is_resource_arn(arn, "task")


def test_any_arn_gives_its_account_and_region_or_says_it_has_none() -> None:
    assert arn_account("arn:aws:iam::222233334444:role/reader") == "222233334444"
    assert arn_region("arn:aws-eusc:ecs:eusc-de-east-1:111122223333:cluster/c") == "eusc-de-east-1"
    with pytest.raises(ValueError, match="with a region"):
        arn_region("arn:aws:iam::222233334444:role/reader")
    with pytest.raises(ValueError, match="with an account"):
        arn_account("not an arn")
    assert parse_arn("arn:aws") is None


def test_resource_path_reads_what_follows_the_type_and_nothing_else() -> None:
    assert resource_path("arn:aws:ecs:us-west-2:111122223333:service/c/web", "service") == "c/web"
    assert resource_path("free text", "service") == ""


# --- the Terraform copies of the detail-types ------------------------------------------

_DETAIL_TYPE = re.compile(r'"(ECS [A-Z][A-Za-z ]+)"')


def _terraform_files() -> list[Path]:
    skipped = {".terraform", "tests", ".venv", ".venv-checkov", "node_modules"}
    return [
        path
        for path in ROOT.rglob("*.tf")
        if not skipped.intersection(path.relative_to(ROOT).parts)
    ]


def test_every_detail_type_terraform_names_is_one_ecs_py_knows() -> None:
    named = {
        (path.relative_to(ROOT).as_posix(), found)
        for path in _terraform_files()
        for found in _DETAIL_TYPE.findall(path.read_text())
    }
    assert named, "no Terraform file names an ECS detail-type: the pattern is stale"
    assert {(path, name) for path, name in named if name not in DETAIL_TYPES} == set()


def test_the_forwarder_forwards_and_admits_exactly_the_detail_types() -> None:
    text = (ROOT / "modules/forwarder/variables.tf").read_text()
    block = text[text.index('variable "detail_types"') :]
    block = block[: block.index("\n}\n")]
    default = block[block.index("default") : block.index("validation")]
    allowed = block[block.index("contains(") : block.index("error_message")]
    message = block[block.index("error_message") :]
    assert tuple(_DETAIL_TYPE.findall(default)) == DETAIL_TYPES
    assert tuple(_DETAIL_TYPE.findall(allowed)) == DETAIL_TYPES
    assert message.count("ECS ") == len(DETAIL_TYPES)
    assert all(name in message for name in DETAIL_TYPES)


def test_the_module_routes_every_detail_type() -> None:
    """The state rule and the alert rules together take every type the handler reads."""
    routing = [
        path
        for module in ("handler", "alerts")
        for path in (ROOT / "modules" / module).glob("*.tf")
    ]
    routed = {name for path in routing for name in _DETAIL_TYPE.findall(path.read_text())}
    assert routed == set(DETAIL_TYPES)

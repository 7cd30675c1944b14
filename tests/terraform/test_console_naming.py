"""The console's rule name, computed in plain Terraform (modules/console_history/naming),
against the independent Python implementation in tests/console_names.py.

Every check is one `terraform apply` of a provider-less root module over a whole list of
ARNs (no resources, so no AWS and no provider), and the names are read back from its outputs.
"""

from __future__ import annotations

import hashlib
import shutil
import string
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from devkit.terraform import REPO_ROOT, Workspace
from tools.console_names import base58_sha256, console_rule_name

PRODUCTION = "arn:aws:ecs:eu-west-1:111122223333:cluster/production"

# Found by trying cluster/c0, c1, ...: the quoted ARN's SHA-256 starts with a zero byte.
LEADING_ZERO_BYTE = [
    "arn:aws:ecs:eu-west-1:111122223333:cluster/c145",
    "arn:aws:ecs:eu-west-1:111122223333:cluster/c149",
    "arn:aws:ecs:eu-west-1:111122223333:cluster/c265",
]
# ... and with two (0x0000...), one in 65,536.
TWO_LEADING_ZERO_BYTES = "arn:aws:ecs:eu-west-1:111122223333:cluster/c54552"

ROOT_MODULE = """
variable "cluster_arns" { type = list(string) }
variable "strings" { type = list(string) }
module "naming" {
  source       = "./naming"
  cluster_arns = var.cluster_arns
  strings      = var.strings
}
output "rule_names" { value = module.naming.rule_names }
output "base58_sha256" { value = module.naming.base58_sha256 }
"""

Names = Callable[..., dict[str, Any]]


@pytest.fixture(scope="module")
def terraform_names(tmp_path_factory: pytest.TempPathFactory) -> Names:
    if shutil.which("terraform") is None:  # pragma: no cover - depends on the machine
        pytest.skip("terraform is not installed")
    directory = tmp_path_factory.mktemp("console_naming")
    shutil.copytree(REPO_ROOT / "modules" / "console_history" / "naming", directory / "naming")
    (directory / "main.tf").write_text(ROOT_MODULE)
    workspace = Workspace(directory)
    workspace.init()

    def names(cluster_arns: list[str] = [], strings: list[str] = []) -> dict[str, Any]:  # noqa: B006
        workspace.apply({"cluster_arns": cluster_arns, "strings": strings})
        return workspace.outputs()

    return names


def quoted_digest(arn: str) -> bytes:
    return hashlib.sha256(f'"{arn}"'.encode()).digest()


# --- the reference implementation itself ------------------------------------------------


def test_python_base58_sha256_gives_the_published_vector() -> None:
    assert base58_sha256("testvalue") == "DCERenm76V5p3hKC9zSmKWED6azM2TghmY8jS6m5koEQ"


def test_python_rule_name_gives_the_published_vector() -> None:
    assert console_rule_name(PRODUCTION) == (
        "EventsToLogs-produc-6Z3byxmYvxNCLdkhgVRZLw7pWGpPNCeJMK1SX33jebHU"
    )


def test_the_chosen_arns_do_have_leading_zero_bytes() -> None:
    assert all(quoted_digest(arn)[0] == 0 for arn in LEADING_ZERO_BYTE)
    assert quoted_digest(TWO_LEADING_ZERO_BYTES)[:2] == b"\0\0"


# --- Terraform ---------------------------------------------------------------------------


def test_terraform_base58_sha256_gives_the_published_vector(terraform_names: Names) -> None:
    got = terraform_names(strings=["testvalue"])["base58_sha256"]
    assert got["testvalue"] == "DCERenm76V5p3hKC9zSmKWED6azM2TghmY8jS6m5koEQ"


def test_terraform_rule_name_gives_the_published_vector(terraform_names: Names) -> None:
    got = terraform_names(cluster_arns=[PRODUCTION])["rule_names"]
    assert got == {PRODUCTION: "EventsToLogs-produc-6Z3byxmYvxNCLdkhgVRZLw7pWGpPNCeJMK1SX33jebHU"}


def test_each_leading_zero_byte_is_one_leading_1(terraform_names: Names) -> None:
    arns = [*LEADING_ZERO_BYTE, TWO_LEADING_ZERO_BYTES]
    got = terraform_names(cluster_arns=arns)["rule_names"]
    assert got == {arn: console_rule_name(arn) for arn in arns}
    assert got[TWO_LEADING_ZERO_BYTES].split("-")[2].startswith("11")


def test_a_name_shorter_than_six_characters_is_taken_whole(terraform_names: Names) -> None:
    arn = "arn:aws:ecs:us-east-1:444455556666:cluster/ab"
    (name,) = terraform_names(cluster_arns=[arn])["rule_names"].values()
    assert name == console_rule_name(arn)
    assert name.startswith("EventsToLogs-ab-")


# ECS cluster names: up to 255 letters, digits, hyphens and underscores.
cluster_names = st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=255)
cluster_arns = st.builds(
    "arn:{}:ecs:{}:{}:cluster/{}".format,
    st.sampled_from(["aws", "aws-cn", "aws-us-gov"]),
    st.sampled_from(["eu-west-1", "us-east-1", "ap-southeast-2", "cn-north-1"]),
    st.text(string.digits, min_size=12, max_size=12),
    cluster_names,
)


# One terraform run per example; no shrinking, which would run terraform hundreds of times
# (a failing list is printed whole, and the assertion names the ARNs that differ).
BATCHED = settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@BATCHED
@given(st.lists(cluster_arns, min_size=50, max_size=100, unique=True))
def test_terraform_names_equal_python_on_any_arns(terraform_names: Names, arns: list[str]) -> None:
    got = terraform_names(cluster_arns=arns)["rule_names"]
    assert {arn: name for arn, name in got.items() if name != console_rule_name(arn)} == {}
    assert got.keys() == set(arns)


# Printable ASCII, the alphabet of an ARN: Terraform normalises the strings it reads to
# Unicode NFC, so arbitrary text would test that normalisation, not base58.
@BATCHED
@given(
    st.lists(
        st.text(string.printable.strip() + " ", max_size=80), min_size=50, max_size=100, unique=True
    )
)
def test_terraform_base58_equals_python_on_any_strings(
    terraform_names: Names, values: list[str]
) -> None:
    got = terraform_names(strings=values)["base58_sha256"]
    assert {value: b58 for value, b58 in got.items() if b58 != base58_sha256(value)} == {}
    assert got.keys() == set(values)


def test_every_name_fits_eventbridges_64_characters(terraform_names: Names) -> None:
    arn = "arn:aws:ecs:eu-west-1:111122223333:cluster/" + "x" * 255
    (name,) = terraform_names(cluster_arns=[arn])["rule_names"].values()
    assert len(name) <= 64


def test_the_module_is_pure_terraform() -> None:
    # No provider in the naming module: nothing but Terraform's own functions.
    source = (REPO_ROOT / "modules/console_history/naming/main.tf").read_text()
    assert "resource " not in source and "data " not in source

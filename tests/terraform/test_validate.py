import pytest

from tools.terraform import Workspace


@pytest.mark.parametrize("example", ["basic", "complete"])
def test_example_validates(plan_example, terraform_sources, example: str) -> None:
    plan_example(example)  # initialises the working copy
    Workspace(terraform_sources / "examples" / example).validate()

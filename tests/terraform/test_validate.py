import pytest

from devkit.terraform import Workspace

EXAMPLES = ["basic", "complete", "fleet", "local", "scheduled_task"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_validates(terraform_sources, example: str) -> None:
    workspace = Workspace(terraform_sources / "examples" / example)
    workspace.init()  # cheap when a plan already initialised this working copy
    workspace.validate()

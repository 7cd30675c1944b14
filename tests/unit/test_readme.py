import pytest

from tools.readme_tables import ROOT, read_blocks, readmes, render


@pytest.mark.parametrize(("readme", "module"), readmes(), ids=lambda p: str(p.relative_to(ROOT)))
def test_readme_tables_match_the_terraform(readme, module) -> None:
    assert readme.read_text() == render(readme.read_text(), module), (
        "run: python -m tools.readme_tables"
    )


def test_every_variable_and_output_is_described() -> None:
    for tf in [*ROOT.glob("*.tf"), *ROOT.glob("modules/*/*.tf")]:
        for block in read_blocks(tf):
            assert block.description, f"{tf.name}: {block.kind} {block.name} has no description"
            if block.kind == "variable":
                assert block.type, f"{tf.name}: variable {block.name} has no type"


def test_outputs_are_sorted() -> None:
    for tf in [ROOT / "outputs.tf", *ROOT.glob("modules/*/outputs.tf")]:
        names = [b.name for b in read_blocks(tf)]
        assert names == sorted(names), tf

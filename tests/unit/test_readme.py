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


def test_an_object_default_shows_the_values_its_optional_attributes_give() -> None:
    from tools.readme_tables import effective_default

    kind = (
        "object({ enabled = optional(bool, false) alarm = optional(object({ on = optional(bool,"
        " true) limit = optional(number) }), {}) codes = optional(list(number), [1, 137]) })"
    )
    assert effective_default(kind, "{}") == (
        "{ enabled = false, alarm = { on = true, limit = null }, codes = [1, 137] }"
    )


def test_an_object_type_is_summarised_by_its_top_level_attributes_only() -> None:
    from tools.readme_tables import _short

    kind = (
        "object({ enabled = optional(bool, false) triggers = optional(object({ task_exit ="
        " optional(bool, true) }), {}) exit_codes = optional(list(number), [1]) })"
    )
    assert _short(kind) == "object({ enabled, triggers, exit_codes })"


def test_a_heredoc_description_is_read_as_its_text(tmp_path) -> None:
    tf = tmp_path / "variables.tf"
    tf.write_text(
        'variable "job" {\n  description = <<-EOT\n    The job, in\n    two lines.\n  EOT\n'
        "  type = string\n}\n"
    )
    (block,) = read_blocks(tf)
    assert block.description == "The job, in two lines."


def test_a_comment_on_an_optional_line_stays_out_of_the_type_and_default(tmp_path) -> None:
    from tools.readme_tables import effective_default

    tf = tmp_path / "variables.tf"
    tf.write_text(
        'variable "tables" {\n  description = "Tables (# is not a comment here)."\n'
        "  type = object({\n"
        "    retention_days = optional(number, 90) # days kept; retention = 0 keeps forever\n"
        "    // a whole-line comment\n"
        "    query_indexes  = optional(bool, true)\n"
        "  })\n  default = {}\n}\n"
    )
    (block,) = read_blocks(tf)
    assert block.description == "Tables (# is not a comment here)."
    assert effective_default(block.type, block.default or "") == (
        "{ retention_days = 90, query_indexes = true }"
    )

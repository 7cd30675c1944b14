"""Inputs and outputs tables of a module's README, generated from its .tf files.

terraform-docs is not available everywhere this project is built, so this small
reader of `variable` and `output` blocks keeps the tables honest; a test fails when
the README differs from what this writes.

    python -m tools.readme_tables            # rewrite the tables in README.md
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_BLOCK = re.compile(r'^(variable|output) "([^"]+)" \{', re.MULTILINE)


@dataclass(frozen=True)
class Block:
    kind: str
    name: str
    description: str
    type: str = ""
    default: str | None = None


def _expression_after(body: str, attribute: str) -> str | None:
    """The text of `attribute = <expression>` at the top level of a block body."""
    match = re.search(rf"^  {attribute}\s*=\s*", body, re.MULTILINE)
    if match is None:
        return None
    depth, end = 0, match.end()
    for index in range(match.end(), len(body)):
        char = body[index]
        if char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
        elif char == "\n" and depth == 0:
            end = index
            break
    else:
        end = len(body)
    return " ".join(body[match.end() : end].split())


def _body(text: str, start: int) -> str:
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index]
    raise ValueError("unbalanced braces")


def read_blocks(path: Path) -> list[Block]:
    text = path.read_text()
    blocks = []
    for match in _BLOCK.finditer(text):
        body = _body(text, match.end() - 1)
        description = _expression_after(body, "description") or ""
        blocks.append(
            Block(
                kind=match.group(1),
                name=match.group(2),
                description=description.strip('"').replace('\\"', '"'),
                type=_expression_after(body, "type") or "",
                default=_expression_after(body, "default"),
            )
        )
    return blocks


def _short(expression: str) -> str:
    """Object types are summarised by their attribute names; the rest shown as written."""
    if expression.startswith("object({") and len(expression) > 60:
        names = re.findall(r"(\w+)\s*=", expression[len("object({") :])
        return "object({ " + ", ".join(dict.fromkeys(names)) + " })"
    return expression


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def inputs_table(module: Path) -> str:
    rows = ["| Name | Description | Type | Default |", "|---|---|---|---|"]
    for block in read_blocks(module / "variables.tf"):
        default = "required" if block.default is None else f"`{_cell(_short(block.default))}`"
        rows.append(
            f"| `{block.name}` | {_cell(block.description)} | `{_cell(_short(block.type))}` "
            f"| {default} |"
        )
    return "\n".join(rows)


def outputs_table(module: Path) -> str:
    rows = ["| Name | Description |", "|---|---|"]
    for block in read_blocks(module / "outputs.tf"):
        rows.append(f"| `{block.name}` | {_cell(block.description)} |")
    return "\n".join(rows)


def render(readme: str, module: Path) -> str:
    """README text with the tables between the BEGIN/END markers regenerated."""
    for marker, table in (("INPUTS", inputs_table(module)), ("OUTPUTS", outputs_table(module))):
        pattern = re.compile(rf"(<!-- BEGIN {marker} -->\n).*?(<!-- END {marker} -->)", re.DOTALL)
        if not pattern.search(readme):
            raise ValueError(f"README lacks the <!-- BEGIN {marker} --> markers")
        readme = pattern.sub(lambda m, t=table: m.group(1) + t + "\n" + m.group(2), readme)
    return readme


def readmes() -> list[tuple[Path, Path]]:
    """(README, module folder) pairs whose tables are generated."""
    pairs = [(ROOT / "README.md", ROOT)]
    for module in sorted((ROOT / "modules").iterdir()):
        readme = module / "README.md"
        if readme.exists() and "<!-- BEGIN INPUTS -->" in readme.read_text():
            pairs.append((readme, module))
    return pairs


def main() -> int:
    for readme, module in readmes():
        readme.write_text(render(readme.read_text(), module))
        print(f"updated {readme.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

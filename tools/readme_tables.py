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
# Submodules a user calls by their own address (`//modules/<name>`); each has a README with
# generated tables. The others are parts the root module composes, configured through its
# inputs (alerts, history, state, ...), and are documented on the root README.
USER_MODULES = ("forwarder", "scheduled_task")
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


def _heredoc_after(body: str, attribute: str) -> str | None:
    """The text of `attribute = <<-EOT ... EOT`, its lines joined by single spaces."""
    match = re.search(
        rf"^  {attribute}\s*=\s*<<-?(\w+)\n(.*?)\n\s*\1\s*$", body, re.MULTILINE | re.DOTALL
    )
    if match is None:
        return None
    return " ".join(match.group(2).split())


def _without_comments(body: str) -> str:
    """The block body with `#` and `//` comments removed (outside strings and heredocs), so
    a comment on an `optional()` line never reaches the Type or Default columns."""
    lines, heredoc_end = [], None
    for line in body.split("\n"):
        if heredoc_end is not None:
            lines.append(line)
            if line.strip() == heredoc_end:
                heredoc_end = None
            continue
        quoted, cut = False, len(line)
        for index, char in enumerate(line):
            if char == '"' and (index == 0 or line[index - 1] != "\\"):
                quoted = not quoted
            elif not quoted and (char == "#" or line.startswith("//", index)):
                cut = index
                break
        kept = line[:cut].rstrip()
        opened = re.search(r"<<-?(\w+)$", kept)
        heredoc_end = opened.group(1) if opened else None
        lines.append(kept)
    return "\n".join(lines)


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
        body = _without_comments(_body(text, match.end() - 1))
        description = _heredoc_after(body, "description") or _expression_after(body, "description")
        description = description or ""
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


def _split_top_level(text: str, separators: str) -> list[str]:
    """Pieces of `text` split at separators outside any bracket or string."""
    pieces, depth, start, quoted = [], 0, 0, False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
        elif char in separators and depth == 0:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _depths(text: str) -> list[int]:
    """The bracket depth at each character of `text` (strings are not looked into)."""
    depths, depth, quoted = [], 0, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "({[":
            depth += 1
        elif not quoted and char in ")}]":
            depth -= 1
        depths.append(depth)
    return depths


def _object_attributes(expression: str) -> list[tuple[str, str]] | None:
    """(name, type expression) of each top-level attribute of `object({...})`, else None.
    Works on one-line text: each attribute starts with `name =` outside any bracket."""
    expression = " ".join(expression.split())
    if not (expression.startswith("object({") and expression.endswith("})")):
        return None
    inner = expression[len("object({") : -len("})")]
    depths = _depths(inner)
    starts = [
        found
        for found in re.finditer(r"(\w+)\s*=(?!=)\s*", inner)
        if depths[found.start()] == 0 and (found.start() == 0 or inner[found.start() - 1] == " ")
    ]
    attributes = []
    for number, found in enumerate(starts):
        end = starts[number + 1].start() if number + 1 < len(starts) else len(inner)
        attributes.append((found.group(1), inner[found.end() : end].strip().rstrip(",")))
    return attributes


def _optional(expression: str) -> tuple[str, str | None]:
    """`optional(TYPE, DEFAULT)` as (TYPE, DEFAULT); a bare type as (TYPE, None)."""
    if expression.startswith("optional(") and expression.endswith(")"):
        arguments = _split_top_level(expression[len("optional(") : -1], ",")
        return arguments[0], (arguments[1] if len(arguments) > 1 else "null")
    return expression, None


def effective_default(type_expression: str, default: str) -> str:
    """The value Terraform uses for `default`: an object's optional() defaults filled in,
    nested objects too, so `{}` reads as what the module will really do."""
    attributes = _object_attributes(type_expression)
    if attributes is None or default.strip() != "{}":
        return " ".join(default.split())
    shown = []
    for name, expression in attributes:
        inner_type, inner_default = _optional(expression)
        value = "null" if inner_default is None else effective_default(inner_type, inner_default)
        shown.append(f"{name} = {value}")
    return "{ " + ", ".join(shown) + " }"


def _short(expression: str) -> str:
    """Object types are summarised by their top-level attribute names; the rest as written."""
    attributes = _object_attributes(expression)
    if attributes is not None and len(expression) > 60:
        return "object({ " + ", ".join(name for name, _ in attributes) + " })"
    return expression


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def inputs_table(module: Path) -> str:
    rows = ["| Name | Description | Type | Default |", "|---|---|---|---|"]
    for block in read_blocks(module / "variables.tf"):
        default = (
            "required"
            if block.default is None
            else f"`{_cell(effective_default(block.type, block.default))}`"
        )
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
    for name in USER_MODULES:
        readme = ROOT / "modules" / name / "README.md"
        if readme.exists() and "<!-- BEGIN INPUTS -->" in readme.read_text():
            pairs.append((readme, readme.parent))
    return pairs


def main() -> int:
    for readme, module in readmes():
        readme.write_text(render(readme.read_text(), module))
        print(f"updated {readme.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

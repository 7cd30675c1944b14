"""Development code shared by tests, tools and benchmarks lives in devkit/: tools/, benchmarks/
and devkit/ itself never import the tests package, so a test can import any of them without a
cycle, and the tests can be reorganised without breaking a benchmark or the demo."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TREES_THAT_MUST_NOT_IMPORT_TESTS = ("tools", "benchmarks", "devkit")


def imported_modules(source: Path) -> list[str]:
    """Every absolute module a file imports, at any depth (also inside functions)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"), filename=str(source))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def imports_of(trees: tuple[str, ...], package: str) -> list[str]:
    """'path imports module' for every import of `package` (or a module in it) under `trees`."""
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for tree in trees
        for path in sorted((ROOT / tree).rglob("*.py"))
        if "node_modules" not in path.parts
        for name in imported_modules(path)
        if name == package or name.startswith(package + ".")
    ]


def test_tools_benchmarks_and_devkit_never_import_tests() -> None:
    offenders = imports_of(TREES_THAT_MUST_NOT_IMPORT_TESTS, "tests")
    assert offenders == [], "move what they need into devkit/:\n" + "\n".join(offenders)


def test_devkit_never_imports_tools() -> None:
    """devkit sits beneath tools (the demo, the smoke check): tools import it, not the reverse."""
    offenders = imports_of(("devkit",), "tools")
    assert offenders == [], "\n".join(offenders)


def test_devkit_learns_table_shapes_from_the_runtime_not_the_cli() -> None:
    """The tables' keys and query index live in ecs_events.state, which the CLI reads too."""
    offenders = imports_of(("devkit",), "ecs_events_cli")
    assert offenders == [], "\n".join(offenders)

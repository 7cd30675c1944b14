"""The documentation agrees with the repository: links, version pins, stated counts.

Docs drift quietly: a section moves and its anchors break, a release bumps the version and
one `?ref=` stays behind, a saved query is added and the prose still says three. Each test
here reads the pages as a user would and compares them with the file that holds the fact.
The generated Inputs/Outputs tables are checked in tests/unit/test_readme.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecs_events import __version__ as VERSION
from tools.readme_tables import ROOT, USER_MODULES, read_blocks, readmes

PAGES = sorted(
    [
        ROOT / "README.md",
        ROOT / "CONTRIBUTING.md",
        ROOT / "benchmarks" / "README.md",
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "modules").glob("*/README.md"),
    ]
)
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _prose(page: Path) -> str:
    """The page without its fenced code blocks (commands and output are not links)."""
    return _FENCE.sub("", page.read_text())


def anchors(page: Path) -> set[str]:
    """The fragment ids GitHub gives the page's headings: lower case, punctuation but
    hyphens dropped, spaces to hyphens, a repeated heading numbered -1, -2, ..."""
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6} (.+)$", _prose(page), re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        if count:
            seen[f"{slug}-{count}"] = 1
    return set(seen)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def test_every_page_is_checked() -> None:
    names = {_page_id(page) for page in PAGES}
    assert {"README.md", "docs/alerts.md", "docs/cli.md", "docs/fleet.md"} <= names
    assert {"docs/operations.md", "benchmarks/README.md", "CONTRIBUTING.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_links_to_repository_files_and_headings_resolve(page: Path) -> None:
    broken = []
    for target in _LINK.findall(_prose(page)):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto: and the like
            continue
        path_part, _, fragment = target.partition("#")
        linked = (page.parent / path_part).resolve() if path_part else page
        if not linked.is_relative_to(ROOT) or not linked.exists():
            broken.append(f"{target}: no such file")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target}: no heading #{fragment} in {_page_id(linked)}")
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_release_pins_name_this_version(page: Path) -> None:
    text = page.read_text()
    pins = re.findall(r"\?ref=v([0-9][^\"\s)]*)", text)
    pins += re.findall(r"terraform-aws-ecs-events\.git@v([0-9][^\"\s)]*)", text)
    assert set(pins) <= {VERSION}


def test_the_examples_comments_pin_this_version() -> None:
    for example in sorted(ROOT.glob("examples/*/*.tf")):
        assert set(re.findall(r"\?ref=v([0-9][^\"\s)]*)", example.read_text())) <= {VERSION}


def test_saved_query_counts_match_modules_history() -> None:
    defined = len(
        re.findall(
            r'^resource "aws_cloudwatch_query_definition"',
            (ROOT / "modules" / "history" / "queries.tf").read_text(),
            re.MULTILINE,
        )
    )
    stated = [
        (_page_id(page), found.group(0))
        for page in PAGES
        for found in re.finditer(
            r"\b(\w+) saved (?:Logs Insights )?quer(?:y|ies)", page.read_text(), re.IGNORECASE
        )
        if found.group(1).lower() in _NUMBERS or found.group(1).isdigit()
    ]
    assert stated, "the pages no longer state how many saved queries there are"
    assert [s for s in stated if _count(s[1].split()[0]) != defined] == []


def test_ecs_event_type_counts_match_the_forwarders_list() -> None:
    (detail_types,) = [
        block
        for block in read_blocks(ROOT / "modules" / "forwarder" / "variables.tf")
        if block.name == "detail_types"
    ]
    known = len(re.findall(r'"ECS [^"]+"', detail_types.default or ""))
    stated = [
        (_page_id(page), found.group(0))
        for page in PAGES
        for found in re.finditer(r"\bthe (\w+) (?:ECS )?(?:event )?types\b", page.read_text())
        if found.group(1).lower() in _NUMBERS
    ]
    assert stated, "the pages no longer state how many ECS event types are forwarded"
    assert [s for s in stated if _count(s[1].split()[1]) != known] == []


def test_the_alert_trigger_table_lists_every_trigger_of_the_alerts_input() -> None:
    (alerts,) = [block for block in read_blocks(ROOT / "variables.tf") if block.name == "alerts"]
    triggers = re.search(r"triggers = optional\(object\(\{(.*?)\}\)", alerts.type)
    assert triggers is not None
    declared = set(re.findall(r"(\w+) = optional", triggers.group(1)))
    page = (ROOT / "docs" / "alerts.md").read_text()
    rows = set(re.findall(r"^\| `(\w+)` \|", page, re.MULTILINE))
    assert rows == declared


def test_every_module_a_user_calls_has_generated_tables() -> None:
    generated = {module.name for _, module in readmes() if module != ROOT}
    assert generated == set(USER_MODULES)


def test_every_submodule_the_pages_and_examples_call_is_a_user_module() -> None:
    called = set()
    for page in PAGES:
        called |= set(re.findall(r"//modules/(\w+)", page.read_text()))
    for example in ROOT.glob("examples/*/*.tf"):
        called |= set(re.findall(r'source\s*=\s*"\.\./\.\./modules/(\w+)"', example.read_text()))
    assert called <= set(USER_MODULES)


def test_every_saved_query_is_named_where_the_pages_list_them() -> None:
    names = re.findall(
        r'name\s*=\s*"\$\{var\.name\}/([a-z-]+)"',
        (ROOT / "modules" / "history" / "queries.tf").read_text(),
    )
    assert names
    for page in (ROOT / "docs" / "cli.md", ROOT / "docs" / "operations.md"):
        text = page.read_text()
        assert [name for name in names if f"<name>/{name}" not in text] == [], _page_id(page)

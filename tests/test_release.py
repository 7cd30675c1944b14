"""What a module release carries: one version, a changelog entry for it, a license."""

from __future__ import annotations

import re
import tomllib
import zipfile
from pathlib import Path

from ecs_events import __version__ as VERSION

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


def test_pyproject_reads_the_version_from_the_package() -> None:
    assert "version" not in PROJECT and "version" in PROJECT["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "ecs_events.__version__"
    }


def test_the_committed_zip_carries_this_version() -> None:
    with zipfile.ZipFile(ROOT / "dist" / "ecs_events.zip") as archive:
        init = archive.read("ecs_events/__init__.py").decode()
    assert re.findall(r'^__version__ = "([^"]+)"', init, re.MULTILINE) == [VERSION]


def test_the_changelog_opens_with_this_version() -> None:
    headings = re.findall(r"^## (\S+)", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert headings[0] == VERSION


def test_readme_source_addresses_name_this_version() -> None:
    refs = set(re.findall(r"\?ref=v([0-9][^\"\s]*)", (ROOT / "README.md").read_text()))
    assert refs == {VERSION}


def test_the_license_file_is_the_license_pyproject_declares() -> None:
    assert PROJECT["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_every_terraform_floor_is_the_one_the_tests_need() -> None:
    # mock_provider in tests/*.tftest.hcl is new in Terraform 1.7; a lower floor would promise
    # versions on which `make test` cannot run.
    floors = {
        str(path.relative_to(ROOT)): re.findall(
            r'required_version\s*=\s*"([^"]+)"', path.read_text()
        )
        for path in [
            ROOT / "versions.tf",
            *ROOT.glob("modules/*/versions.tf"),
            *ROOT.glob("examples/*/versions.tf"),
        ]
    }
    assert {name: found for name, found in floors.items() if found != [">= 1.7.0"]} == {}
    assert "1.7 or newer" in (ROOT / ".ci" / "run").read_text()

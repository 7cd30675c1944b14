"""What a module release carries: one version, a changelog entry for it, a license."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_changelog_opens_with_this_version() -> None:
    headings = re.findall(r"^## (\S+)", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert headings[0] == PROJECT["version"]


def test_readme_source_addresses_name_this_version() -> None:
    refs = set(re.findall(r"\?ref=v([0-9][^\"\s]*)", (ROOT / "README.md").read_text()))
    assert refs == {PROJECT["version"]}


def test_the_license_file_is_the_license_pyproject_declares() -> None:
    assert PROJECT["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text

"""Runs the native `terraform test` files (tests/*.tftest.hcl): every input the root
module or modules/scheduled_task refuses, against a mock provider (no AWS, no network)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from devkit.terraform import REPO_ROOT, Workspace, copy_sources


def test_native_terraform_tests_pass(tmp_path: Path) -> None:
    if shutil.which("terraform") is None:  # pragma: no cover - depends on the machine
        pytest.skip("terraform is not installed")
    sources = copy_sources(tmp_path)
    (sources / "tests").mkdir()
    files = sorted((REPO_ROOT / "tests").glob("*.tftest.hcl"))
    assert files, "no tests/*.tftest.hcl"
    for path in files:
        shutil.copy2(path, sources / "tests" / path.name)
    Workspace(sources).init()  # points Terraform at the provider mirror where there is one
    result = subprocess.run(
        ["terraform", "test", "-no-color"],
        cwd=sources,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 failed" in result.stdout

"""Linters and scanners as tests, so `pytest` alone says whether the tree is clean."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON_TREES = ["lambda_src", "cli", "devkit", "tests", "tools", "benchmarks"]


def run(command: list[str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def tool(name: str) -> str:
    """A tool from this interpreter's environment, else from PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]'")
    return found


def test_ruff_finds_nothing() -> None:
    result = run([tool("ruff"), "check", *PYTHON_TREES])
    assert result.returncode == 0, result.stdout + result.stderr


def test_python_is_ruff_formatted() -> None:
    result = run([tool("ruff"), "format", "--check", *PYTHON_TREES])
    assert result.returncode == 0, result.stdout + result.stderr


def test_lambda_package_passes_mypy_strict() -> None:
    result = run([tool("mypy")])  # files and strictness come from pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.terraform
def test_terraform_is_formatted() -> None:
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    result = run(["terraform", "fmt", "-check", "-recursive", "-diff"])
    assert result.returncode == 0, result.stdout + result.stderr


def checkov_binary() -> str | None:
    for candidate in (os.environ.get("CHECKOV_BIN"), str(ROOT / ".venv-checkov/bin/checkov")):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("checkov")


@pytest.mark.terraform
def test_checkov_fails_nothing_in_the_modules_and_examples() -> None:
    checkov = checkov_binary()
    if checkov is None:
        if os.environ.get("CI"):
            pytest.fail("checkov is not installed; .ci/run installs it in .venv-checkov")
        pytest.skip("checkov is not installed (make setup installs it)")
    result = run(
        [
            checkov,
            "-d",
            ".",
            "--framework",
            "terraform",
            "--quiet",
            "--compact",
            "--skip-path",
            r"\.venv",
            "--skip-path",
            r"\.terraform",
        ]
    )
    summary = [line for line in result.stdout.splitlines() if "Passed checks" in line]
    assert summary, result.stdout + result.stderr
    assert all("Failed checks: 0," in line for line in summary), result.stdout

"""The release check (tools/smoke.py) on the local emulator, so the script cannot rot: apply
examples/basic with alerts, deliver a task event to the handler's queue, find the item and
the alert, destroy. On AWS a maintainer runs the same script (docs/operations.md,
"Deploying to a real AWS account").

Bounded by DEADLINE_SECONDS: past it the script gets a SIGINT (a Ctrl-C), which makes it
destroy what it applied and stop its emulator, and the test fails. Deselect with
`-m "not e2e"`.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.e2e import run_bounded

ROOT = Path(__file__).resolve().parents[2]
# About two minutes here (most of it terraform apply); the rest is room for a slower machine.
DEADLINE_SECONDS = 360
CLEANUP_SECONDS = 90

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


@pytest.fixture(scope="module")
def smoke_output() -> tuple[int, str]:
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    environment = {k: v for k, v in os.environ.items() if k != "SMOKE_ENDPOINT_URL"}
    return run_bounded(
        [sys.executable, "-m", "tools.smoke", "--emulator"],
        ROOT,
        DEADLINE_SECONDS,
        CLEANUP_SECONDS,
        env=environment,
    )


def test_the_release_check_passes_on_the_emulator(smoke_output: tuple[int, str]) -> None:
    code, output = smoke_output
    assert code == 0, output
    assert "Smoke test passed." in output


def test_the_release_check_finds_the_item_and_the_alert(smoke_output: tuple[int, str]) -> None:
    _, output = smoke_output
    assert "task table: STOPPED at version 6, as sent" in output
    assert "alert received:" in output


def test_the_release_check_destroys_what_it_applied(smoke_output: tuple[int, str]) -> None:
    _, output = smoke_output
    assert "destroyed" in output.rsplit("Clean up", 1)[-1]

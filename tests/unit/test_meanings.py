"""What failures mean is one data file: the Lambda's, and the scheduled task module's
byte-for-byte copy (the module stays self-contained; the two never drift apart)."""

from __future__ import annotations

import json
from pathlib import Path

from ecs_events.alerts.explain import explain_exit, explain_reason
from tools.package_lambda import package_files

ROOT = Path(__file__).resolve().parents[2]
LAMBDA_COPY = ROOT / "lambda_src/ecs_events/alerts/meanings.json"
MODULE_COPY = ROOT / "modules/scheduled_task/meanings.json"


def test_the_scheduled_task_module_carries_the_same_bytes() -> None:
    assert MODULE_COPY.read_bytes() == LAMBDA_COPY.read_bytes(), (
        f"copy {LAMBDA_COPY.relative_to(ROOT)} to {MODULE_COPY.relative_to(ROOT)}"
    )


def test_every_marker_can_be_a_step_functions_wildcard() -> None:
    """The module turns each marker into StringMatches "*marker*"; * and \\ would change it."""
    meanings = json.loads(LAMBDA_COPY.read_text())
    sections = [value for value in meanings.values() if isinstance(value, list)]
    markers = [marker for section in sections for marker, _ in section]
    assert markers and not [m for m in markers if "*" in m or "\\" in m]


def test_the_signal_meaning_has_one_place_for_the_signal() -> None:
    """States.Format and str.format both fill "{}"."""
    assert json.loads(LAMBDA_COPY.read_text())["exit_signal"].count("{}") == 1
    assert explain_exit(130) == "killed by signal 2 (the exit code minus 128)"


def test_the_lambda_reads_its_meanings_from_the_file_in_the_package() -> None:
    assert LAMBDA_COPY in package_files()
    meanings = json.loads(LAMBDA_COPY.read_text())
    assert explain_exit(1) == meanings["exit_codes"]["1"]
    assert explain_reason("CannotPullContainerError: x") == meanings["start_failures"][0][1]

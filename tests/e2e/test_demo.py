"""`make demo`'s path as a test: emulator, terraform apply, ECS events through EventBridge,
the real handler, the tables and alerts it leaves, terraform destroy.

The demo runs once per module, as a subprocess in a session of its own, bounded by
DEADLINE_SECONDS: past it the test sends SIGINT (a Ctrl-C) so the demo still destroys the
stack and stops its emulator, and fails. Deselect with `-m "not e2e"`.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import run_bounded

ROOT = Path(__file__).resolve().parents[2]
# About two minutes here; the rest is room for a slower CI machine.
DEADLINE_SECONDS = 360
# After the SIGINT: time for the demo's own cleanup (terraform destroy) before SIGKILL.
CLEANUP_SECONDS = 90

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo's summary (tools/demo.py --summary-json) after a run that succeeded."""
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    summary_path = tmp_path_factory.mktemp("e2e") / "summary.json"
    code, output = run_bounded(
        [sys.executable, "-m", "tools.demo", "--summary-json", str(summary_path)],
        ROOT,
        DEADLINE_SECONDS,
        CLEANUP_SECONDS,
    )
    assert code == 0, output
    summary: dict[str, Any] = json.loads(summary_path.read_text())
    summary["output"] = output
    return summary


def test_every_task_ends_at_its_highest_version(demo: dict[str, Any]) -> None:
    assert demo["tasks"] == demo["expected"]


def test_the_oom_killed_task_keeps_its_stop_code_and_exit_code(demo: dict[str, Any]) -> None:
    resizer = demo["tasks"]["0ddba11a7e5f4c2b8a9d0e1f2c3b4a59"]
    assert (resizer["lastStatus"], resizer["stopCode"], resizer["exitCodes"]) == (
        "STOPPED",
        "EssentialContainerExited",
        [137],
    )


def test_the_task_that_could_not_pull_its_image_failed_to_start(demo: dict[str, Any]) -> None:
    bad_web = demo["tasks"]["badc0de0c4d44e5f8a7b6c5d4e3f2a10"]
    assert (bad_web["lastStatus"], bad_web["stopCode"], bad_web["exitCodes"]) == (
        "STOPPED",
        "TaskFailedToStart",
        [],
    )


def test_the_container_instance_ends_draining_at_its_last_version(demo: dict[str, Any]) -> None:
    assert [(i["lastStatus"], i["version"]) for i in demo["container_instances"].values()] == [
        ("DRAINING", 4)
    ]


def test_each_failure_alerts_exactly_once(demo: dict[str, Any]) -> None:
    if demo["alerts"] is None:
        pytest.skip("this build of the module has no alert topic")
    kinds = sorted(alert["kind"] for alert in demo["alerts"])
    assert kinds == sorted(demo["expected_alert_kinds"])


def test_the_oom_alert_names_the_task_and_the_cause(demo: dict[str, Any]) -> None:
    if demo["alerts"] is None:
        pytest.skip("this build of the module has no alert topic")
    [alert] = [a for a in demo["alerts"] if a["kind"] == "task_exit"]
    assert alert["taskArn"].endswith("/0ddba11a7e5f4c2b8a9d0e1f2c3b4a59")
    assert "out of memory" in alert["subject"]
    assert alert["account"] == "123456789012"


def test_every_delivered_event_has_one_outcome(demo: dict[str, Any]) -> None:
    assert demo["handler_errors"] == 0
    assert sum(demo["outcomes"].values()) == demo["delivered"] > 0


def test_repeated_states_are_duplicates_or_stale_never_applied_twice(
    demo: dict[str, Any],
) -> None:
    outcomes = demo["outcomes"]
    assert outcomes.get("duplicate", 0) + outcomes.get("stale", 0) >= demo["repeated"] > 0


def test_only_the_broken_event_fails_and_stays_in_the_queue(demo: dict[str, Any]) -> None:
    assert (demo["outcomes"].get("failed", 0), demo["left_in_queue"]) == (1, 1)


def test_the_rule_filters_out_other_clusters(demo: dict[str, Any]) -> None:
    assert demo["delivered"] == demo["sent"] - demo["filtered_out"]


def test_the_event_log_receives_every_routed_event(demo: dict[str, Any]) -> None:
    if demo["event_log"] is None:
        pytest.skip("this build of the module has no event log")
    assert demo["event_log"] == demo["delivered"]


def test_destroy_leaves_nothing_in_the_emulator(demo: dict[str, Any]) -> None:
    assert demo["destroyed"] is True
    assert {kind: names for kind, names in demo["leftovers"].items() if names} == {}

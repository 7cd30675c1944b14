"""What ECS's stop codes, exit codes and reasons usually mean.

The words are data (meanings.json beside this file), so the scheduled task module reads
the same ones from its byte-for-byte copy; the rules of which stops are failures stay here.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

_MEANINGS: dict[str, Any] = json.loads(
    resources.files(__package__).joinpath("meanings.json").read_text(encoding="utf-8")
)

# Stops that are not failures: someone asked for them, or a deployment scaled in.
NOT_FAILURES = ("UserInitiated",)
SCALE_IN_PREFIX = "Scaling activity initiated by"

# Reasons that mean the task never got its containers running.
START_FAILURES: dict[str, str] = dict(_MEANINGS["start_failures"])
STOP_REASONS: dict[str, str] = dict(_MEANINGS["stop_reasons"])
PLACEMENT_REASONS: dict[str, str] = dict(_MEANINGS["placement_reasons"])
_EXIT_CODES: dict[int, str] = {int(code): text for code, text in _MEANINGS["exit_codes"].items()}
_OUT_OF_MEMORY: str = _MEANINGS["out_of_memory_marker"]
_EXIT_137_OUT_OF_MEMORY: str = _MEANINGS["exit_137_out_of_memory"]
_EXIT_SIGNAL: str = _MEANINGS["exit_signal"]
_EXIT_OTHER: str = _MEANINGS["exit_other"]


def explain_exit(code: int, reason: str = "") -> str:
    if code == 137 and _OUT_OF_MEMORY in reason:
        return _EXIT_137_OUT_OF_MEMORY
    if code in _EXIT_CODES:
        return _EXIT_CODES[code]
    if 128 < code < 160:
        return _EXIT_SIGNAL.format(code - 128)
    return _EXIT_OTHER


def explain_reason(text: str) -> str | None:
    for marker, meaning in {**START_FAILURES, **STOP_REASONS}.items():
        if marker in text:
            return meaning
    return None


def is_failing_exit(code: object, exit_codes: frozenset[int]) -> bool:
    if not isinstance(code, int) or code == 0:
        return False
    return not exit_codes or code in exit_codes


def container_meaning(container: dict[str, Any]) -> str | None:
    code = container.get("exitCode")
    reason = str(container.get("reason", ""))
    if isinstance(code, int):
        return explain_exit(code, reason)
    return explain_reason(reason)


# Stop codes, including ones ECS added after the first six; an unknown code is shown as
# it is, and EssentialContainerExited needs no words beyond its own reason.
STOP_CODES: dict[str, str] = dict(_MEANINGS["stop_codes"])
# Spot capacity taken back: expected, not an application failure.
SPOT_STOP_CODES = ("SpotInterruption", "TerminationNotice")
TASK_FAILED_TO_START = "Task failed to start"

# Container instance health checks.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_container_instance_health_events.html
HEALTH_CHECKS: dict[str, str] = dict(_MEANINGS["health_checks"])
# Daemon task start failures.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-daemons-events.html
DAEMON_FAILURES: dict[str, str] = dict(_MEANINGS["daemon_failures"])
# Deployment lifecycle hooks.
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHookDetail.html
HOOK_FAILURES: dict[str, str] = dict(_MEANINGS["hook_failures"])


def explain_stop_code(code: str) -> str | None:
    return STOP_CODES.get(code)

"""The real `ecs-events` command against the demo's stack: what step 6 shows, and the
commands the keep option hands over (the same list, so a run proves each of them works)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from . import events as demo_events

# What a user's shell needs to reach the emulator; the handler's own settings (table names,
# set in this process for the stand-in) are left out, so --name does the work.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local-emulator", "AWS_SECRET_ACCESS_KEY": "local-emulator"}


@dataclass(frozen=True)
class Connection:
    endpoint: str
    name: str  # the module's name input in examples/local

    def environment(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": demo_events.REGION,
            "ECS_EVENTS_NAME": self.name,
            **CREDENTIALS,
        }

    def exports(self) -> str:
        return "export " + " ".join(f"{k}={v}" for k, v in self.environment().items())


def command() -> str:
    """The ecs-events of this environment, as a path a user can paste from the checkout."""
    beside = Path(sys.executable).parent / "ecs-events"
    try:
        relative = os.path.relpath(beside)
    except ValueError:  # another drive
        return str(beside)
    return str(beside) if relative.startswith("..") else relative


def handover(oom_task_id: str) -> list[list[str]]:
    """Commands that show what the demo stored, each one a question a user would ask."""
    cluster = demo_events.CLUSTER
    return [
        ["tasks", "--cluster", cluster],
        ["tasks", "--cluster", cluster, "--status", "STOPPED"],
        ["task", oom_task_id, "--cluster", cluster],
        ["tasks", "--service", "image-resizer"],
        ["instances"],
        ["redrive", "--max", "1"],
    ]


def shown(argv: list[str]) -> str:
    return shlex.join([command(), *argv])


def run(connection: Connection, argv: list[str]) -> subprocess.CompletedProcess[str]:
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "ECS_EVENTS_"))
        and k not in ("TASK_TABLE_NAME", "CONTAINER_INSTANCE_TABLE_NAME", "RETENTION_DAYS")
    }
    return subprocess.run(
        [command(), *argv],
        env={**kept, **connection.environment()},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

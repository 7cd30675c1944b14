"""End-to-end runs on the local emulator, each a subprocess bounded in time."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest


def run_bounded(
    command: list[str],
    cwd: Path,
    deadline_seconds: float,
    cleanup_seconds: float,
    env: Mapping[str, str] | None = None,
) -> tuple[int, str]:
    """(exit status, output) of a command run in a session of its own. Past the deadline it
    gets a SIGINT (a Ctrl-C), so it still destroys what it applied and stops its emulator,
    then a SIGKILL after cleanup_seconds more; the test fails either way."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=None if env is None else dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=deadline_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=cleanup_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
        pytest.fail(f"{' '.join(command)} did not finish within {deadline_seconds} s:\n{output}")
    return process.returncode, output

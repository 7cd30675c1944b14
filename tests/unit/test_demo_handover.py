"""What `make demo KEEP=1` prints: the same commands step 6 runs (tests/e2e checks that each
exits 0 against the stack), with an environment that reaches the emulator."""

from __future__ import annotations

import shlex

import pytest

from tools.demo import cli
from tools.demo.report import OOM_TASK_ID, hand_over
from tools.demo.screen import Screen

CONNECTION = cli.Connection("http://127.0.0.1:45678", "ecs-events-local")


def test_hand_over_prints_the_exports_every_command_and_how_to_stop(capsys) -> None:
    hand_over(Screen(7), CONNECTION, 4242)
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert CONNECTION.exports() in lines
    for argv in cli.handover(OOM_TASK_ID):
        assert cli.shown(argv) in lines
    assert any(line.startswith("Stop it with: kill 4242") for line in lines)


def test_the_exports_name_the_endpoint_region_credentials_and_the_module_name() -> None:
    words = shlex.split(CONNECTION.exports())
    assert words[0] == "export"
    assert dict(word.split("=", 1) for word in words[1:]) == CONNECTION.environment()
    assert CONNECTION.environment()["ECS_EVENTS_NAME"] == "ecs-events-local"


def test_the_cli_runs_without_the_handler_settings_of_this_process(monkeypatch) -> None:
    monkeypatch.setenv("TASK_TABLE_NAME", "from-the-stand-in")
    monkeypatch.setattr(cli.subprocess, "run", lambda argv, env, **_: env)
    env = cli.run(CONNECTION, ["tasks"])
    assert "TASK_TABLE_NAME" not in env  # type: ignore[operator]
    assert env["ECS_EVENTS_NAME"] == "ecs-events-local"  # type: ignore[index]


@pytest.mark.parametrize("argv", cli.handover(OOM_TASK_ID))
def test_every_handed_over_command_parses(argv) -> None:
    from ecs_events_cli.main import build_parser

    assert build_parser().parse_args(argv).run is not None

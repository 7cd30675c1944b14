"""The CLI's pure parts: tables, times, the timeline, the progress bar, argument errors."""

from __future__ import annotations

import io
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecs_events_cli import cli, history

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_console_script_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"ecs-events": "ecs_events_cli.cli:main"}


def test_table_columns_are_aligned_and_lines_not_padded_at_the_end() -> None:
    table = cli.render_table(["A", "LONGER"], [["wide cell", "x"], ["b", ""]])
    assert table.splitlines() == ["A          LONGER", "wide cell  x", "b"]


@pytest.mark.parametrize(
    ("millis", "shown"),
    [
        (3977, "4.0s"),
        (45_000, "45s"),
        (245_000, "4m 05s"),
        (7_380_000, "2h 03m"),
        (3 * 86_400_000 + 4 * 3_600_000, "3d 04h"),
    ],
)
def test_durations_are_precise_when_short_and_readable_when_long(millis, shown) -> None:
    assert history.format_duration(millis) == shown


def test_times_are_shown_in_utc_to_the_millisecond() -> None:
    assert history.format_millis(1795144441123) == "2026-11-20 03:14:01.123Z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", datetime(2026, 11, 20, 11, 30, tzinfo=UTC)),
        ("24h", datetime(2026, 11, 19, 12, 0, tzinfo=UTC)),
        ("7d", datetime(2026, 11, 13, 12, 0, tzinfo=UTC)),
        ("2026-11-20T03:00:00Z", datetime(2026, 11, 20, 3, 0, tzinfo=UTC)),
        ("2026-11-20T03:00:00", datetime(2026, 11, 20, 3, 0, tzinfo=UTC)),  # naive = UTC
    ],
)
def test_since_reads_relative_and_iso_times(text, expected) -> None:
    assert history.parse_since(text, NOW) == int(expected.timestamp() * 1000)


def test_since_that_is_no_time_says_what_to_give() -> None:
    with pytest.raises(ValueError, match="give 30m, 24h, 7d or"):
        history.parse_since("yesterday", NOW)


def test_timeline_follows_the_lifecycle_and_skips_what_the_record_lacks() -> None:
    steps = history.timeline({"createdAt": 1000, "startedAt": 9000, "stoppedAt": 20000})
    assert [(s.status, s.at_millis) for s in steps] == [
        ("PROVISIONING", 1000),
        ("RUNNING", 9000),
        ("STOPPED", 20000),
    ]


def test_filter_keeps_only_items_matching_every_given_field() -> None:
    wanted = history.TaskFilter(cluster="prod", statuses=("STOPPED",), since_millis=500)
    assert wanted.matches({"cluster": "prod", "lastStatus": "STOPPED", "updatedAt": 600})
    assert not wanted.matches({"cluster": "prod", "lastStatus": "RUNNING", "updatedAt": 600})
    assert not wanted.matches({"cluster": "dev", "lastStatus": "STOPPED", "updatedAt": 600})
    assert not wanted.matches({"cluster": "prod", "lastStatus": "STOPPED", "updatedAt": 400})


def test_progress_bar_redraws_one_line_and_ends_it_once() -> None:
    stream = io.StringIO()
    bar = cli.ProgressBar(stream, "prod")
    bar.update(0, 4, "tasks")
    bar.update(2, 4, "tasks")
    bar.close()
    frames = stream.getvalue().split("\r")[1:]
    assert frames[1] == "prod [" + "#" * 15 + "." * 15 + "] 2/4 tasks\x1b[K\n"
    assert stream.getvalue().count("\n") == 1


def test_progress_bar_never_drawn_writes_nothing() -> None:
    stream = io.StringIO()
    cli.ProgressBar(stream, "prod").close()
    assert stream.getvalue() == ""


def test_progress_bar_of_nothing_to_do_is_full() -> None:
    stream = io.StringIO()
    cli.ProgressBar(stream, "empty").update(0, 0, "tasks")
    assert "[" + "#" * 30 + "] 0/0" in stream.getvalue()


ENV = {"TASK_TABLE_NAME": "t", "CONTAINER_INSTANCE_TABLE_NAME": "c"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tasks", "--limit", "0"], "--limit must be 1 or more"),
        (["tasks", "--since", "soon"], "cannot read 'soon' as a time"),
        (["backfill", "--cluster", "x", "--page-size", "101"], "--page-size must be between"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2_before_any_aws_call(capsys, argv, message) -> None:
    assert cli.main(argv, env=ENV) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_task_json_and_table_share_the_renderers_for_a_bare_record() -> None:
    shown = cli.render_task({"taskArn": "arn:aws:ecs:r:1:task/c/abc", "lastStatus": "PENDING"})
    assert shown.splitlines()[0] == "Task        abc"
    assert "version unknown" in shown  # a state from moto or an old backfill has none


def test_table_and_endpoint_options_work_before_or_after_the_command() -> None:
    parser = cli.build_parser({"TASK_TABLE_NAME": "from-env"})
    after = parser.parse_args(["tasks", "--task-table", "t2", "--endpoint-url", "http://x"])
    before = parser.parse_args(["--task-table", "t1", "tasks"])
    neither = parser.parse_args(["tasks"])
    assert (after.task_table, after.endpoint_url) == ("t2", "http://x")
    assert (before.task_table, neither.task_table) == ("t1", "from-env")

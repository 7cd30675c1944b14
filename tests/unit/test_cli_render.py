"""The CLI's pure parts: tables, times, the timeline, the progress bar, argument errors."""

from __future__ import annotations

import argparse
import io
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ecs_events_cli import aws, main, names, queries, render
from ecs_events_cli.commands import redrive

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_console_script_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"ecs-events": "ecs_events_cli.main:main"}


def test_table_columns_are_aligned_and_lines_not_padded_at_the_end() -> None:
    table = render.render_table(["A", "LONGER"], [["wide cell", "x"], ["b", ""]])
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
    assert queries.format_duration(millis) == shown


def test_times_are_shown_in_utc_to_the_millisecond() -> None:
    assert queries.format_millis(1795144441123) == "2026-11-20 03:14:01.123Z"


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
    assert queries.parse_since(text, NOW) == int(expected.timestamp() * 1000)


def test_since_that_is_no_time_says_what_to_give() -> None:
    with pytest.raises(ValueError, match="give 30m, 24h, 7d or"):
        queries.parse_since("yesterday", NOW)


def test_timeline_follows_the_lifecycle_and_skips_what_the_record_lacks() -> None:
    steps = queries.timeline({"createdAt": 1000, "startedAt": 9000, "stoppedAt": 20000})
    assert [(s.status, s.at_millis) for s in steps] == [
        ("PROVISIONING", 1000),
        ("RUNNING", 9000),
        ("STOPPED", 20000),
    ]


def test_filter_keeps_only_items_matching_every_given_field() -> None:
    wanted = queries.TaskFilter(cluster="prod", statuses=("STOPPED",), since_millis=500)
    assert wanted.matches({"cluster": "prod", "lastStatus": "STOPPED", "updatedAt": 600})
    assert not wanted.matches({"cluster": "prod", "lastStatus": "RUNNING", "updatedAt": 600})
    assert not wanted.matches({"cluster": "dev", "lastStatus": "STOPPED", "updatedAt": 600})
    assert not wanted.matches({"cluster": "prod", "lastStatus": "STOPPED", "updatedAt": 400})


def test_progress_bar_redraws_one_line_and_ends_it_once() -> None:
    stream = io.StringIO()
    bar = render.ProgressBar(stream, "prod")
    bar.update(0, 4, "tasks")
    bar.update(2, 4, "tasks")
    bar.close()
    frames = stream.getvalue().split("\r")[1:]
    assert frames[1] == "prod [" + "#" * 15 + "." * 15 + "] 2/4 tasks\x1b[K\n"
    assert stream.getvalue().count("\n") == 1


def test_progress_bar_never_drawn_writes_nothing() -> None:
    stream = io.StringIO()
    render.ProgressBar(stream, "prod").close()
    assert stream.getvalue() == ""


def test_progress_bar_of_nothing_to_do_is_full() -> None:
    stream = io.StringIO()
    render.ProgressBar(stream, "empty").update(0, 0, "tasks")
    assert "[" + "#" * 30 + "] 0/0" in stream.getvalue()


ENV = {"TASK_TABLE_NAME": "t", "CONTAINER_INSTANCE_TABLE_NAME": "c"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tasks", "--limit", "0"], "--limit must be 1 or more"),
        (["tasks", "--since", "soon"], "cannot read 'soon' as a time"),
        (["backfill", "--cluster", "x", "--page-size", "101"], "--page-size must be between"),
        (
            ["backfill", "--cluster", "x", "--role-name", "r", "--account", "12x"],
            "--account 12x is not an account ID: give its 12 digits",
        ),
        (
            ["backfill", "--cluster", "x", "--role-name", "r", "--account", "1111222233334"],
            "--account 1111222233334 is not an account ID",
        ),
        (
            ["backfill", "--cluster", "x", "--role-name", "read role", "--account", "1" * 12],
            "--role-name read role is not an IAM role name",
        ),
        (
            ["backfill", "--cluster", "x", "--role-name", "r" * 65, "--account", "1" * 12],
            "is not an IAM role name",
        ),
        (["backfill", "--cluster", "x", "--role-name", "r"], "give --account"),
        (
            ["backfill", "--cluster", "x", "--role-arn", "arn:aws:iam::12x:role/r"],
            "--role-arn arn:aws:iam::12x:role/r is not an IAM role ARN",
        ),
        (
            ["backfill", "--cluster", "x", "--role-arn", "arn:aws:iam::111122223333:user/r"],
            "is not an IAM role ARN",
        ),
        (["backfill", "--cluster", "prod cluster"], "--cluster prod cluster is not a cluster name"),
        (
            ["backfill", "--cluster", "arn:aws:ecs:eu-west-1:111122223333:cluster/a.b"],
            "is not a cluster name",
        ),
        (["backfill", "--cluster", "c" * 256], "is not a cluster name"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2_before_any_aws_call(capsys, argv, message) -> None:
    assert main.main(argv, env=ENV) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("check", "value", "kept"),
    [
        (names.account_id, "111122223333", "111122223333"),
        (names.role_name, "ecs-events-read", "ecs-events-read"),
        (names.role_name, "team/ops/Read+Role=1,a.b@c_d-e", "team/ops/Read+Role=1,a.b@c_d-e"),
        (names.role_name, "r" * 64, "r" * 64),
        (
            names.role_arn,
            "arn:aws:iam::111122223333:role/read",
            "arn:aws:iam::111122223333:role/read",
        ),
        (
            names.role_arn,
            "arn:aws-us-gov:iam::111122223333:role/a/b",
            "arn:aws-us-gov:iam::111122223333:role/a/b",
        ),
        (
            names.role_arn,
            "arn:aws-eusc:iam::111122223333:role/read",
            "arn:aws-eusc:iam::111122223333:role/read",
        ),
        (names.checked_cluster_name, "Prod_batch-2", "Prod_batch-2"),
        (names.checked_cluster_name, "c" * 255, "c" * 255),
        (names.checked_cluster_name, "arn:aws:ecs:eu-west-1:111122223333:cluster/prod", "prod"),
    ],
)
def test_backfill_arguments_of_every_documented_shape_are_accepted(check, value, kept) -> None:
    assert check(value) == kept


def test_task_json_and_table_share_the_renderers_for_a_bare_record() -> None:
    shown = render.render_task({"taskArn": "arn:aws:ecs:r:1:task/c/abc", "lastStatus": "PENDING"})
    assert shown.splitlines()[0] == "Task        abc"
    assert "version unknown" in shown  # a state from moto or an old backfill has none


def test_table_and_endpoint_options_work_before_or_after_the_command() -> None:
    parser = main.build_parser()
    after = parser.parse_args(["tasks", "--task-table", "t2", "--endpoint-url", "http://x"])
    before = parser.parse_args(["--task-table", "t1", "tasks"])
    neither = parser.parse_args(["tasks"])
    assert (after.task_table, after.endpoint_url) == ("t2", "http://x")
    assert (before.task_table, neither.task_table) == ("t1", None)


def tables(argv: list[str], env: dict[str, str]) -> tuple[str, str]:
    args = main.build_parser().parse_args([*argv, "tasks"])
    return aws.task_table(args, env), aws.container_instance_table(args, env)


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ([], {}, ("ecs-events-tasks", "ecs-events-container-instances")),
        ([], {"ECS_EVENTS_NAME": "prod"}, ("prod-tasks", "prod-container-instances")),
        (["--name", "qa"], {"ECS_EVENTS_NAME": "prod"}, ("qa-tasks", "qa-container-instances")),
        (
            [],
            {"TASK_TABLE_NAME": "t", "ECS_EVENTS_NAME": "prod"},
            ("t", "prod-container-instances"),
        ),
        (["--name", "qa"], {"TASK_TABLE_NAME": "t"}, ("qa-tasks", "qa-container-instances")),
        (["--name", "qa", "--task-table", "mine"], {}, ("mine", "qa-container-instances")),
    ],
)
def test_table_names_come_from_flags_then_environment_then_the_module_name(
    argv, env, expected
) -> None:
    assert tables(argv, env) == expected


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ([], {"AWS_DEFAULT_REGION": "eu-west-1"}, "eu-west-1"),
        ([], {"AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "eu-west-1"}, "eu-central-1"),
        (["--region", "us-east-2"], {"AWS_REGION": "eu-central-1"}, "us-east-2"),
        ([], {}, None),
    ],
)
def test_region_is_the_flag_then_aws_region_then_aws_default_region(argv, env, expected) -> None:
    args = main.build_parser().parse_args([*argv, "tasks"])
    assert aws.region(args, env) == expected


def test_every_option_of_every_command_has_help() -> None:
    parser = main.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert set(commands) == {
        "tasks",
        "task",
        "instances",
        "service",
        "incidents",
        "backfill",
        "redrive",
    }
    for command in [parser, *commands.values()]:
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and action.help != argparse.SUPPRESS, (command.prog, action.dest)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("exited\x1b[31m red", "exited\\x1b[31m red"),
        ("two\nlines\r", "two\\nlines\\r"),
        ("csi \x9b2J and del \x7f", "csi \\x9b2J and del \\x7f"),
        ("plain text, ünïcode", "plain text, ünïcode"),
    ],
)
def test_control_characters_are_escaped_and_other_text_is_kept(text, shown) -> None:
    assert render.clean(text) == shown


class ClosedPipe(io.StringIO):
    """stdout whose reader has gone (`ecs-events tasks | head -1`)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_reader_that_leaves_early_ends_the_command_quietly(monkeypatch, capsys) -> None:
    monkeypatch.setattr(aws, "client", lambda args, service: None)
    monkeypatch.setattr(queries, "find_tasks", lambda *args: [])
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main.main(["tasks", "--cluster", "c"], env={}) == 0
    assert capsys.readouterr().err == ""


FAILED_TASK = {
    "taskArn": "arn:aws:ecs:r:1:task/c/oom",
    "lastStatus": "STOPPED",
    "containers": [{"name": "app", "exitCode": 137}],
}
FINE_TASK = {
    "taskArn": "arn:aws:ecs:r:1:task/c/ok",
    "lastStatus": "STOPPED",
    "containers": [{"name": "app", "exitCode": 0}],
}


def test_failed_tasks_are_red_and_the_columns_stay_aligned() -> None:
    plain = render.render_tasks([FAILED_TASK, FINE_TASK]).splitlines()
    coloured = render.render_tasks([FAILED_TASK, FINE_TASK], colour=True).splitlines()
    assert coloured[1] == render.RED + plain[1] + render.RESET
    assert coloured[0] == plain[0] and coloured[2] == plain[2]


def test_a_task_that_never_started_counts_as_failed() -> None:
    assert render.failed({"stopCode": "TaskFailedToStart", "containers": []})
    assert not render.failed({"stopCode": "UserInitiated", "containers": [{"exitCode": 0}]})


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "env", "expected"),
    [
        (Terminal(), {}, True),
        (Terminal(), {"NO_COLOR": "1"}, False),
        (Terminal(), {"TERM": "dumb"}, False),
        (io.StringIO(), {}, False),
    ],
)
def test_colour_only_for_a_terminal_that_wants_it(stream, env, expected) -> None:
    assert render.use_colour(stream, env) is expected


def _task(account: str, region: str, task_id: str) -> dict[str, object]:
    return {
        "taskArn": f"arn:aws:ecs:{region}:{account}:task/default/{task_id}",
        "cluster": "default",
        "lastStatus": "RUNNING",
    }


def test_a_listing_across_accounts_and_regions_names_both() -> None:
    text = render.render_tasks(
        [_task("111122223333", "eu-west-1", "a1"), _task("444455556666", "us-east-1", "b2")]
    )
    header, first, second = text.splitlines()[:3]
    assert header.split()[:4] == ["TASK", "CLUSTER", "ACCOUNT", "REGION"]
    assert first.split()[:4] == ["a1", "default", "111122223333", "eu-west-1"]
    assert second.split()[:4] == ["b2", "default", "444455556666", "us-east-1"]


def test_a_listing_of_one_account_and_region_keeps_its_columns() -> None:
    text = render.render_tasks([_task("111122223333", "eu-west-1", n) for n in ("a1", "a2")])
    assert "ACCOUNT" not in text.splitlines()[0]


def redrive_entry(number: int, body_bytes: int, attribute: str = "") -> dict[str, Any]:
    entry: dict[str, Any] = {"Id": str(number), "MessageBody": "x" * body_bytes}
    if attribute:
        entry["MessageAttributes"] = {"trace": {"DataType": "String", "StringValue": attribute}}
    return entry


def test_redrive_batches_fill_up_to_sqs_batch_limit_exactly() -> None:
    # Two bodies of half the limit each: one batch of exactly 1,048,576 bytes.
    entries = [redrive_entry(0, 524_288), redrive_entry(1, 524_288)]
    assert [len(chunk) for chunk in redrive.chunks(entries)] == [2]


def test_redrive_batches_count_attribute_names_types_and_values() -> None:
    # "trace" + "String" + "ab" is 13 bytes: with them the two no longer fit one batch.
    entries = [redrive_entry(0, 524_288), redrive_entry(1, 524_288 - 12, attribute="ab")]
    assert redrive.size(entries[1]) == 524_289
    assert [[e["Id"] for e in chunk] for chunk in redrive.chunks(entries)] == [["0"], ["1"]]


def test_redrive_batches_count_bytes_not_characters() -> None:
    entries = [redrive_entry(0, 524_288), {"Id": "1", "MessageBody": "é" * 262_145}]
    assert [len(chunk) for chunk in redrive.chunks(entries)] == [1, 1]


def test_redrive_batches_hold_at_most_ten_entries_in_order() -> None:
    entries = [redrive_entry(n, 10) for n in range(12)]
    chunks = [[e["Id"] for e in chunk] for chunk in redrive.chunks(entries)]
    assert chunks == [[str(n) for n in range(10)], ["10", "11"]]


def test_an_incident_page_escapes_what_the_stream_put_in_its_reasons() -> None:
    item = {
        "incidentId": "abc-1",
        "status": "open",
        "subjectKind": "family",
        "subjectName": "billing",
        "cluster": "default",
        "count": 1,
        "firstAt": 1_795_145_400,
        "lastAt": 1_795_145_400,
        "reasons": {"exit 1\x1b[2J": 1},
    }
    page = render.render_incident(item)
    assert "\x1b" not in page
    assert "      1  exit 1\\x1b[2J" in page.splitlines()

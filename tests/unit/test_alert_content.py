"""What an alert may carry: within SNS's size, no secrets, no live mentions, no raw controls."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from ecs_events.alerts.chat import chat_message
from ecs_events.alerts.last_words import LogReader, replace_invalid_utf8
from ecs_events.alerts.redact import REDACTED, override_values, redact, redact_lines
from ecs_events.alerts.render import Alert, sns_message
from ecs_events.alerts.sanitize import chat_text, fenced, visible
from ecs_events.alerts.size import SNS_MESSAGE_LIMIT_BYTES, publish_bytes
from ecs_events.config import TASK_EXIT, AlertSettings, ConfigurationError, Settings
from ecs_events.retry import RetryPolicy

OWN = "111122223333"
TOPIC = f"arn:aws:sns:us-west-2:{OWN}:alerts"


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("key AKIAIOSFODNN7EXAMPLE used", "key [REDACTED] used"),
        (
            "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key=[REDACTED]",
        ),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", "Authorization: Bearer [REDACTED]"),
        ("Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic [REDACTED]"),
        ("db postgres://app:s3cr3t@db:5432/x", "db postgres://app:[REDACTED]@db:5432/x"),
        ("DB_PASSWORD=hunter2 ok", "DB_PASSWORD=[REDACTED] ok"),
        ("secret: swordfish", "secret: [REDACTED]"),
        ("token=abc123", "token=[REDACTED]"),
    ],
)
def test_common_secret_shapes_are_redacted(line: str, kept: str) -> None:
    assert redact(line) == kept


def test_a_private_key_block_is_redacted_line_by_line_to_its_end() -> None:
    lines = [
        "before",
        "-----BEGIN RSA PRIVATE KEY-----",
        "MIIEpAIB",
        "-----END RSA PRIVATE KEY-----",
        "after",
    ]
    assert redact_lines(lines) == ["before", REDACTED, REDACTED, REDACTED, "after"]


def test_the_tasks_own_override_values_are_redacted_wherever_they_appear() -> None:
    detail = {
        "overrides": {
            "containerOverrides": [
                {"environment": [{"name": "X", "value": "hunter2-do-not-store"}]}
            ]
        }
    }
    secrets = override_values(detail)
    assert (
        redact("connecting with hunter2-do-not-store now", secrets)
        == f"connecting with {REDACTED} now"
    )


def test_an_extra_pattern_is_redacted_and_a_bad_one_refused_at_cold_start() -> None:
    settings = Settings.from_env({"ALERT_REDACT_PATTERNS": json.dumps(["cust-[0-9]+"])})
    assert redact("order cust-42", extra=settings.alerts.redact_patterns) == f"order {REDACTED}"
    with pytest.raises(ConfigurationError, match="ALERT_REDACT_PATTERNS '\\(' is not a regular"):
        Settings.from_env({"ALERT_REDACT_PATTERNS": json.dumps(["("])})


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31m", "\\x1b[31m"),
        ("a\rb", "a\\rb"),
        ("\x00\x07", "\\x00\\x07"),
        ("\x9b2J", "\\x9b2J"),
        ("\u202eabc", "\\u202eabc"),
    ],
)
def test_control_characters_are_written_as_escapes(raw: str, shown: str) -> None:
    assert visible(raw) == shown


@pytest.mark.parametrize(
    "mention",
    [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<@U024BE7LH>",
        "<#C024BE7LR>",
        "<https://evil.example|click>",
    ],
)
def test_chat_mention_and_link_syntax_is_inert(mention: str) -> None:
    assert "<" not in chat_text(mention) and ">" not in chat_text(mention)


@pytest.mark.parametrize("word", ["@here", "@channel", "@everyone", "@HERE"])
def test_broadcast_words_cannot_ping(word: str) -> None:
    assert "@" not in chat_text(f"hi {word} now")


def test_a_line_of_backticks_cannot_close_the_log_fence() -> None:
    block = fenced("ok\n```\n<!channel>")
    assert block.count("```") == 2 and block.startswith("```\n") and block.endswith("\n```")


def worst_alert(log_lines: int = 10) -> Alert:
    """ECS's maximal content: 10 containers whose 255-character reasons are 4-byte emoji."""
    reason = "\U0001f4a5" * 255
    name = "c" * 255
    containers = [
        {"name": f"{name[:-1]}{i}", "exitCode": 137, "reason": reason, "meaning": reason}
        for i in range(10)
    ]
    task_arn = f"arn:aws:ecs:us-west-2:{OWN}:task/{'k' * 255}/{'f' * 32}"
    text = "\n".join(f"  {c['name']}: exit 137\n    reason:  {reason}" for c in containers)
    lines = ["\U0001f4a5" * 75 for _ in range(log_lines)]
    note = (
        "Last log lines of x (10 of 10, newest last):\n"
        + "".join(f"  {line}\n" for line in lines)
        + "Log stream: https://x\n"
    )
    return Alert(
        key=task_arn,
        kind=TASK_EXIT,
        severity="ERROR",
        subject="ECS task failed",
        text=f"Task failed.\n\nContainers:\n{text}\n\n{note}",
        document={
            "taskArn": task_arn,
            "stoppedReason": reason,
            "containers": containers,
            "lastLogLines": lines,
        },
        cluster="k" * 255,
        family="f" * 255,
        attributes={"cluster": "k" * 255, "family": "f" * 255},
        headline=f"Task {reason}",
        facts=tuple((c["name"], f"exit 137 ({reason})") for c in containers),
        advice=reason,
        notes=(note,),
    )


def test_the_worst_ecs_content_fits_snss_limit_by_its_byte_count() -> None:
    assert publish_bytes(sns_message(worst_alert(), chat=True)) <= SNS_MESSAGE_LIMIT_BYTES


def test_the_oldest_log_lines_are_cut_first_and_the_message_says_so() -> None:
    full = sns_message(worst_alert(), chat=True)
    request = sns_message(worst_alert(), chat=True, limit=publish_bytes(full) + 1024 - 2000)
    text = json.loads(request["Message"])["email"]
    assert "log lines omitted to fit" in text and "long reasons cut" not in text


def test_a_message_cut_to_a_tiny_limit_still_fits_and_names_the_task() -> None:
    request = sns_message(worst_alert(), chat=True, limit=60_000)
    assert publish_bytes(request) <= 60_000
    assert json.loads(json.loads(request["Message"])["sqs"])["taskArn"].startswith("arn:aws:ecs:")


def test_chat_form_of_hostile_text_has_no_live_mention_nor_raw_control() -> None:
    alert = worst_alert()
    alert = Alert(
        **{
            **alert.__dict__,
            "headline": "<!channel> \x1b[2J @here",
            "notes": ("Last log lines of x:\n```\n<@U1>",),
        }
    )
    description = chat_message(alert)["content"]["description"]
    assert (
        "<!channel>" not in description and "@here" not in description and "\x1b" not in description
    )
    assert description.count("```") % 2 == 0


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class HangingLogs:
    """A Logs endpoint that never finishes answering (a one-byte-a-second trickle)."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def get_log_events(self, **_: Any) -> dict[str, Any]:
        self.release.wait(30)
        return {"events": []}


class TaskDefinitions:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def describe_task_definition(self, taskDefinition: str) -> dict[str, Any]:
        self.asked.append(taskDefinition)
        options = {
            "awslogs-group": "/g",
            "awslogs-stream-prefix": "ecs",
            "awslogs-region": "us-west-2",
        }
        return {
            "taskDefinition": {
                "containerDefinitions": [
                    {
                        "name": "app",
                        "logConfiguration": {"logDriver": "awslogs", "options": options},
                    }
                ]
            }
        }


def task_alert(account: str = OWN) -> Alert:
    arn = f"arn:aws:ecs:us-west-2:{account}:task/default/{'a' * 32}"
    document = {
        "taskArn": arn,
        "taskDefinition": "app:3",
        "containers": [{"name": "app", "exitCode": 1}],
    }
    return Alert(
        key=arn,
        kind=TASK_EXIT,
        severity="ERROR",
        subject="s",
        text="t\n",
        document=document,
        cluster="c",
        family="app",
    )


def test_ten_slow_log_reads_stay_inside_the_invocations_time() -> None:
    clock = FakeClock()
    logs = HangingLogs()

    def wait(event: threading.Event, seconds: float) -> bool:
        clock.now += seconds  # the whole wait passes: the endpoint never answers
        return event.is_set()

    function_ends = 15.0  # seconds left in the invocation at the start
    retry = RetryPolicy(remaining=lambda: function_ends - clock.now, reserve_seconds=5.0)
    reader = LogReader(
        AlertSettings(topic_arn=TOPIC, log_timeout_seconds=2.0),
        ecs=TaskDefinitions(),
        logs=lambda region: logs,
        clock=clock,
        retry=retry,
        wait=wait,
    )
    try:
        notes = [reader.add_to(task_alert()).document["lastLogLinesMissing"] for _ in range(10)]
    finally:
        logs.release.set()
    assert clock.now <= function_ends - retry.reserve_seconds
    assert notes.count("out of time (2 s)") == 5
    assert notes[-1] == "not read, the invocation has no time left"


def test_a_member_accounts_task_is_not_looked_up_in_the_functions_own_account() -> None:
    ecs = TaskDefinitions()
    reader = LogReader(AlertSettings(topic_arn=TOPIC), ecs=ecs, logs=lambda region: HangingLogs())
    document = reader.add_to(task_alert("444455556666")).document
    assert ecs.asked == []
    assert document["lastLogLinesMissing"] == (
        "not read, the task is in account 444455556666, and this function has no role "
        "to read it there"
    )


def test_the_task_definition_is_described_by_its_full_arn() -> None:
    ecs = TaskDefinitions()
    logs = HangingLogs()
    logs.release.set()
    LogReader(AlertSettings(topic_arn=TOPIC), ecs=ecs, logs=lambda region: logs).add_to(
        task_alert()
    )
    assert ecs.asked == [f"arn:aws:ecs:us-west-2:{OWN}:task-definition/app:3"]


def test_an_invalid_utf8_byte_costs_one_character_not_every_line() -> None:
    response = {"body": b'{"events": [{"message": "ok"}, {"message": "bad \xff byte"}]}'}
    replace_invalid_utf8(response_dict=response)
    assert [e["message"] for e in json.loads(response["body"])["events"]] == [
        "ok",
        "bad \ufffd byte",
    ]

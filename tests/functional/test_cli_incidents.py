"""`ecs-events incidents` against the alerts table an incident lifecycle left under moto."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devkit.events import instance_health_event, sqs_batch
from ecs_events_cli import aws as cli_aws
from ecs_events_cli.main import main

from .test_alerts import ALERT_TABLE, Clock
from .test_alerts import topic as topic  # the alerts table, the topic and its inbox
from .test_incidents import START, crash, incident_processor, settle
from .test_incidents import scheduler as scheduler  # the wake-ups' schedule group

ENV = {"ECS_EVENTS_NAME": "ecs-events", "AWS_REGION": "us-west-2"}


@pytest.fixture
def incidents(
    dynamodb: Any, topic: tuple[str, str], scheduler: Any, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """One resolved incident (a family that crashed twice) and one open (an impaired
    instance); their ids by state."""
    clock = Clock(START)
    processor = incident_processor(dynamodb, topic[0], scheduler, clock)
    processor.process_batch(sqs_batch([crash(1), crash(2)])["Records"])
    settle(scheduler, processor, clock, clock.now + 2 * 900)
    processor.process_batch(sqs_batch([instance_health_event()])["Records"])
    monkeypatch.setattr(cli_aws, "client", lambda args, service: dynamodb)
    ids: dict[str, str] = {}
    for item in dynamodb.scan(TableName=ALERT_TABLE)["Items"]:
        if item.get("kind", {}).get("S") == "incident":
            ids[item["status"]["S"]] = item["incidentId"]["S"]
    return ids


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), env=dict(ENV))
    out, err = capsys.readouterr()
    return code, out, err


def test_incidents_lists_open_ones_first_with_what_since_count_and_state(
    incidents: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "incidents", "--alert-table", ALERT_TABLE)
    header, opened, resolved = out.splitlines()
    assert code == 0
    assert header.split() == ["INCIDENT", "STATE", "WHAT", "SINCE", "FAILURES", "LAST", "RESOLVED"]
    assert opened.startswith(incidents["open"]) and " open " in opened
    assert "instance 9a2f1c7e5b6d4e3f8a0b1c2d3e4f5a6b in default" in opened
    assert resolved.startswith(incidents["resolved"])
    assert "family billing-report in default" in resolved
    assert resolved.split()[resolved.split().index("UTC") + 1] == "2"  # two failures


def test_incidents_open_leaves_out_the_resolved(
    incidents: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "incidents", "--open", "--alert-table", ALERT_TABLE)
    assert [line.split()[0] for line in out.splitlines()[1:]] == [incidents["open"]]


def test_incidents_finds_the_alerts_table_by_the_modules_name(
    incidents: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "incidents", "--name", "ecs-events")  # ecs-events-alerts
    assert code == 0
    assert incidents["open"] in out


def test_one_incident_shows_its_failures_reasons_and_how_it_ended(
    incidents: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "incidents", incidents["resolved"], "--alert-table", ALERT_TABLE)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Incident:  {incidents['resolved']} (resolved)"
    assert "Failures:  2, 2026-11-20 03:30:40 UTC to 2026-11-20 03:30:50 UTC" in lines
    assert "      2  EssentialContainerExited: exit 1" in lines
    assert any(
        line.startswith("Resolved:") and "no new failure for 15m 00s" in line for line in lines
    )


def test_one_incident_as_json_is_its_item(
    incidents: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "incidents", incidents["open"], "--json", "--alert-table", ALERT_TABLE)
    item = json.loads(out)
    assert (item["incidentId"], item["status"], item["count"]) == (incidents["open"], "open", 1)


def test_an_unknown_incident_exits_1_and_says_so(
    incidents: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "incidents", "nope-1", "--alert-table", ALERT_TABLE)
    assert (code, out) == (1, "")
    assert err == f"ecs-events: incident nope-1 is not in {ALERT_TABLE}\n"


def test_a_missing_alerts_table_is_an_aws_error_naming_it(
    dynamodb: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_aws, "client", lambda args, service: dynamodb)
    code, _, err = run(capsys, "incidents", "--alert-table", "no-such-table")
    assert code == 3
    assert "no-such-table" in err

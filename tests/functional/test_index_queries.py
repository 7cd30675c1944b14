"""Each question of `ecs-events tasks` is one Query of the cluster index, never a Scan, and
stays exact when clusters of the same name live in other accounts and regions.

Tasks of two accounts and two regions, all in clusters named "default", stored by the
handler from documented-shape events under moto.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from devkit.events import task_event
from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE
from ecs_events.config import Settings
from ecs_events.handler import Processor
from ecs_events_cli import aws as cli_aws
from ecs_events_cli import main as cli
from ecs_events_cli import queries
from tests.functional.conftest import RequestCounter

A, B = "111122223333", "444455556666"
WEST, EU = "us-west-2", "eu-west-1"
STOPPED_AT = 1_795_145_431_750  # 2026-11-20T03:30:31.75Z, when task_event's tasks stop


def arn(kind: str, account: str, region: str, name: str, cluster: str = "default") -> str:
    return f"arn:aws:ecs:{region}:{account}:{kind}/{cluster}/{name}"


def event(
    task_id: str,
    status: str,
    account: str = A,
    region: str = WEST,
    group: str = "family:billing-report",
    instance: str | None = None,
) -> dict[str, Any]:
    version = {"RUNNING": 4, "STOPPED": 6}[status]
    made = task_event(version, status, arn("task", account, region, task_id), group=group)
    made["account"], made["region"] = account, region
    made["detail"]["clusterArn"] = f"arn:aws:ecs:{region}:{account}:cluster/default"
    if instance:
        made["detail"]["containerInstanceArn"] = instance
    return made


INSTANCE = arn("container-instance", A, WEST, "0c1d2e3f")
EVENTS = {
    "a-west-running": event("a1", "RUNNING", instance=INSTANCE),
    "a-west-stopped": event("a2", "STOPPED"),
    "a-west-web": event("a3", "RUNNING", group="service:web"),
    "a-eu-running": event("a4", "RUNNING", region=EU),
    "b-west-running": event("b1", "RUNNING", account=B),
    "b-west-stopped": event("b2", "STOPPED", account=B),
}


@pytest.fixture
def fleet(dynamodb: Any) -> Any:
    processor = Processor(Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE, 30), dynamodb)
    for made in EVENTS.values():
        assert processor.process_event(made).name == "applied"
    return dynamodb


def ask(dynamodb: Any, **wanted: Any) -> list[str]:
    items = queries.find_tasks(dynamodb, TASK_TABLE, queries.TaskFilter(**wanted))
    return sorted(item["taskArn"].rsplit("/", 1)[1] for item in items)


def test_running_tasks_of_a_cluster_in_every_account_and_region(
    fleet: Any, dynamodb_requests: RequestCounter
) -> None:
    assert ask(fleet, cluster="default", statuses=("RUNNING",)) == ["a1", "a3", "a4", "b1"]
    assert dynamodb_requests["Query"] == 1 and dynamodb_requests["Scan"] == 0


def test_running_tasks_of_one_account(fleet: Any, dynamodb_requests: RequestCounter) -> None:
    assert ask(fleet, cluster="default", statuses=("RUNNING",), account=B) == ["b1"]
    assert dynamodb_requests["Query"] == 1 and dynamodb_requests["Scan"] == 0


def test_running_tasks_of_one_region(fleet: Any, dynamodb_requests: RequestCounter) -> None:
    assert ask(fleet, cluster="default", statuses=("RUNNING",), region=EU) == ["a4"]
    assert dynamodb_requests["Query"] == 1 and dynamodb_requests["Scan"] == 0


def test_a_cluster_arn_names_account_and_region(
    fleet: Any, dynamodb_requests: RequestCounter
) -> None:
    cluster = f"arn:aws:ecs:{WEST}:{A}:cluster/default"
    assert ask(fleet, cluster=cluster) == ["a1", "a2", "a3"]
    assert dynamodb_requests["Query"] == 1 and dynamodb_requests["Scan"] == 0


def test_tasks_that_stopped_in_a_time_range(fleet: Any, dynamodb_requests: RequestCounter) -> None:
    found = ask(fleet, cluster="default", stopped_from=STOPPED_AT - 1, stopped_to=STOPPED_AT + 1)
    assert found == ["a2", "b2"]
    assert dynamodb_requests["Query"] == 1 and dynamodb_requests["Scan"] == 0


def test_a_time_range_before_the_stops_finds_none(fleet: Any) -> None:
    assert ask(fleet, cluster="default", stopped_from=0, stopped_to=STOPPED_AT - 1) == []


def test_stopped_tasks_of_one_account(fleet: Any, dynamodb_requests: RequestCounter) -> None:
    assert ask(fleet, cluster="default", statuses=("STOPPED",), account=A, region=WEST) == ["a2"]
    assert dynamodb_requests["Query"] == 1 and dynamodb_requests["Scan"] == 0


def test_tasks_of_a_service(fleet: Any, dynamodb_requests: RequestCounter) -> None:
    assert ask(fleet, cluster="default", group="service:web") == ["a3"]
    assert dynamodb_requests["Query"] == 1 and dynamodb_requests["Scan"] == 0


def test_tasks_of_a_family_in_a_cluster(fleet: Any, dynamodb_requests: RequestCounter) -> None:
    found = ask(fleet, cluster="default", group="family:billing-report", account=A)
    assert found == ["a1", "a2", "a4"]
    assert dynamodb_requests["Query"] == 1 and dynamodb_requests["Scan"] == 0


def test_tasks_on_a_container_instance(fleet: Any, dynamodb_requests: RequestCounter) -> None:
    assert ask(fleet, container_instance=INSTANCE) == ["a1"]
    assert dynamodb_requests["Query"] == 1 and dynamodb_requests["Scan"] == 0


def test_a_family_without_a_cluster_is_a_scan(
    fleet: Any, dynamodb_requests: RequestCounter
) -> None:
    # The one question the index cannot serve: a family runs in any cluster.
    assert ask(fleet, group="family:billing-report") == ["a1", "a2", "a4", "b1", "b2"]
    assert dynamodb_requests["Scan"] >= 1 and dynamodb_requests["Query"] == 0


def test_cluster_query_filters_on_the_index_not_after_reading(fleet: Any) -> None:
    # Only the matching entries come back from the index: one BatchGetItem key each.
    request = queries.cluster_query(
        TASK_TABLE, queries.TaskFilter(cluster="default", statuses=("RUNNING",), account=B), 25
    )
    assert request is not None
    keys = [raw["taskArn"]["S"] for raw in fleet.query(**request)["Items"]]
    assert keys == [arn("task", B, WEST, "b1")]


def test_the_cli_asks_the_same_questions_with_one_query(
    fleet: Any,
    dynamodb_requests: RequestCounter,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cli_aws, "client", lambda args, service: fleet)
    argv = ["tasks", "--cluster", "default", "--account", B, "--task-region", WEST]
    argv += ["--stopped-since", "2026-11-20T03:30:00Z", "--stopped-until", "2026-11-20T03:31Z"]
    code = cli.main([*argv, "--json"], env={"TASK_TABLE_NAME": TASK_TABLE})
    found = [item["taskArn"] for item in json.loads(capsys.readouterr().out)]
    assert code == 0 and found == [arn("task", B, WEST, "b2")]
    assert dynamodb_requests["Query"] == 1 and dynamodb_requests["Scan"] == 0


def test_the_cli_says_when_a_family_without_a_cluster_scans(
    fleet: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_aws, "client", lambda args, service: fleet)
    code = cli.main(["tasks", "--family", "billing-report"], env={"TASK_TABLE_NAME": TASK_TABLE})
    assert code == 0 and "the index is per cluster" in capsys.readouterr().err

"""`ecs-events` against moto tables filled by the handler from documented-shape events."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from ecs_events.config import Settings
from ecs_events.handler import Processor
from ecs_events_cli import cli
from tests.events import ACCOUNT, REGION, container_instance_event, task_event
from tests.functional.conftest import RequestCounter
from tests.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE, create_state_tables

ENV = {"TASK_TABLE_NAME": TASK_TABLE, "CONTAINER_INSTANCE_TABLE_NAME": CONTAINER_INSTANCE_TABLE}
INSTANCE_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:container-instance/default/0c1d2e3f4a5b6c7d8e9f"


def task_arn(cluster: str, task_id: str) -> str:
    return f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/{cluster}/{task_id}"


def ecs_task(
    task_id: str,
    status: str,
    cluster: str = "default",
    family: str = "billing-report",
    group: str | None = None,
    updated: str = "2026-11-20T03:20:00Z",
    exit_code: int | None = None,
    reason: str | None = None,
    instance: str | None = None,
) -> dict[str, Any]:
    version = {"PENDING": 2, "RUNNING": 4, "STOPPED": 6}[status]
    event = task_event(
        version=version,
        last_status=status,
        task_arn=task_arn(cluster, task_id),
        exit_code=exit_code,
        container_reason=reason,
        group=group or f"family:{family}",
    )
    detail = event["detail"]
    detail["clusterArn"] = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{cluster}"
    detail["taskDefinitionArn"] = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{family}:3"
    if status != "STOPPED":
        detail["updatedAt"] = updated
    if instance:
        detail["containerInstanceArn"] = instance
        detail["launchType"] = "EC2"
    return event


# Four tasks in two clusters, as a night of batch jobs and a service leave them.
TASKS = {
    "oom": ecs_task(
        "0a7f3c", "STOPPED", exit_code=137, reason="OutOfMemoryError: Container killed"
    ),
    "report": ecs_task("1b2c3d", "RUNNING", updated="2026-11-20T03:18:00Z"),
    "web": ecs_task(
        "9e8d7c",
        "RUNNING",
        family="web",
        group="service:web",
        updated="2026-11-20T03:25:00Z",
        instance=INSTANCE_ARN,
    ),
    "other-cluster": ecs_task("5f6e7d", "STOPPED", cluster="batch", exit_code=0),
}


@pytest.fixture(autouse=True)
def same_account_as_the_events(monkeypatch: pytest.MonkeyPatch) -> None:
    """A task ID becomes an ARN with the table's account, as in a real deployment."""
    monkeypatch.setenv("MOTO_ACCOUNT_ID", ACCOUNT)


def fill(dynamodb: Any) -> None:
    settings = Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE, retention_days=30)
    processor = Processor(settings, dynamodb)
    for event in [*TASKS.values(), container_instance_event()]:
        assert processor.process_event(event).name == "applied"


@pytest.fixture
def filled(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    fill(dynamodb)
    # The CLI's own client would reach moto too; using the fixture's lets tests count calls.
    monkeypatch.setattr(cli, "client", lambda args, service: dynamodb)
    return dynamodb


def run(capsys: pytest.CaptureFixture[str], *argv: str, env: dict[str, str] = ENV) -> Any:
    code = cli.main(list(argv), env=dict(env))
    out, err = capsys.readouterr()
    return code, out, err


def ids(output: str) -> list[str]:
    return [line.split()[0] for line in output.splitlines()[1:] if line and line[0] != " "][:-1]


# --- tasks -------------------------------------------------------------------------------


def test_tasks_of_a_cluster_are_a_table_newest_update_first(filled, capsys) -> None:
    code, out, _ = run(capsys, "tasks", "--cluster", "default")
    assert code == 0
    assert out.splitlines()[0].split() == [
        "TASK",
        "CLUSTER",
        "DEFINITION",
        "GROUP",
        "STATUS",
        "STOP",
        "CODE",
        "EXIT",
        "UPDATED",
    ]
    assert ids(out) == ["9e8d7c", "0a7f3c", "1b2c3d"]  # updated 03:25, 03:20:09, 03:18
    assert out.rstrip().endswith("3 tasks")


def test_tasks_by_status_are_one_query_of_the_cluster_index_not_a_scan(
    filled, capsys, dynamodb_requests: RequestCounter
) -> None:
    code, out, _ = run(capsys, "tasks", "--cluster", "default", "--status", "stopped")
    assert code == 0
    assert ids(out) == ["0a7f3c"]
    assert "EssentialContainerExited" in out and "137" in out
    assert dynamodb_requests["Query"] == 1 and dynamodb_requests["Scan"] == 0


def test_tasks_of_a_family_include_only_that_family(filled, capsys) -> None:
    _, out, _ = run(capsys, "tasks", "--family", "billing-report")
    assert sorted(ids(out)) == ["0a7f3c", "1b2c3d", "5f6e7d"]


def test_tasks_of_a_service(filled, capsys) -> None:
    _, out, _ = run(capsys, "tasks", "--service", "web")
    assert ids(out) == ["9e8d7c"]


def test_tasks_of_an_ecs_group_as_written(filled, capsys) -> None:
    _, out, _ = run(capsys, "tasks", "--group", "service:web")
    assert ids(out) == ["9e8d7c"]


def test_tasks_on_a_container_instance(filled, capsys) -> None:
    _, out, _ = run(capsys, "tasks", "--instance", INSTANCE_ARN)
    assert ids(out) == ["9e8d7c"]


def test_since_leaves_out_tasks_not_updated_since(filled, capsys) -> None:
    _, out, _ = run(capsys, "tasks", "--cluster", "default", "--since", "2026-11-20T03:20:00Z")
    assert ids(out) == ["9e8d7c", "0a7f3c"]


def test_tasks_json_is_a_parseable_list_of_items(filled, capsys) -> None:
    _, out, _ = run(capsys, "tasks", "--cluster", "batch", "--json")
    (item,) = json.loads(out)
    assert item["taskArn"] == task_arn("batch", "5f6e7d")
    assert (item["lastStatus"], item["group"], item["version"]) == (
        "STOPPED",
        "family:billing-report",
        6,
    )
    assert item["containers"][0]["exitCode"] == 0


def test_tasks_without_a_filter_scan_the_table(
    filled, capsys, dynamodb_requests: RequestCounter
) -> None:
    _, out, _ = run(capsys, "tasks", "--limit", "2")
    assert len(ids(out)) == 2
    assert dynamodb_requests["Scan"] >= 1


def test_tables_without_query_indexes_fall_back_to_a_scan_and_say_so(
    aws, capsys, monkeypatch
) -> None:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    create_state_tables(dynamodb, query_indexes=False)
    fill(dynamodb)
    monkeypatch.setattr(cli, "client", lambda args, service: dynamodb)
    code, out, err = run(capsys, "tasks", "--cluster", "default", "--status", "RUNNING")
    assert code == 0
    assert sorted(ids(out)) == ["1b2c3d", "9e8d7c"]
    assert "has no cluster-index" in err and "scanning" in err


# --- task --------------------------------------------------------------------------------


def test_task_shows_its_timeline_with_durations_in_lifecycle_order(filled, capsys) -> None:
    code, out, _ = run(capsys, "task", task_arn("default", "0a7f3c"))
    assert code == 0
    timeline = out.split("Timeline\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split()[0] for line in timeline[1:-1]] == [
        "PROVISIONING",
        "PENDING",
        "PENDING",
        "RUNNING",
        "STOPPING",
        "DEPROVISIONING",
        "STOPPED",
    ]
    assert "2026-11-20 03:14:01.123Z" in timeline[1]
    assert "+4.0s" in timeline[2]  # 03:14:01.123 -> 03:14:05.100
    assert timeline[-1].strip() == "16m 30s from task created to task stopped"


def test_task_shows_each_container_exit_code_and_reason(filled, capsys) -> None:
    _, out, _ = run(capsys, "task", task_arn("default", "0a7f3c"))
    containers = out.split("Containers\n", 1)[1].splitlines()
    assert containers[1].split(maxsplit=3) == [
        "report",
        "STOPPED",
        "137",
        "OutOfMemoryError: Container killed",
    ]
    assert "Stopped     EssentialContainerExited: Essential container in task exited" in out


def test_task_by_id_and_cluster_is_one_get_without_a_scan(
    filled, capsys, dynamodb_requests: RequestCounter
) -> None:
    code, out, _ = run(capsys, "task", "9e8d7c", "--cluster", "default")
    assert code == 0 and "Group       service:web" in out
    assert dynamodb_requests["GetItem"] == 1 and dynamodb_requests["Scan"] == 0


def test_task_by_id_alone_is_found_by_a_scan(filled, capsys) -> None:
    code, out, _ = run(capsys, "task", "5f6e7d")
    assert code == 0 and "Cluster     batch" in out


def test_task_json_carries_the_timeline(filled, capsys) -> None:
    _, out, _ = run(capsys, "task", task_arn("default", "1b2c3d"), "--json")
    task = json.loads(out)
    assert [step["status"] for step in task["timeline"]] == [
        "PROVISIONING",
        "PENDING",
        "PENDING",
        "RUNNING",
    ]
    assert task["timeline"][0]["at"] == task["createdAt"]


def test_unknown_task_exits_1_and_says_so(filled, capsys) -> None:
    code, out, err = run(capsys, "task", task_arn("default", "nope"))
    assert (code, out) == (1, "")
    assert "is not in ecs-events-tasks" in err


# --- instances ---------------------------------------------------------------------------


def test_instances_show_status_agent_and_free_resources(filled, capsys) -> None:
    code, out, _ = run(capsys, "instances", "--cluster", "default")
    assert code == 0
    header, row = out.splitlines()
    assert header.split()[:4] == ["INSTANCE", "CLUSTER", "EC2", "STATUS"]
    assert row.split() == [
        "9a2f1c7e5b6d4e3f8a0b1c2d3e4f5a6b",
        "default",
        "i-0123456789abcdef0",
        "ACTIVE",
        "yes",
        "3",
        "0",
        "1988/2048",
        "767/3767",
    ]


def test_instances_json_parses(filled, capsys) -> None:
    _, out, _ = run(capsys, "instances", "--json")
    (instance,) = json.loads(out)
    assert instance["remainingResources"]["GPU_SHARE"] == 0.25


def test_instances_of_another_cluster_are_none(filled, capsys) -> None:
    _, out, _ = run(capsys, "instances", "--cluster", "batch")
    assert out.strip() == "no container instances match"


# --- errors a person can fix -------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "variable"),
    [
        (["tasks"], "TASK_TABLE_NAME"),
        (["task", "abc"], "TASK_TABLE_NAME"),
        (["instances"], "CONTAINER_INSTANCE_TABLE_NAME"),
        (["backfill", "--cluster", "default"], "TASK_TABLE_NAME"),
    ],
)
def test_missing_table_is_one_line_naming_what_to_set_and_exit_2(capsys, argv, variable) -> None:
    code, out, err = run(capsys, *argv, env={})
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and variable in err


def test_table_that_does_not_exist_is_exit_2(aws, capsys) -> None:
    code, _, err = run(capsys, "tasks", "--cluster", "default", env={"TASK_TABLE_NAME": "gone"})
    assert code == 2
    assert err.startswith("ecs-events: error: table gone not found") and err.count("\n") == 1


def test_unreachable_endpoint_is_exit_2(capsys) -> None:
    code, _, err = run(
        capsys, "--endpoint-url", "http://127.0.0.1:9", "tasks", "--cluster", "default"
    )
    assert code == 2
    assert "cannot reach http://127.0.0.1:9" in err and err.count("\n") == 1


def test_missing_credentials_are_exit_2(capsys, monkeypatch, tmp_path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    code, _, err = run(capsys, "tasks", "--cluster", "default")
    assert code == 2 and "no AWS credentials" in err


# --- backfill ----------------------------------------------------------------------------


def test_backfill_command_reads_ecs_into_the_tables_and_reports_counts(dynamodb, capsys) -> None:
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="default")
    ecs.register_task_definition(
        family="web", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}]
    )
    ecs.run_task(cluster="default", taskDefinition="web", count=3, launchType="FARGATE")
    code, out, err = run(capsys, "backfill", "--cluster", "default", "--progress")
    assert code == 0
    assert "tasks                3: applied 3" in out
    assert "DescribeTasks 1" in out and "PutItem 3" in out
    assert err.endswith("\n") and "[" + "#" * 30 + "] 3/3" in err
    assert dynamodb.scan(TableName=TASK_TABLE)["Count"] == 3


def test_backfill_json_summary_parses(dynamodb, capsys) -> None:
    boto3.client("ecs", region_name=REGION).create_cluster(clusterName="empty")
    code, out, err = run(capsys, "backfill", "--cluster", "empty", "--json", "--no-progress")
    assert code == 0 and err == ""
    (summary,) = json.loads(out)
    assert summary["cluster"] == "empty" and summary["tasks"] == {}
    assert summary["requests"] == {"ListTasks": 2, "ListContainerInstances": 1}

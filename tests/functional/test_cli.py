"""`ecs-events` against moto tables filled by the handler from documented-shape events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ecs_events.config import Settings
from ecs_events.handler import Processor
from ecs_events_cli import aws as cli_aws
from ecs_events_cli.main import main
from tests.events import (
    ACCOUNT,
    CONTAINER_INSTANCE_ARN,
    REGION,
    container_instance_event,
    task_event,
)
from tests.functional.conftest import RequestCounter
from tests.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE, create_state_tables

ENV = {"TASK_TABLE_NAME": TASK_TABLE, "CONTAINER_INSTANCE_TABLE_NAME": CONTAINER_INSTANCE_TABLE}
INSTANCE_ARN = CONTAINER_INSTANCE_ARN  # the instance container_instance_event() registers


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
    monkeypatch.setattr(cli_aws, "client", lambda args, service: dynamodb)
    return dynamodb


def run(capsys: pytest.CaptureFixture[str], *argv: str, env: dict[str, str] = ENV) -> Any:
    code = main(list(argv), env=dict(env))
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
    monkeypatch.setattr(cli_aws, "client", lambda args, service: dynamodb)
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


# --- names a person has in hand ---------------------------------------------------------


def test_cluster_arn_matches_what_the_cluster_name_matches(filled, capsys) -> None:
    by_name = run(capsys, "tasks", "--cluster", "default")
    by_arn = run(capsys, "tasks", "--cluster", f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/default")
    assert by_arn == by_name and by_arn[0] == 0 and len(ids(by_arn[1])) == 3


def test_an_arn_of_something_else_is_refused_as_a_cluster(filled, capsys) -> None:
    code, out, err = run(capsys, "tasks", "--cluster", task_arn("default", "0a7f3c"))
    assert (code, out) == (2, "")
    assert "is not a cluster ARN" in err and err.count("\n") == 1


def test_instance_short_id_as_instances_prints_it_finds_its_tasks(filled, capsys) -> None:
    short = INSTANCE_ARN.rsplit("/", 1)[-1]
    listed = run(capsys, "instances")[1]
    assert short in listed.split()
    code, out, _ = run(capsys, "tasks", "--instance", short)
    assert code == 0 and ids(out) == ["9e8d7c"]


def test_instance_short_id_with_a_cluster_needs_no_scan(
    filled, capsys, dynamodb_requests: RequestCounter
) -> None:
    short = INSTANCE_ARN.rsplit("/", 1)[-1]
    code, out, _ = run(capsys, "tasks", "--instance", short, "--cluster", "default")
    assert code == 0 and ids(out) == ["9e8d7c"]
    assert dynamodb_requests["Scan"] == 0


def test_unknown_instance_id_is_exit_1_and_says_so(filled, capsys) -> None:
    code, _, err = run(capsys, "tasks", "--instance", "ffffffffffff")
    assert code == 1 and "container instance ffffffffffff is not in" in err


def test_a_listing_that_scans_says_so_and_names_the_flags_that_query(filled, capsys) -> None:
    _, _, err = run(capsys, "tasks", "--limit", "2")
    assert "scanning all of" in err and "--cluster" in err


def test_an_index_query_says_nothing_on_stderr(filled, capsys) -> None:
    _, _, err = run(capsys, "tasks", "--cluster", "default")
    assert err == ""


def test_stored_control_characters_are_printed_escaped(dynamodb, capsys, monkeypatch) -> None:
    event = ecs_task("e5c4e5", "STOPPED", exit_code=1, reason="boom\x1b[2J\x1b]0;owned\x07")
    event["detail"]["stoppedReason"] = "Essential container exited\x1b[31m\r\n"
    settings = Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE, retention_days=30)
    assert Processor(settings, dynamodb).process_event(event).name == "applied"
    monkeypatch.setattr(cli_aws, "client", lambda args, service: dynamodb)
    for argv in (["task", task_arn("default", "e5c4e5")], ["tasks", "--cluster", "default"]):
        code, out, _ = run(capsys, *argv)
        assert code == 0 and "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "exited\\x1b[31m\\r\\n" in run(capsys, "task", task_arn("default", "e5c4e5"))[1]


# --- errors a person can fix -------------------------------------------------------------


def test_tables_are_named_after_the_module_name_when_none_is_given(aws, capsys) -> None:
    code, out, err = run(capsys, "--name", "staging", "tasks", "--cluster", "default", env={})
    assert (code, out) == (3, "")
    assert err.startswith("ecs-events: error: table staging-tasks not found")
    assert "--name" in err and err.count("\n") == 1


def test_table_that_does_not_exist_is_exit_3(aws, capsys) -> None:
    code, _, err = run(capsys, "tasks", "--cluster", "default", env={"TASK_TABLE_NAME": "gone"})
    assert code == 3
    assert err.startswith("ecs-events: error: table gone not found") and err.count("\n") == 1


def test_unreachable_endpoint_is_exit_3(capsys) -> None:
    code, _, err = run(
        capsys, "--endpoint-url", "http://127.0.0.1:9", "tasks", "--cluster", "default"
    )
    assert code == 3
    assert "cannot reach http://127.0.0.1:9" in err and err.count("\n") == 1


def test_missing_credentials_are_exit_3(capsys, monkeypatch, tmp_path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    code, _, err = run(capsys, "tasks", "--cluster", "default")
    assert code == 3 and "no AWS credentials" in err


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


# --- redrive -----------------------------------------------------------------------------


def queue_pair(sqs: Any, name: str) -> tuple[str, str]:
    """A queue and its dead-letter queue as modules/handler makes them: the queue's redrive
    policy names the dead-letter queue."""
    dead = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])
    policy = {"deadLetterTargetArn": dead_arn["Attributes"]["QueueArn"], "maxReceiveCount": 5}
    queue = sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": json.dumps(policy)})[
        "QueueUrl"
    ]
    return queue, dead


@pytest.fixture
def queues(aws: None) -> tuple[Any, str, str]:
    """The handler's queue and dead-letter queue as the module names them (name ecs-events)."""
    sqs = boto3.client("sqs", region_name=REGION)
    queue, dead = queue_pair(sqs, "ecs-events")
    return sqs, queue, dead


def bodies(sqs: Any, url: str) -> list[str]:
    found: list[str] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return sorted(found)
        found += [m["Body"] for m in messages]
        for m in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def test_redrive_moves_every_dead_letter_back_and_says_what_moved(queues, capsys) -> None:
    sqs, queue, dead = queues
    sent = [json.dumps(task_event(version=n)) for n in range(12)]
    sent.append(json.dumps(container_instance_event()))
    for body in sent:
        sqs.send_message(QueueUrl=dead, MessageBody=body)
    code, out, err = run(capsys, "redrive", env={})
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"moved 13 messages from {dead} to {queue}"
    assert "    12  ECS Task State Change" in out
    assert "     1  ECS Container Instance State Change" in out
    assert bodies(sqs, queue) == sorted(sent) and bodies(sqs, dead) == []


def test_redrive_moves_at_most_max_and_leaves_the_rest(queues, capsys) -> None:
    sqs, queue, dead = queues
    for n in range(5):
        sqs.send_message(QueueUrl=dead, MessageBody=json.dumps(task_event(version=n)))
    code, out, _ = run(capsys, "redrive", "--max", "3", "--json", env={})
    assert code == 0 and json.loads(out)["moved"] == {"ECS Task State Change": 3}
    assert len(bodies(sqs, queue)) == 3


def test_redrive_of_a_name_without_queues_is_one_line_exit_3(queues, capsys) -> None:
    code, _, err = run(capsys, "redrive", "--name", "other", env={})
    assert code == 3
    assert err.startswith("ecs-events: error: queue other-dlq not found") and err.count("\n") == 1


def test_a_batch_over_sqs_batch_size_limit_is_sent_in_parts(queues, capsys) -> None:
    sqs, queue, dead = queues
    # Ten messages of 400 KB: each fits SQS's 1 MiB message limit, ten do not fit one batch.
    sent = [
        json.dumps({"detail-type": "ECS Task State Change", "n": n, "pad": "x" * 400_000})
        for n in range(10)
    ]
    for body in sent:
        sqs.send_message(QueueUrl=dead, MessageBody=body)
    code, out, err = run(capsys, "redrive", env={})
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"moved 10 messages from {dead} to {queue}"
    assert bodies(sqs, queue) == sorted(sent) and bodies(sqs, dead) == []


def test_the_dead_letter_queue_is_refused_as_destination_by_name(queues, capsys) -> None:
    sqs, _, dead = queues
    sqs.send_message(QueueUrl=dead, MessageBody="{}")
    code, out, err = run(capsys, "redrive", "--queue", "ecs-events-dlq", env={})
    assert (code, out) == (2, "")
    assert err == (
        "ecs-events: error: ecs-events-dlq is the dead-letter queue: give --queue the "
        "handler's queue\n"
    )


def test_the_dead_letter_queue_is_refused_as_destination_by_its_url(queues, capsys) -> None:
    sqs, _, dead = queues
    sqs.send_message(QueueUrl=dead, MessageBody="{}")
    code, out, err = run(capsys, "redrive", "--queue", dead, env={})
    assert (code, out) == (2, "")
    assert err == (
        f"ecs-events: error: {dead} is the dead-letter queue itself: give --queue the "
        "handler's queue\n"
    )
    assert bodies(sqs, dead) == ["{}"]


def test_a_queue_whose_dead_letters_go_elsewhere_is_refused(queues, capsys) -> None:
    sqs, _, dead = queues
    other, _ = queue_pair(sqs, "other")
    sqs.send_message(QueueUrl=dead, MessageBody="{}")
    code, out, err = run(capsys, "redrive", "--queue", "other", env={})
    assert (code, out) == (2, "")
    assert err.startswith(f"ecs-events: error: {other} sends its dead letters to ")
    assert err.count("\n") == 1 and ":other-dlq, not to " in err
    assert bodies(sqs, other) == [] and bodies(sqs, dead) == ["{}"]


def test_a_queue_without_a_redrive_policy_is_refused(queues, capsys) -> None:
    sqs, _, _ = queues
    plain = sqs.create_queue(QueueName="plain")["QueueUrl"]
    code, out, err = run(capsys, "redrive", "--queue", "plain", env={})
    assert (code, out) == (2, "")
    assert err.startswith(f"ecs-events: error: {plain} has no redrive policy, not to ")
    assert err.count("\n") == 1


def test_messages_in_flight_after_an_interruption_are_reported_not_done(queues, capsys) -> None:
    sqs, queue, dead = queues
    for n in range(3):
        sqs.send_message(QueueUrl=dead, MessageBody=json.dumps(task_event(version=n)))
    # An interrupted run received them: hidden for its visibility timeout, not yet deleted.
    sqs.receive_message(QueueUrl=dead, MaxNumberOfMessages=10, VisibilityTimeout=60)
    code, out, err = run(capsys, "redrive", env={})
    assert code == 4
    assert out == f"moved 0 messages from {dead} to {queue}\n"
    assert err == (
        "ecs-events: error: 3 messages in flight; they return after the visibility timeout, "
        "run again then\n"
    )


def test_a_missing_dead_letter_queue_given_by_url_is_the_one_named(queues, capsys) -> None:
    _, _, dead = queues
    missing = dead.replace("ecs-events-dlq", "missing")
    code, _, err = run(capsys, "redrive", "--dead-letter-queue", missing, env={})
    assert code == 3
    assert err.startswith(f"ecs-events: error: queue {missing} not found") and err.count("\n") == 1


def test_a_missing_handler_queue_given_by_name_is_the_one_named(queues, capsys) -> None:
    code, _, err = run(capsys, "redrive", "--queue", "missing", env={})
    assert code == 3
    assert err.startswith("ecs-events: error: queue missing not found") and err.count("\n") == 1


# --- redrive against SQS's per-entry batch results ---------------------------------------
# botocore's Stubber answers as the SQS API reference documents SendMessageBatch and
# DeleteMessageBatch: HTTP 200 with `Successful` and `Failed` (BatchResultErrorEntry) lists.

DLQ_URL = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/ecs-events-dlq"
QUEUE_URL = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/ecs-events"
DLQ_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:ecs-events-dlq"


@pytest.fixture
def stubbed_sqs(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    sqs = boto3.client("sqs", region_name=REGION)
    stubber = Stubber(sqs)
    monkeypatch.setattr(cli_aws, "client", lambda args, service: sqs)
    stubber.add_response(
        "get_queue_attributes",
        {"Attributes": {"QueueArn": DLQ_ARN, "ApproximateNumberOfMessagesNotVisible": "0"}},
        {"QueueUrl": DLQ_URL, "AttributeNames": ANY},
    )
    policy = json.dumps({"deadLetterTargetArn": DLQ_ARN, "maxReceiveCount": 5})
    stubber.add_response(
        "get_queue_attributes",
        {"Attributes": {"QueueArn": DLQ_ARN[: -len("-dlq")], "RedrivePolicy": policy}},
        {"QueueUrl": QUEUE_URL, "AttributeNames": ANY},
    )
    with stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def received(*numbers: int) -> dict[str, Any]:
    return {
        "Messages": [
            {
                "MessageId": f"m{n}",
                "ReceiptHandle": f"handle-{n}",
                "MD5OfBody": "0" * 32,
                "Body": json.dumps(task_event(version=n)),
            }
            for n in numbers
        ]
    }


def refusal(entry_id: str, code: str, message: str) -> dict[str, Any]:
    return {"Id": entry_id, "SenderFault": False, "Code": code, "Message": message}


def run_stubbed(capsys: pytest.CaptureFixture[str]) -> Any:
    return run(capsys, "redrive", "--queue", QUEUE_URL, "--dead-letter-queue", DLQ_URL, env={})


def test_a_refused_delete_is_reported_sent_but_not_deleted(stubbed_sqs, capsys) -> None:
    stubbed_sqs.add_response("receive_message", received(0, 1), {"QueueUrl": DLQ_URL, **RECEIVE})
    stubbed_sqs.add_response(
        "send_message_batch",
        {"Successful": [sent_entry("0"), sent_entry("1")], "Failed": []},
        {"QueueUrl": QUEUE_URL, "Entries": ANY},
    )
    stubbed_sqs.add_response(
        "delete_message_batch",
        {
            "Successful": [{"Id": "0"}],
            "Failed": [refusal("1", "ReceiptHandleIsInvalid", "The receipt handle has expired")],
        },
        {"QueueUrl": DLQ_URL, "Entries": ANY},
    )
    stubbed_sqs.add_response("receive_message", {}, {"QueueUrl": DLQ_URL, **RECEIVE})
    code, out, err = run_stubbed(capsys)
    assert code == 4
    assert out.splitlines()[0] == f"moved 1 message from {DLQ_URL} to {QUEUE_URL}"
    assert err == (
        "ecs-events: error: 1 sent but not deleted (they return to the dead-letter queue and "
        "will be delivered twice; the handler counts the second as a duplicate) (SQS: "
        "ReceiptHandleIsInvalid: The receipt handle has expired); they return after the "
        "visibility timeout, run again then\n"
    )


def test_a_refused_send_is_not_deleted_and_the_rest_still_move(stubbed_sqs, capsys) -> None:
    stubbed_sqs.add_response("receive_message", received(0, 1), {"QueueUrl": DLQ_URL, **RECEIVE})
    stubbed_sqs.add_response(
        "send_message_batch",
        {"Successful": [sent_entry("1")], "Failed": [refusal("0", "InternalError", "try later")]},
        {"QueueUrl": QUEUE_URL, "Entries": ANY},
    )
    stubbed_sqs.add_response(
        "delete_message_batch",
        {"Successful": [{"Id": "1"}], "Failed": []},
        {"QueueUrl": DLQ_URL, "Entries": [{"Id": "1", "ReceiptHandle": "handle-1"}]},
    )
    stubbed_sqs.add_response("receive_message", {}, {"QueueUrl": DLQ_URL, **RECEIVE})
    code, out, err = run_stubbed(capsys)
    assert code == 4
    assert out.splitlines()[0] == f"moved 1 message from {DLQ_URL} to {QUEUE_URL}"
    assert err == (
        "ecs-events: error: 1 not sent (SQS: InternalError: try later); they return after the "
        "visibility timeout, run again then\n"
    )


def test_the_json_report_counts_what_did_not_move(stubbed_sqs, capsys) -> None:
    stubbed_sqs.add_response("receive_message", received(0, 1), {"QueueUrl": DLQ_URL, **RECEIVE})
    stubbed_sqs.add_response(
        "send_message_batch",
        {"Successful": [sent_entry("0"), sent_entry("1")], "Failed": []},
        {"QueueUrl": QUEUE_URL, "Entries": ANY},
    )
    stubbed_sqs.add_response(
        "delete_message_batch",
        {"Successful": [], "Failed": [refusal("0", "InternalError", ""), refusal("1", "X", "")]},
        {"QueueUrl": DLQ_URL, "Entries": ANY},
    )
    stubbed_sqs.add_response("receive_message", {}, {"QueueUrl": DLQ_URL, **RECEIVE})
    code, out, _ = run(
        capsys,
        "redrive",
        "--json",
        "--queue",
        QUEUE_URL,
        "--dead-letter-queue",
        DLQ_URL,
        env={},
    )
    assert code == 4
    assert json.loads(out) == {
        "from": DLQ_URL,
        "to": QUEUE_URL,
        "moved": {},
        "sent_not_deleted": 2,
        "not_sent": 0,
        "in_flight": 0,
    }


def test_an_error_after_some_moved_says_how_many_moved(stubbed_sqs, capsys) -> None:
    stubbed_sqs.add_response("receive_message", received(0), {"QueueUrl": DLQ_URL, **RECEIVE})
    stubbed_sqs.add_response(
        "send_message_batch",
        {"Successful": [sent_entry("0")], "Failed": []},
        {"QueueUrl": QUEUE_URL, "Entries": ANY},
    )
    stubbed_sqs.add_response(
        "delete_message_batch",
        {"Successful": [{"Id": "0"}], "Failed": []},
        {"QueueUrl": DLQ_URL, "Entries": ANY},
    )
    stubbed_sqs.add_client_error(
        "receive_message", "AccessDenied", "not authorized to perform: sqs:ReceiveMessage"
    )
    code, out, err = run_stubbed(capsys)
    assert (code, out) == (3, "")
    assert err == (
        f"ecs-events: error: moved 1 message from {DLQ_URL} to {QUEUE_URL}, then: AWS denied "
        "sqs:ReceiveMessage: the README's CLI policy lists what ecs-events needs\n"
    )


RECEIVE = {
    "MaxNumberOfMessages": ANY,
    "WaitTimeSeconds": ANY,
    "VisibilityTimeout": ANY,
    "MessageAttributeNames": ["All"],
}


def sent_entry(entry_id: str) -> dict[str, str]:
    return {"Id": entry_id, "MessageId": f"new-{entry_id}", "MD5OfMessageBody": "0" * 32}


def test_an_error_after_a_refused_delete_still_counts_it(stubbed_sqs, capsys) -> None:
    stubbed_sqs.add_response("receive_message", received(0), {"QueueUrl": DLQ_URL, **RECEIVE})
    stubbed_sqs.add_response(
        "send_message_batch",
        {"Successful": [sent_entry("0")], "Failed": []},
        {"QueueUrl": QUEUE_URL, "Entries": ANY},
    )
    stubbed_sqs.add_response(
        "delete_message_batch",
        {"Successful": [], "Failed": [refusal("0", "InternalError", "try later")]},
        {"QueueUrl": DLQ_URL, "Entries": ANY},
    )
    stubbed_sqs.add_client_error("receive_message", "InternalError", "try later")
    code, _, err = run_stubbed(capsys)
    assert code == 3 and err.count("\n") == 1
    assert err.startswith(
        f"ecs-events: error: moved 0 messages from {DLQ_URL} to {QUEUE_URL} (1 sent but not "
        "deleted (they return"
    )
    assert err.endswith(", then: ReceiveMessage failed (InternalError): try later\n")

"""The scheduled-task lease, executed: the state machine definition planned for
examples/scheduled_task runs in moto's Step Functions interpreter against moto's DynamoDB, ECS,
CloudWatch and SNS.

ECS tasks are held RUNNING (moto's state manager, manual progression) until a test stops them,
so a second execution meets a lease whose owner is really running.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ecs.models import ecs_backends
from moto.moto_api import state_manager

from tests.plan import Plan

from .moto_sfn_patch import patched_moto_stepfunctions

if shutil.which("terraform") is None:  # pragma: no cover - depends on the machine
    pytest.skip("terraform is not installed", allow_module_level=True)

REGION = "eu-west-1"  # the example's default region
SLOT = "2030-01-01T03:00:00Z"
NEXT_SLOT = "2030-01-02T03:00:00Z"


@dataclass(frozen=True)
class Job:
    """What the plan says about the job, and the handles a test drives it with."""

    name: str
    definition: dict[str, Any]
    table_name: str
    cluster_name: str
    container_name: str
    topic_arn: str
    sfn: Any
    ecs: Any
    dynamodb: Any
    state_machine_arn: str

    def start(self, scheduled_time: str = SLOT) -> str:
        response = self.sfn.start_execution(
            stateMachineArn=self.state_machine_arn,
            name=unique_name(),
            input=json.dumps({"scheduledTime": scheduled_time}),
        )
        return str(response["executionArn"])

    def status(self, execution_arn: str) -> str:
        return str(self.sfn.describe_execution(executionArn=execution_arn)["status"])

    def tasks(self) -> list[str]:
        return list(self.ecs.list_tasks(cluster=self.cluster_name)["taskArns"])

    def lease(self) -> dict[str, Any]:
        item = self.dynamodb.get_item(
            TableName=self.table_name, Key={"lockId": {"S": self.name}}, ConsistentRead=True
        ).get("Item", {})
        return {key: next(iter(value.values())) for key, value in item.items()}

    def finish_task(self, task_arn: str, exit_code: int) -> None:
        """Let the held task stop, its essential container exiting with exit_code."""
        task = ecs_backends[DEFAULT_ACCOUNT_ID][REGION].tasks[self.cluster_name][task_arn]
        for container in task.containers:
            container.exitCode = exit_code
        self.ecs.stop_task(cluster=self.cluster_name, task=task_arn)


@pytest.fixture(scope="module")
def planned(plan_example: Callable[[str], Plan]) -> Plan:
    return plan_example("scheduled_task")


def unique_name() -> str:
    # moto names an unnamed execution "None", so a second unnamed one already exists.
    return uuid.uuid4().hex


def wait_until(
    condition: Callable[[], bool], explain: Callable[[], object] = str, timeout: float = 20.0
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting: {explain()}"
        time.sleep(0.1)


def is_done(job: Job, execution_arn: str) -> bool:
    return job.status(execution_arn) != "RUNNING"


def output_of(job: Job, execution_arn: str) -> dict[str, Any]:
    return dict(json.loads(job.sfn.describe_execution(executionArn=execution_arn)["output"]))


@pytest.fixture
def job(planned: Plan) -> Iterator[Job]:
    machine = planned.one("aws_sfn_state_machine").values
    table = planned.one("aws_dynamodb_table").values
    definition = json.loads(machine["definition"])
    run_task = definition["States"]["RunTask"]["Parameters"]
    cluster_name = run_task["Cluster"].rsplit("/", 1)[-1]
    family, revision = run_task["TaskDefinition"].rsplit("/", 1)[-1].split(":")
    container_name = run_task["Overrides"]["ContainerOverrides"][0]["Name"]
    topic_arn = definition["States"]["NotifySkip"]["Parameters"]["TopicArn"]

    with (
        mock_aws(config={"stepfunctions": {"execute_state_machine": True}}),
        patched_moto_stepfunctions(),
    ):
        # Tasks stay RUNNING until a test stops them.
        state_manager.set_transition(
            model_name="ecs::task", transition={"progression": "manual", "times": 10**9}
        )
        session = boto3.Session(region_name=REGION)
        dynamodb = session.client("dynamodb")
        dynamodb.create_table(
            TableName=table["name"],
            KeySchema=[{"AttributeName": table["hash_key"], "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": a["name"], "AttributeType": a["type"]} for a in table["attribute"]
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        ecs = session.client("ecs")
        ecs.create_cluster(clusterName=cluster_name)
        for _ in range(int(revision)):
            ecs.register_task_definition(
                family=family,
                containerDefinitions=[
                    {"name": container_name, "image": "report:latest", "memory": 512}
                ],
            )
        session.client("sns").create_topic(Name=topic_arn.rsplit(":", 1)[-1])
        sfn = session.client("stepfunctions")
        state_machine_arn = sfn.create_state_machine(
            name=machine["name"],
            definition=machine["definition"],
            roleArn=f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:role/state-machine",
        )["stateMachineArn"]
        yield Job(
            name=machine["name"],
            definition=definition,
            table_name=table["name"],
            cluster_name=cluster_name,
            container_name=container_name,
            topic_arn=topic_arn,
            sfn=sfn,
            ecs=ecs,
            dynamodb=dynamodb,
            state_machine_arn=state_machine_arn,
        )
        state_manager.unset_transition("ecs::task")


@pytest.fixture
def stand_in_execution(job: Job) -> Callable[[], str]:
    """Start an execution that only waits, to stand in for a lease owner that is alive."""
    arn = job.sfn.create_state_machine(
        name="stand-in-owner",
        definition=json.dumps(
            {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 3600, "End": True}}}
        ),
        roleArn=f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:role/state-machine",
    )["stateMachineArn"]
    return lambda: str(
        job.sfn.start_execution(stateMachineArn=arn, name=unique_name())["executionArn"]
    )


def seed_lease(job: Job, owner: str | None, last_slot: str) -> None:
    item = {"lockId": {"S": job.name}, "lastSlot": {"S": last_slot}}
    if owner is not None:
        item["ownerExecutionArn"] = {"S": owner}
        item["acquiredAt"] = {"S": "2029-12-31T01:00:00.000Z"}
    job.dynamodb.put_item(TableName=job.table_name, Item=item)


def test_two_executions_started_together_run_one_task_and_skip_the_other(job: Job) -> None:
    first, second = job.start(SLOT), job.start(NEXT_SLOT)

    wait_until(
        lambda: len(job.tasks()) == 1 and (is_done(job, first) or is_done(job, second)),
        explain=lambda: (job.tasks(), job.status(first), job.status(second), job.lease()),
    )
    time.sleep(1)  # time enough for a wrongly started second task to show up

    assert len(job.tasks()) == 1
    skipped = first if is_done(job, first) else second
    assert job.status(skipped) == "SUCCEEDED"
    assert output_of(job, skipped)["status"] == "skipped"
    running = second if skipped == first else first
    assert job.status(running) == "RUNNING"
    assert job.lease()["ownerExecutionArn"] == running


def test_successful_task_succeeds_the_execution_and_releases_the_lease(job: Job) -> None:
    execution = job.start()
    wait_until(lambda: len(job.tasks()) == 1)

    job.finish_task(job.tasks()[0], exit_code=0)
    wait_until(lambda: is_done(job, execution))

    assert job.status(execution) == "SUCCEEDED"
    assert "ownerExecutionArn" not in job.lease()


def test_failing_task_fails_the_execution_and_releases_the_lease(job: Job) -> None:
    execution = job.start()
    wait_until(lambda: len(job.tasks()) == 1)

    job.finish_task(job.tasks()[0], exit_code=3)
    wait_until(lambda: is_done(job, execution))

    described = job.sfn.describe_execution(executionArn=execution)
    assert (described["status"], described.get("error")) == ("FAILED", "EssentialContainerFailed")
    assert "ownerExecutionArn" not in job.lease()


def test_lease_of_an_aborted_execution_is_taken_over(
    job: Job, stand_in_execution: Callable[[], str]
) -> None:
    dead_owner = stand_in_execution()
    job.sfn.stop_execution(executionArn=dead_owner)
    seed_lease(job, owner=dead_owner, last_slot=SLOT)

    execution = job.start(NEXT_SLOT)
    wait_until(lambda: len(job.tasks()) == 1)

    assert job.lease()["ownerExecutionArn"] == execution


def test_lease_of_a_running_execution_is_not_taken_over(
    job: Job, stand_in_execution: Callable[[], str]
) -> None:
    live_owner = stand_in_execution()
    seed_lease(job, owner=live_owner, last_slot=SLOT)

    execution = job.start(NEXT_SLOT)
    wait_until(lambda: is_done(job, execution))

    assert output_of(job, execution)["reason"] == "LeaseHeld"
    assert job.tasks() == []
    assert job.lease()["ownerExecutionArn"] == live_owner


def test_duplicate_trigger_for_a_slot_that_already_ran_is_skipped(job: Job) -> None:
    seed_lease(job, owner=None, last_slot=SLOT)

    execution = job.start(SLOT)
    wait_until(lambda: is_done(job, execution))

    assert output_of(job, execution)["reason"] == "SlotAlreadyRun"
    assert job.tasks() == []

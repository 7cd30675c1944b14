"""The scheduled-task lease, executed: the state machine definition planned for
examples/scheduled_task runs in moto's Step Functions interpreter against moto's DynamoDB, ECS,
CloudWatch and SNS.

ECS tasks are held RUNNING (moto's state manager, manual progression) until a test stops them,
so a second execution meets a lease whose owner, or whose owner's task, is really running.
The example is planned with task_poll_seconds = 1 (and a budget of 600 s) so a run notices its
task's end at once.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.responses import ActionResult
from moto.ecs.models import ecs_backends
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.moto_api import state_manager
from moto.sns.models import sns_backends

from devkit.plan import Plan
from devkit.terraform import offline_workspace

from .moto_sfn_patch import patched_moto_stepfunctions

if shutil.which("terraform") is None:  # pragma: no cover - depends on the machine
    pytest.skip("terraform is not installed", allow_module_level=True)

REGION = "eu-west-1"  # the example's default region
SLOT = "2030-01-01T03:00:00Z"
NEXT_SLOT = "2030-01-02T03:00:00Z"
LATER_SLOT = "2030-01-03T03:00:00Z"
# Polled every second, a run's budget must stay within the execution history (see main.tf).
FAST = {"task_poll_seconds": 1, "max_run_seconds": 600}
WAIT = {**FAST, "overlap": {"policy": "wait", "wait_seconds": 60, "poll_seconds": 1}}


@dataclass(frozen=True)
class Job:
    """What the plan says about the job, and the handles a test drives it with."""

    name: str
    definition: dict[str, Any]
    table_name: str
    cluster_name: str
    container_name: str
    alert_topic_arn: str
    notice_topic_arn: str
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
        """Tasks ECS still runs (stopped ones are not counted)."""
        return list(
            self.ecs.list_tasks(cluster=self.cluster_name, desiredStatus="RUNNING")["taskArns"]
        )

    def item(self, lock_id: str) -> dict[str, Any]:
        item = self.dynamodb.get_item(
            TableName=self.table_name, Key={"lockId": {"S": lock_id}}, ConsistentRead=True
        ).get("Item", {})
        return {key: next(iter(value.values())) for key, value in item.items()}

    def lease(self) -> dict[str, Any]:
        return self.item(self.name)

    def finish_task(self, task_arn: str, exit_code: int) -> None:
        """Let the held task stop, its essential container exiting with exit_code."""
        task = ecs_backends[DEFAULT_ACCOUNT_ID][REGION].tasks[self.cluster_name][task_arn]
        for container in task.containers:
            container.exitCode = exit_code
        self.ecs.stop_task(
            cluster=self.cluster_name, task=task_arn, reason="Essential container in task exited"
        )

    def run_task_outside(self, started_by: str) -> str:
        """A task of the job's family started as a lost RunTask response would have left it."""
        task_definition = self.definition["States"]["RunTask"]["Parameters"]["TaskDefinition"]
        tasks = self.ecs.run_task(
            cluster=self.cluster_name,
            taskDefinition=task_definition,
            startedBy=started_by,
            launchType="FARGATE",
        )["tasks"]
        return str(tasks[0]["taskArn"])

    def attributes(self, topic_arn: str) -> list[dict[str, str]]:
        """The message attributes of everything published to the topic."""
        topic = sns_backends[DEFAULT_ACCOUNT_ID][REGION].topics[topic_arn]
        return [
            {name: value["Value"] for name, value in attributes.items()}
            for _, _, _, attributes, _ in topic.sent_notifications
        ]

    def published(self, topic_arn: str) -> list[tuple[str | None, str]]:
        """(subject, message) of everything published to the topic."""
        topic = sns_backends[DEFAULT_ACCOUNT_ID][REGION].topics[topic_arn]
        return [(subject, message) for _, message, subject, _, _ in topic.sent_notifications]


def plan_with(sources: Path, variables: dict[str, Any]) -> Plan:
    workspace = offline_workspace(sources / "examples" / "scheduled_task")
    return Plan(workspace.plan(variables))


@pytest.fixture(scope="module")
def planned(terraform_sources: Path) -> Plan:
    return plan_with(terraform_sources, FAST)


def unique_name() -> str:
    # moto names an unnamed execution "None", so a second unnamed one already exists.
    return uuid.uuid4().hex


def wait_until(
    condition: Callable[[], bool], explain: Callable[[], object] = str, timeout: float = 30.0
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting: {explain()}"
        time.sleep(0.1)


def is_done(job: Job, execution_arn: str) -> bool:
    return job.status(execution_arn) != "RUNNING"


def output_of(job: Job, execution_arn: str) -> dict[str, Any]:
    return dict(json.loads(job.sfn.describe_execution(executionArn=execution_arn)["output"]))


@contextmanager
def running(planned: Plan) -> Iterator[Job]:
    machine = planned.one("aws_sfn_state_machine").values
    table = planned.one("aws_dynamodb_table").values
    definition = json.loads(machine["definition"])
    run_task = definition["States"]["RunTask"]["Parameters"]
    cluster_name = run_task["Cluster"].rsplit("/", 1)[-1]
    family, revision = run_task["TaskDefinition"].rsplit("/", 1)[-1].split(":")
    container_name = run_task["Overrides"]["ContainerOverrides"][0]["Name"]
    alert_topic_arn = definition["States"]["PublishAlert"]["Parameters"]["TopicArn"]
    notice_topic_arn = definition["States"]["NotifySkip"]["Parameters"]["TopicArn"]

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
        sns = session.client("sns")
        for topic_arn in (alert_topic_arn, notice_topic_arn):
            sns.create_topic(Name=topic_arn.rsplit(":", 1)[-1])
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
            alert_topic_arn=alert_topic_arn,
            notice_topic_arn=notice_topic_arn,
            sfn=sfn,
            ecs=ecs,
            dynamodb=dynamodb,
            state_machine_arn=state_machine_arn,
        )
        # Executions run on threads that outlive the mock: stop them so that none polls the
        # next test's backend.
        for machine_arn in [
            m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
        ]:
            for execution in sfn.list_executions(
                stateMachineArn=machine_arn, statusFilter="RUNNING"
            )["executions"]:
                sfn.stop_execution(executionArn=execution["executionArn"])
        state_manager.unset_transition("ecs::task")


@pytest.fixture
def job(planned: Plan) -> Iterator[Job]:
    with running(planned) as started:
        yield started


@pytest.fixture
def owner_that_ended(job: Job) -> Callable[[str], str]:
    """owner_that_ended("ABORTED" | "FAILED" | "TIMED_OUT") -> the ARN of an execution that
    ended that way, to stand in for a lease owner cut short while its task ran on."""
    definitions = {
        "ABORTED": {
            "StartAt": "Hold",
            "States": {"Hold": {"Type": "Wait", "Seconds": 3600, "End": True}},
        },
        "FAILED": {"StartAt": "Fail", "States": {"Fail": {"Type": "Fail", "Error": "Lost"}}},
        "TIMED_OUT": {
            "StartAt": "Hold",
            "TimeoutSeconds": 1,
            "States": {"Hold": {"Type": "Wait", "Seconds": 3600, "End": True}},
        },
    }

    def end(how: str) -> str:
        arn = job.sfn.create_state_machine(
            name=f"stand-in-{how.lower()}-{unique_name()[:8]}",
            definition=json.dumps(definitions[how]),
            roleArn=f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:role/state-machine",
        )["stateMachineArn"]
        execution = str(
            job.sfn.start_execution(stateMachineArn=arn, name=unique_name())["executionArn"]
        )
        if how == "ABORTED":
            job.sfn.stop_execution(executionArn=execution)
        wait_until(lambda: job.status(execution) == how, lambda: job.status(execution), timeout=10)
        return execution

    return end


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


def skip_behind_a_live_owner(job: Job, stand_in_execution: Callable[[], str]) -> tuple[str, str]:
    """(owner, execution): a run for NEXT_SLOT that found the lease held by a running owner."""
    live_owner = stand_in_execution()
    seed_lease(job, owner=live_owner, last_slot=SLOT)
    execution = job.start(NEXT_SLOT)
    wait_until(lambda: is_done(job, execution))
    return live_owner, execution


def seed_lease(
    job: Job,
    owner: str | None,
    last_slot: str,
    task_arn: str | None = None,
    run_id: str | None = None,
) -> None:
    item = {"lockId": {"S": job.name}, "lastSlot": {"S": last_slot}}
    if owner is not None:
        item["ownerExecutionArn"] = {"S": owner}
        item["acquiredAt"] = {"S": "2029-12-31T01:00:00.000Z"}
    if task_arn is not None:
        item["taskArn"] = {"S": task_arn}
    if run_id is not None:
        item["runId"] = {"S": run_id}
    job.dynamodb.put_item(TableName=job.table_name, Item=item)


@contextmanager
def run_task_refused(reason: str) -> Iterator[list[dict[str, Any]]]:
    """RunTask answers 200 with failures[] and no task, as ECS does when it cannot place one;
    yields the requests it received."""
    requests: list[dict[str, Any]] = []
    original = EC2ContainerServiceResponse.run_task

    def refuse(self: EC2ContainerServiceResponse) -> ActionResult:
        requests.append(json.loads(self.body))
        cluster = self._get_param("cluster")
        return ActionResult({"tasks": [], "failures": [{"arn": cluster, "reason": reason}]})

    EC2ContainerServiceResponse.run_task = refuse  # type: ignore[method-assign]
    try:
        yield requests
    finally:
        EC2ContainerServiceResponse.run_task = original  # type: ignore[method-assign]


@contextmanager
def run_task_requests() -> Iterator[list[dict[str, Any]]]:
    """Let RunTask run as usual and yield the requests it received."""
    requests: list[dict[str, Any]] = []
    original = EC2ContainerServiceResponse.run_task

    def record(self: EC2ContainerServiceResponse) -> ActionResult:
        requests.append(json.loads(self.body))
        return original(self)

    EC2ContainerServiceResponse.run_task = record  # type: ignore[method-assign]
    try:
        yield requests
    finally:
        EC2ContainerServiceResponse.run_task = original  # type: ignore[method-assign]


# --- one run at a time ------------------------------------------------------------------------


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
    running_execution = second if skipped == first else first
    assert job.status(running_execution) == "RUNNING"
    assert job.lease()["ownerExecutionArn"] == running_execution


def test_the_lease_records_the_task_its_owner_started(job: Job) -> None:
    execution = job.start()
    wait_until(lambda: "taskArn" in job.lease(), lambda: job.lease())

    assert job.lease()["taskArn"] == job.tasks()[0]
    assert job.lease()["ownerExecutionArn"] == execution


def test_successful_task_succeeds_the_execution_and_releases_the_lease(job: Job) -> None:
    execution = job.start()
    wait_until(lambda: len(job.tasks()) == 1)

    job.finish_task(job.tasks()[0], exit_code=0)
    wait_until(lambda: is_done(job, execution))

    assert job.status(execution) == "SUCCEEDED"
    assert "ownerExecutionArn" not in job.lease()
    assert job.published(job.alert_topic_arn) == []


def test_run_task_gets_a_client_token_derived_from_the_slot_and_the_run_id_as_started_by(
    job: Job,
) -> None:
    with run_task_requests() as requests:
        job.start(SLOT)
        wait_until(lambda: len(requests) == 1 and "runId" in job.lease())

    expected = hashlib.sha256(f"{job.name}|{SLOT}".encode()).hexdigest()
    assert requests[0]["clientToken"] == expected
    assert requests[0]["startedBy"] == job.lease()["runId"]


def test_a_later_slot_gets_another_client_token(job: Job) -> None:
    with run_task_requests() as requests:
        first = job.start(SLOT)
        wait_until(lambda: len(job.tasks()) == 1)
        job.finish_task(job.tasks()[0], exit_code=0)
        wait_until(lambda: is_done(job, first))
        job.start(NEXT_SLOT)
        wait_until(lambda: len(requests) == 2)

    assert requests[0]["clientToken"] != requests[1]["clientToken"]


# --- the lease covers the task, not the execution ---------------------------------------------


@pytest.mark.parametrize("how", ["ABORTED", "FAILED", "TIMED_OUT"])
def test_a_run_does_not_take_over_from_an_owner_that_ended_while_its_task_runs(
    job: Job, owner_that_ended: Callable[[str], str], how: str
) -> None:
    task = job.run_task_outside(started_by="previous-run")
    owner = owner_that_ended(how)
    seed_lease(job, owner=owner, last_slot=SLOT, task_arn=task, run_id="previous-run")

    execution = job.start(NEXT_SLOT)
    wait_until(lambda: is_done(job, execution))

    assert output_of(job, execution)["reason"] == "LeaseHeld"
    assert job.tasks() == [task]
    assert job.lease()["ownerExecutionArn"] == owner


@pytest.mark.parametrize("how", ["ABORTED", "FAILED", "TIMED_OUT"])
def test_a_run_takes_over_from_an_owner_that_ended_once_its_task_has_stopped(
    job: Job, owner_that_ended: Callable[[str], str], how: str
) -> None:
    task = job.run_task_outside(started_by="previous-run")
    owner = owner_that_ended(how)
    seed_lease(job, owner=owner, last_slot=SLOT, task_arn=task, run_id="previous-run")
    job.finish_task(task, exit_code=0)

    execution = job.start(NEXT_SLOT)
    wait_until(lambda: len(job.tasks()) == 1)

    assert job.lease()["ownerExecutionArn"] == execution
    assert job.tasks() != [task]


def test_an_unrecorded_task_of_a_dead_owner_is_found_by_its_run_id(
    job: Job, owner_that_ended: Callable[[str], str]
) -> None:
    # The owner's RunTask started a task, but the response was lost before the ARN was recorded.
    task = job.run_task_outside(started_by="lost-response-run")
    seed_lease(job, owner=owner_that_ended("FAILED"), last_slot=SLOT, run_id="lost-response-run")

    execution = job.start(NEXT_SLOT)
    wait_until(lambda: is_done(job, execution))

    assert output_of(job, execution)["reason"] == "LeaseHeld"
    assert job.tasks() == [task]


def test_a_dead_owner_that_never_started_a_task_is_taken_over(
    job: Job, owner_that_ended: Callable[[str], str]
) -> None:
    seed_lease(job, owner=owner_that_ended("FAILED"), last_slot=SLOT, run_id="never-ran")

    execution = job.start(NEXT_SLOT)
    wait_until(lambda: len(job.tasks()) == 1)

    assert job.lease()["ownerExecutionArn"] == execution


def test_aborting_a_real_run_keeps_its_task_under_the_lease(job: Job) -> None:
    first = job.start(SLOT)
    wait_until(lambda: "taskArn" in job.lease())
    job.sfn.stop_execution(executionArn=first)

    second = job.start(NEXT_SLOT)
    wait_until(lambda: is_done(job, second))

    assert output_of(job, second)["reason"] == "LeaseHeld"
    assert len(job.tasks()) == 1


def test_lease_of_a_running_execution_is_not_taken_over(
    job: Job, stand_in_execution: Callable[[], str]
) -> None:
    live_owner, execution = skip_behind_a_live_owner(job, stand_in_execution)

    assert output_of(job, execution)["reason"] == "LeaseHeld"
    assert job.tasks() == []
    assert job.lease()["ownerExecutionArn"] == live_owner


def test_duplicate_trigger_for_a_slot_that_already_ran_is_skipped(job: Job) -> None:
    seed_lease(job, owner=None, last_slot=SLOT)

    execution = job.start(SLOT)
    wait_until(lambda: is_done(job, execution))

    assert output_of(job, execution)["reason"] == "SlotAlreadyRun"
    assert job.tasks() == []


# --- skips are recorded and never stall the schedule ------------------------------------------


def test_a_skipped_run_leaves_a_record_of_who_held_the_lease_and_since_when(
    job: Job, stand_in_execution: Callable[[], str]
) -> None:
    live_owner, execution = skip_behind_a_live_owner(job, stand_in_execution)

    record = job.item(f"{job.name}#skipped#{NEXT_SLOT}")
    assert (record["reason"], record["execution"]) == ("LeaseHeld", execution)
    outcome = json.loads(record["outcome"])
    assert (outcome["heldBy"], outcome["heldSince"]) == (live_owner, "2029-12-31T01:00:00.000Z")


def test_the_skip_notice_says_in_words_who_holds_the_lease(
    job: Job, stand_in_execution: Callable[[], str]
) -> None:
    live_owner, _ = skip_behind_a_live_owner(job, stand_in_execution)

    [(subject, message)] = job.published(job.notice_topic_arn)
    assert subject == f"Scheduled job {job.name} skipped a run"
    assert message.startswith(f"Scheduled job {job.name} skipped its run for {NEXT_SLOT}:")
    assert f"execution {live_owner}, since 2029-12-31T01:00:00.000Z" in message


def test_a_skip_does_not_stall_the_schedule(job: Job) -> None:
    first = job.start(SLOT)
    wait_until(lambda: len(job.tasks()) == 1)
    skipped = job.start(NEXT_SLOT)
    wait_until(lambda: is_done(job, skipped))
    job.finish_task(job.tasks()[0], exit_code=0)
    wait_until(lambda: is_done(job, first))

    later = job.start(LATER_SLOT)
    wait_until(lambda: len(job.tasks()) == 1)

    assert output_of(job, skipped)["reason"] == "LeaseHeld"
    assert job.lease()["ownerExecutionArn"] == later


# --- failures are alerts ----------------------------------------------------------------------


def test_a_refused_run_task_fails_the_run_alerts_in_plain_words_and_frees_the_lease(
    job: Job,
) -> None:
    with run_task_refused("RESOURCE:ENI"):
        execution = job.start(SLOT)
        wait_until(lambda: is_done(job, execution))

    described = job.sfn.describe_execution(executionArn=execution)
    assert (described["status"], described.get("error")) == ("FAILED", "RunTaskRefused")
    [(subject, message)] = job.published(job.alert_topic_arn)
    assert subject == f"Scheduled job {job.name} failed"  # one subject per incident
    assert "RunTask refused to start the task" in message
    assert "no instance has a free network interface" in message
    assert f"Slot:      {SLOT}" in message
    assert f"#/v2/executions/details/{execution}" in message
    assert "ownerExecutionArn" not in job.lease()


def test_the_alert_carries_the_handlers_attribute_names_so_one_filter_fits_both(
    job: Job,
) -> None:
    with run_task_refused("RESOURCE:ENI"):
        execution = job.start(SLOT)
        wait_until(lambda: is_done(job, execution))

    [values] = job.attributes(job.alert_topic_arn)
    assert values.pop("incidentState") == "opened" and values.pop("incidentId")
    assert values == {
        "cluster": job.cluster_name,
        "family": job.definition["States"]["RunTask"]["Parameters"]["TaskDefinition"]
        .rsplit("/", 1)[-1]
        .split(":")[0],
        "severity": "ERROR",
        "kind": "RunTaskRefused",
        "account": DEFAULT_ACCOUNT_ID,
        "region": REGION,
        "job": job.name,
    }


def test_a_non_zero_exit_alerts_with_the_meaning_of_the_exit_code(job: Job) -> None:
    execution = job.start()
    wait_until(lambda: len(job.tasks()) == 1)
    task_id = job.tasks()[0].rsplit("/", 1)[-1]

    job.finish_task(job.tasks()[0], exit_code=127)
    wait_until(lambda: is_done(job, execution))

    described = job.sfn.describe_execution(executionArn=execution)
    assert (described["status"], described.get("error")) == ("FAILED", "ContainerExitedNonZero")
    [(subject, message)] = job.published(job.alert_topic_arn)
    assert subject == f"Scheduled job {job.name} failed"  # one subject per incident
    assert f"container {job.container_name} exited with code 127" in message
    assert "the command was not found in the image" in message
    assert f"/tasks/{task_id}/configuration" in message
    assert "ownerExecutionArn" not in job.lease()


def test_a_task_that_never_ran_its_container_alerts_as_a_start_failure(job: Job) -> None:
    execution = job.start()
    wait_until(lambda: len(job.tasks()) == 1)
    task = job.tasks()[0]
    backend_task = ecs_backends[DEFAULT_ACCOUNT_ID][REGION].tasks[job.cluster_name][task]
    for container in backend_task.containers:
        container.exitCode = None
    job.ecs.stop_task(
        cluster=job.cluster_name,
        task=task,
        reason="CannotPullContainerError: pull image manifest has been retried 5 time(s)",
    )
    wait_until(lambda: is_done(job, execution))

    [(subject, message)] = job.published(job.alert_topic_arn)
    assert subject == f"Scheduled job {job.name} failed"  # one subject per incident
    assert "the image could not be pulled" in message


def test_the_alert_for_a_failed_run_is_not_sent_for_a_skip(
    job: Job, stand_in_execution: Callable[[], str]
) -> None:
    skip_behind_a_live_owner(job, stand_in_execution)

    assert job.published(job.alert_topic_arn) == []


# --- the "wait" overlap policy ----------------------------------------------------------------


@pytest.fixture(scope="module")
def planned_wait(terraform_sources: Path) -> Plan:
    return plan_with(terraform_sources, WAIT)


def test_with_the_wait_policy_a_run_starts_once_the_previous_task_stops(
    planned_wait: Plan,
) -> None:
    with running(planned_wait) as job:
        first = job.start(SLOT)
        wait_until(lambda: len(job.tasks()) == 1)
        second = job.start(NEXT_SLOT)
        time.sleep(2)  # the second run polls the held lease meanwhile
        assert job.status(second) == "RUNNING"

        job.finish_task(job.tasks()[0], exit_code=0)
        wait_until(lambda: is_done(job, first))
        wait_until(lambda: len(job.tasks()) == 1, lambda: job.lease())

        assert job.lease()["ownerExecutionArn"] == second


# --- a run over its budget ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def planned_short_budget(terraform_sources: Path) -> Plan:
    # The shortest budget the module admits, polled twice.
    return plan_with(terraform_sources, {"task_poll_seconds": 30, "max_run_seconds": 60})


@pytest.mark.slow
def test_a_run_over_its_budget_stops_its_task_alerts_and_keeps_the_lease_until_it_stops(
    planned_short_budget: Plan,
) -> None:
    with running(planned_short_budget) as job:
        execution = job.start()
        wait_until(lambda: len(job.tasks()) == 1)
        task = job.tasks()[0]
        wait_until(lambda: is_done(job, execution), timeout=120)

        described = job.sfn.describe_execution(executionArn=execution)
        assert (described["status"], described.get("error")) == ("FAILED", "RunTimedOut")
        assert job.tasks() == []  # StopTask was sent
        [(subject, _)] = job.published(job.alert_topic_arn)
        assert subject == f"Scheduled job {job.name} failed"  # one subject per incident
        assert job.lease()["taskArn"] == task  # kept: the next run checks the task has stopped


# --- incidents ------------------------------------------------------------------------------


def fail_a_run(job: Job, slot: str, exit_code: int = 1) -> str:
    execution = job.start(slot)
    wait_until(lambda: len(job.tasks()) == 1)
    job.finish_task(job.tasks()[0], exit_code=exit_code)
    wait_until(lambda: is_done(job, execution))
    return execution


def test_a_job_that_fails_then_succeeds_opens_and_resolves_one_incident(job: Job) -> None:
    fail_a_run(job, SLOT)
    fail_a_run(job, NEXT_SLOT, exit_code=137)
    execution = job.start(LATER_SLOT)
    wait_until(lambda: len(job.tasks()) == 1)
    job.finish_task(job.tasks()[0], exit_code=0)
    wait_until(lambda: is_done(job, execution))

    assert job.status(execution) == "SUCCEEDED"
    attributes = job.attributes(job.alert_topic_arn)
    assert [a["incidentState"] for a in attributes] == ["opened", "updated", "resolved"]
    assert len({a["incidentId"] for a in attributes}) == 1
    subjects = [subject for subject, _ in job.published(job.alert_topic_arn)]
    assert subjects == [f"Scheduled job {job.name} failed"] * 2 + [
        f"[resolved] Scheduled job {job.name} failed"
    ]
    _, resolution = job.published(job.alert_topic_arn)[-1]
    assert f"Failures:  2 failed runs, slots {SLOT} to {NEXT_SLOT}" in resolution
    assert "openIncident" not in job.lease()


def test_a_job_alert_carries_the_attribute_names_of_the_handlers_alerts(job: Job) -> None:
    fail_a_run(job, SLOT)
    (attributes,) = job.attributes(job.alert_topic_arn)
    assert {"incidentId", "incidentState", "kind", "severity", "cluster", "account", "region"} <= (
        set(attributes)
    )


def test_a_success_with_no_open_incident_sends_nothing(job: Job) -> None:
    execution = job.start()
    wait_until(lambda: len(job.tasks()) == 1)
    job.finish_task(job.tasks()[0], exit_code=0)
    wait_until(lambda: is_done(job, execution))
    assert job.status(execution) == "SUCCEEDED"
    assert job.published(job.alert_topic_arn) == []

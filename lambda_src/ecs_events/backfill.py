"""Rebuild the mirror from the ECS API: running and recently stopped tasks, and the
container instances of a cluster, written through the same version guard as the handler.

An event mirror drifts when events are lost; reading the API heals it. The API's `version`
of a task or container instance is the `detail.version` of its events, so a state read
here never overwrites a newer one the handler stored. A state without a version (moto's
ECS gives none) is written only where nothing is stored at all.

Requests for a cluster with T tasks (running plus stopped in the last hour or so) and C
container instances, pages of 100:
    ListTasks  ceil(running/100) + ceil(stopped/100), at least 2
    DescribeTasks  ceil(T/100)
    ListContainerInstances  max(1, ceil(C/100)),  DescribeContainerInstances  ceil(C/100)
    BatchGetItem  ceil(T/100) + ceil(C/100) (the stored versions, keys and version only)
    PutItem  one conditional write for each state newer than the stored one

A run usually finds what the events already stored, and DynamoDB bills a refused
conditional write a whole write unit but an eventually consistent read of an item under
4 KB half a read unit (a tenth of the price), so the stored versions are read first and
only newer states are written. The write stays the version guard: an event stored
between the read and the write still wins. A version the read leaves unanswered
(unprocessed keys, a failed read) is simply written, and the guard decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from .aws import RetryPolicy, is_throttling
from .config import DEFAULT_RETENTION_DAYS
from .ecs import (
    CONTAINER_INSTANCE_STATE_CHANGE,
    ECS_SOURCE,
    TASK_MOMENTS,
    TASK_STATE_CHANGE,
    parse_ecs_arn,
)
from .events import EcsEvent, MalformedEvent, required_version
from .state import (
    CONTAINER_INSTANCE_KEY,
    TASK_KEY,
    WriteResult,
    container_instance_record,
    refused_without_writing,
    task_record,
    write_if_newer,
)

# The ECS API's limits: ListTasks/ListContainerInstances return at most 100 a page,
# DescribeTasks/DescribeContainerInstances take at most 100 ARNs.
MAX_PAGE = 100

# Stored as the record's eventId: the state came from the API, not from an event.
BACKFILL_EVENT_ID = "backfill"

Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, what: str) -> None:
    return None


@dataclass
class BackfillResult:
    cluster: str
    tasks: Counter[str] = field(default_factory=Counter)  # outcome -> count
    container_instances: Counter[str] = field(default_factory=Counter)
    requests: Counter[str] = field(default_factory=Counter)  # API operation -> calls

    def summary(self) -> dict[str, Any]:
        return {
            "cluster": self.cluster,
            "tasks": dict(self.tasks),
            "containerInstances": dict(self.container_instances),
            "requests": dict(self.requests),
        }


class Throttled(RuntimeError):
    """Still throttled after every retry; the caller (CLI, reconciler) reports it."""


def backfill_retry(**overrides: Any) -> RetryPolicy:
    """The retry policy of a backfill: more and longer waits than the handler's, for
    throttling that outlasts botocore's own retries (common when a large cluster is read
    while ECS is busy), so one long run does not fail for a burst. A reconciler run
    passes `remaining` so no wait runs into the function's timeout."""
    settings: dict[str, Any] = {
        "attempts": 6,
        "base_seconds": 0.5,
        "cap_seconds": 20.0,
        "jitter_floor": 0.5,
    }
    return RetryPolicy(**{**settings, **overrides})


class Backfill:
    """Reads one cluster from ECS and writes what it finds, newest state winning."""

    def __init__(
        self,
        ecs: Any,
        dynamodb: Any,
        task_table: str,
        container_instance_table: str,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        page_size: int = MAX_PAGE,
        include_stopped: bool = True,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE:
            raise ValueError(f"page_size must be 1-{MAX_PAGE}, got {page_size}")
        self.ecs = ecs
        self.dynamodb = dynamodb
        self.task_table = task_table
        self.container_instance_table = container_instance_table
        self.retention_days = retention_days
        self.page_size = page_size
        self.include_stopped = include_stopped
        self.retry = retry or backfill_retry()

    def run(self, cluster: str, progress: Progress = _no_progress) -> BackfillResult:
        result = BackfillResult(cluster)
        statuses = ("RUNNING", "STOPPED") if self.include_stopped else ("RUNNING",)
        task_arns: list[str] = []
        for status in statuses:
            for page in self._pages(
                result, "list_tasks", "taskArns", cluster, desiredStatus=status
            ):
                task_arns.extend(page)
        # A task that stopped between the two listings appears in both.
        task_arns = list(dict.fromkeys(task_arns))
        instance_arns = [
            arn
            for page in self._pages(
                result, "list_container_instances", "containerInstanceArns", cluster
            )
            for arn in page
        ]
        total, done = len(task_arns) + len(instance_arns), 0
        progress(done, total, "tasks")
        now = _iso(datetime.now(UTC))
        for chunk in _chunks(task_arns, self.page_size):
            response = self._call(result, self.ecs.describe_tasks, cluster=cluster, tasks=chunk)
            if response.get("failures"):  # ARNs ECS no longer knows
                result.tasks["missing"] += len(response["failures"])
            records = [
                _record(
                    task_record, TASK_STATE_CHANGE, _with_updated_at(task), self.retention_days, now
                )
                for task in response.get("tasks", [])
            ]
            for outcome in self._write_newer(result, self.task_table, TASK_KEY, records):
                result.tasks[outcome.outcome] += 1
            done += len(chunk)
            progress(done, total, "tasks")
        for chunk in _chunks(instance_arns, self.page_size):
            response = self._call(
                result,
                self.ecs.describe_container_instances,
                cluster=cluster,
                containerInstances=chunk,
            )
            if response.get("failures"):  # ARNs ECS no longer knows
                result.container_instances["missing"] += len(response["failures"])
            records = [
                _record(
                    container_instance_record,
                    CONTAINER_INSTANCE_STATE_CHANGE,
                    {"clusterArn": _cluster_arn(instance, cluster), **instance},
                    self.retention_days,
                    now,
                )
                for instance in response.get("containerInstances", [])
            ]
            table, key = self.container_instance_table, CONTAINER_INSTANCE_KEY
            for outcome in self._write_newer(result, table, key, records):
                result.container_instances[outcome.outcome] += 1
            done += len(chunk)
            progress(done, total, "container instances")
        return result

    def _pages(
        self, result: BackfillResult, operation: str, key: str, cluster: str, **kwargs: Any
    ) -> Iterator[list[str]]:
        request: dict[str, Any] = {"cluster": cluster, "maxResults": self.page_size, **kwargs}
        while True:
            response = self._call(result, getattr(self.ecs, operation), **request)
            yield list(response.get(key, []))
            token = response.get("nextToken")
            if not token:
                return
            request["nextToken"] = token

    def _write_newer(
        self, result: BackfillResult, table: str, key: str, records: list[dict[str, Any]]
    ) -> list[WriteResult]:
        """The outcome for each record: read from the stored versions where they already
        refuse it, else from its conditional write."""
        stored = self._stored_versions(result, table, key, [r[key] for r in records])
        outcomes = []
        for record in records:
            held = stored.get(record[key])
            known = refused_without_writing(held, record) if held is not None else None
            outcomes.append(known if known is not None else self._write(result, table, key, record))
        return outcomes

    def _stored_versions(
        self, result: BackfillResult, table: str, key: str, keys: list[str]
    ) -> dict[str, dict[str, Any]]:
        """The key and version of each item the table holds among `keys` (at most 100,
        BatchGetItem's limit). A key left out (not stored, unprocessed, or the read
        failed) gets its state written, and the version guard decides."""
        if not keys:
            return {}
        request = {
            table: {
                "Keys": [{key: {"S": value}} for value in dict.fromkeys(keys)],
                "ProjectionExpression": "#key, #version",
                "ExpressionAttributeNames": {"#key": key, "#version": "version"},
            }
        }
        try:
            response = self._call(result, self.dynamodb.batch_get_item, RequestItems=request)
        except (ClientError, Throttled):
            result.requests["BatchGetItem failed"] += 1
            return {}
        stored = {}
        for item in response.get("Responses", {}).get(table, []):
            version = item.get("version", {}).get("N")
            stored[item[key]["S"]] = {"version": int(version) if version else None}
        return stored

    def _write(
        self, result: BackfillResult, table: str, key: str, record: dict[str, Any]
    ) -> WriteResult:
        def put(**_: Any) -> WriteResult:
            return write_if_newer(self.dynamodb, table, key, record)

        outcome: WriteResult = self._call(result, put, operation="PutItem")
        return outcome

    def _call(self, result: BackfillResult, function: Callable[..., Any], **kwargs: Any) -> Any:
        """One API call, counted, through the retry policy; throttling that outlasts it
        becomes Throttled, which names the operation and the attempts made."""
        operation = kwargs.pop("operation", None) or _operation_name(function)
        attempts = 0

        def attempt() -> Any:
            nonlocal attempts
            attempts += 1
            result.requests[operation] += 1
            return function(**kwargs)

        def count_retry(error: BaseException) -> None:
            result.requests["throttled" if is_throttling(error) else "retried"] += 1

        try:
            return self.retry.call(attempt, on_retry=count_retry)
        except ClientError as error:
            if not is_throttling(error):
                raise
            raise Throttled(f"{operation} still throttled after {attempts} attempts") from error


def _operation_name(function: Callable[..., Any]) -> str:
    """describe_tasks -> DescribeTasks, the name the API and botocore's events use."""
    return "".join(part.title() for part in getattr(function, "__name__", "call").split("_"))


def _record(
    build: Callable[[EcsEvent, int], dict[str, Any]],
    detail_type: str,
    api_object: dict[str, Any],
    retention_days: int,
    now: str,
) -> dict[str, Any]:
    """The record the handler would store for this state, built by the same function.

    The API gives datetimes where events give ISO strings. Without a `version` the record
    is built with a placeholder and stored without one, so write_if_newer writes it only
    where nothing is stored yet.
    """
    detail = _as_event_detail(api_object)
    try:
        required_version(detail)
        versioned = True
    except MalformedEvent:
        versioned = False
    if not versioned:
        detail["version"] = 0
    event = EcsEvent(
        id=BACKFILL_EVENT_ID,
        source=ECS_SOURCE,
        detail_type=detail_type,
        account="",
        region="",
        time=now,
        resources=(),
        detail=detail,
    )
    record = build(event, retention_days)
    if not versioned:
        del record["version"]
    return record


def _with_updated_at(task: dict[str, Any]) -> dict[str, Any]:
    """DescribeTasks has no `updatedAt`, which events carry and `ecs-events tasks` sorts
    and filters on (--since); the latest lifecycle moment the API reports stands in for it.
    A task with no moment at all (moto's) keeps none rather than get an invented time."""
    if "updatedAt" in task:
        return task
    moments = [task[name] for name in TASK_MOMENTS if isinstance(task.get(name), datetime)]
    return {**task, "updatedAt": max(moments)} if moments else task


def _as_event_detail(value: Any) -> Any:
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, dict):
        return {k: _as_event_detail(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_event_detail(v) for v in value]
    return value


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:  # botocore parses API timestamps as aware; be safe anyway
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def _cluster_arn(instance: dict[str, Any], cluster: str) -> str:
    """DescribeContainerInstances does not name the cluster; its ARN format does
    (container-instance/<cluster>/<id>). Older ARNs fall back to what was asked for."""
    parsed = parse_ecs_arn(instance.get("containerInstanceArn"), "container-instance")
    found = parsed.cluster_arn if parsed is not None else None
    return found or cluster


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def list_clusters(ecs: Any) -> list[str]:
    """Every cluster ARN in the region (the reconciler's default when given none)."""
    arns: list[str] = []
    for page in ecs.get_paginator("list_clusters").paginate():
        arns.extend(page.get("clusterArns", []))
    return arns

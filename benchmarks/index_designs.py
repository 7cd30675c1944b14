"""Query-index designs for the task table, priced on the same applied writes.

Every design must let `ecs-events tasks` answer, within a cluster: the tasks not yet
stopped, the tasks that stopped in a time range, a service's or family's tasks, and the
tasks on a container instance. A design answers a question "from the index" when one
Query of the index, with a filter on what it projects, returns exactly those tasks; the
others need a GetItem of every task the Query returns.

No design that answers the first two from the index can cost less than 2 write units per
task: the index has to learn of a task when it is first stored (to list it as not yet
stopped) and again when it stops (to drop it from that list, or to place it by its stop
time), and each of those is at least one index write. The default design is at that floor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.units import index_write_units
from ecs_events.state import CLUSTER_INDEX, CLUSTER_INDEX_KEYS, CLUSTER_INDEX_PROJECTED

Index = tuple[str, str, str, tuple[str, ...]]  # name, hash key, range key, projected


@dataclass(frozen=True)
class Design:
    name: str
    indexes: tuple[Index, ...]
    answers_from_index: str
    # Attributes the design would add to each record (a sparse key), from the record.
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def _not_yet_stopped_key(record: dict[str, Any]) -> dict[str, Any]:
    stopped = "stoppedAt" in record or record.get("lastStatus") == "STOPPED"
    return {} if stopped or "cluster" not in record else {"runningCluster": record["cluster"]}


DESIGNS = (
    Design(
        "three indexes (0.1): cluster by updatedAt projecting lastStatus, group, instance",
        (
            ("cluster-index", "cluster", "updatedAt", ("lastStatus",)),
            ("group-index", "group", "createdAt", ()),
            ("container-instance-index", "containerInstanceArn", "createdAt", ()),
        ),
        "all four",
    ),
    Design(
        "cluster-index by createdAt projecting stoppedAt, group, instance (the default)",
        ((CLUSTER_INDEX, *CLUSTER_INDEX_KEYS, CLUSTER_INDEX_PROJECTED),),
        "all four",
    ),
    Design(
        "sparse pair: tasks not yet stopped, and tasks by stop time",
        (
            ("running-index", "runningCluster", "createdAt", ("group", "containerInstanceArn")),
            ("stopped-index", "cluster", "stoppedAt", ("group", "containerInstanceArn")),
        ),
        "all four",
        _not_yet_stopped_key,
    ),
    Design(
        "cluster-index by createdAt, KEYS_ONLY",
        ((CLUSTER_INDEX, *CLUSTER_INDEX_KEYS, ()),),
        "none: every task of the cluster must be read to tell running from stopped, "
        "its stop time, group or instance",
    ),
    Design("no index (`tables.query_indexes = false`)", (), "none: a Scan of the table"),
)


def design_index_units(
    applied: list[tuple[dict[str, Any] | None, dict[str, Any]]], design: Design
) -> int:
    """Index write units `design` would have cost for these applied writes (the stored
    record before, or None, and the record written)."""

    def keyed(record: dict[str, Any] | None) -> dict[str, Any] | None:
        if record is None or design.derive is None:
            return record
        return {**record, **design.derive(record)}

    if not design.indexes:
        return 0
    return sum(index_write_units(keyed(old), keyed(new), design.indexes) for old, new in applied)

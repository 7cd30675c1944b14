"""Scheduled Lambda entry point: run the backfill for every configured cluster so the
mirror heals from events that never arrived.

Configuration by environment, beside the handler's (TASK_TABLE_NAME,
CONTAINER_INSTANCE_TABLE_NAME, RETENTION_DAYS): CLUSTER_ARNS, comma-separated; empty
means every cluster in the region (ListClusters). In a fleet, MEMBER_ROLE_ARNS names the
read roles of member accounts: a cluster of such an account is read through its role, and
with no cluster named every cluster of each member is listed in MEMBER_REGIONS (default:
the function's region). One JSON log line per cluster.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .accounts import EcsClients, Target, plan
from .aws import remaining_seconds
from .backfill import Backfill, BackfillResult, backfill_retry, list_clusters
from .config import ConfigurationError, Settings
from .logs import LOGGER, configure
from .outcome import Outcome


class ReconcileFailed(RuntimeError):
    """Raised when a cluster could not be read or written, so the asynchronous invoke is
    retried and, after the retries, kept in the dead-letter queue."""


@dataclass(frozen=True)
class Clients:
    ecs: Any
    dynamodb: Any
    # (role ARN or None, region) -> ECS client; a fresh EcsClients per run, so assumed
    # credentials never outlive a run. None: this account and region only.
    ecs_for: Callable[[], Callable[[str | None, str], Any]] | None = None


def _client(service: str, region: str | None, credentials: dict[str, str] | None) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 8})
    return boto3.client(service, region_name=region, config=config, **(credentials or {}))


@functools.cache
def default_clients() -> Clients:
    """One set of clients per Lambda process, made on first use."""
    return Clients(
        _client("ecs", None, None),
        _client("dynamodb", None, None),
        lambda: EcsClients(_client("sts", None, None), _client),
    )


def _split(env: Mapping[str, str], name: str) -> list[str]:
    return [value.strip() for value in env.get(name, "").split(",") if value.strip()]


def cluster_arns(env: Mapping[str, str]) -> list[str]:
    return _split(env, "CLUSTER_ARNS")


def _clusters(target: Target, ecs: Any) -> list[str]:
    return list(target.clusters) if target.clusters is not None else list_clusters(ecs)


def reconcile(
    env: Mapping[str, str],
    clients: Clients,
    remaining: Callable[[], float] | None = None,
) -> list[BackfillResult]:
    """Backfill every target's clusters. `remaining` is the invocation's time left: no
    retry waits into the reserve the run needs to log what it did and fail the rest."""
    settings = Settings.from_env(env)
    if not settings.task_table_name or not settings.container_instance_table_name:
        raise ConfigurationError("TASK_TABLE_NAME and CONTAINER_INSTANCE_TABLE_NAME must be set")
    backfill = Backfill(
        clients.ecs,
        clients.dynamodb,
        settings.task_table_name,
        settings.container_instance_table_name,
        retention_days=settings.retention_days,
        retry=backfill_retry(remaining=remaining),
    )
    own_region = env.get("AWS_REGION") or clients.ecs.meta.region_name
    roles = _split(env, "MEMBER_ROLE_ARNS")
    targets = plan(cluster_arns(env), roles, _split(env, "MEMBER_REGIONS"), own_region)
    ecs_for = clients.ecs_for() if clients.ecs_for is not None else None
    results: list[BackfillResult] = []
    failed: list[str] = []
    for target in targets:
        own = target.role_arn is None and target.region == own_region
        try:
            if own:
                ecs = clients.ecs
            elif ecs_for is None:
                raise ConfigurationError("no client factory for other accounts or regions")
            else:
                ecs = ecs_for(target.role_arn, target.region)
            clusters = _clusters(target, ecs)
        except Exception as error:  # one unreadable member must not stop the others
            where = f"{target.role_arn or 'own account'} in {target.region}"
            _failed(failed, "target", where, error)
            continue
        backfill.ecs = ecs
        results += _run(backfill, clusters, failed)
    if failed:
        raise ReconcileFailed(f"could not reconcile {', '.join(failed)}")
    return results


def _run(backfill: Backfill, clusters: list[str], failed: list[str]) -> list[BackfillResult]:
    results = []
    for cluster in clusters:
        try:
            result = backfill.run(cluster)
        except Exception as error:  # one bad cluster must not stop the others
            _failed(failed, "cluster", cluster, error)
            continue
        results.append(result)
        LOGGER.log(logging.INFO, "reconciled", extra={"outcome": "reconciled", **result.summary()})
    return results


def _failed(failed: list[str], field: str, where: str, error: Exception) -> None:
    """Note what could not be reconciled, with one log line saying where and why."""
    failed.append(where)
    LOGGER.error(
        "reconcile failed",
        extra={"outcome": Outcome.FAILED.value, field: where, "reason": f"{error!r}"},
    )


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    configure()
    results = reconcile(os.environ, default_clients(), remaining_seconds(context))
    return {"clusters": [result.summary() for result in results]}

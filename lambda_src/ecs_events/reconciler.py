"""Scheduled Lambda entry point: run the backfill for every configured cluster so the
mirror heals from events that never arrived.

Configuration by environment, beside the handler's (TASK_TABLE_NAME,
CONTAINER_INSTANCE_TABLE_NAME, RETENTION_DAYS): CLUSTER_ARNS, comma-separated; empty
means every cluster in the region (ListClusters). One JSON log line per cluster.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .backfill import Backfill, BackfillResult, list_clusters
from .config import ConfigurationError, Settings
from .logs import LOGGER, configure


class ReconcileFailed(RuntimeError):
    """Raised when a cluster could not be read or written, so the asynchronous invoke is
    retried and, after the retries, kept in the dead-letter queue."""


@dataclass(frozen=True)
class Clients:
    ecs: Any
    dynamodb: Any


@functools.cache
def default_clients() -> Clients:
    """One pair of clients per Lambda process, made on first use."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 8})
    return Clients(boto3.client("ecs", config=config), boto3.client("dynamodb", config=config))


def cluster_arns(env: Mapping[str, str]) -> list[str]:
    return [arn.strip() for arn in env.get("CLUSTER_ARNS", "").split(",") if arn.strip()]


def reconcile(env: Mapping[str, str], clients: Clients) -> list[BackfillResult]:
    settings = Settings.from_env(env)
    if not settings.task_table_name or not settings.container_instance_table_name:
        raise ConfigurationError("TASK_TABLE_NAME and CONTAINER_INSTANCE_TABLE_NAME must be set")
    backfill = Backfill(
        clients.ecs,
        clients.dynamodb,
        settings.task_table_name,
        settings.container_instance_table_name,
        retention_days=settings.retention_days,
    )
    clusters = cluster_arns(env) or list_clusters(clients.ecs)
    results, failed = [], []
    for cluster in clusters:
        try:
            result = backfill.run(cluster)
        except Exception as error:  # one bad cluster must not stop the others
            failed.append(cluster)
            LOGGER.error(
                "reconcile failed",
                extra={"outcome": "failed", "cluster": cluster, "reason": f"{error!r}"},
            )
            continue
        results.append(result)
        LOGGER.log(logging.INFO, "reconciled", extra={"outcome": "reconciled", **result.summary()})
    if failed:
        raise ReconcileFailed(f"could not reconcile {', '.join(failed)}")
    return results


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    configure()
    results = reconcile(os.environ, default_clients())
    return {"clusters": [result.summary() for result in results]}

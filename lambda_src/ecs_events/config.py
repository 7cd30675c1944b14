"""Settings read from the environment, validated once per process."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


class ConfigurationError(RuntimeError):
    """The function's environment is wrong; every event would fail the same way."""


@dataclass(frozen=True)
class Settings:
    task_table_name: str | None = None
    container_instance_table_name: str | None = None
    # Alerts are off when no topic is set.
    alert_topic_arn: str | None = None
    # Days a stopped task (or deregistered instance) stays in the mirror; 0 keeps it forever.
    retention_days: int = 90

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            task_table_name=env.get("TASK_TABLE_NAME") or None,
            container_instance_table_name=env.get("CONTAINER_INSTANCE_TABLE_NAME") or None,
            alert_topic_arn=env.get("ALERT_TOPIC_ARN") or None,
            retention_days=_non_negative_int(env, "RETENTION_DAYS", 90),
        )


def _non_negative_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number of days, got {raw!r}") from None
    if value < 0:
        raise ConfigurationError(f"{name} must be 0 (keep forever) or more, got {value}")
    return value

"""Settings read from the environment, validated once per process."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# What can raise an alert; ALERT_TRIGGERS selects among them.
TASK_EXIT = "task_exit"
TASK_START_FAILURE = "task_start_failure"
DEPLOYMENT_FAILURE = "deployment_failure"
SERVICE_ACTION = "service_action"
INSTANCE_HEALTH = "instance_health"
DAEMON_FAILURE = "daemon_failure"
HOOK_FAILURE = "hook_failure"
# Spot capacity taken back is not an application failure: opt-in.
SPOT_INTERRUPTION = "spot_interruption"
ALERT_TRIGGERS = (
    TASK_EXIT,
    TASK_START_FAILURE,
    DEPLOYMENT_FAILURE,
    SERVICE_ACTION,
    INSTANCE_HEALTH,
    DAEMON_FAILURE,
    HOOK_FAILURE,
    SPOT_INTERRUPTION,
)
DEFAULT_TRIGGERS = frozenset(ALERT_TRIGGERS) - {SPOT_INTERRUPTION}

# What an incident can be about; INCIDENT_RESOLVE_KINDS selects which of them resolve
# ("job" incidents are the scheduled task module's own; the handler never sees them).
INCIDENT_KINDS = ("family", "service", "instance", "daemon")

# More lines than this make an alert too long to read at a glance.
_MAX_LOG_LINES = 50

# The exit codes AWS's own failure-alert recipe watches for.
DEFAULT_EXIT_CODES = frozenset({1, 137, 139, 255})

# Days a stopped task (or deregistered instance) stays in the mirror; 0 keeps it forever.
# The module's tables.retention_days default is the same number (variables.tf).
DEFAULT_RETENTION_DAYS = 90


class ConfigurationError(RuntimeError):
    """The function's environment is wrong; every event would fail the same way."""


@dataclass(frozen=True)
class AlertSettings:
    # Alerts are off when no topic is set.
    topic_arn: str | None = None
    # Remembers which failures were alerted, so duplicates never alert twice.
    table_name: str | None = None
    triggers: frozenset[str] = DEFAULT_TRIGGERS
    # Exit codes of a stopped task's containers that count as failure; empty means any non-zero.
    exit_codes: frozenset[int] = DEFAULT_EXIT_CODES
    # Only these task definition families / services alert; empty means all.
    families: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    # How long one delivery may hold an alert before a redelivery may send it instead;
    # the function timeout, which is shorter than the queue's visibility timeout.
    claim_seconds: int = 60
    metric_namespace: str = "ECSEvents"
    # The Stack dimension of the failure metric: one metric for the whole deployment.
    stack: str = "ecs-events"
    # Further failures of one family, kind and reason within this many seconds of an
    # alert are counted, not sent; the next alert after the window says how many. 0: off.
    storm_window_seconds: int = 900
    # The failed container's last log lines in a task alert (0: off), read within a
    # time budget so a slow Logs API delays no alert by more than that.
    log_lines: int = 10
    log_timeout_seconds: float = 2.0
    # HTTPS subscribers (Amazon Q Developer in chat applications) get the chat form.
    chat: bool = True
    # Incidents: every failure alert opens or updates one; with `resolution`, one message
    # ends it when its subject recovers or, for the kinds that resolve by quiet, when
    # `quiet_seconds` pass with no new failure. The quiet period needs a wake-up: a
    # one-time EventBridge Scheduler schedule in `schedule_group`, run as
    # `schedule_role_arn`, sending to `wake_target_arn` (the handler's queue). Without
    # them, incidents resolve by recovery events only.
    resolution: bool = True
    quiet_seconds: int = 900
    resolve_kinds: frozenset[str] = frozenset(INCIDENT_KINDS)
    schedule_group: str | None = None
    schedule_role_arn: str | None = None
    wake_target_arn: str | None = None
    # Patterns redacted from log lines besides the built-in secret shapes (alerts/redact.py).
    redact_patterns: tuple[re.Pattern[str], ...] = ()
    # Deployment-failure and daemon alerts carry AWS's reason from the cluster's ECS Action
    # Logs (modules/action_logs), read within log_timeout_seconds.
    action_reason: bool = False

    @property
    def enabled(self) -> bool:
        return bool(self.topic_arn)


@dataclass(frozen=True)
class Settings:
    task_table_name: str | None = None
    container_instance_table_name: str | None = None
    retention_days: int = DEFAULT_RETENTION_DAYS
    alerts: AlertSettings = field(default_factory=AlertSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            task_table_name=env.get("TASK_TABLE_NAME") or None,
            container_instance_table_name=env.get("CONTAINER_INSTANCE_TABLE_NAME") or None,
            retention_days=_non_negative_int(env, "RETENTION_DAYS", DEFAULT_RETENTION_DAYS),
            alerts=_alert_settings(env),
        )


# The defaults of every setting live on the dataclasses above; the environment only
# overrides them.
_ALERT_DEFAULTS = AlertSettings()


def _alert_settings(env: Mapping[str, str]) -> AlertSettings:
    topic = env.get("ALERT_TOPIC_ARN") or None
    table = env.get("ALERT_TABLE_NAME") or None
    if topic and not table:
        raise ConfigurationError("ALERT_TOPIC_ARN is set but ALERT_TABLE_NAME is not")
    triggers = _words(env, "ALERT_TRIGGERS")
    unknown = triggers - set(ALERT_TRIGGERS)
    if unknown:
        raise ConfigurationError(
            f"ALERT_TRIGGERS has {', '.join(sorted(unknown))}; choose from "
            + ", ".join(ALERT_TRIGGERS)
        )
    try:
        exit_codes = (
            frozenset(int(code) for code in _words(env, "ALERT_EXIT_CODES"))
            if "ALERT_EXIT_CODES" in env
            else _ALERT_DEFAULTS.exit_codes
        )
    except ValueError:
        raise ConfigurationError(
            "ALERT_EXIT_CODES must be comma-separated whole numbers, or empty for any non-zero"
        ) from None
    resolve_kinds = _words(env, "INCIDENT_RESOLVE_KINDS", ",".join(INCIDENT_KINDS))
    unknown_kinds = resolve_kinds - set(INCIDENT_KINDS)
    if unknown_kinds:
        raise ConfigurationError(
            f"INCIDENT_RESOLVE_KINDS has {', '.join(sorted(unknown_kinds))}; choose from "
            + ", ".join(INCIDENT_KINDS)
        )
    return AlertSettings(
        topic_arn=topic,
        table_name=table,
        triggers=triggers if "ALERT_TRIGGERS" in env else _ALERT_DEFAULTS.triggers,
        exit_codes=exit_codes,
        families=_words(env, "ALERT_FAMILIES"),
        services=_words(env, "ALERT_SERVICES"),
        claim_seconds=_non_negative_int(env, "ALERT_CLAIM_SECONDS", _ALERT_DEFAULTS.claim_seconds)
        or _ALERT_DEFAULTS.claim_seconds,
        metric_namespace=env.get("METRIC_NAMESPACE") or _ALERT_DEFAULTS.metric_namespace,
        stack=env.get("STACK_NAME") or _ALERT_DEFAULTS.stack,
        storm_window_seconds=_non_negative_int(
            env, "ALERT_STORM_WINDOW_SECONDS", _ALERT_DEFAULTS.storm_window_seconds
        ),
        log_lines=min(
            _non_negative_int(env, "ALERT_LOG_LINES", _ALERT_DEFAULTS.log_lines), _MAX_LOG_LINES
        ),
        log_timeout_seconds=_non_negative_int(
            env, "ALERT_LOG_TIMEOUT_MS", round(_ALERT_DEFAULTS.log_timeout_seconds * 1000)
        )
        / 1000,
        chat=env.get("ALERT_CHAT_FORMAT", "on").strip().lower() not in ("off", "false", "0"),
        redact_patterns=_redact_patterns(env),
        action_reason=env.get("ALERT_ACTION_REASON", "off").strip().lower() in ("on", "true", "1"),
        resolution=_switch(env, "INCIDENT_RESOLUTION"),
        quiet_seconds=_non_negative_int(env, "INCIDENT_QUIET_SECONDS", 900) or 900,
        resolve_kinds=resolve_kinds,
        schedule_group=env.get("INCIDENT_SCHEDULE_GROUP") or None,
        schedule_role_arn=env.get("INCIDENT_SCHEDULE_ROLE_ARN") or None,
        wake_target_arn=env.get("INCIDENT_WAKE_TARGET_ARN") or None,
    )


def _switch(env: Mapping[str, str], name: str) -> bool:
    """On unless set to off, false or 0."""
    return env.get(name, "on").strip().lower() not in ("off", "false", "0")


def _redact_patterns(env: Mapping[str, str]) -> tuple[re.Pattern[str], ...]:
    # Imported here: the alerts package imports this module.
    from .alerts.redact import BadPattern, compile_patterns

    try:
        return compile_patterns(env.get("ALERT_REDACT_PATTERNS", ""))
    except BadPattern as error:
        # Refused at cold start: a pattern that cannot run would leave secrets in alerts.
        raise ConfigurationError(f"ALERT_REDACT_PATTERNS {error}") from None


def _words(env: Mapping[str, str], name: str, default: str = "") -> frozenset[str]:
    raw = env.get(name, default)
    return frozenset(word.strip() for word in raw.split(",") if word.strip())


def _non_negative_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 0:
        raise ConfigurationError(f"{name} must be 0 or more, got {value}")
    return value

"""The failed container's last words: its last log lines, in the task alert itself.

Where a container logs is in its task definition (logDriver awslogs, with the options
awslogs-group, awslogs-region and awslogs-stream-prefix), read once per revision. The
stream is then "<prefix>/<container name>/<task id>"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html); without
a prefix the stream is named after the Docker container id, which the event does not
carry, so there is nothing to read. One GetLogEvents call (newest last, `lines` events)
gives the lines.

Bounded in time and size: the clients time out within the budget and try once, and a
read that fails or runs out of time leaves the alert without lines but saying why. Lines
are cut to _LINE_BYTES and the whole to _TOTAL_BYTES, keeping the newest.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..config import TASK_EXIT, TASK_START_FAILURE, AlertSettings
from ..logs import LOGGER
from .render import Alert, with_note

_LINE_BYTES = 300
_TOTAL_BYTES = 2000
# Task definition revisions are immutable: a cached log configuration never goes stale.
_CACHE_LIMIT = 256


@dataclass(frozen=True)
class LastWords:
    container: str
    lines: tuple[str, ...] = ()
    stream_url: str | None = None
    missing: str = ""  # why there are no lines, when there are none


class LogReader:
    """Reads last log lines for task alerts; clients are made once, on first use."""

    def __init__(
        self,
        settings: AlertSettings,
        ecs: Any = None,
        logs: Callable[[str], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lines = settings.log_lines
        self.budget = settings.log_timeout_seconds
        self._ecs = ecs
        self._logs = logs
        self._log_clients: dict[str, Any] = {}
        self._configs: dict[str, dict[str, dict[str, str]]] = {}
        self.clock = clock

    def add_to(self, alert: Alert) -> Alert:
        """The alert with the failed container's last lines, or saying why it has none.
        Never raises: an alert without log lines beats no alert."""
        if self.lines <= 0 or alert.kind not in (TASK_EXIT, TASK_START_FAILURE):
            return alert
        started = self.clock()
        try:
            words = self.read(alert.document, started + self.budget)
        except Exception as error:  # a throttle, a timeout, a denied call: say so, go on
            words = LastWords(
                container=_failed_container(alert.document) or "?",
                missing=f"could not read them: {type(error).__name__}: {error}"[:200],
            )
        elapsed_ms = int((self.clock() - started) * 1000)
        LOGGER.info(
            "last log lines",
            extra={"alertKey": alert.key, "lines": len(words.lines), "elapsedMs": elapsed_ms},
        )
        return with_note(alert, render_last_words(words, self.lines), _fields(words))

    def read(self, document: dict[str, Any], deadline: float) -> LastWords:
        container = _failed_container(document)
        if container is None:
            return LastWords(container="?", missing="no container failed")
        task_definition = str(document.get("taskDefinition") or "")
        options = self._log_options(task_definition, container)
        if options is None:
            return LastWords(container, missing="it does not log with the awslogs driver")
        group, prefix = options.get("awslogs-group"), options.get("awslogs-stream-prefix")
        if not group or not prefix:
            return LastWords(
                container,
                missing="its awslogs options name no group or stream prefix, so the "
                "stream cannot be named",
            )
        if self.clock() >= deadline:
            return LastWords(container, missing=f"out of time ({self.budget:g} s)")
        task_id = str(document.get("taskArn") or "").rsplit("/", 1)[-1]
        stream = f"{prefix}/{container}/{task_id}"
        region = options.get("awslogs-region") or str(document.get("region") or "")
        url = stream_url(region, group, stream)
        response = self._logs_client(region).get_log_events(
            logGroupName=group, logStreamName=stream, limit=self.lines, startFromHead=False
        )
        lines = [
            _cut(str(event.get("message", "")).rstrip("\n")) for event in response.get("events", [])
        ]
        if not lines:
            return LastWords(container, stream_url=url, missing="the stream has no lines")
        return LastWords(container, tuple(_newest_within(lines, _TOTAL_BYTES)), url)

    def _log_options(self, task_definition: str, container: str) -> dict[str, str] | None:
        if task_definition not in self._configs:
            described = self._ecs_client().describe_task_definition(taskDefinition=task_definition)[
                "taskDefinition"
            ]
            if len(self._configs) >= _CACHE_LIMIT:
                self._configs.pop(next(iter(self._configs)))
            self._configs[task_definition] = {
                str(c.get("name")): dict((c.get("logConfiguration") or {}).get("options") or {})
                for c in described.get("containerDefinitions", [])
                if (c.get("logConfiguration") or {}).get("logDriver") == "awslogs"
            }
        return self._configs[task_definition].get(container)

    def _ecs_client(self) -> Any:
        if self._ecs is None:
            self._ecs = _client("ecs", None, self.budget)
        return self._ecs

    def _logs_client(self, region: str) -> Any:
        if region not in self._log_clients:
            make = self._logs or (lambda name: _client("logs", name or None, self.budget))
            self._log_clients[region] = make(region)
        return self._log_clients[region]


def render_last_words(words: LastWords, asked: int) -> str:
    if not words.lines:
        return f"Last log lines of {words.container}: none, {words.missing}.\n" + (
            f"Log stream: {words.stream_url}\n" if words.stream_url else ""
        )
    lines = [f"Last log lines of {words.container} ({len(words.lines)} of {asked}, newest last):"]
    lines += [f"  {line}" for line in words.lines]
    lines.append(f"Log stream: {words.stream_url}")
    return "\n".join(lines) + "\n"


def stream_url(region: str, group: str, stream: str) -> str:
    """The CloudWatch console's page for one stream; the console escapes "%" as "$25"."""

    def escape(text: str) -> str:
        return quote(quote(text, safe=""), safe="").replace("%", "$")

    return (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
        f"#logsV2:log-groups/log-group/{escape(group)}/log-events/{escape(stream)}"
    )


def _failed_container(document: dict[str, Any]) -> str | None:
    """The first container that exited non-zero, or else the first with a reason."""
    containers = [c for c in document.get("containers") or [] if isinstance(c, dict)]
    for container in containers:
        code = container.get("exitCode")
        if isinstance(code, int) and code != 0:
            return str(container.get("name"))
    return next((str(c.get("name")) for c in containers if c.get("reason")), None)


def _fields(words: LastWords) -> dict[str, Any]:
    return {
        "lastLogLines": list(words.lines),
        "logStreamUrl": words.stream_url,
        "lastLogLinesMissing": words.missing or None,
    }


def _cut(line: str) -> str:
    data = line.encode()
    if len(data) <= _LINE_BYTES:
        return line
    return data[: _LINE_BYTES - 3].decode(errors="ignore") + "..."


def _newest_within(lines: list[str], limit: int) -> list[str]:
    kept: list[str] = []
    total = 0
    for line in reversed(lines):
        total += len(line.encode()) + 1
        if total > limit:
            break
        kept.append(line)
    return kept[::-1]


def _client(service: str, region: str | None, budget: float) -> Any:
    import boto3
    from botocore.config import Config

    # One attempt, and no wait longer than the budget: a slow API costs the alert its
    # lines, never its delivery.
    config = Config(
        connect_timeout=max(budget / 2, 0.1),
        read_timeout=max(budget, 0.1),
        retries={"total_max_attempts": 1},
    )
    return boto3.client(service, region_name=region, config=config)

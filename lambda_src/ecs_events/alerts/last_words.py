"""The failed container's last words: its last log lines, in the task alert itself.

Where a container logs is in its task definition (logDriver awslogs, with the options
awslogs-group, awslogs-region and awslogs-stream-prefix), read once per revision. The
stream is then "<prefix>/<container name>/<task id>"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html); without
a prefix the stream is named after the Docker container id, which the event does not
carry, so there is nothing to read. One GetLogEvents call (newest last, `lines` events)
gives the lines.

Bounded in time by ONE deadline for the whole read (DescribeTaskDefinition and
GetLogEvents together): the budget (ALERT_LOG_TIMEOUT_MS), and never later than the
invocation's remaining time less the retry policy's reserve. A per-socket-read timeout
is no such bound (an endpoint that trickles a byte a second never trips it), so the read
runs in a worker thread that the alert stops waiting for at the deadline; the clients
still try once and time out within the budget, so an abandoned read ends soon after.
A read that fails or runs out of time leaves the alert without lines but saying why.

Sized and cleaned: lines are redacted (redact.py) before anything else, then cut to
_LINE_BYTES and the whole to _TOTAL_BYTES, keeping the newest. An invalid UTF-8 byte in
the response is replaced (U+FFFD), so it costs one character, not every line.

In a fleet the task may run in a member account: its task definition and log group are
there. The read runs only for tasks of the function's own account (the alert topic's
account), in the task's own region, with the task definition's full ARN; for another
account's task the alert says the lines were not read and why (the member read role is
trusted by the reconciler only).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..config import TASK_EXIT, TASK_START_FAILURE, AlertSettings
from ..logs import LOGGER
from ..retry import RetryPolicy
from .redact import redact_lines
from .render import Alert, with_note
from .size import LOG_NOTE_START

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
        retry: RetryPolicy | None = None,
        wait: Callable[[threading.Event, float], bool] = threading.Event.wait,
    ) -> None:
        self.lines = settings.log_lines
        self.budget = settings.log_timeout_seconds
        self.redact_patterns = settings.redact_patterns
        # The function's own account: the alert topic is created in it.
        topic = (settings.topic_arn or "").split(":")
        self.own_account = topic[4] if len(topic) > 5 else ""
        self._ecs = ecs
        self._ecs_clients: dict[str, Any] = {}
        self._logs = logs
        self._log_clients: dict[str, Any] = {}
        self._configs: dict[str, dict[str, dict[str, str]]] = {}
        self.clock = clock
        # The invocation's remaining time and reserve come from the shared retry policy,
        # which the handler points at the Lambda context on every invocation.
        self.retry = retry or RetryPolicy()
        self.wait = wait

    def add_to(self, alert: Alert) -> Alert:
        """The alert with the failed container's last lines, or saying why it has none.
        Never raises: an alert without log lines beats no alert."""
        if self.lines <= 0 or alert.kind not in (TASK_EXIT, TASK_START_FAILURE):
            return alert
        started = self.clock()
        container = _failed_container(alert.document) or "?"
        allowed = self.budget
        if self.retry.remaining is not None:
            allowed = min(allowed, self.retry.remaining() - self.retry.reserve_seconds)
        if allowed <= 0:
            words = LastWords(container, missing="not read, the invocation has no time left")
        else:
            words = self._read_by(alert, started + allowed, allowed, container)
        # Redacted first: a cut could split a secret into pieces no pattern recognises.
        redacted = redact_lines(words.lines, alert.secrets, self.redact_patterns)
        words = LastWords(
            words.container,
            tuple(_newest_within([_cut(line) for line in redacted], _TOTAL_BYTES)),
            words.stream_url,
            words.missing,
        )
        elapsed_ms = int((self.clock() - started) * 1000)
        LOGGER.info(
            "last log lines",
            extra={"alertKey": alert.key, "lines": len(words.lines), "elapsedMs": elapsed_ms},
        )
        return with_note(alert, render_last_words(words, self.lines), _fields(words))

    def _read_by(self, alert: Alert, deadline: float, allowed: float, container: str) -> LastWords:
        """The read, in a worker thread that is waited for until the deadline only."""
        done = threading.Event()
        outcome: list[LastWords] = []

        def work() -> None:
            try:
                outcome.append(self.read(alert.document, deadline))
            except Exception as error:  # a throttle, a timeout, a denied call: say so, go on
                outcome.append(
                    LastWords(
                        container,
                        missing=f"could not read them: {type(error).__name__}: {error}"[:200],
                    )
                )
            finally:
                done.set()

        threading.Thread(target=work, name="last-words", daemon=True).start()
        self.wait(done, max(deadline - self.clock(), 0.0))
        if not done.is_set() or not outcome or self.clock() > deadline:
            return LastWords(container, missing=f"out of time ({allowed:g} s)")
        return outcome[0]

    def read(self, document: dict[str, Any], deadline: float) -> LastWords:
        container = _failed_container(document)
        if container is None:
            return LastWords(container="?", missing="no container failed")
        task_arn = str(document.get("taskArn") or "")
        arn = task_arn.split(":")
        if len(arn) < 6 or not arn[3] or not arn[4]:
            return LastWords(container, missing=f"not read, {task_arn!r} is not a task ARN")
        partition, task_region, account = arn[1], arn[3], arn[4]
        if self.own_account and account != self.own_account:
            return LastWords(
                container,
                missing=f"not read, the task is in account {account}, and this function has "
                "no role to read it there",
            )
        # The full ARN: a short family:revision would name the function's own account's
        # task definition, which in a fleet may be another task's of the same name.
        family_revision = str(document.get("taskDefinition") or "")
        task_definition = (
            family_revision
            if family_revision.startswith("arn:")
            else f"arn:{partition}:ecs:{task_region}:{account}:task-definition/{family_revision}"
        )
        options = self._log_options(task_definition, task_region, container)
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
        region = options.get("awslogs-region") or task_region
        url = stream_url(region, group, stream)
        response = self._logs_client(region).get_log_events(
            logGroupName=group, logStreamName=stream, limit=self.lines, startFromHead=False
        )
        if self.clock() > deadline:
            return LastWords(container, stream_url=url, missing=f"out of time ({self.budget:g} s)")
        lines = [str(event.get("message", "")).rstrip("\n") for event in response.get("events", [])]
        if not lines:
            return LastWords(container, stream_url=url, missing="the stream has no lines")
        return LastWords(container, tuple(lines), url)

    def _log_options(
        self, task_definition: str, region: str, container: str
    ) -> dict[str, str] | None:
        if task_definition not in self._configs:
            ecs = self._ecs_client(region)
            described = ecs.describe_task_definition(taskDefinition=task_definition)[
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

    def _ecs_client(self, region: str) -> Any:
        if self._ecs is not None:
            return self._ecs
        if region not in self._ecs_clients:
            self._ecs_clients[region] = _client("ecs", region or None, self.budget)
        return self._ecs_clients[region]

    def _logs_client(self, region: str) -> Any:
        if region not in self._log_clients:
            make = self._logs or (lambda name: _client("logs", name or None, self.budget))
            client = make(region)
            with contextlib.suppress(AttributeError):  # a test's fake client has no meta
                client.meta.events.register(
                    "before-parse.cloudwatch-logs.GetLogEvents", replace_invalid_utf8
                )
            self._log_clients[region] = client
        return self._log_clients[region]


def replace_invalid_utf8(response_dict: dict[str, Any], **_: Any) -> None:
    """botocore decodes a response body strictly: one invalid byte in one log line would
    fail the whole read. Replaced (U+FFFD), it costs that character only."""
    body = response_dict.get("body")
    if isinstance(body, bytes):
        response_dict["body"] = body.decode("utf-8", errors="replace").encode()


def render_last_words(words: LastWords, asked: int) -> str:
    if not words.lines:
        return f"{LOG_NOTE_START}{words.container}: none, {words.missing}.\n" + (
            f"Log stream: {words.stream_url}\n" if words.stream_url else ""
        )
    lines = [f"{LOG_NOTE_START}{words.container} ({len(words.lines)} of {asked}, newest last):"]
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

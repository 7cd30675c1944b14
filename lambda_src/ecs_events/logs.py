"""One JSON log line per event.

On Lambda with the JSON log format the runtime's own handler turns `extra` fields
into JSON keys; elsewhere (tests, the CLI, the demo) a small formatter does the same.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from .outcome import Outcome

LOGGER = logging.getLogger("ecs_events")

# Attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {"level": record.levelname, "message": record.getMessage()}
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRIBUTES})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure() -> None:
    """Give the package's logger a JSON handler unless the host (Lambda) already has one."""
    LOGGER.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
    if logging.getLogger().handlers or LOGGER.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    LOGGER.addHandler(handler)
    LOGGER.propagate = False


def log_event(outcome: Outcome, **fields: Any) -> None:
    """The line a person reads to learn what happened to one event."""
    level = logging.ERROR if outcome is Outcome.FAILED else logging.INFO
    LOGGER.log(level, "ecs event %s", outcome, extra={"outcome": outcome.value, **fields})

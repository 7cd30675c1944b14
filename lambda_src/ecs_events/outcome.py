"""The one set of outcomes every event ends in, logged and counted by the handler."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    APPLIED = "applied"  # a state (or alert) was stored or sent by this delivery
    DUPLICATE = "duplicate"  # the same version (or alert) was handled by an earlier delivery
    STALE = "stale"  # the table already holds a newer version
    SKIPPED = "skipped"  # not ours to handle (another source, an unhandled detail-type)
    FAILED = "failed"  # reported in batchItemFailures; SQS retries it, the DLQ keeps it

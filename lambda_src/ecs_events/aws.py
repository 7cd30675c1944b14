"""Facts about calling AWS: the error code of a failed call, which failures another try
can fix, and the one retry policy every step that calls AWS goes through.

botocore's standard mode already retries each call a few times within about a second.
Here a whole step (a version-guarded state write, an alert mark, a page of the ECS API in
a backfill) is retried a few more times, because a redelivery costs the queue's
visibility timeout (six times the function timeout), a mark that is never written turns
into a second alert, and a backfill that stops for a burst of throttling heals nothing.
Only idempotent steps are retried: a state write is version-guarded, a mark sets the same
values again, a read reads again. The wait is jittered, as in AWS's "Exponential Backoff
And Jitter" (Architecture Blog, 2015) and the SDKs' retry behaviour:
https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

T = TypeVar("T")

# What DynamoDB answers when a write's condition does not hold: for this module an
# expected outcome (a duplicate, a stale state, a claim already held), never an error.
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#API_PutItem_Errors
CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailedException"

# Error codes that mean "slow down".
THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "RequestThrottled",
        "TooManyRequestsException",
    }
)
# Error codes that say "try again": throttling, conflicts and server-side faults.
TRANSIENT_CODES = THROTTLING_CODES | {
    "TransactionConflictException",
    "InternalServerError",
    "InternalFailure",
    "InternalError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "RequestTimeout",
    "RequestTimeoutException",
}


def error_code(error: BaseException) -> str:
    """The AWS error code of a failed call ("ThrottlingException"); "" for anything that
    is not an error AWS answered with."""
    if not isinstance(error, ClientError):
        return ""
    return str(error.response.get("Error", {}).get("Code", ""))


def error_message(error: BaseException) -> str:
    """What AWS said about a failed call, as it said it; "" for anything else."""
    if not isinstance(error, ClientError):
        return ""
    return str(error.response.get("Error", {}).get("Message", ""))


def is_condition_failed(error: BaseException) -> bool:
    return error_code(error) == CONDITIONAL_CHECK_FAILED


def is_throttling(error: BaseException) -> bool:
    return error_code(error) in THROTTLING_CODES


def is_transient(error: BaseException) -> bool:
    """True for throttling, 5xx and network errors (timeouts, resets, refused connections)."""
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return error_code(error) in TRANSIENT_CODES or (isinstance(status, int) and status >= 500)
    # ReadTimeoutError, ConnectTimeoutError, EndpointConnectionError and connection resets
    # are all HTTPClientError or ConnectionError in botocore.
    return isinstance(error, HTTPClientError | ConnectionError)


def remaining_seconds(context: Any) -> Callable[[], float] | None:
    """Seconds left in a Lambda invocation, read from its context object; None where
    there is no such context (a test, the CLI).
    https://docs.aws.amazon.com/lambda/latest/dg/python-context.html"""
    millis = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(millis):
        return None
    return lambda: float(millis()) / 1000


@dataclass
class RetryPolicy:
    attempts: int = 4  # calls in all, the first included
    base_seconds: float = 0.05
    cap_seconds: float = 1.0  # the whole wait stays well under the function timeout
    # Each wait is drawn between this share of its ceiling and the ceiling: 0 is full
    # jitter (the least load on a busy service); more keeps a long step from retrying
    # within milliseconds of a throttle.
    jitter_floor: float = 0.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    # Seconds left in this invocation (Lambda's context), and how many to keep for the
    # rest of the work: a retry that would run into the timeout crashes the invocation,
    # losing the batch's outcomes or the reconciler's log of the clusters it did heal.
    remaining: Callable[[], float] | None = None
    reserve_seconds: float = 5.0

    def call(
        self, step: Callable[[], T], on_retry: Callable[[BaseException], None] | None = None
    ) -> T:
        """Run `step`; on a transient error wait a jittered backoff and run it again, at
        most `attempts` times in all, never past the reserve of the time left. The last
        error is raised as it is. `on_retry` hears of each error that is retried."""
        for attempt in range(self.attempts):
            try:
                return step()
            except Exception as error:
                ceiling = min(self.cap_seconds, self.base_seconds * 2**attempt)
                if attempt + 1 >= self.attempts or not is_transient(error) or self._late(ceiling):
                    raise
                if on_retry is not None:
                    on_retry(error)
                self.sleep(self.rng.uniform(self.jitter_floor * ceiling, ceiling))
        raise AssertionError("unreachable")  # pragma: no cover

    def _late(self, wait: float) -> bool:
        return self.remaining is not None and self.remaining() < self.reserve_seconds + wait

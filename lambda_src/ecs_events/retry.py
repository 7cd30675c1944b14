"""Bounded, jittered retries of transient AWS errors inside the Lambda.

botocore's standard mode already retries each call a few times within about a second.
Here a whole step (a version-guarded state write, an alert mark) is retried a few more
times, because a redelivery costs the queue's visibility timeout (six times the function
timeout) and a mark that is never written turns into a second alert. Only idempotent
steps are retried: a state write is version-guarded, a mark sets the same values again.
Full jitter, as in AWS's "Exponential Backoff And Jitter" (Architecture Blog, 2015) and the
SDKs' retry behaviour: https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from botocore.exceptions import (
    ClientError,
    ConnectionError,
    HTTPClientError,
)

T = TypeVar("T")

# Error codes that say "try again": throttling and server-side faults.
TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "RequestThrottled",
        "TooManyRequestsException",
        "TransactionConflictException",
        "InternalServerError",
        "InternalFailure",
        "InternalError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


def is_transient(error: BaseException) -> bool:
    """True for throttling, 5xx and network errors (timeouts, resets, refused connections)."""
    if isinstance(error, ClientError):
        response = error.response
        code = response.get("Error", {}).get("Code", "")
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return code in TRANSIENT_CODES or (isinstance(status, int) and status >= 500)
    # ReadTimeoutError, ConnectTimeoutError, EndpointConnectionError and connection resets
    # are all HTTPClientError or ConnectionError in botocore.
    return isinstance(error, HTTPClientError | ConnectionError)


@dataclass
class RetryPolicy:
    attempts: int = 4  # calls in all, the first included
    base_seconds: float = 0.05
    cap_seconds: float = 1.0  # the whole wait stays well under the function timeout
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    # Seconds left in this invocation (Lambda's context), and how many to keep for the
    # rest of the batch: a retry that would run into the timeout crashes the whole batch.
    remaining: Callable[[], float] | None = None
    reserve_seconds: float = 5.0

    def call(self, step: Callable[[], T]) -> T:
        """Run `step`; on a transient error wait a full-jitter backoff and run it again,
        at most `attempts` times in all. The last error is raised as it is."""
        for attempt in range(self.attempts):
            try:
                return step()
            except Exception as error:
                ceiling = min(self.cap_seconds, self.base_seconds * 2**attempt)
                if attempt + 1 >= self.attempts or not is_transient(error) or self._late(ceiling):
                    raise
                self.sleep(self.rng.uniform(0, ceiling))
        raise AssertionError("unreachable")  # pragma: no cover

    def _late(self, wait: float) -> bool:
        return self.remaining is not None and self.remaining() < self.reserve_seconds + wait

"""AWS call facts: error codes, transient errors, and the one bounded, jittered retry policy."""

from __future__ import annotations

import random

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from ecs_events.aws import RetryPolicy, error_code, error_message, is_transient, remaining_seconds


def client_error(code: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "PutItem"
    )


@pytest.mark.parametrize(
    "error",
    [
        client_error("ProvisionedThroughputExceededException"),
        client_error("ThrottlingException"),
        client_error("InternalServerError", 500),
        client_error("Whatever", 503),
        ReadTimeoutError(endpoint_url="https://dynamodb"),
        EndpointConnectionError(endpoint_url="https://dynamodb"),
    ],
)
def test_throttling_server_and_network_errors_are_transient(error: Exception) -> None:
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        client_error("ConditionalCheckFailedException"),
        client_error("ValidationException"),
        client_error("ResourceNotFoundException"),
        ValueError("bad"),
    ],
)
def test_errors_a_retry_cannot_fix_are_not_transient(error: Exception) -> None:
    assert not is_transient(error)


def test_a_transient_error_is_retried_until_the_step_succeeds() -> None:
    waits: list[float] = []
    outcomes = [client_error("ThrottlingException"), client_error("ThrottlingException"), "ok"]

    def step() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    policy = RetryPolicy(sleep=waits.append, rng=random.Random(0))
    assert policy.call(step) == "ok"
    assert len(waits) == 2
    assert 0 <= waits[0] <= 0.05 and 0 <= waits[1] <= 0.1  # full jitter under the ceiling


def test_retries_are_bounded_and_the_last_error_is_raised() -> None:
    calls: list[int] = []

    def step() -> None:
        calls.append(1)
        raise client_error("InternalServerError", 500)

    policy = RetryPolicy(attempts=4, sleep=lambda _: None)
    with pytest.raises(ClientError, match="InternalServerError"):
        policy.call(step)
    assert len(calls) == 4


def test_a_permanent_error_is_raised_without_a_retry() -> None:
    calls: list[int] = []

    def step() -> None:
        calls.append(1)
        raise client_error("ValidationException")

    with pytest.raises(ClientError):
        RetryPolicy(sleep=lambda _: None).call(step)
    assert len(calls) == 1


def test_waits_never_exceed_the_cap() -> None:
    waits: list[float] = []

    def step() -> None:
        raise client_error("ThrottlingException")

    policy = RetryPolicy(attempts=10, cap_seconds=0.2, sleep=waits.append, rng=random.Random(1))
    with pytest.raises(ClientError):
        policy.call(step)
    assert len(waits) == 9 and max(waits) <= 0.2


def test_no_retry_runs_into_the_end_of_the_invocation() -> None:
    calls: list[int] = []

    def step() -> None:
        calls.append(1)
        raise client_error("ThrottlingException")

    policy = RetryPolicy(sleep=lambda _: None, remaining=lambda: 4.0, reserve_seconds=5.0)
    with pytest.raises(ClientError):
        policy.call(step)
    assert len(calls) == 1


def test_the_error_code_is_read_from_a_client_error_and_is_empty_for_anything_else() -> None:
    assert error_code(client_error("ThrottlingException")) == "ThrottlingException"
    assert error_code(ValueError("ThrottlingException")) == ""
    assert error_code(ClientError({}, "PutItem")) == ""


def test_a_jitter_floor_keeps_each_wait_above_that_share_of_its_ceiling() -> None:
    waits: list[float] = []

    def step() -> None:
        raise client_error("ThrottlingException")

    policy = RetryPolicy(
        attempts=5, base_seconds=0.5, jitter_floor=0.5, cap_seconds=20, sleep=waits.append
    )
    with pytest.raises(ClientError):
        policy.call(step)
    ceilings = [0.5, 1.0, 2.0, 4.0]
    assert all(c / 2 <= wait <= c for wait, c in zip(waits, ceilings, strict=True))


def test_on_retry_hears_each_retried_error_and_not_the_last() -> None:
    heard: list[str] = []

    def step() -> None:
        raise client_error("ThrottlingException")

    policy = RetryPolicy(attempts=3, sleep=lambda _: None)
    with pytest.raises(ClientError):
        policy.call(step, on_retry=lambda error: heard.append(error_code(error)))
    assert heard == ["ThrottlingException", "ThrottlingException"]


def test_remaining_seconds_reads_a_lambda_context_and_nothing_else() -> None:
    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 12_500

    remaining = remaining_seconds(Context())
    assert remaining is not None and remaining() == 12.5
    assert remaining_seconds(None) is None


def test_the_error_message_is_what_aws_said_and_empty_for_anything_else() -> None:
    said = ClientError({"Error": {"Code": "X", "Message": "Rate exceeded"}}, "PutItem")
    assert error_message(said) == "Rate exceeded"
    assert error_message(ValueError("Rate exceeded")) == ""

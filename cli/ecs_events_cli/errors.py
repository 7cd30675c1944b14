"""The one place that turns what went wrong into one line on stderr and an exit status.

Exit statuses (also in `ecs-events --help` and the README):
  0  done
  1  the task asked for is not in the table
  2  the command line or a setting in the environment is wrong; nothing was sent to AWS
  3  AWS (or the endpoint given) could not be reached, refused the request, or has no such
     table, cluster or queue
  4  redrive left messages behind: SQS refused some sends or deletes, or messages were in
     flight; the line says which, and when to run it again
  130 interrupted (Ctrl-C)
  70 a fault in ecs-events itself; ECS_EVENTS_DEBUG=1 prints the traceback
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    InvalidRegionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

OK = 0
NOT_FOUND = 1
USAGE = 2
AWS = 3
INCOMPLETE = 4
INTERNAL = 70
INTERRUPTED = 130

EXIT_STATUSES = """exit status:
  0    done
  1    the task asked for is not in the table
  2    wrong arguments or environment settings; nothing was sent to AWS
  3    AWS or the endpoint could not be reached, refused, or has no such table/cluster/queue
  4    redrive left messages behind (refused, not deleted, or in flight): run it again later
  70   a fault in ecs-events (ECS_EVENTS_DEBUG=1 prints the traceback)
  130  interrupted"""

_MISSING = {"ResourceNotFoundException", "TableNotFoundException"}
_MISSING_QUEUE = {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"}
_DENIED = {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"}
_BAD_CREDENTIALS = {
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "ExpiredTokenException",
    "ExpiredToken",
    "InvalidClientTokenId",
}
# IAM's denial message names the action: "... is not authorized to perform: dynamodb:Query on
# resource: ..."; ECS and SQS word it the same way.
_DENIED_ACTION = re.compile(r"perform: ([A-Za-z0-9-]+:[A-Za-z0-9]+)")


class CliError(Exception):
    """One line for the person at the terminal, and the status the command exits with."""

    def __init__(self, message: str, status: int = USAGE) -> None:
        super().__init__(message)
        self.status = status


class NotAws(Exception):
    """The endpoint answered with a web page: whatever it is, it is not an AWS API."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@dataclass
class Target:
    """What the command was talking to, so an error can name it."""

    endpoint: str | None = None
    region: str | None = None
    subject: str = "the request"  # e.g. "table ecs-events-tasks", "queue ecs-events-dlq"
    cluster: str | None = None  # the cluster a command is reading from ECS

    @property
    def where(self) -> str:
        return self.endpoint or f"AWS ({self.region or 'no region'})"


def explain(error: BaseException, target: Target) -> CliError | None:
    """A CliError for every error a person can cause or fix; None for a fault of our own."""
    if isinstance(error, CliError):
        return error
    if isinstance(error, ClientError):
        return _client_error(error, target)
    where = target.where
    if isinstance(error, NotAws):
        return CliError(
            f"{where} answered HTTP {error.status} with a web page, not as AWS does: "
            "check --endpoint-url",
            AWS,
        )
    if isinstance(error, ProfileNotFound):
        return CliError(f"{_sentence(error)}: check --profile / AWS_PROFILE against ~/.aws/config")
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return CliError(
            "no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            AWS,
        )
    if isinstance(error, NoRegionError):
        return CliError("no AWS region: pass --region, or set AWS_REGION or AWS_DEFAULT_REGION")
    if isinstance(error, InvalidRegionError):
        return CliError(
            f"{_sentence(error)}: give a region such as eu-west-1 (--region, AWS_REGION)"
        )
    if isinstance(
        error,
        EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError | ConnectionClosedError,
    ):
        return CliError(
            f"cannot reach {where}: {error}; check --region and --endpoint-url / AWS_ENDPOINT_URL",
            AWS,
        )
    if isinstance(error, ResponseParserError):
        return CliError(
            f"{where} did not answer as AWS does (is it an AWS endpoint?): check --endpoint-url",
            AWS,
        )
    if isinstance(error, BotoCoreError):
        return CliError(f"{error}", AWS)
    return None


def _sentence(error: BaseException) -> str:
    return str(error).rstrip(". ")


def _client_error(error: ClientError, target: Target) -> CliError:
    details = error.response.get("Error", {})
    code = str(details.get("Code", ""))
    message = str(details.get("Message", "")).strip()
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if code == "ClusterNotFoundException":
        return CliError(
            f"cluster {target.cluster or ''} not found at {target.where}: check --cluster and "
            "--region",
            AWS,
        )
    if code in _MISSING:
        return CliError(
            f"{target.subject} not found at {target.where}: check --name (the module's name), "
            "the table flags, --cluster, --region and --endpoint-url",
            AWS,
        )
    if code in _MISSING_QUEUE:
        return CliError(
            f"{target.subject} not found at {target.where}: check --name, --region and "
            "--endpoint-url",
            AWS,
        )
    if code in _DENIED:
        found = _DENIED_ACTION.search(message)
        action = found.group(1) if found else error.operation_name
        return CliError(
            f"AWS denied {action}: the README's CLI policy lists what ecs-events needs", AWS
        )
    if code in _BAD_CREDENTIALS:
        return CliError(f"AWS rejected the credentials ({code}): {message}", AWS)
    if code.isdigit() or (status and not message):
        # botocore names an error by its HTTP status when the body is not an AWS error.
        return CliError(
            f"{target.where} answered HTTP {status or code} to {error.operation_name}, not as "
            "AWS does: check --endpoint-url",
            AWS,
        )
    return CliError(f"{error.operation_name} failed ({code}): {message}", AWS)

"""Faults injected at the boto3 layer, beneath botocore's own retries.

A handler on each client's `before-send` event, in place of moto's, decides for
every HTTP attempt what the network and the service do with it:

- throttle / server_error: the service answers 400 Throttling or 500 and applies nothing;
- timeout / connection: the request never arrives (read timeout, connection refused);
- applied_lost: the service applies the request, the response is lost (a read timeout);
- applied_error: the service applies the request and answers 500 all the same (scripted,
  or drawn when a mix lists it in `kinds`);
- crash_before / crash_after: the Lambda dies before the call leaves, or after it applied
  (LambdaCrash, a BaseException nothing in the handler catches, as a real crash).

botocore's standard retry mode (the handler's own configuration) retries the transient
ones as it would on AWS; `time.sleep` of its backoff is skipped by the harness.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from moto.core.botocore_stubber import MockRawResponse
from moto.core.models import botocore_stubber

KINDS = ("throttle", "server_error", "timeout", "connection", "applied_lost")
# What the storm-count mixes add: a write that landed yet reported failure.
STORM_KINDS = (*KINDS, "applied_error")
CRASHES = ("crash_before", "crash_after")


class LambdaCrash(BaseException):
    """The Lambda process died (timeout, out of memory): the whole batch is redelivered."""


@dataclass
class Call:
    operation: str
    key: str | None  # the alert key for alerts-table and SNS calls
    fault: str | None
    applied: bool


@dataclass
class FaultInjector:
    rate: float = 0.0  # share of HTTP attempts that meet one of KINDS
    crash_rate: float = 0.0  # share of attempts at which the Lambda dies
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    alert_table: str = ""
    # Deterministic faults first: (operation, kind) pairs, each consumed by the next call
    # of that operation ("A|B": of either); kind "ok" lets that call through unharmed.
    script: list[tuple[str, str]] = field(default_factory=list)
    injected: Counter[str] = field(default_factory=Counter)
    calls: list[Call] = field(default_factory=list)
    enabled: bool = True
    kinds: tuple[str, ...] = KINDS  # what a random fault is drawn from

    def attach(self, client: Any) -> Any:
        # botocore calls every before-send handler and takes the first response, so
        # moto's own handler is taken off the client and called from here, only for
        # the attempts that reach the service.
        client.meta.events.unregister("before-send", botocore_stubber)
        client.meta.events.register_first("before-send", self._before_send)
        return client

    def _choose(self, operation: str) -> str | None:
        for index, (wanted, kind) in enumerate(self.script):
            if operation in wanted.split("|"):
                del self.script[index]
                return None if kind == "ok" else kind
        if not self.enabled:
            return None
        draw = self.rng.random()
        if draw < self.crash_rate:
            return self.rng.choice(CRASHES)
        if draw < self.crash_rate + self.rate:
            return self.rng.choice(self.kinds)
        return None

    def _before_send(self, request: Any, **kwargs: Any) -> AWSResponse | None:
        operation = _operation(request)
        key = self._alert_key(operation, request)
        kind = self._choose(operation)
        if kind is not None:
            self.injected[kind] += 1
        applied = kind in (None, "applied_lost", "applied_error", "crash_after")
        self.calls.append(Call(operation, key, kind, applied))
        if kind is None:
            return botocore_stubber(event_name=kwargs.get("event_name", ""), request=request)
        if kind == "crash_before":
            raise LambdaCrash(operation)
        if kind == "applied_error":
            botocore_stubber(event_name=kwargs.get("event_name", ""), request=request)
            return _error_response(request, throttle=False)
        if kind in ("applied_lost", "crash_after"):
            botocore_stubber(event_name=kwargs.get("event_name", ""), request=request)
            if kind == "crash_after":
                raise LambdaCrash(operation)
            raise ReadTimeoutError(endpoint_url=request.url)
        if kind == "timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        if kind == "connection":
            raise EndpointConnectionError(endpoint_url=request.url)
        return _error_response(request, throttle=kind == "throttle")

    def _alert_key(self, operation: str, request: Any) -> str | None:
        if operation == "Publish":
            form = parse_qs(_body(request))
            for name, values in form.items():
                if name.endswith(".Name") and values == ["alertKey"]:
                    value = name.removesuffix(".Name") + ".Value.StringValue"
                    return form[value][0]
            return None
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            body = json.loads(_body(request) or "{}")
            if body.get("TableName") != self.alert_table:
                return None
            item = body.get("Item") or body.get("Key") or {}
            return item.get("alertKey", {}).get("S")
        return None


def _body(request: Any) -> str:
    body = request.body
    if isinstance(body, bytes):
        return body.decode()
    return body or ""


def _operation(request: Any) -> str:
    target = request.headers.get("X-Amz-Target")
    if target:
        return (target.decode() if isinstance(target, bytes) else target).split(".")[-1]
    return parse_qs(_body(request)).get("Action", [""])[0]


def _error_response(request: Any, throttle: bool) -> AWSResponse:
    request_id = str(uuid.uuid4())
    if request.headers.get("X-Amz-Target"):  # DynamoDB's JSON protocol
        code = "ProvisionedThroughputExceededException" if throttle else "InternalServerError"
        body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "x"})
        headers = {"x-amzn-RequestId": request_id, "Content-Type": "application/x-amz-json-1.0"}
    else:  # SNS's query protocol
        code = "Throttling" if throttle else "InternalError"
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>x</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        headers = {"x-amzn-RequestId": request_id, "Content-Type": "text/xml"}
    return AWSResponse(request.url, 400 if throttle else 500, headers, MockRawResponse(body))

"""TEST-SIDE PATCH for gaps in moto 5.2's Step Functions service integrations.

This is not product code: it only makes moto's interpreter do what AWS does, so the real
definition (PascalCase, as AWS requires) can run unchanged under moto.

The gap: moto ported its interpreter from LocalStack but left the request/response
normalisation hooks of `StateTaskService` empty. AWS (and LocalStack) translate the ASL's
PascalCase parameters to the service's own member names and the service's response back to
PascalCase. Without that, under moto:

- `ecs:runTask.sync` hands `Cluster`, `TaskDefinition`, ... to boto3 verbatim; the call reaches
  moto's ECS without a cluster, and the integration then fails reading the un-normalised
  response (`KeyError: 'Cluster'`, then `'Tasks'`);
- `aws-sdk:sfn:describeExecution` sends `ExecutionArn` where the API expects `executionArn`,
  and returns `status` where AWS returns `Status`.

The patch fills both hooks with the botocore-model-driven conversion that the base class
already carries (`_to_boto_request` / `_from_boto_response`). For the DynamoDB and SNS
integrations the ASL names equal the API's member names, so the conversion leaves them as is.

A second gap: StartExecution deep-copies the state machine, which reaches (through the state
machine's executions and its backend) every running execution's thread lock, so moto refuses
to start an execution while another one is running ("cannot pickle '_thread.RLock' object"),
exactly the situation a lease exists for. Running executions and the backend are live objects,
never meant to be copied: the patch makes deepcopy share them.

A third gap: moto's DynamoDB checks a write's condition, then writes, with no lock between,
and the interpreter runs executions on threads. Two executions taking the lease at once could
then both pass `attribute_not_exists`, which DynamoDB never allows (seen here: two tasks
started, one owner recorded). The patch serialises item writes, as devkit/emulator.py does for
the demo's server.

Remove this module when moto fixes all three.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.session
from moto.dynamodb.models import DynamoDBBackend
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (  # noqa: E501
    StateTaskService,
)
from moto.stepfunctions.parser.backend.execution import Execution
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from devkit.emulator import DYNAMODB_WRITES, atomic_dynamodb_write

_service_models: dict[str, Any] = {}


def _operation_model(service: str, snake_case_action: str) -> Any:
    if service not in _service_models:
        _service_models[service] = botocore.session.get_session().get_service_model(service)
    model = _service_models[service]
    for name in model.operation_names:
        if botocore.xform_name(name) == snake_case_action:
            return model.operation_model(name)
    raise KeyError(f"{service} has no operation {snake_case_action}")


def _normalise_parameters(
    self: StateTaskService,
    parameters: dict[str, Any],
    boto_service_name: str | None = None,
    service_action_name: str | None = None,
) -> None:
    operation = _operation_model(
        self._get_boto_service_name(boto_service_name),
        self._get_boto_service_action(service_action_name),
    )
    if operation.input_shape is not None:
        self._to_boto_request(parameters, operation.input_shape)


def _normalise_response(
    self: StateTaskService,
    response: Any,
    boto_service_name: str | None = None,
    service_action_name: str | None = None,
) -> None:
    operation = _operation_model(
        self._get_boto_service_name(boto_service_name),
        self._get_boto_service_action(service_action_name),
    )
    if operation.output_shape is not None:
        self._from_boto_response(response, operation.output_shape)


def _share_instead_of_copying(self: object, memo: dict[int, object]) -> object:
    return self


_PATCHES: list[tuple[type, str, object]] = [
    (StateTaskService, "_normalise_parameters", _normalise_parameters),
    (StateTaskService, "_normalise_response", _normalise_response),
    (Execution, "__deepcopy__", _share_instead_of_copying),
    (StepFunctionsParserBackend, "__deepcopy__", _share_instead_of_copying),
    *(
        (DynamoDBBackend, name, atomic_dynamodb_write(getattr(DynamoDBBackend, name)))
        for name in DYNAMODB_WRITES
    ),
]


@contextmanager
def patched_moto_stepfunctions() -> Iterator[None]:
    """Apply the patches above for the duration of the block."""
    missing = object()
    saved = [(owner, name, owner.__dict__.get(name, missing)) for owner, name, _ in _PATCHES]
    for owner, name, replacement in _PATCHES:
        setattr(owner, name, replacement)
    try:
        yield
    finally:
        for owner, name, original in saved:
            if original is missing:
                delattr(owner, name)
            else:
                setattr(owner, name, original)

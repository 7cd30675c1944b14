"""The handler under moto: real boto3 clients against in-process fake AWS."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE, create_state_tables
from ecs_events.config import Settings
from ecs_events.handler import Processor

REGION = "us-west-2"


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def dynamodb(aws: None) -> Any:
    client = boto3.client("dynamodb", region_name=REGION)
    create_state_tables(client)
    return client


class RequestCounter(Counter[str]):
    """Counts the API calls a client makes, by operation name."""

    def __call__(self, model: Any, **_: Any) -> None:
        self[model.name] += 1


@pytest.fixture
def dynamodb_requests(dynamodb: Any) -> RequestCounter:
    counter = RequestCounter()
    dynamodb.meta.events.register("before-call.dynamodb", counter)
    return counter


@pytest.fixture
def settings() -> Settings:
    return Settings(
        task_table_name=TASK_TABLE,
        container_instance_table_name=CONTAINER_INSTANCE_TABLE,
        retention_days=30,
    )


@pytest.fixture
def processor(settings: Settings, dynamodb: Any) -> Processor:
    return Processor(settings, dynamodb)

"""Nothing a record holds escapes the batch; the bare form raises only EventFailed."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from devkit.events import TASK_ARN, sqs_batch, task_event
from devkit.tables import stored_task
from ecs_events import handler
from ecs_events.config import Settings
from ecs_events.handler import EventFailed, Processor, outcome_metrics


def failed_reasons(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.reason for r in caplog.records if getattr(r, "outcome", "") == "failed"]


def test_json_nested_a_thousand_levels_deep_fails_alone(
    processor: Processor, dynamodb: Any, caplog: pytest.LogCaptureFixture
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    good = task_event(version=3, task_arn=f"{TASK_ARN}1")
    with caplog.at_level(logging.INFO, logger="ecs_events"):
        result = processor.process_batch(sqs_batch([deep, good])["Records"])
    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    assert "RecursionError" in failed_reasons(caplog)[0]
    assert stored_task(dynamodb, f"{TASK_ARN}1")["version"] == 3  # type: ignore[index]


def test_a_deep_detail_inside_a_valid_body_fails_alone(processor: Processor, dynamodb: Any) -> None:
    event = task_event(version=3)
    records = sqs_batch([task_event(version=2, task_arn=f"{TASK_ARN}2")])["Records"]
    records.insert(0, {"messageId": "deep", "body": _deep_json(event)})
    result = processor.process_batch(records)
    assert result["batchItemFailures"] == [{"itemIdentifier": "deep"}]
    assert stored_task(dynamodb, f"{TASK_ARN}2")["version"] == 2  # type: ignore[index]


def _deep_json(event: dict[str, Any]) -> str:
    # Built by hand: json.dumps itself recurses too deeply for this shape.
    text = json.dumps({k: v for k, v in event.items() if k != "detail"})
    detail = json.dumps({k: v for k, v in event["detail"].items() if k != "containers"})
    deep = '{"n":' * 5_000 + '"x"' + "}" * 5_000
    return text[:-1] + ', "detail": ' + detail[:-1] + ', "containers": [' + deep + "]}}"


def test_a_record_without_message_id_is_not_reported_with_an_empty_identifier(
    processor: Processor, caplog: pytest.LogCaptureFixture
) -> None:
    records = [{"body": json.dumps(task_event())}, {"messageId": "", "body": "{}"}]
    with caplog.at_level(logging.INFO, logger="ecs_events"):
        result = processor.process_batch(records)
    assert result == {"batchItemFailures": []}
    assert failed_reasons(caplog) == ["SQS record has no messageId"] * 2


def test_records_that_are_not_objects_fail_alone(processor: Processor) -> None:
    records: list[Any] = [None, 7, "text", {"messageId": "m", "body": None}]
    assert processor.process_batch(records) == {"batchItemFailures": [{"itemIdentifier": "m"}]}


def test_an_unexpected_error_inside_one_record_fails_that_record_only(
    processor: Processor, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = processor.process_event

    def explode_once(raw: object, **fields: Any) -> Any:
        if fields.get("messageId") == "msg-0":
            raise MemoryError("simulated")
        return real(raw, **fields)

    monkeypatch.setattr(processor, "process_event", explode_once)
    batch = sqs_batch([task_event(version=2), task_event(version=2, task_arn=f"{TASK_ARN}3")])
    result = processor.process_batch(batch["Records"])
    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    assert stored_task(dynamodb, f"{TASK_ARN}3")["version"] == 2  # type: ignore[index]


def test_a_state_event_whose_key_is_not_a_task_arn_fails_with_the_reason(
    processor: Processor, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ecs_events"):
        outcome = processor.process_event(task_event(task_arn="   "))
    assert outcome.name == "failed"
    assert "not an ECS task ARN" in failed_reasons(caplog)[0]


def test_the_bare_form_raises_only_event_failed_even_when_configuration_is_wrong(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALERT_TOPIC_ARN", "arn:aws:sns:us-west-2:111122223333:t")
    monkeypatch.delenv("ALERT_TABLE_NAME", raising=False)
    handler.default_processor.cache_clear()
    try:
        with pytest.raises(EventFailed, match="ConfigurationError"):
            handler.lambda_handler(task_event(), None)
    finally:
        handler.default_processor.cache_clear()


def test_each_batch_writes_one_metric_line_of_its_outcomes(
    settings: Settings, dynamodb: Any
) -> None:
    lines: list[str] = []
    processor = Processor(settings, dynamodb, metrics_out=lines.append)
    batch = sqs_batch([task_event(version=2), task_event(version=2), "{bad"])
    processor.process_batch(batch["Records"])
    (line,) = lines
    metric = json.loads(line)
    assert (metric["EventsApplied"], metric["EventsDuplicate"], metric["EventsFailed"]) == (1, 1, 1)
    assert metric["Stack"] == "ecs-events"
    assert metric["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Stack"]]


def test_outcome_metrics_name_every_outcome_even_at_zero(settings: Settings) -> None:
    metric = json.loads(outcome_metrics({}, settings, 0.0))
    names = [m["Name"] for m in metric["_aws"]["CloudWatchMetrics"][0]["Metrics"]]
    assert names == [
        "EventsApplied",
        "EventsDuplicate",
        "EventsStale",
        "EventsSkipped",
        "EventsFailed",
    ]
    assert all(metric[name] == 0 for name in names)


def test_retries_inside_the_lambda_know_the_time_left_in_the_invocation(
    processor: Processor, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 12_500

    monkeypatch.setattr(handler, "default_processor", lambda: processor)
    handler.lambda_handler(sqs_batch([task_event()]), Context())
    assert processor.retry.remaining is not None
    assert processor.retry.remaining() == 12.5

"""The arithmetic of benchmarks/cost.py: each item is its quantity times its named price."""

from __future__ import annotations

import pytest

from benchmarks import cost
from benchmarks.cost import (
    Idle,
    Traffic,
    gb_seconds,
    idle_per_month,
    metrics_per_month,
    per_million,
)

GB = 1024**3


def traffic(**overrides: object) -> Traffic:
    values: dict[str, object] = {
        "events": 1_000_000,
        "invocations": 0,
        "seconds_per_invocation": 0.0,
        "memory_mb": 1024,
        "arm64": True,
        "sqs_requests": 0,
        "handler_log_bytes": 0,
        "event_log_bytes": 0,
        "event_log_infrequent_access": False,
        "write_units": 0,
        "read_units": 0,
    }
    values.update(overrides)
    return Traffic(**values)  # type: ignore[arg-type]


def test_duration_is_billed_per_invocation_rounded_up_to_the_millisecond() -> None:
    assert gb_seconds(invocations=1000, seconds=0.0101, memory_mb=512) == pytest.approx(
        1000 * 0.011 * 0.5
    )


def test_arm64_gb_seconds_cost_the_arm_price() -> None:
    items = per_million(traffic(invocations=1000, seconds_per_invocation=1.0, arm64=True))
    assert items["Lambda GB-seconds"] == pytest.approx(1000 * cost.LAMBDA_PER_GB_SECOND_ARM)


def test_x86_gb_seconds_cost_the_x86_price() -> None:
    items = per_million(traffic(invocations=1000, seconds_per_invocation=1.0, arm64=False))
    assert items["Lambda GB-seconds"] == pytest.approx(1000 * cost.LAMBDA_PER_GB_SECOND_X86)


def test_items_are_scaled_to_a_million_events() -> None:
    items = per_million(traffic(events=500_000, sqs_requests=1_000_000))
    assert items["SQS"] == pytest.approx(2 * cost.SQS_PER_MILLION_REQUESTS)


def test_an_infrequent_access_event_log_costs_half_the_ingestion() -> None:
    standard = per_million(traffic(event_log_bytes=GB))["Logs: event log"]
    infrequent = per_million(traffic(event_log_bytes=GB, event_log_infrequent_access=True))
    assert standard == cost.LOGS_INGESTION_PER_GB_STANDARD
    assert infrequent["Logs: event log"] == standard / 2


def test_stored_logs_are_priced_for_the_storage_months() -> None:
    items = per_million(traffic(handler_log_bytes=GB, event_log_bytes=GB))
    storage = items[f"Logs: storage, {cost.STORAGE_MONTHS} months"]
    assert storage == pytest.approx(2 * cost.LOGS_STORAGE_PER_GB_MONTH * cost.STORAGE_MONTHS)


def test_dynamodb_prices_write_and_read_units_apart() -> None:
    items = per_million(traffic(write_units=2_000_000, read_units=1_000_000))
    assert items["DynamoDB"] == pytest.approx(
        2 * cost.DYNAMODB_PER_MILLION_WRITE_UNITS + cost.DYNAMODB_PER_MILLION_READ_UNITS
    )


def test_an_alert_is_one_publish_and_one_email() -> None:
    items = per_million(traffic(alerts=100_000))
    assert items["SNS"] == pytest.approx(0.1 * cost.SNS_PER_MILLION_PUBLISHES + 2.00)


def test_only_events_forwarded_from_another_account_cost_eventbridge_anything() -> None:
    assert per_million(traffic())["EventBridge"] == 0
    forwarded = per_million(traffic(cross_account_events=1_000_000))
    assert forwarded["EventBridge"] == cost.EVENTBRIDGE_CUSTOM_EVENT_PER_MILLION


def test_an_idle_month_prices_alarms_dashboards_and_keys() -> None:
    items = idle_per_month(Idle(alarms=3, dashboards=1, kms_keys=2))
    assert items["CloudWatch alarms"] == pytest.approx(3 * cost.ALARM_PER_MONTH)
    assert items["CloudWatch dashboards"] == cost.DASHBOARD_PER_MONTH
    assert items["KMS keys"] == 2 * cost.KMS_KEY_PER_MONTH


def test_each_event_source_mapping_long_polls_an_empty_queue_all_month() -> None:
    receives = cost.IDLE_POLLERS * cost.SECONDS_PER_MONTH / cost.LONG_POLL_SECONDS
    items = idle_per_month(Idle(sqs_pollers=2))
    assert items["SQS: Lambda's empty long polls"] == pytest.approx(
        2 * receives / 1e6 * cost.SQS_PER_MILLION_REQUESTS
    )


def test_no_failure_in_a_month_means_no_failure_metrics() -> None:
    assert metrics_per_month(outcomes=5, clusters=2, failing_families=0) == pytest.approx(
        5 * cost.CUSTOM_METRIC_PER_MONTH
    )


def test_failures_add_the_stack_each_cluster_and_each_failing_family() -> None:
    assert metrics_per_month(outcomes=5, clusters=2, failing_families=3) == pytest.approx(
        (5 + 1 + 2 + 3) * cost.CUSTOM_METRIC_PER_MONTH
    )


def test_a_month_without_events_pays_the_idle_figure_alone() -> None:
    assert cost.monthly(0, per_million_total=5.0, idle_total=3.0, metrics=1.5) == 3.0
    assert cost.monthly(2_000_000, per_million_total=5.0, idle_total=3.0, metrics=1.5) == 14.5


def test_a_plan_counts_scheduled_runs_from_a_rate_expression() -> None:
    plan = {
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "mode": "managed",
                        "address": "aws_scheduler_schedule.this",
                        "type": "aws_scheduler_schedule",
                        "values": {"schedule_expression": "rate(10 minutes)"},
                    }
                ]
            }
        }
    }
    assert cost.count_idle(plan).scheduled_invocations_per_month == cost.SECONDS_PER_MONTH / 600


def test_the_sample_logs_the_whole_event_and_lambdas_three_lines() -> None:
    event = {"detail": {"taskArn": "arn:aws:ecs:x:1:task/c/t", "version": 2}}
    lines = cost.sample_log_lines(event, "stale")
    assert '{"detail": {"taskArn": "arn:aws:ecs:x:1:task/c/t", "version": 2}}' in lines
    assert [line.split()[0] for line in lines[-3:]] == ["START", "END", "REPORT"]


def test_handler_time_for_a_mean_batch_lies_between_the_measured_sizes() -> None:
    run = cost.HandlerRun(0, 0.0, {1: 0.010, 10: 0.046})
    assert cost.seconds_for(run, 5.5) == pytest.approx(0.028)


def test_a_batch_never_takes_less_than_the_smallest_measured_one() -> None:
    run = cost.HandlerRun(0, 0.0, {1: 0.010, 10: 0.046})
    assert cost.seconds_for(run, 0.5) == 0.010


def test_metric_lines_are_paid_once_per_invocation() -> None:
    run = cost.HandlerRun(event_line_bytes=1000, metric_line_bytes=400.0, seconds_per_batch={})
    assert run.log_bytes(invocations=3) == 2200


def test_a_task_that_stopped_with_a_non_zero_exit_alerts_once_however_often_delivered() -> None:
    stopped = {
        "detail-type": "ECS Task State Change",
        "detail": {"taskArn": "t1", "lastStatus": "STOPPED", "containers": [{"exitCode": 137}]},
    }
    clean = {
        "detail-type": "ECS Task State Change",
        "detail": {"taskArn": "t2", "lastStatus": "STOPPED", "containers": [{"exitCode": 0}]},
    }
    assert cost.failed_tasks([stopped, stopped, clean]) == 1

"""The idle-month counts of benchmarks/cost.py follow the plans, and the event log's class
is the input's."""

from __future__ import annotations

import pytest

from benchmarks.cost import ALARM_PER_MONTH, count_idle, handler_function, idle_per_month
from tests.plan import Plan
from tools.terraform import copy_sources, offline_workspace

EXTRA_ALARM_OVERRIDE = """\
resource "aws_cloudwatch_metric_alarm" "extra" {
  alarm_name          = "extra"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "Errors"
  namespace           = "AWS/Lambda"
  period              = 300
  statistic           = "Sum"
  threshold           = 1
}
"""


@pytest.fixture(scope="module")
def basic_with_one_more_alarm(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    """examples/basic with one alarm more, added by a file of its own."""
    sources = copy_sources(tmp_path_factory.mktemp("extra-alarm"))
    example = sources / "examples" / "basic"
    (example / "extra_alarm.tf").write_text(EXTRA_ALARM_OVERRIDE)
    return Plan(offline_workspace(example).plan())


def test_idle_counts_are_the_alarms_dashboards_keys_and_pollers_of_the_plan(plan_example) -> None:
    plan = plan_example("basic")
    idle = count_idle(plan.document)
    assert idle.alarms == len(plan.of_type("aws_cloudwatch_metric_alarm"))
    assert idle.dashboards == len(plan.of_type("aws_cloudwatch_dashboard"))
    assert idle.kms_keys == len(plan.of_type("aws_kms_key")) == 0
    assert idle.sqs_pollers == len(plan.of_type("aws_lambda_event_source_mapping")) == 1


def test_the_complete_example_counts_its_customer_managed_key(plan_example) -> None:
    assert count_idle(plan_example("complete").document).kms_keys == 1


def test_one_more_alarm_in_the_plan_adds_one_alarm_month_to_the_idle_figure(
    plan_example, basic_with_one_more_alarm: Plan
) -> None:
    before = sum(idle_per_month(count_idle(plan_example("basic").document)).values())
    after = sum(idle_per_month(count_idle(basic_with_one_more_alarm.document)).values())
    assert after - before == pytest.approx(ALARM_PER_MONTH)


def test_a_member_account_region_is_counted_apart_from_the_central_deployment(
    plan_example,
) -> None:
    plan = plan_example("fleet").document
    member = count_idle(plan, "module.member_secondary")
    assert member.sqs_pollers == 0 and member.dashboards == 0
    assert count_idle(plan, "module.central").sqs_pollers == 1


def test_the_handler_memory_and_architecture_come_from_the_plan(plan_example) -> None:
    assert handler_function(plan_example("basic").document) == (256, True)


def test_the_event_log_is_standard_by_default(plan_root) -> None:
    (group,) = [
        r
        for r in plan_root({}).of_type("aws_cloudwatch_log_group")
        if "module.history" in r.address
    ]
    assert group.values["log_group_class"] == "STANDARD"


def test_the_event_log_takes_the_infrequent_access_class(plan_root) -> None:
    plan = plan_root({"history": {"log_class": "INFREQUENT_ACCESS"}})
    groups = {
        r.address: r.values.get("log_group_class") for r in plan.of_type("aws_cloudwatch_log_group")
    }
    assert [c for a, c in groups.items() if "module.history" in a] == ["INFREQUENT_ACCESS"]
    # The handler's own group keeps the provider's default, Standard: its embedded-metric
    # lines need metric extraction.
    assert [c for a, c in groups.items() if "module.handler" in a] == [None]

# Two alarms besides the dead-letter queue's: runs that failed, and runs that never happened.
# Both read the metrics Step Functions publishes per state machine (namespace AWS/States,
# dimension StateMachineArn: https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html).

locals {
  state_machine_dimensions = { StateMachineArn = local.state_machine_arn }
}

resource "aws_cloudwatch_metric_alarm" "failed_runs" {
  alarm_name          = "${var.name}-failed-runs"
  alarm_description   = "Scheduled job ${var.name}: a run failed, timed out or was aborted. Each failed run also sent an alert to ${local.alert_topic_arn}; the execution history says why."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags

  metric_query {
    id          = "failed"
    expression  = "executionsFailed + executionsTimedOut + executionsAborted"
    label       = "Failed, timed-out and aborted runs"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"]
    content {
      id = "${lower(substr(metric_query.value, 0, 1))}${substr(metric_query.value, 1, -1)}"
      metric {
        namespace   = "AWS/States"
        metric_name = metric_query.value
        dimensions  = local.state_machine_dimensions
        period      = 300
        stat        = "Sum"
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "missed_run" {
  count = local.missed_run_alarm ? 1 : 0

  alarm_name          = "${var.name}-missed-run"
  alarm_description   = "Scheduled job ${var.name}: no run ${var.missed_run.measure} in the last ${local.missed_run_period} s (interval ${coalesce(local.missed_run_interval, 0)} s + grace ${var.missed_run.grace_seconds} s). Is the schedule ${var.name} enabled, can its role start the state machine, does the state machine exist? See the dead-letter queue ${local.dead_letter_queue_name}."
  namespace           = "AWS/States"
  metric_name         = var.missed_run.measure == "started" ? "ExecutionsStarted" : "ExecutionsSucceeded"
  dimensions          = local.state_machine_dimensions
  statistic           = "Sum"
  period              = local.missed_run_period
  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  # No data is no run: a schedule that stopped firing publishes nothing at all.
  treat_missing_data = "breaching"
  alarm_actions      = var.alarm_actions
  ok_actions         = var.alarm_actions
  tags               = var.tags

  lifecycle {
    precondition {
      condition     = local.missed_run_interval != null
      error_message = "Cannot derive the missed-run interval from schedule.expression \"${var.schedule.expression}\": set missed_run.interval_seconds to the longest gap between two runs, in seconds, or missed_run.enabled = false."
    }
    precondition {
      # https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
      condition     = local.missed_run_period <= 604800
      error_message = "missed_run interval + grace is ${local.missed_run_period} s; CloudWatch allows at most 604800 s (7 days) per alarm period. Set missed_run.enabled = false for rarer schedules."
    }
  }
}

# The pipeline watches itself. The dead-letter queues and the failure metric have their
# alarms in their own modules (dead_letter_queue, alerts); these cover the rest.
# Metric names and dimensions: Lambda https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html,
# SQS https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html,
# EventBridge https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html

resource "aws_cloudwatch_metric_alarm" "handler_errors" {
  alarm_name          = "${var.name}-handler-errors"
  alarm_description   = "The ${var.handler.function_name} function raised out of an invocation (a crash, a timeout, a bad configuration); its batch is redelivered. Read its log."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = var.handler.function_name }
  statistic           = "Sum"
  period              = var.thresholds.period_seconds
  evaluation_periods  = 1
  threshold           = var.thresholds.errors
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "handler_throttles" {
  alarm_name          = "${var.name}-handler-throttles"
  alarm_description   = "Invocations of ${var.handler.function_name} were throttled (account concurrency or the mapping's maximum); events wait longer in the queue."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = var.handler.function_name }
  statistic           = "Sum"
  period              = var.thresholds.period_seconds
  evaluation_periods  = 1
  threshold           = var.thresholds.throttles
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "oldest_message_age" {
  alarm_name          = "${var.name}-queue-oldest-message-age"
  alarm_description   = "An ECS event has waited over ${var.thresholds.oldest_message_age_seconds}s in ${local.queue_name}: the handler is stuck, failing the same event, or too slow for the stream."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = local.queue_name }
  statistic           = "Maximum"
  period              = var.thresholds.period_seconds
  evaluation_periods  = 1
  threshold           = var.thresholds.oldest_message_age_seconds
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "failed_invocations" {
  for_each = local.rule_names

  alarm_name          = "${var.name}-rule-${each.key}-failed-invocations"
  alarm_description   = "EventBridge could not deliver events of rule ${each.value} to the handler queue; they are in the dead-letter queue. Check the queue policy and key policy."
  namespace           = "AWS/Events"
  metric_name         = "FailedInvocations"
  dimensions          = { RuleName = each.value }
  statistic           = "Sum"
  period              = var.thresholds.period_seconds
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

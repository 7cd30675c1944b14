# The pipeline watches itself. The dead-letter queues and the failure metric have their
# alarms in their own modules (dead_letter_queue, alerts); these cover the rest.
# Metric names and dimensions: Lambda https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html,
# SQS https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html,
# EventBridge https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
locals {
  function_dimensions = { FunctionName = var.handler.function_name }
  alarms = merge(
    {
      handler-errors = {
        description = "The ${var.handler.function_name} function raised out of an invocation (a crash, a timeout, a bad configuration); its batch is redelivered. Read its log."
        namespace   = "AWS/Lambda", metric = "Errors", statistic = "Sum"
        dimensions  = local.function_dimensions, threshold = var.thresholds.errors
      }
      handler-throttles = {
        description = "Invocations of ${var.handler.function_name} were throttled (account concurrency or the mapping's maximum); events wait longer in the queue."
        namespace   = "AWS/Lambda", metric = "Throttles", statistic = "Sum"
        dimensions  = local.function_dimensions, threshold = var.thresholds.throttles
      }
      # A batch in which every record fails returns its failures and raises nothing, so
      # handler-errors stays quiet; the handler's own outcome metric sees it.
      # https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
      handler-failed-events = {
        description = "Events failed in ${var.handler.function_name} (a malformed event, a version DynamoDB cannot store, a write or alert that kept failing): SQS retries each, then the dead-letter queue keeps it. The log line of each names its event id and reason."
        namespace   = var.metric_namespace, metric = "EventsFailed", statistic = "Sum"
        dimensions  = local.stack, threshold = var.thresholds.failed_events
      }
      queue-oldest-message-age = {
        description = "An ECS event has waited over ${var.thresholds.oldest_message_age_seconds}s in ${local.queue_name}: the handler is stuck, failing the same event, or too slow for the stream."
        namespace   = "AWS/SQS", metric = "ApproximateAgeOfOldestMessage", statistic = "Maximum"
        dimensions  = { QueueName = local.queue_name }, threshold = var.thresholds.oldest_message_age_seconds
      }
    },
    { for purpose, rule in local.rule_names : "rule-${purpose}-failed-invocations" => {
      description = "EventBridge could not deliver events of rule ${rule} to the handler queue; they are in the dead-letter queue. Check the queue policy and key policy."
      namespace   = "AWS/Events", metric = "FailedInvocations", statistic = "Sum"
      dimensions  = { RuleName = rule }, threshold = 1
    } },
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = var.thresholds.period_seconds
  evaluation_periods  = 1
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

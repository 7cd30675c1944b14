data "aws_region" "current" {}

locals {
  region     = data.aws_region.current.id
  queue_name = var.handler.queue_name
  rule_names = var.handler.rule_names
  dead_letter_queue_names = compact([
    var.handler.dead_letter_queue_name,
    var.optional_parts.history_dead_letter_queue_name == null ? "" : var.optional_parts.history_dead_letter_queue_name,
  ])
  stack  = { Stack = var.name }
  period = var.thresholds.period_seconds

  outcome_widget = {
    type = "metric", width = 12, height = 6
    properties = {
      title  = "Events by outcome"
      region = local.region, view = "timeSeries", stacked = true, stat = "Sum", period = local.period
      metrics = [for outcome in ["Applied", "Duplicate", "Stale", "Skipped", "Failed"] :
        [var.metric_namespace, "Events${outcome}", "Stack", var.name, { label = lower(outcome) }]
      ]
    }
  }
  alert_widget = {
    type = "metric", width = 12, height = 6
    properties = {
      title  = "Alerts sent, and failures by family"
      region = local.region, view = "timeSeries", stat = "Sum", period = local.period
      metrics = [
        [var.metric_namespace, "Failures", "Stack", var.name, { label = "alerts sent" }],
        [{ expression = "SEARCH('{${var.metric_namespace},Cluster,Family} MetricName=\"Failures\"', 'Sum', ${local.period})", id = "families", label = "" }],
      ]
    }
  }
  queue_widget = {
    type = "metric", width = 12, height = 6
    properties = {
      title  = "Handler queue: depth and age of the oldest event"
      region = local.region, view = "timeSeries", stat = "Maximum", period = local.period
      metrics = [
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", local.queue_name, { label = "visible" }],
        ["AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", local.queue_name, { label = "in flight" }],
        ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", local.queue_name, { label = "oldest (s)", yAxis = "right" }],
      ]
      annotations = { horizontal = [{ label = "age alarm", value = var.thresholds.oldest_message_age_seconds, yAxis = "right" }] }
    }
  }
  dead_letter_widget = {
    type = "metric", width = 12, height = 6
    properties = {
      title  = "Dead-letter queues (redrive after a fix)"
      region = local.region, view = "timeSeries", stat = "Maximum", period = local.period
      metrics = [for queue in local.dead_letter_queue_names :
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue, { label = queue }]
      ]
    }
  }
  function_widget = {
    type = "metric", width = 12, height = 6
    properties = {
      title  = "Handler and rules"
      region = local.region, view = "timeSeries", stat = "Sum", period = local.period
      metrics = concat(
        [for metric in ["Invocations", "Errors", "Throttles"] :
          ["AWS/Lambda", metric, "FunctionName", var.handler.function_name, { label = lower(metric) }]
        ],
        [for purpose, rule in local.rule_names :
          ["AWS/Events", "FailedInvocations", "RuleName", rule, { label = "${purpose} failed deliveries" }]
        ],
      )
    }
  }
  reconciler_widgets = var.optional_parts.reconciler_function_name == null ? [] : [{
    type = "metric", width = 12, height = 6
    properties = {
      title  = "Reconciler runs"
      region = local.region, view = "timeSeries", stat = "Sum", period = local.period
      metrics = [for metric in ["Invocations", "Errors"] :
        ["AWS/Lambda", metric, "FunctionName", var.optional_parts.reconciler_function_name, { label = lower(metric) }]
      ]
    }
  }]
  scheduled_task_widgets = length(var.optional_parts.scheduled_tasks) == 0 ? [] : [{
    type = "metric", width = 12, height = 6
    properties = {
      title  = "Scheduled jobs: runs, failures, skips"
      region = local.region, view = "timeSeries", stat = "Sum", period = local.period
      metrics = flatten([for job in var.optional_parts.scheduled_tasks : concat(
        [for metric in ["ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"] :
          ["AWS/States", metric, "StateMachineArn", job.state_machine_arn]
        ],
        job.skipped_runs_metric == null ? [] : [concat(
          [job.skipped_runs_metric.namespace, job.skipped_runs_metric.metric_name],
          flatten([for key, value in job.skipped_runs_metric.dimensions : [key, value]]),
        )],
      )])
    }
  }]
}

# Dashboards are global to the account, not regional: the region in the name lets the same
# deployment name run in several regions. Names: up to 255 of A-Z a-z 0-9 - _.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cw-dashboard.html
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = "${var.name}-${local.region}"
  dashboard_body = jsonencode({
    widgets = concat(
      [local.outcome_widget, local.alert_widget, local.queue_widget, local.dead_letter_widget, local.function_widget],
      local.reconciler_widgets,
      local.scheduled_task_widgets,
    )
  })
}

locals {
  # Task, container-instance and service-action events name their cluster in
  # detail.clusterArn; deployment events only in `resources` (service/<cluster>/<name>).
  service_prefixes = [
    for arn in var.cluster_arns :
    { prefix = "${split(":cluster/", arn)[0]}:service/${split("/", arn)[1]}/" }
  ]

  event_pattern = length(var.cluster_arns) == 0 ? jsonencode({ source = ["aws.ecs"] }) : jsonencode({
    source = ["aws.ecs"]
    "$or" = [
      { detail = { clusterArn = var.cluster_arns } },
      { resources = local.service_prefixes },
    ]
  })
}

# --- EventBridge -> CloudWatch Logs, no Lambda in between -------------------------------

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:retention_in_days is var.retention_days, the root module's log_retention_days (365 days) unless history.retention_days is set; checkov cannot evaluate coalesce() over the optional attribute.
  # EventBridge's console lists only log groups under /aws/events/ as targets.
  name              = "/aws/events/${var.name}"
  retention_in_days = var.retention_days
  log_group_class   = var.log_group_class
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_cloudwatch_event_rule" "this" {
  name           = "${var.name}-history"
  description    = "Every ECS event of the selected clusters, kept in ${aws_cloudwatch_log_group.this.name}"
  event_bus_name = var.event_bus_name
  event_pattern  = local.event_pattern
  tags           = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule           = aws_cloudwatch_event_rule.this.name
  event_bus_name = var.event_bus_name
  arn            = aws_cloudwatch_log_group.this.arn

  # Events the log group cannot take are kept, not dropped.
  dead_letter_config {
    arn = module.dead_letter.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }
}

# EventBridge writes to CloudWatch Logs through an account-level Logs resource policy, not a
# role. This is the form EventBridge documents, with no aws:SourceArn condition: the page
# shows none for delivery to CloudWatch Logs, and a condition the service does not send
# would refuse every event (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions).
# It admits EventBridge to every /aws/events/ log group of this account and region, so one
# policy serves every deployment of the region: a region holds at most 10 such policies,
# shared with Route 53, OpenSearch and others
# (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html).
data "aws_iam_policy_document" "log_delivery" {
  statement {
    sid       = "EventBridgeRulesWriteEventLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${split(":log-group:", aws_cloudwatch_log_group.this.arn)[0]}:log-group:/aws/events/*:*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "delivery.logs.amazonaws.com"]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "this" {
  count = var.create_log_resource_policy ? 1 : 0

  policy_name     = "${var.name}-history"
  policy_document = data.aws_iam_policy_document.log_delivery.json
}

# Before the policy became optional it had no index.
moved {
  from = aws_cloudwatch_log_resource_policy.this
  to   = aws_cloudwatch_log_resource_policy.this[0]
}

# --- dead letters ------------------------------------------------------------------------

module "dead_letter" {
  source = "../dead_letter_queue"

  name = "${var.name}-history-dlq"
  senders = [{
    service     = "events.amazonaws.com"
    source_arns = [aws_cloudwatch_event_rule.this.arn]
  }]
  alarm_description = "ECS events could not be written to ${aws_cloudwatch_log_group.this.name} and wait in ${var.name}-history-dlq; check the log group's resource policy and KMS key."
  alarm_actions     = var.alarm_actions
  kms_key_arn       = var.kms_key_arn
  tags              = var.tags
}

# The ECS console's History tab (event history) for each chosen cluster, turned on from
# Terraform: the log group and EventBridge rule the console itself creates when capture is
# turned on there, under the names it looks for. There is no API switch
# (terraform-provider-aws#44653); the console finds capture by these two names alone.
# What the console needs (events:PutRule, events:PutTargets, a Logs resource policy for
# /aws/events/ecs/containerinsights/*):
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/container-insights-ECS-lifecycle-events.html

module "naming" {
  source = "./naming"

  cluster_arns = var.cluster_arns
}

locals {
  clusters = { for arn in var.cluster_arns : arn => {
    name      = split("/", arn)[1]
    partition = split(":", arn)[1]
    region    = split(":", arn)[3]
    account   = split(":", arn)[4]
    rule_name = module.naming.rule_names[arn]
    log_group = "/aws/events/ecs/containerinsights/${split("/", arn)[1]}/performance"
    # As modules/history: task, container-instance and service-action events name their
    # cluster in detail.clusterArn; deployment events only in `resources`
    # (arn:...:service/<cluster>/<service>).
    event_pattern = jsonencode({
      source = ["aws.ecs"]
      "$or" = [
        { detail = { clusterArn = [arn] } },
        { resources = [{ prefix = "${split(":cluster/", arn)[0]}:service/${split("/", arn)[1]}/" }] },
      ]
    })
  } }
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:retention_in_days is var.retention_days; the console's own default is 7 days and a year is the caller's choice.
  for_each = var.create_log_groups ? local.clusters : {}

  name              = each.value.log_group
  retention_in_days = var.retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = local.clusters

  name           = each.value.rule_name
  description    = "ECS console History tab of cluster ${each.value.name}: every event of the cluster, kept in ${each.value.log_group}"
  event_bus_name = "default" # where ECS puts its events, and where the console looks
  event_pattern  = each.value.event_pattern
  tags           = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = local.clusters

  rule           = aws_cloudwatch_event_rule.this[each.key].name
  event_bus_name = "default"
  # Known at plan time whether the group is created here or already exists (rule-only).
  arn = "arn:${each.value.partition}:logs:${each.value.region}:${each.value.account}:log-group:${each.value.log_group}"
  # No input or input_transformer: the whole event is written, as the console expects.

  # Events the group cannot take (policy, KMS key) are kept, not dropped.
  dead_letter_config {
    arn = module.dead_letter.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }

  depends_on = [aws_cloudwatch_log_group.this]
}

# Only where nothing else admits EventBridge to /aws/events/ log groups: the event log's
# policy (modules/history) already covers /aws/events/*, these groups included. One policy
# for every cluster, never one per cluster: a region holds at most 10
# (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html).
data "aws_iam_policy_document" "log_delivery" {
  statement {
    sid       = "EventBridgeRulesWriteConsoleHistory"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = distinct([for cluster in local.clusters : "arn:${cluster.partition}:logs:${cluster.region}:${cluster.account}:log-group:/aws/events/*:*"])

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "delivery.logs.amazonaws.com"]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "this" {
  count = var.create_log_resource_policy ? 1 : 0

  policy_name     = "${var.name}-console-history"
  policy_document = data.aws_iam_policy_document.log_delivery.json
}

# One queue for every cluster's console rule: what a group could not take waits here.
module "dead_letter" {
  source = "../dead_letter_queue"

  name = "${var.name}-console-history-dlq"
  senders = [{
    service     = "events.amazonaws.com"
    source_arns = [for rule in aws_cloudwatch_event_rule.this : rule.arn]
  }]
  alarm_description = "ECS events could not be written to the console's History log groups (/aws/events/ecs/containerinsights/<cluster>/performance) and wait in ${var.name}-console-history-dlq; check the Logs resource policy and KMS key."
  alarm_actions     = var.alarm_actions
  kms_key_arn       = var.queue_kms_key_arn
  tags              = var.tags
}

# A member account's part of a fleet, once per account and region: one rule on the
# default bus that forwards the ECS events the central module consumes to the central
# bus, the role EventBridge needs for that, and a dead-letter queue with an alarm.
# Nothing else, except (once per account) the read-only role the central reconciler
# may assume. Cross-account and cross-Region bus targets need a role:
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html

data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # IAM is global: the region in the role's name lets one account forward from several
  # regions with the same `name`.
  role_name = "${var.name}-forward-${data.aws_region.current.id}"

  # As modules/history: task, container-instance, service-action, instance-health and
  # daemon events name their cluster in detail.clusterArn, deployment events only in
  # `resources`. Hook events name neither (only detail.serviceArn), so a forwarder limited
  # to clusters still forwards hooks of every cluster (the central hook rule takes them all
  # and the handler decides). Each branch of $or is a whole pattern, type list included,
  # so no key stands both inside and outside $or.
  service_prefixes = [
    for arn in var.cluster_arns :
    { prefix = "${split(":cluster/", arn)[0]}:service/${split("/", arn)[1]}/" }
  ]
  hook_types    = [for type in var.detail_types : type if type == "ECS Hook State Change"]
  cluster_types = [for type in var.detail_types : type if type != "ECS Hook State Change"]
  event_pattern = length(var.cluster_arns) == 0 ? jsonencode({
    source = ["aws.ecs"], "detail-type" = var.detail_types
    }) : jsonencode({
    source = ["aws.ecs"]
    "$or" = concat(
      [for types in(length(local.cluster_types) > 0 ? [local.cluster_types] : []) : { "detail-type" = types, detail = { clusterArn = var.cluster_arns } }],
      [for types in(length(local.cluster_types) > 0 ? [local.cluster_types] : []) : { "detail-type" = types, resources = local.service_prefixes }],
      [for types in(length(local.hook_types) > 0 ? [local.hook_types] : []) : { "detail-type" = types }],
    )
  })
}

resource "aws_cloudwatch_event_rule" "this" {
  name           = "${var.name}-forward"
  description    = "ECS events of this account and region, forwarded to the central bus ${var.central_bus_arn}"
  event_bus_name = "default" # where ECS puts its events
  event_pattern  = local.event_pattern
  tags           = var.tags
}

# EventBridge's default quota on a pattern is 2,048 characters (adjustable; "Event pattern
# size", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html). Each
# cluster takes about 130 (its ARN and its service prefix), so about 11 fit beside the
# event types, which the pattern names twice. A warning,
# not an error: an account may have raised the quota.
check "pattern_size" {
  assert {
    condition     = length(local.event_pattern) <= 2048
    error_message = "The forwarding pattern of ${var.name} exceeds EventBridge's default 2,048 characters: name fewer cluster_arns (about 11 fit), none (every cluster of this account and region), or raise the quota."
  }
}

resource "aws_cloudwatch_event_target" "this" {
  rule     = aws_cloudwatch_event_rule.this.name
  arn      = var.central_bus_arn
  role_arn = aws_iam_role.this.arn

  # Events the central bus refuses (policy, throttling beyond the retries) are kept.
  dead_letter_config {
    arn = module.dead_letter.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = var.retry.maximum_event_age_seconds
    maximum_retry_attempts       = var.retry.maximum_attempts
  }
}

module "dead_letter" {
  source = "../dead_letter_queue"

  name = "${var.name}-forward-dlq"
  senders = [{
    service     = "events.amazonaws.com"
    source_arns = [aws_cloudwatch_event_rule.this.arn]
  }]
  alarm_description = "ECS events of ${data.aws_region.current.id} could not be forwarded to ${var.central_bus_arn} and wait in ${var.name}-forward-dlq; check the central bus policy admits this account and the role ${local.role_name}, then redrive."
  alarm_actions     = var.alarm_actions
  kms_key_arn       = var.kms_key_arn
  tags              = var.tags
}

# The console's History tab of the member's clusters: the console reads this account.
module "console_history" {
  source = "../console_history"
  count  = var.console_history.enabled ? 1 : 0

  name                       = var.name
  cluster_arns               = var.cluster_arns
  retention_days             = var.console_history.retention_days
  create_log_groups          = var.console_history.create_log_groups
  create_log_resource_policy = var.console_history.create_log_resource_policy
  kms_key_arn                = var.console_history.kms_key_arn
  queue_kms_key_arn          = var.kms_key_arn
  alarm_actions              = var.alarm_actions
  tags                       = var.tags
}

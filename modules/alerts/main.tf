locals {
  create_topic = var.topic_arn == null
  topic_arn    = local.create_topic ? aws_sns_topic.this[0].arn : var.topic_arn
  # The key that encrypts the topic published to: the module's own (kms_key_arn) on the
  # topic it creates, the caller's (topic_kms_key_arn) on a topic the caller brings.
  topic_key_arn = local.create_topic ? var.kms_key_arn : var.topic_kms_key_arn

  # arn:<partition>:sns:<region>:<account>:<name>: the account and region the handler
  # publishes from, so the default log scope stays in them.
  topic_parts = split(":", local.topic_arn)
  # GetLogEvents is authorized on the log stream:
  # arn:<partition>:logs:<region>:<account>:log-group:<group>:log-stream:<stream>
  # (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html).
  log_stream_arns = length(var.log_reader.log_group_arns) > 0 ? [
    for arn in var.log_reader.log_group_arns : "${arn}:log-stream:*"
  ] : ["arn:${local.topic_parts[1]}:logs:${local.topic_parts[3]}:${local.topic_parts[4]}:log-group:*:log-stream:*"]
}

resource "aws_sns_topic" "this" {
  count = local.create_topic ? 1 : 0

  name = "${var.name}-alerts"
  # AWS managed key unless a customer key is given; SNS has no unencrypted default here.
  kms_master_key_id = coalesce(var.kms_key_arn, "alias/aws/sns")
  tags              = var.tags
}

data "aws_iam_policy_document" "topic" {
  count = local.create_topic ? 1 : 0

  statement {
    sid       = "PublishersPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this[0].arn]

    principals {
      type        = "AWS"
      identifiers = var.publisher_role_arns
    }
  }

  # Same-account IAM policies could otherwise grant Publish to anyone: alerts must
  # come only from the handler, or people stop trusting them.
  statement {
    sid       = "OnlyPublishersPublish"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this[0].arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = var.publisher_role_arns
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish", "sns:Subscribe"]
    resources = [aws_sns_topic.this[0].arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  count = local.create_topic ? 1 : 0

  arn    = aws_sns_topic.this[0].arn
  policy = data.aws_iam_policy_document.topic[0].json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = local.create_topic ? toset(var.email_addresses) : toset([])

  topic_arn = aws_sns_topic.this[0].arn
  protocol  = "email"
  endpoint  = each.value
}

# Which failures were alerted: a duplicate delivery finds its alert here and stays quiet.
resource "aws_dynamodb_table" "sent" {
  name                        = "${var.name}-alerts"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "alertKey"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "alertKey"
    type = "S"
  }

  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "failures" {
  count = var.alarm.enabled ? 1 : 0

  alarm_name          = "${var.name}-task-failures"
  alarm_description   = "ECS tasks, deployments or services of ${var.name} failed; the alert topic has the details of each."
  namespace           = var.metric_namespace
  metric_name         = "Failures"
  dimensions          = { Stack = var.name }
  statistic           = "Sum"
  period              = var.alarm.period_seconds
  evaluation_periods  = 1
  threshold           = var.alarm.threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

# What the publisher (the handler) may do; the handler module attaches it to its role.
data "aws_iam_policy_document" "publisher" {
  source_policy_documents = concat(
    var.log_reader.enabled ? [data.aws_iam_policy_document.log_reader[0].json] : [],
    local.wake ? [data.aws_iam_policy_document.schedule_wake_ups[0].json] : [],
  )

  statement {
    sid       = "PublishAlerts"
    actions   = ["sns:Publish"]
    resources = [local.topic_arn]
  }

  statement {
    sid = "RememberAlerts"
    # GetItem: an incident is read (consistently) before each change, which is one
    # conditional write on the revision read.
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.sent.arn]
  }

  dynamic "statement" {
    # Publishing to a topic encrypted with a customer key needs the key
    # (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
    for_each = local.topic_key_arn == null ? [] : [local.topic_key_arn]
    content {
      sid       = "EncryptAlerts"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

# The failed container's last log lines, read-only: where it logs (its task definition)
# and the last events of one stream per alert.
data "aws_iam_policy_document" "log_reader" {
  count = var.log_reader.enabled ? 1 : 0

  statement {
    sid       = "ReadLastLogLines"
    actions   = ["logs:GetLogEvents"]
    resources = local.log_stream_arns
  }

  statement {
    # DescribeTaskDefinition has no resource type, so it takes "*" (Service Authorization
    # Reference, ECS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
    sid       = "ReadLogConfiguration"
    actions   = ["ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }
}

# Every input of the module, with a customer managed KMS key whose policy lets the
# services that use it do so.
provider "aws" {
  region = var.region
}

data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # The key's own ARN names the account, so no AWS call is needed at plan time.
  account_id = split(":", aws_kms_key.this.arn)[4]
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: ECS event mirror tables, queues and logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_111:In a key policy the resource "*" is this key alone.
  #checkov:skip=CKV_AWS_356:In a key policy the resource "*" is this key alone.
  #checkov:skip=CKV_AWS_109:In a key policy the resource "*" is this key alone; the account root must administer its key.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy, "*" is this key

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"]
    }
  }

  # EventBridge delivering to the encrypted queues (the handler's queue and the dead-letter
  # queues), in the form AWS documents, with no condition: the documented statement has
  # none, and no AWS page shows aws:SourceAccount or aws:SourceArn honoured on EventBridge's
  # KMS requests (the conditions on eb-encryption-key-policy.html are for encrypted event
  # buses). A condition the request does not carry refuses every event, which EventBridge
  # then retries for 24 hours. Unverified on AWS (docs/operations.md, "Deploying to a real AWS
  # account").
  # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
  statement {
    sid       = "EventBridgeWritesEncryptedQueues"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }

  # CloudWatch alarms publishing to the encrypted operations topic (alarm_actions): without
  # this statement the alarms change state and nobody is notified.
  # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
  statement {
    sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }

  # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
  statement {
    sid       = "CloudWatchLogsEncryptsLogGroups"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.id}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${local.account_id}:log-group:*"]
    }
  }
}

resource "aws_kms_key_policy" "this" {
  key_id = aws_kms_key.this.id
  policy = data.aws_iam_policy_document.key.json
}

resource "aws_sns_topic" "operations" {
  name              = "${var.name}-operations"
  kms_master_key_id = aws_kms_key.this.arn
  tags              = var.tags
}

module "ecs_events" {
  source = "../../"

  name         = var.name
  cluster_arns = var.cluster_arns
  kms_key_arn  = aws_kms_key.this.arn

  tables = {
    deletion_protection    = false
    point_in_time_recovery = true
    retention_days         = 30
    query_indexes          = true
  }

  handler = {
    memory_mb               = 512
    timeout_seconds         = 30
    batch_size              = 25
    batching_window_seconds = 2
    maximum_concurrency     = 10
    log_level               = "DEBUG"
    tracing_mode            = "Active"
  }

  alerts = {
    enabled         = true
    email_addresses = var.alert_email_addresses
    triggers = {
      task_exit          = true
      task_start_failure = true
      deployment_failure = true
      service_action     = true
      instance_health    = true
      daemon_failure     = true
      hook_failure       = true
      spot_interruption  = false
    }
    storm_window_minutes = 15
    last_log_lines = {
      enabled        = true
      lines          = 10
      timeout_ms     = 2000
      log_group_arns = ["arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/*"]
    }
    chat_format = true
    exit_codes  = [1, 137, 139, 255]
    families    = []
    services    = []
    alarm = {
      enabled        = true
      threshold      = 3
      period_seconds = 300
    }
  }

  history = {
    enabled        = true
    retention_days = 400
  }

  reconciler = {
    enabled          = true
    schedule_minutes = 10
    memory_mb        = 256
    timeout_seconds  = 300
    log_level        = "INFO"
  }

  log_retention_days = 731
  alarm_actions      = [aws_sns_topic.operations.arn]
  tags               = var.tags

  depends_on = [aws_kms_key_policy.this]
}

locals {
  # SQS redelivers a message whose receive outlived the visibility timeout; AWS
  # recommends six times the function timeout so a retried batch is not doubled.
  visibility_timeout_seconds = var.function.timeout_seconds * 6

  # The queue's ARN before it exists (the dead-letter queue's, with this name), so its
  # policy can be part of the queue: a separate aws_sqs_queue_policy makes every apply
  # wait again for SQS attributes to settle.
  queue_arn = join(":", concat(slice(split(":", module.dead_letter.arn), 0, 5), [var.name]))

  # The events the state mirror is made of; detail.clusterArn is present on both types.
  state_change_pattern = merge(
    {
      source        = ["aws.ecs"]
      "detail-type" = ["ECS Task State Change", "ECS Container Instance State Change"]
    },
    length(var.cluster_arns) == 0 ? {} : { detail = { clusterArn = var.cluster_arns } },
  )
  event_patterns = merge({ state = jsonencode(local.state_change_pattern) }, var.event_patterns)
}

# --- EventBridge -> SQS ---------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "this" {
  for_each = local.event_patterns

  name           = "${var.name}-${each.key}"
  description    = "ECS events for the ${var.name} handler: ${each.key}"
  event_bus_name = var.event_bus_name
  event_pattern  = each.value
  tags           = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = local.event_patterns

  rule           = aws_cloudwatch_event_rule.this[each.key].name
  event_bus_name = var.event_bus_name
  arn            = aws_sqs_queue.this.arn

  # Events that cannot reach the queue are kept, not dropped.
  dead_letter_config {
    arn = module.dead_letter.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }
}

resource "aws_sqs_queue" "this" {
  name                       = var.name
  visibility_timeout_seconds = local.visibility_timeout_seconds
  message_retention_seconds  = 345600 # 4 days
  receive_wait_time_seconds  = 20
  sqs_managed_sse_enabled    = var.kms_key_arn == null ? true : null
  kms_master_key_id          = var.kms_key_arn

  redrive_policy = jsonencode({
    deadLetterTargetArn = module.dead_letter.arn
    maxReceiveCount     = 5
  })
  policy = data.aws_iam_policy_document.queue.json

  tags = var.tags
}

# No redrive allow policy: it can name the source queue only once that queue exists, and
# each SQS attribute change makes every apply wait ~25 s more for it to settle. Without
# one, another queue of the account could name this one as its dead-letter queue: noise
# in the alarm at worst, which is the trade.
module "dead_letter" {
  source = "../dead_letter_queue"

  name = "${var.name}-dlq"
  # Events a rule could not deliver to the queue land here too.
  senders = [{
    service     = "events.amazonaws.com"
    source_arns = [for rule in aws_cloudwatch_event_rule.this : rule.arn]
  }]
  alarm_description = "ECS events the handler could not process, or EventBridge could not deliver, wait in ${var.name}-dlq; the handler's log names each event id and reason. Fix, then redrive."
  alarm_actions     = var.alarm_actions
  kms_key_arn       = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "queue" {
  statement {
    sid       = "EventBridgeRulesSend"
    actions   = ["sqs:SendMessage"]
    resources = [local.queue_arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [for rule in aws_cloudwatch_event_rule.this : rule.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [local.queue_arn]

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

# --- Lambda --------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:A Lambda DLQ only serves asynchronous invokes; SQS invokes this function and the queue's redrive policy keeps failed events in the dead-letter queue.
  #checkov:skip=CKV_AWS_117:The function calls only AWS APIs; a VPC would need NAT or endpoints and adds cost without narrowing what it can reach.
  #checkov:skip=CKV_AWS_115:Concurrency is bounded by the event source mapping's maximum_concurrency, which does not take reserved capacity from the account.
  #checkov:skip=CKV_AWS_272:The package is built deterministically from lambda_src and tests fail when the committed zip differs; code signing needs a signer profile the caller would have to own.
  #checkov:skip=CKV_AWS_50:tracing_config.mode is var.function.tracing_mode, validated to PassThrough or Active; checkov cannot read object inputs.
  function_name    = var.name
  description      = "Mirrors ECS task and container-instance state into DynamoDB"
  role             = aws_iam_role.this.arn
  runtime          = "python3.13"
  architectures    = ["arm64"]
  handler          = "ecs_events.handler.lambda_handler"
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  memory_size      = var.function.memory_mb
  timeout          = var.function.timeout_seconds
  kms_key_arn      = var.kms_key_arn

  environment {
    variables = merge(var.environment, {
      TASK_TABLE_NAME               = var.state.task_table_name
      CONTAINER_INSTANCE_TABLE_NAME = var.state.container_instance_table_name
    })
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.function.log_level
    system_log_level      = "WARN"
  }

  tracing_config {
    mode = var.function.tracing_mode
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn                   = aws_sqs_queue.this.arn
  function_name                      = aws_lambda_function.this.arn
  batch_size                         = var.function.batch_size
  maximum_batching_window_in_seconds = var.function.batching_window_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.function.maximum_concurrency
  }

  tags = var.tags
}

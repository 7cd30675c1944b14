data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_region" "current" {}

resource "aws_iam_role" "this" {
  # IAM is global: the region in the name lets one name be deployed in several regions.
  name                 = "${var.name}-${data.aws_region.current.id}"
  path                 = var.iam_role_path
  permissions_boundary = var.iam_permissions_boundary_arn
  description          = "Runs the ${var.name} ECS event handler in ${data.aws_region.current.id}"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = length("${var.name}-${data.aws_region.current.id}") <= 64
      error_message = "The handler role ${var.name}-${data.aws_region.current.id} is longer than IAM's 64 characters; shorten name."
    }
  }
}

data "aws_iam_policy_document" "this" {
  source_policy_documents = var.extra_policy_json == null ? [] : [var.extra_policy_json]

  statement {
    sid = "ConsumeQueue"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
    ]
    resources = [aws_sqs_queue.this.arn]
  }

  statement {
    sid       = "WriteState"
    actions   = ["dynamodb:PutItem"]
    resources = [var.state.task_table_arn, var.state.container_instance_table_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    # SQS encrypted with a customer key: reading messages needs the key.
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "DecryptQueue"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.function.tracing_mode == "Active" ? [1] : []
    content {
      sid = "WriteTraces"
      # X-Ray has no resource-level permissions for these actions.
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "handler"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

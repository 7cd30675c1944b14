# --- the function's role: read ECS, write the two tables ---------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  # IAM is global: the region in the name lets one name be deployed in several regions.
  name                 = local.role_names.function
  path                 = var.iam_role_path
  permissions_boundary = var.iam_permissions_boundary_arn
  description          = "Runs the ${var.name} ECS state reconciler in ${data.aws_region.current.id}"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = alltrue([for role in values(local.role_names) : length(role) <= 64])
      error_message = "The reconciler roles ${join(" and ", values(local.role_names))} must fit IAM's 64 characters; shorten name."
    }
  }
}

# Read-only ECS of the given clusters, or of this region's clusters when none is given.
# Known at plan time, so the plan shows exactly what the role may read.
module "read_ecs" {
  source = "../ecs_read_policy"

  cluster_arns  = local.cluster_arns
  list_clusters = length(var.cluster_arns) == 0
}

data "aws_iam_policy_document" "this" {
  source_policy_documents = [module.read_ecs.json]

  statement {
    sid = "ReadAndWriteState"
    # BatchGetItem reads the stored versions, so only newer states are written: DynamoDB
    # bills a refused conditional write ten times a read of the same item.
    actions   = ["dynamodb:BatchGetItem", "dynamodb:PutItem"]
    resources = [var.state.task_table_arn, var.state.container_instance_table_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  statement {
    # Lambda sends failed asynchronous invocations to the DLQ with this role.
    sid       = "SendDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [module.dead_letter.arn]
  }

  dynamic "statement" {
    # Member accounts lend a read-only role (modules/forwarder); nothing else is assumed.
    for_each = length(var.member_role_arns) == 0 ? [] : [var.member_role_arns]
    content {
      sid       = "ReadMemberAccounts"
      actions   = ["sts:AssumeRole"]
      resources = statement.value
    }
  }

  dynamic "statement" {
    # The environment and the dead-letter queue are encrypted with the customer key.
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "UseKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "reconciler"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# --- the schedule's role: invoke the function, keep what it could not deliver -------------

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    # Only schedules of this account may use the role (the confused-deputy guard that
    # EventBridge Scheduler documents for its execution role:
    # https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name                 = local.role_names.scheduler
  path                 = var.iam_role_path
  permissions_boundary = var.iam_permissions_boundary_arn
  description          = "Lets EventBridge Scheduler start the ${var.name} ECS state reconciler in ${data.aws_region.current.id}"
  assume_role_policy   = data.aws_iam_policy_document.scheduler_assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "InvokeReconciler"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.this.arn]
  }

  statement {
    sid       = "SendDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [module.dead_letter.arn]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "UseKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "schedule"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

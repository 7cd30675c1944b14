# Two roles: Scheduler's, which may only start this state machine (and feed its DLQ), and the
# state machine's, one inline policy per purpose. ARNs are built from inputs, the partition and
# the region so nothing here calls AWS at plan time.

locals {
  task_definition_family = regex("task-definition/([A-Za-z0-9_-]+)", var.task.task_definition_arn)[0]
  # Any revision of the family: a new revision must not need a new policy.
  task_definition_family_arn = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${local.task_definition_family}:*"
  cluster_name               = regex("cluster/([A-Za-z0-9_-]+)$", var.task.cluster_arn)[0]
  # ECS task ARNs in the long format carry the cluster name.
  cluster_task_arns  = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${local.cluster_name}/*"
  passable_role_arns = compact([var.task.task_role_arn, var.task.execution_role_arn])
  state_machine_keys = distinct(compact(concat([var.kms_key_arn], var.topic_kms_key_arns)))
}

# --- EventBridge Scheduler ---------------------------------------------------------------------

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name_prefix          = "${local.role_name_prefix}-schedule-"
  path                 = var.iam_role_path
  permissions_boundary = var.iam_permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.scheduler_assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "StartThisStateMachineOnly"
    actions   = ["states:StartExecution"]
    resources = [local.state_machine_arn]
  }

  statement {
    sid       = "DeadLetterUndeliveredTriggers"
    actions   = ["sqs:SendMessage"]
    resources = [local.dead_letter_queue_arn]
  }

  dynamic "statement" {
    # The encrypted state machine, DLQ and schedule input all need the key.
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "UseCustomerKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "start-state-machine"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

# --- Step Functions --------------------------------------------------------------------------

data "aws_iam_policy_document" "state_machine_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.state_machine_arn]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  name_prefix          = "${local.role_name_prefix}-sfn-"
  path                 = var.iam_role_path
  permissions_boundary = var.iam_permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.state_machine_assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "state_machine" {
  statement {
    sid       = "RunOnlyThisTaskFamilyOnThisCluster"
    actions   = ["ecs:RunTask"]
    resources = [local.task_definition_family_arn]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.task.cluster_arn]
    }
  }

  statement {
    # The state machine watches the task it started and stops it when it gives up on it;
    # a contender for the lease checks whether the previous owner's task has stopped.
    sid       = "WatchAndStopTasksOnThisCluster"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = [local.cluster_task_arns]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.task.cluster_arn]
    }
  }

  statement {
    # ListTasks names no task; the cluster condition scopes it. A contender uses it to find a
    # task the previous owner started (startedBy = its runId) but never recorded.
    #checkov:skip=CKV_AWS_356:ListTasks has no task resource to scope to; the ecs:cluster condition limits it to this cluster.
    sid       = "FindTasksStartedByThisJob"
    actions   = ["ecs:ListTasks"]
    resources = ["*"]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.task.cluster_arn]
    }
  }

  statement {
    # PropagateTags = TASK_DEFINITION tags the task as RunTask creates it, which ECS authorizes
    # as ecs:TagResource; the condition allows tagging only as part of RunTask
    # (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html).
    sid       = "TagTasksOnlyWhileRunTaskCreatesThem"
    actions   = ["ecs:TagResource"]
    resources = [local.cluster_task_arns]
    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RunTask"]
    }
  }

  dynamic "statement" {
    for_each = length(local.passable_role_arns) == 0 ? [] : [local.passable_role_arns]
    content {
      sid       = "PassOnlyTheTaskRoles"
      actions   = ["iam:PassRole"]
      resources = statement.value
      condition {
        test     = "StringEquals"
        variable = "iam:PassedToService"
        values   = ["ecs-tasks.amazonaws.com"]
      }
    }
  }

  statement {
    sid       = "TakeAndReleaseTheLease"
    actions   = ["dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [local.lease_table_arn]
    # A shared table holds other jobs' leases: this job may touch its own lease and its own
    # skip records ("<name>#skipped#<slot>") only.
    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = [var.name, "${var.name}#skipped#*"]
    }
  }

  statement {
    sid       = "CheckWhetherTheLeaseOwnerRuns"
    actions   = ["states:DescribeExecution"]
    resources = [local.execution_arns]
  }

  statement {
    #checkov:skip=CKV_AWS_356:PutMetricData supports no resource; the namespace condition scopes it.
    sid       = "CountSkippedRuns"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.metric_namespace]
    }
  }

  statement {
    sid       = "AlertFailedAndNotifySkippedRuns"
    actions   = ["sns:Publish"]
    resources = compact([local.alert_topic_arn, var.skipped_notice_topic_arn])
  }

  dynamic "statement" {
    # The module's key, and the keys of topics the caller brings.
    for_each = length(local.state_machine_keys) == 0 ? [] : [local.state_machine_keys]
    content {
      sid       = "UseCustomerKeys"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = statement.value
    }
  }
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "run-task-with-lease"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}

data "aws_iam_policy_document" "state_machine_logging" {
  #checkov:skip=CKV_AWS_111:CloudWatch Logs delivery and X-Ray actions support no resource-level permissions.
  #checkov:skip=CKV_AWS_356:CloudWatch Logs delivery and X-Ray actions support no resource-level permissions.
  statement {
    sid = "DeliverExecutionLogs"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }

  statement {
    sid = "SendTraces"
    actions = [
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "state_machine_logging" {
  name   = "logs-and-traces"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine_logging.json
}

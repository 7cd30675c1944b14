# --- incidents: the quiet period's wake-ups ------------------------------------------------
#
# An incident that resolves after a quiet period needs a wake-up when no event arrives. The
# handler creates one one-time EventBridge Scheduler schedule per open incident (at(),
# ActionAfterCompletion DELETE: it deletes itself once it has fired,
# https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-delete.html)
# that sends a wake-up to the handler's own queue. Nothing runs, and nothing is billed, while
# no incident is open. The group keeps those schedules apart, so the handler's permissions
# reach its own schedules only.

locals {
  wake = var.incident_wake.enabled
  # arn:<partition>:sqs:<region>:<account>:<name>
  wake_queue_parts = split(":", coalesce(var.incident_wake.queue_arn, "arn:aws:sqs:-:-:-"))
  wake_schedule_arns = local.wake ? [
    "arn:${local.wake_queue_parts[1]}:scheduler:${local.wake_queue_parts[3]}:${local.wake_queue_parts[4]}:schedule/${aws_scheduler_schedule_group.incidents[0].name}/*"
  ] : []
}

resource "aws_scheduler_schedule_group" "incidents" {
  count = local.wake ? 1 : 0

  name = "${var.name}-incidents"
  tags = var.tags
}

data "aws_iam_policy_document" "wake_assume" {
  count = local.wake ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    # Only this account's schedules may use the role (the confused-deputy guard EventBridge
    # Scheduler documents for its execution role:
    # https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.wake_queue_parts[4]]
    }
  }
}

resource "aws_iam_role" "incident_wake" {
  count = local.wake ? 1 : 0

  # IAM is global: the region in the name lets one name be deployed in several regions.
  name                 = "${var.name}-wake-${local.wake_queue_parts[3]}"
  path                 = var.iam_role_path
  permissions_boundary = var.iam_permissions_boundary_arn
  description          = "Lets EventBridge Scheduler wake the ${var.name} handler when an incident's quiet period ends"
  assume_role_policy   = data.aws_iam_policy_document.wake_assume[0].json
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = length("${var.name}-wake-${local.wake_queue_parts[3]}") <= 64
      error_message = "The incident wake-up role ${var.name}-wake-${local.wake_queue_parts[3]} must fit IAM's 64 characters; shorten name."
    }
  }
}

# The schedule's target is SQS SendMessage on the handler's queue, which needs
# sqs:SendMessage (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets.html)
# and, on a queue encrypted with a customer key, the key.
data "aws_iam_policy_document" "incident_wake" {
  count = local.wake ? 1 : 0

  statement {
    sid       = "WakeTheHandler"
    actions   = ["sqs:SendMessage"]
    resources = [var.incident_wake.queue_arn]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "EncryptWakeUps"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "incident_wake" {
  count = local.wake ? 1 : 0

  name   = "wake"
  role   = aws_iam_role.incident_wake[0].id
  policy = data.aws_iam_policy_document.incident_wake[0].json
}

# What the handler needs for the wake-ups: its own group's schedules, and passing the
# wake-up role to EventBridge Scheduler and nothing else.
data "aws_iam_policy_document" "schedule_wake_ups" {
  count = local.wake ? 1 : 0

  statement {
    sid       = "ScheduleWakeUps"
    actions   = ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule"]
    resources = local.wake_schedule_arns
  }

  statement {
    sid       = "PassTheWakeUpRole"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.incident_wake[0].arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["scheduler.amazonaws.com"]
    }
  }
}

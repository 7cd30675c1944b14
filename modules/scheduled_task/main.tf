data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  # `region` replaces `name` in provider 6; `id` holds the region name in both 5 and 6.
  region = data.aws_region.current.id

  # RunTask cannot reach a cluster in another account without a cross-account role, which this
  # module does not take, so the cluster's account is the account everything here lives in.
  account_id = split(":", var.task.cluster_arn)[4]

  # Names and ARNs are derived from inputs, not read from resources, so that the state machine
  # definition and every IAM policy are known at plan time (reviewable, and testable offline).
  lease_table_name       = var.lease_table == null ? "${var.name}-lease" : var.lease_table.name
  lease_table_arn        = var.lease_table == null ? "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${local.lease_table_name}" : var.lease_table.arn
  dead_letter_queue_name = "${var.name}-schedule-dlq"
  dead_letter_queue_arn  = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${local.dead_letter_queue_name}"
  # Built, not read, for the same reason: the definition publishes to it.
  alert_topic_arn = coalesce(var.alert_topic_arn, "arn:${local.partition}:sns:${local.region}:${local.account_id}:${var.name}-alerts")
  console_domain = lookup({
    "aws-cn"     = "console.amazonaws.cn"
    "aws-us-gov" = "console.amazonaws-us-gov.com"
  }, local.partition, "console.aws.amazon.com")

  # IAM names are global to the account. name_prefix gets a unique suffix from the provider,
  # so the same job in two regions never collides; the provider caps a prefix at 38
  # characters, so the job name is cut to 28 (the longest suffix, "-schedule-", is 10).
  role_name_prefix = substr(var.name, 0, 28)

  state_machine_name = var.name
  state_machine_arn  = "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${local.state_machine_name}"
  execution_arns     = "arn:${local.partition}:states:${local.region}:${local.account_id}:execution:${local.state_machine_name}:*"
  log_group_name     = "/aws/vendedlogs/states/${var.name}"

  # The overlap policy "skip" is "wait" with no attempts, so both share one definition shape.
  lease_wait_attempts = var.overlap.policy == "wait" ? ceil(var.overlap.wait_seconds / var.overlap.poll_seconds) : 0
  lease_wait_seconds  = local.lease_wait_attempts * var.overlap.poll_seconds
  # Taking, inspecting and releasing the lease, stopping an overdue task, the metric, the
  # record and the alert take seconds; this margin keeps them outside the task's own
  # max_run_seconds budget (plus one poll, the latest a stop is noticed).
  bookkeeping_seconds = 300
  execution_timeout   = local.lease_wait_seconds + var.max_run_seconds + var.task_poll_seconds + local.bookkeeping_seconds

  # The missed-run alarm's expected interval (see var.missed_run).
  rate_parts  = try(regex("^rate\\(([0-9]+) (minute|hour|day)s?\\)$", var.schedule.expression), null)
  cron_fields = try(split(" ", regex("^cron\\((.+)\\)$", var.schedule.expression)[0]), null)
  cron_interval = local.cron_fields == null ? null : (
    can(regex("^[0-9]+$", local.cron_fields[0])) && contains(["*", "?"], local.cron_fields[2]) && local.cron_fields[3] == "*" && contains(["*", "?"], local.cron_fields[4]) && local.cron_fields[5] == "*" ? (
      can(regex("^[0-9]+$", local.cron_fields[1])) ? 86400 : (local.cron_fields[1] == "*" ? 3600 : null)
    ) :
    can(regex("^[0-9]+$", local.cron_fields[0])) && can(regex("^[0-9]+$", local.cron_fields[1])) && local.cron_fields[2] == "?" && local.cron_fields[3] == "*" && can(regex("^([1-7]|[A-Z]{3})$", local.cron_fields[4])) && local.cron_fields[5] == "*" ? 604800 : null
  )
  derived_interval    = local.rate_parts == null ? local.cron_interval : tonumber(local.rate_parts[0]) * lookup({ minute = 60, hour = 3600, day = 86400 }, local.rate_parts[1])
  missed_run_interval = var.missed_run.interval_seconds != null ? var.missed_run.interval_seconds : local.derived_interval
  one_time_schedule   = startswith(var.schedule.expression, "at(")
  missed_run_alarm    = var.missed_run.enabled && !local.one_time_schedule
  # One period covering the interval and the grace, in whole minutes as CloudWatch wants.
  missed_run_period = local.missed_run_interval == null ? 0 : ceil((local.missed_run_interval + var.missed_run.grace_seconds) / 60) * 60
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:A customer managed key is optional (var.kms_key_arn); without one the log group uses CloudWatch Logs' own encryption.
  name              = local.log_group_name
  retention_in_days = var.log.retention_in_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_dynamodb_table" "lease" {
  #checkov:skip=CKV_AWS_119:A customer managed key is optional (var.kms_key_arn); without one the table uses the AWS owned key.
  count = var.lease_table == null ? 1 : 0

  name         = local.lease_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "lockId"

  attribute {
    name = "lockId"
    type = "S"
  }

  # No TTL: Step Functions' JSONPath language has no clock to compute an epoch expiry from,
  # and the lease needs none (a lease is stale once its owner and its task have stopped; see
  # README). Skip records ("<name>#skipped#<slot>", a few bytes per skipped run) are kept.

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  deletion_protection_enabled = var.lease_table_deletion_protection
  tags                        = var.tags
}

resource "aws_sfn_state_machine" "this" {
  #checkov:skip=CKV_AWS_285:Execution data (inputs, outputs, container override values) may hold secrets; logging it is opt-in via var.log.include_execution_data. Every state is still logged at level ALL.
  name     = local.state_machine_name
  type     = "STANDARD"
  role_arn = aws_iam_role.state_machine.arn

  definition = jsonencode(local.definition)

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.this.arn}:*"
    include_execution_data = var.log.include_execution_data
    level                  = var.log.level
  }

  tracing_configuration {
    enabled = true
  }

  dynamic "encryption_configuration" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      type                              = "CUSTOMER_MANAGED_KMS_KEY"
      kms_key_id                        = encryption_configuration.value
      kms_data_key_reuse_period_seconds = 300
    }
  }

  tags = var.tags

  # CreateStateMachine checks that the role may deliver logs, so that policy must exist first.
  depends_on = [aws_iam_role_policy.state_machine_logging]

  lifecycle {
    precondition {
      # A STANDARD execution's history holds at most 25,000 events
      # (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html); past it the
      # execution fails and can neither stop its task nor alert. One task poll writes about 13
      # events, one lease-wait attempt about 25, the rest of a run under 200.
      condition     = 13 * local.max_task_polls + 25 * local.lease_wait_attempts <= 24000
      error_message = "max_run_seconds / task_poll_seconds (${local.max_task_polls} polls) and overlap.wait_seconds / overlap.poll_seconds (${local.lease_wait_attempts} attempts) would outgrow Step Functions' 25,000-event execution history: raise task_poll_seconds to at least ${ceil(13 * var.max_run_seconds / (24000 - 25 * local.lease_wait_attempts))} or overlap.poll_seconds."
    }
  }
}

# Triggers Scheduler could not deliver: encrypted, TLS only, alarmed (the house DLQ).
module "schedule_dead_letter" {
  source = "../dead_letter_queue"

  name              = local.dead_letter_queue_name
  alarm_description = "Scheduled job ${var.name}: EventBridge Scheduler could not start the state machine (see the messages in ${local.dead_letter_queue_name} for the error). The run for that slot did not happen."
  alarm_actions     = var.alarm_actions
  kms_key_arn       = var.kms_key_arn
  tags              = var.tags
}

# The queue used to be a resource of this module; moving it keeps the queue and its messages.
moved {
  from = aws_sqs_queue.schedule_dead_letter
  to   = module.schedule_dead_letter.aws_sqs_queue.this
}

resource "aws_sns_topic" "alerts" {
  count = var.alert_topic_arn == null ? 1 : 0

  name              = "${var.name}-alerts"
  kms_master_key_id = coalesce(var.kms_key_arn, "alias/aws/sns")
  tags              = var.tags
}

resource "aws_scheduler_schedule" "this" {
  #checkov:skip=CKV_AWS_297:A customer managed key is optional (var.kms_key_arn); the target input holds no secret (only the scheduled time).
  name                         = var.name
  group_name                   = var.schedule.group_name
  schedule_expression          = var.schedule.expression
  schedule_expression_timezone = var.schedule.time_zone
  state                        = var.schedule.enabled ? "ENABLED" : "DISABLED"
  kms_key_arn                  = var.kms_key_arn

  # A flexible window would let Scheduler move a run, and the slot recorded in the lease would
  # no longer say when the run was due.
  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_sfn_state_machine.this.arn
    role_arn = aws_iam_role.scheduler.arn
    # The scheduled time names the slot: a duplicate or late trigger for a slot that already
    # ran finds it recorded in the lease item and is skipped.
    input = jsonencode({ scheduledTime = "<aws.scheduler.scheduled-time>" })

    retry_policy {
      maximum_retry_attempts       = var.schedule.maximum_retry_attempts
      maximum_event_age_in_seconds = var.schedule.maximum_event_age_seconds
    }

    dead_letter_config {
      arn = module.schedule_dead_letter.arn
    }
  }

  # The first trigger must find the lease table and the state machine's permissions in place.
  depends_on = [aws_iam_role_policy.scheduler, aws_iam_role_policy.state_machine, aws_dynamodb_table.lease, aws_sns_topic.alerts]
}

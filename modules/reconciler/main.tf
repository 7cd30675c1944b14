data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # ARNs the read-only ECS statements are scoped to: the given clusters, or every
  # cluster of this region when none is given (the account is the role's own anyway).
  any_cluster  = "arn:${data.aws_partition.current.partition}:ecs:${data.aws_region.current.id}:*:cluster/*"
  cluster_arns = length(var.cluster_arns) == 0 ? [local.any_cluster] : var.cluster_arns

  # The tables' account is this deployment's (the module creates them in it).
  account_id = split(":", var.state.task_table_arn)[4]

  role_names = {
    function  = "${var.name}-${data.aws_region.current.id}"
    scheduler = "${var.name}-sch-${data.aws_region.current.id}"
  }

  schedule_expression = var.schedule_minutes == 1 ? "rate(1 minute)" : "rate(${var.schedule_minutes} minutes)"
}

# --- the function ------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:retention_in_days is var.log_retention_days, 365 days by default and validated by the root module; checkov does not resolve it through the counted module call.
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_115:Reserved concurrency is opt-in (var.reserve_concurrency): Lambda refuses it on accounts whose limit leaves fewer than 100 unreserved executions; the timeout, shorter than the schedule interval, keeps runs apart.
  #checkov:skip=CKV_AWS_117:The function calls only AWS APIs; a VPC would need NAT or endpoints and adds cost without narrowing what it can reach.
  #checkov:skip=CKV_AWS_272:The package is built deterministically from lambda_src and tests fail when the committed zip differs; code signing needs a signer profile the caller would have to own.
  #checkov:skip=CKV_AWS_50:X-Ray adds cost and nothing to a periodic batch job whose outcome is one log line per cluster.
  function_name    = var.name
  description      = "Heals the ECS state mirror from the ECS API every ${var.schedule_minutes} minutes"
  role             = aws_iam_role.this.arn
  runtime          = "python3.13"
  architectures    = ["arm64"]
  handler          = "ecs_events.reconciler.lambda_handler"
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  memory_size      = var.function.memory_mb
  timeout          = var.function.timeout_seconds
  kms_key_arn      = var.kms_key_arn

  # Opt-in: Lambda refuses a reservation that leaves fewer than 100 unreserved executions
  # (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
  # -1 is the provider's "no reservation".
  reserved_concurrent_executions = var.reserve_concurrency ? 1 : -1

  environment {
    variables = {
      TASK_TABLE_NAME               = var.state.task_table_name
      CONTAINER_INSTANCE_TABLE_NAME = var.state.container_instance_table_name
      CLUSTER_ARNS                  = join(",", var.cluster_arns)
      RETENTION_DAYS                = tostring(var.retention_days)
      MEMBER_ROLE_ARNS              = join(",", var.member_role_arns)
      MEMBER_REGIONS                = join(",", var.member_regions)
    }
  }

  dead_letter_config {
    target_arn = module.dead_letter.arn
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.function.log_level
    system_log_level      = "WARN"
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name = aws_lambda_function.this.function_name
  # A run the next schedule would repeat is not worth retrying later than that.
  maximum_retry_attempts       = 1
  maximum_event_age_in_seconds = max(60, var.schedule_minutes * 60)
}

# --- the schedule ------------------------------------------------------------------------

resource "aws_scheduler_schedule" "this" {
  name                = var.name
  description         = "Runs ${aws_lambda_function.this.function_name} to heal the ECS state mirror"
  schedule_expression = local.schedule_expression
  kms_key_arn         = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.this.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ source = "ecs-events.reconciler" })

    retry_policy {
      maximum_event_age_in_seconds = max(60, var.schedule_minutes * 60)
      maximum_retry_attempts       = 3
    }

    dead_letter_config {
      arn = module.dead_letter.arn
    }
  }
}

# --- dead letters ------------------------------------------------------------------------

# Lambda (failed asynchronous runs) and Scheduler (runs it could not start) send here
# with their roles, so the queue's policy needs no service senders.
module "dead_letter" {
  source = "../dead_letter_queue"

  name              = "${var.name}-dlq"
  alarm_description = "A reconciler run failed or could not start and waits in ${var.name}-dlq; read ${aws_cloudwatch_log_group.this.name} for the cluster and reason."
  alarm_actions     = var.alarm_actions
  kms_key_arn       = var.kms_key_arn
  tags              = var.tags
}

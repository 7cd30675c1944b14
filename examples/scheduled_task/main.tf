provider "aws" {
  region = var.region
}

locals {
  arn_prefix = "arn:aws:ecs:${var.region}:${var.account_id}"
  # Built from the topic's name rather than read from its `arn` attribute, which is unknown
  # until apply: the module's state machine definition must be known at plan time.
  skipped_runs_topic_arn = "arn:aws:sns:${var.region}:${var.account_id}:${aws_sns_topic.skipped_runs.name}"
}

# A nightly report that must never run twice at once: if last night's run is still going at
# 03:00, tonight's run is skipped and says so (metric + SNS notice).
module "nightly_report" {
  source = "../../modules/scheduled_task"

  name = "nightly-report"

  schedule = {
    expression = "cron(0 3 * * ? *)"
    time_zone  = "Europe/Berlin"
  }

  task = {
    cluster_arn              = "${local.arn_prefix}:cluster/batch"
    task_definition_arn      = "${local.arn_prefix}:task-definition/nightly-report:1"
    essential_container_name = "report"
    task_role_arn            = "arn:aws:iam::${var.account_id}:role/nightly-report-task"
    execution_role_arn       = "arn:aws:iam::${var.account_id}:role/nightly-report-execution"
    launch_type              = "FARGATE"
    network_configuration = {
      subnets         = var.subnet_ids
      security_groups = var.security_group_ids
    }
    container_overrides = [{
      name        = "report"
      command     = ["python", "-m", "report", "--since", "yesterday"]
      environment = { REPORT_FORMAT = "csv" }
    }]
  }

  max_run_seconds   = var.max_run_seconds
  task_poll_seconds = var.task_poll_seconds
  overlap           = var.overlap

  skipped_notice_topic_arn = local.skipped_runs_topic_arn

  # Lets `terraform destroy` clean up the example; keep the default (true) in real stacks.
  lease_table_deletion_protection = false

  tags = { Example = "scheduled_task" }
}

resource "aws_sns_topic" "skipped_runs" {
  name              = "nightly-report-skipped-runs"
  kms_master_key_id = "alias/aws/sns"
}

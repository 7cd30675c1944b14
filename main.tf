locals {
  # detail.clusterArn is present on task and container-instance events.
  cluster_filter = length(var.cluster_arns) == 0 ? {} : { detail = { clusterArn = var.cluster_arns } }

  state_change_pattern = merge(
    {
      source        = ["aws.ecs"]
      "detail-type" = ["ECS Task State Change", "ECS Container Instance State Change"]
    },
    local.cluster_filter,
  )
}

module "state" {
  source = "./modules/state"

  name                   = var.name
  kms_key_arn            = var.kms_key_arn
  deletion_protection    = var.tables.deletion_protection
  point_in_time_recovery = var.tables.point_in_time_recovery
  tags                   = var.tags
}

module "handler" {
  source = "./modules/handler"

  name          = var.name
  package_path  = "${path.module}/dist/ecs_events.zip"
  state         = module.state
  event_pattern = jsonencode(local.state_change_pattern)
  function      = var.handler
  environment = {
    RETENTION_DAYS = tostring(var.tables.retention_days)
  }
  kms_key_arn        = var.kms_key_arn
  log_retention_days = var.log_retention_days
  alarm_actions      = var.alarm_actions
  tags               = var.tags
}

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

  # Task failures ride on the state-change rule. Deployment and service events carry
  # no clusterArn, but their service ARN (arn:...:service/<cluster>/<service>) names it.
  alert_triggers = [for trigger, on in var.alerts.triggers : trigger if on]
  service_cluster_filter = length(var.cluster_arns) == 0 ? {} : {
    resources = [for arn in var.cluster_arns : { prefix = "${replace(arn, ":cluster/", ":service/")}/" }]
  }
  # JSON strings, so every branch has one type: map(string).
  alert_patterns = !var.alerts.enabled ? {} : merge(
    !contains(local.alert_triggers, "deployment_failure") ? {} : {
      deployments = jsonencode(merge({
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Deployment State Change"]
        detail        = { eventName = ["SERVICE_DEPLOYMENT_FAILED"] }
      }, local.service_cluster_filter))
    },
    !contains(local.alert_triggers, "service_action") ? {} : {
      service-actions = jsonencode(merge({
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Service Action"]
        detail        = { eventType = ["WARN", "WARNING", "ERROR"] }
      }, local.service_cluster_filter))
    },
    # The newer types carry detail.clusterArn where they name a cluster at all.
    !contains(local.alert_triggers, "instance_health") ? {} : {
      instance-health = jsonencode({
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Container Instance Health Change"]
        detail        = merge({ overallStatus = ["IMPAIRED"] }, local.detail_cluster_filter)
      })
    },
    !contains(local.alert_triggers, "daemon_failure") ? {} : {
      daemons = jsonencode({
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Daemon Service Action", "ECS Daemon Deployment State Change"]
        detail        = merge({ eventType = ["WARN", "WARNING", "ERROR"] }, local.detail_cluster_filter)
      })
    },
    # Hook events are few (one per hook and deployment) and their cluster is in a
    # service ARN whose field name varies: the handler decides which ones alert.
    !contains(local.alert_triggers, "hook_failure") ? {} : {
      hooks = jsonencode({
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Hook State Change"]
      })
    },
  )
  detail_cluster_filter = length(var.cluster_arns) == 0 ? {} : { clusterArn = var.cluster_arns }

  # Incidents end on recovery events the failure rules do not take: a completed deployment
  # or steady state (services), health back to OK (container instances; an instance that
  # leaves the cluster rides on the state rule).
  incidents        = var.alerts.incidents
  resolves         = var.alerts.enabled && local.incidents.resolution ? toset(local.incidents.resolve) : toset([])
  incident_wake_up = length(setintersection(local.resolves, ["family", "service", "daemon"])) > 0
  recovery_patterns = merge(
    !contains(local.resolves, "service") ? {} : {
      service-recoveries = jsonencode(merge({
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Deployment State Change", "ECS Service Action"]
        detail        = { eventName = ["SERVICE_DEPLOYMENT_COMPLETED", "SERVICE_STEADY_STATE"] }
      }, local.service_cluster_filter))
    },
    !contains(local.resolves, "instance") ? {} : {
      instance-recoveries = jsonencode({
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Container Instance Health Change"]
        detail        = merge({ overallStatus = ["OK"] }, local.detail_cluster_filter)
      })
    },
  )

  alert_environment = !var.alerts.enabled ? {} : {
    ALERT_TOPIC_ARN            = module.alerts[0].topic_arn
    ALERT_TABLE_NAME           = module.alerts[0].table_name
    ALERT_TRIGGERS             = join(",", local.alert_triggers)
    ALERT_EXIT_CODES           = join(",", var.alerts.exit_codes)
    ALERT_FAMILIES             = join(",", var.alerts.families)
    ALERT_SERVICES             = join(",", var.alerts.services)
    ALERT_CLAIM_SECONDS        = tostring(var.handler.timeout_seconds)
    ALERT_STORM_WINDOW_SECONDS = tostring(var.alerts.storm_window_minutes * 60)
    ALERT_LOG_LINES            = var.alerts.last_log_lines.enabled ? tostring(var.alerts.last_log_lines.lines) : "0"
    ALERT_LOG_TIMEOUT_MS       = tostring(var.alerts.last_log_lines.timeout_ms)
    ALERT_CHAT_FORMAT          = var.alerts.chat_format ? "on" : "off"
    ALERT_REDACT_PATTERNS      = jsonencode(var.alerts.last_log_lines.redact_patterns)
    INCIDENT_RESOLUTION        = local.incidents.resolution ? "on" : "off"
    INCIDENT_QUIET_SECONDS     = tostring(local.incidents.quiet_minutes * 60)
    INCIDENT_RESOLVE_KINDS     = join(",", sort(local.incidents.resolve))
    INCIDENT_SCHEDULE_GROUP    = local.incident_wake_up ? module.alerts[0].incident_schedule_group_name : ""
    INCIDENT_SCHEDULE_ROLE_ARN = local.incident_wake_up ? module.alerts[0].incident_wake_role_arn : ""
    INCIDENT_WAKE_TARGET_ARN   = local.incident_wake_up ? module.handler.queue_arn : ""
  }
  metric_namespace = "ECSEvents"

  event_bus_name = var.event_bus.create ? module.event_bus[0].name : var.event_bus.name
  member_role_arns = concat(var.reconciler.members.role_arns, [
    for account in var.reconciler.members.account_ids :
    "arn:${data.aws_partition.current.partition}:iam::${account}:role/${var.reconciler.members.role_name}"
  ])
}

data "aws_partition" "current" {}

module "event_bus" {
  source = "./modules/event_bus"
  count  = var.event_bus.create ? 1 : 0

  name                      = var.event_bus.name
  organization_id           = var.event_bus.organization_id
  organizational_unit_paths = var.event_bus.organizational_unit_paths
  account_ids               = var.event_bus.account_ids
  kms_key_arn               = var.kms_key_arn
  tags                      = var.tags
}

module "state" {
  source = "./modules/state"

  name                   = var.name
  kms_key_arn            = var.kms_key_arn
  deletion_protection    = var.tables.deletion_protection
  point_in_time_recovery = var.tables.point_in_time_recovery
  query_indexes          = var.tables.query_indexes
  tags                   = var.tags
}

module "handler" {
  source = "./modules/handler"

  name         = var.name
  package_path = "${path.module}/dist/ecs_events.zip"
  state        = module.state
  event_patterns = merge(
    { state = jsonencode(local.state_change_pattern) },
    local.alert_patterns,
    local.recovery_patterns,
  )
  event_bus_name = local.event_bus_name
  function       = var.handler
  environment = merge(local.alert_environment, {
    RETENTION_DAYS = tostring(var.tables.retention_days)
    # The handler writes its outcome metrics whether alerts are on or not.
    METRIC_NAMESPACE = local.metric_namespace
    STACK_NAME       = var.name
  })
  extra_policy_json  = var.alerts.enabled ? module.alerts[0].publisher_policy_json : null
  kms_key_arn        = var.kms_key_arn
  log_retention_days = var.log_retention_days
  alarm_actions      = var.alarm_actions

  iam_role_path                = var.iam_role_path
  iam_permissions_boundary_arn = var.iam_permissions_boundary_arn
  tags                         = var.tags
}

module "alerts" {
  source = "./modules/alerts"
  count  = var.alerts.enabled ? 1 : 0

  name                = var.name
  topic_arn           = var.alerts.topic_arn
  topic_kms_key_arn   = var.alerts.topic_kms_key_arn
  publisher_role_arns = [module.handler.role_arn]
  email_addresses     = var.alerts.email_addresses
  alarm               = var.alerts.alarm
  alarm_actions       = var.alarm_actions
  metric_namespace    = local.metric_namespace
  log_reader = {
    enabled        = var.alerts.last_log_lines.enabled
    log_group_arns = var.alerts.last_log_lines.log_group_arns
  }
  incident_wake = {
    enabled   = local.incident_wake_up
    queue_arn = module.handler.queue_arn
  }
  iam_role_path                = var.iam_role_path
  iam_permissions_boundary_arn = var.iam_permissions_boundary_arn
  kms_key_arn                  = var.kms_key_arn
  deletion_protection          = var.tables.deletion_protection
  tags                         = var.tags
}

module "history" {
  source = "./modules/history"
  count  = var.history.enabled ? 1 : 0

  name            = var.name
  cluster_arns    = var.cluster_arns
  event_bus_name  = local.event_bus_name
  retention_days  = coalesce(var.history.retention_days, var.log_retention_days)
  log_group_class = var.history.log_class
  kms_key_arn     = var.kms_key_arn
  alarm_actions   = var.alarm_actions
  tags            = var.tags

  create_log_resource_policy = var.history.create_log_resource_policy
}

module "reconciler" {
  source = "./modules/reconciler"
  count  = var.reconciler.enabled ? 1 : 0

  name             = "${var.name}-reconciler"
  package_path     = "${path.module}/dist/ecs_events.zip"
  state            = module.state
  cluster_arns     = var.cluster_arns
  schedule_minutes = var.reconciler.schedule_minutes
  function = {
    memory_mb       = var.reconciler.memory_mb
    timeout_seconds = var.reconciler.timeout_seconds
    log_level       = var.reconciler.log_level
  }
  reserve_concurrency = var.reconciler.reserve_concurrency
  member_role_arns    = local.member_role_arns
  member_regions      = var.reconciler.members.regions
  retention_days      = var.tables.retention_days
  kms_key_arn         = var.kms_key_arn
  log_retention_days  = var.log_retention_days
  alarm_actions       = var.alarm_actions

  iam_role_path                = var.iam_role_path
  iam_permissions_boundary_arn = var.iam_permissions_boundary_arn
  tags                         = var.tags
}

module "monitoring" {
  source = "./modules/monitoring"
  count  = var.monitoring.enabled ? 1 : 0

  name = var.name
  handler = {
    function_name          = module.handler.function_name
    queue_name             = module.handler.queue_name
    dead_letter_queue_name = module.handler.dead_letter_queue_name
    rule_names             = module.handler.rule_names
  }
  metric_namespace = local.metric_namespace
  thresholds = {
    oldest_message_age_seconds = var.monitoring.oldest_message_age_seconds
    errors                     = var.monitoring.errors
    throttles                  = var.monitoring.throttles
    failed_events              = var.monitoring.failed_events
    period_seconds             = var.monitoring.period_seconds
  }
  optional_parts = {
    reconciler_function_name       = var.reconciler.enabled ? module.reconciler[0].function_name : null
    history_dead_letter_queue_name = var.history.enabled ? module.history[0].dead_letter_queue_name : null
    scheduled_tasks                = var.monitoring.scheduled_tasks
  }
  alarm_actions = var.alarm_actions
  tags          = var.tags
}

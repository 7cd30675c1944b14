locals {
  # Incidents end on recovery events (patterns in modules/alerts); a quiet period needs a
  # wake-up only for the kinds that end by silence.
  incident_resolves = var.alerts.enabled && var.alerts.incidents.resolution ? toset(var.alerts.incidents.resolve) : toset([])
  incident_wake_up  = length(setintersection(local.incident_resolves, ["family", "service", "daemon"])) > 0
  metric_namespace  = "ECSEvents"

  event_bus_name = var.event_bus.create ? module.event_bus[0].name : var.event_bus.name
  member_role_arns = concat(var.reconciler.members.role_arns, [
    for account in var.reconciler.members.account_ids :
    "arn:${data.aws_partition.current.partition}:iam::${account}:role/${var.reconciler.members.role_name}"
  ])
}

data "aws_partition" "current" {}

# With Action Logs on, deployment-failure and daemon alerts carry AWS's reason, read from the
# clusters' Action Logs groups (alerts/action_reason.py): the publisher's policy and that read.
data "aws_iam_policy_document" "alerts_read_action_logs" {
  count                   = var.alerts.enabled && var.action_logs.enabled ? 1 : 0
  source_policy_documents = [module.alerts[0].publisher_policy_json]

  statement {
    sid     = "ReadActionLogsReasons"
    actions = ["logs:FilterLogEvents"]
    resources = flatten([for arn in var.cluster_arns : [
      "arn:${split(":", arn)[1]}:logs:${split(":", arn)[3]}:${split(":", arn)[4]}:log-group:/aws/events/ecs/action-logs/${split("/", arn)[1]}",
      "arn:${split(":", arn)[1]}:logs:${split(":", arn)[3]}:${split(":", arn)[4]}:log-group:/aws/events/ecs/action-logs/${split("/", arn)[1]}:*",
    ]])
  }
}

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

  name           = var.name
  package_path   = "${path.module}/dist/ecs_events.zip"
  state          = module.state
  cluster_arns   = var.cluster_arns
  event_patterns = var.alerts.enabled ? module.alerts[0].event_patterns : {}
  event_bus_name = local.event_bus_name
  function       = var.handler
  environment = merge(var.alerts.enabled ? module.alerts[0].handler_environment : {}, {
    RETENTION_DAYS = tostring(var.tables.retention_days)
    # The handler writes its outcome metrics whether alerts are on or not.
    METRIC_NAMESPACE = local.metric_namespace
    STACK_NAME       = var.name
  })
  extra_policy_json = !var.alerts.enabled ? null : (
    var.action_logs.enabled ? data.aws_iam_policy_document.alerts_read_action_logs[0].json : module.alerts[0].publisher_policy_json
  )
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

  name              = var.name
  topic_arn         = var.alerts.topic_arn
  topic_kms_key_arn = var.alerts.topic_kms_key_arn
  cluster_arns      = var.cluster_arns
  rules = {
    triggers             = var.alerts.triggers
    exit_codes           = var.alerts.exit_codes
    families             = var.alerts.families
    services             = var.alerts.services
    claim_seconds        = var.handler.timeout_seconds
    storm_window_minutes = var.alerts.storm_window_minutes
    log_lines            = var.alerts.last_log_lines.lines
    log_timeout_ms       = var.alerts.last_log_lines.timeout_ms
    chat_format          = var.alerts.chat_format
    redact_patterns      = var.alerts.last_log_lines.redact_patterns
    action_reason        = var.action_logs.enabled
  }
  incidents           = var.alerts.incidents
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

module "console_history" {
  source = "./modules/console_history"
  count  = var.console_history.enabled ? 1 : 0

  name              = var.name
  cluster_arns      = var.cluster_arns
  retention_days    = var.console_history.retention_days
  create_log_groups = var.console_history.create_log_groups
  kms_key_arn       = var.kms_key_arn
  queue_kms_key_arn = var.kms_key_arn
  alarm_actions     = var.alarm_actions
  tags              = var.tags

  # The event log's policy admits every /aws/events/ group of the region, these included;
  # without the event log, the same switch says whether this deployment creates one.
  create_log_resource_policy = !var.history.enabled && var.history.create_log_resource_policy
}

module "action_logs" {
  source = "./modules/action_logs"
  count  = var.action_logs.enabled ? 1 : 0

  name           = var.name
  cluster_arns   = var.cluster_arns
  retention_days = coalesce(var.action_logs.retention_days, var.log_retention_days)
  kms_key_arn    = var.kms_key_arn
  tags           = var.tags
}

# The Action Logs groups are admitted by this deployment's /aws/events/ policy (the event
# log's, or the console history's); with neither, CreateDelivery edits an account-shared one.
check "action_logs_policy" {
  assert {
    condition     = !var.action_logs.enabled || var.history.enabled || var.console_history.enabled
    error_message = "action_logs is on with neither history nor console_history: no policy of this deployment admits the delivery, so CloudWatch Logs adds the groups to the account-shared AWSLogDeliveryWrite20150319 policy, which terraform destroy leaves behind. Turn history on, or make sure another /aws/events/ policy of the region admits delivery.logs.amazonaws.com."
  }
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

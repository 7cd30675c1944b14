# What the handler must be sent and told for alerts to work: the event patterns of the
# events that can alert (beside the state changes the handler already receives) and the
# environment the handler reads its alert settings from (lambda_src/ecs_events/config.py).
locals {
  triggers = [for trigger, on in var.rules.triggers : trigger if on]

  # Deployment and service events carry no clusterArn, but their service ARN
  # (arn:...:service/<cluster>/<service>) names it.
  service_cluster_filter = length(var.cluster_arns) == 0 ? {} : {
    resources = [for arn in var.cluster_arns : { prefix = "${replace(arn, ":cluster/", ":service/")}/" }]
  }
  # The newer types carry detail.clusterArn where they name a cluster at all.
  detail_cluster_filter = length(var.cluster_arns) == 0 ? {} : { clusterArn = var.cluster_arns }

  # Task failures ride on the handler's state-change rule. JSON strings, so every branch
  # has one type: map(string).
  event_patterns = merge(
    !contains(local.triggers, "deployment_failure") ? {} : {
      deployments = jsonencode(merge({
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Deployment State Change"]
        detail        = { eventName = ["SERVICE_DEPLOYMENT_FAILED"] }
      }, local.service_cluster_filter))
    },
    !contains(local.triggers, "service_action") ? {} : {
      service-actions = jsonencode(merge({
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Service Action"]
        detail        = { eventType = ["WARN", "WARNING", "ERROR"] }
      }, local.service_cluster_filter))
    },
    !contains(local.triggers, "instance_health") ? {} : {
      instance-health = jsonencode({
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Container Instance Health Change"]
        detail        = merge({ overallStatus = ["IMPAIRED"] }, local.detail_cluster_filter)
      })
    },
    !contains(local.triggers, "daemon_failure") ? {} : {
      daemons = jsonencode({
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Daemon Service Action", "ECS Daemon Deployment State Change"]
        detail        = merge({ eventType = ["WARN", "WARNING", "ERROR"] }, local.detail_cluster_filter)
      })
    },
    # Hook events are few (one per hook and deployment) and their cluster is in a
    # service ARN whose field name varies: the handler decides which ones alert.
    !contains(local.triggers, "hook_failure") ? {} : {
      hooks = jsonencode({
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Hook State Change"]
      })
    },
  )

  # Incidents end on recovery events the failure patterns do not take: a completed
  # deployment or steady state (services), health back to OK (container instances; an
  # instance that leaves the cluster rides on the state rule).
  resolves = var.incidents.resolution ? toset(var.incidents.resolve) : toset([])
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

  handler_environment = {
    ALERT_TOPIC_ARN            = local.topic_arn
    ALERT_TABLE_NAME           = aws_dynamodb_table.sent.name
    ALERT_TRIGGERS             = join(",", local.triggers)
    ALERT_EXIT_CODES           = join(",", var.rules.exit_codes)
    ALERT_FAMILIES             = join(",", var.rules.families)
    ALERT_SERVICES             = join(",", var.rules.services)
    ALERT_CLAIM_SECONDS        = tostring(var.rules.claim_seconds)
    ALERT_STORM_WINDOW_SECONDS = tostring(var.rules.storm_window_minutes * 60)
    ALERT_LOG_LINES            = var.log_reader.enabled ? tostring(var.rules.log_lines) : "0"
    ALERT_LOG_TIMEOUT_MS       = tostring(var.rules.log_timeout_ms)
    ALERT_CHAT_FORMAT          = var.rules.chat_format ? "on" : "off"
    ALERT_REDACT_PATTERNS      = jsonencode(var.rules.redact_patterns)
    ALERT_ACTION_REASON        = var.rules.action_reason ? "on" : "off"
    INCIDENT_RESOLUTION        = var.incidents.resolution ? "on" : "off"
    INCIDENT_QUIET_SECONDS     = tostring(var.incidents.quiet_minutes * 60)
    INCIDENT_RESOLVE_KINDS     = join(",", sort(var.incidents.resolve))
    INCIDENT_SCHEDULE_GROUP    = local.wake ? aws_scheduler_schedule_group.incidents[0].name : ""
    INCIDENT_SCHEDULE_ROLE_ARN = local.wake ? aws_iam_role.incident_wake[0].arn : ""
    INCIDENT_WAKE_TARGET_ARN   = local.wake ? var.incident_wake.queue_arn : ""
  }
}

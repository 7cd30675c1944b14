output "action_logs_log_group_names" {
  description = "The ECS Action Logs group of each cluster ARN (empty unless action_logs is enabled)."
  value       = var.action_logs.enabled ? module.action_logs[0].log_group_names : {}
}

output "action_logs_query_definition_names" {
  description = "Names of the saved Logs Insights queries over the Action Logs (empty unless action_logs is enabled)."
  value       = var.action_logs.enabled ? module.action_logs[0].query_definition_names : []
}

output "alert_alarm_arn" {
  description = "ARN of the alarm on the failure metric, or null when alerts or the alarm are off."
  value       = var.alerts.enabled ? module.alerts[0].alarm_arn : null
}

output "alert_table_name" {
  description = "Name of the table that remembers sent alerts, or null when alerts are off."
  value       = var.alerts.enabled ? module.alerts[0].table_name : null
}

output "alert_topic_arn" {
  description = "ARN of the SNS topic alerts are published to, or null when alerts are off."
  value       = var.alerts.enabled ? module.alerts[0].topic_arn : null
}

output "console_history_log_group_names" {
  description = "The ECS console's History log group of each cluster ARN (empty unless console_history is enabled)."
  value       = var.console_history.enabled ? module.console_history[0].log_group_names : {}
}

output "console_history_rule_names" {
  description = "The console-named EventBridge rule (EventsToLogs-...) of each cluster ARN (empty unless console_history is enabled)."
  value       = var.console_history.enabled ? module.console_history[0].rule_names : {}
}

output "container_instance_table_arn" {
  description = "ARN of the container-instance state table (key containerInstanceArn)."
  value       = module.state.container_instance_table_arn
}

output "container_instance_table_name" {
  description = "Name of the container-instance state table."
  value       = module.state.container_instance_table_name
}

output "event_bus_arn" {
  description = "ARN of the central event bus the module created (the target of every member's forwarder), or null when the rules use an existing bus."
  value       = var.event_bus.create ? module.event_bus[0].arn : null
}

output "event_bus_name" {
  description = "Name of the event bus the module's rules attach to."
  value       = local.event_bus_name
}

output "handler_dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue that keeps events that could not be delivered or processed."
  value       = module.handler.dead_letter_queue_arn
}

output "handler_dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = module.handler.dead_letter_queue_url
}

output "handler_function_arn" {
  description = "ARN of the handler Lambda function."
  value       = module.handler.function_arn
}

output "handler_function_name" {
  description = "Name of the handler Lambda function."
  value       = module.handler.function_name
}

output "handler_log_group_name" {
  description = "Log group of the handler: one JSON line per event with its outcome."
  value       = module.handler.log_group_name
}

output "handler_queue_arn" {
  description = "ARN of the queue between EventBridge and the handler."
  value       = module.handler.queue_arn
}

output "handler_queue_url" {
  description = "URL of the queue between EventBridge and the handler."
  value       = module.handler.queue_url
}

output "handler_role_arn" {
  description = "ARN of the handler's IAM role."
  value       = module.handler.role_arn
}

output "handler_rule_arns" {
  description = "ARNs of the EventBridge rules that feed the handler's queue, by purpose (state, deployments, service-actions)."
  value       = module.handler.rule_arns
}

output "history_dead_letter_queue_arn" {
  description = "ARN of the queue that keeps events the event log could not take; null when history is off."
  value       = one(module.history[*].dead_letter_queue_arn)
}

output "history_log_group_name" {
  description = "Event log group: every ECS event of the selected clusters as JSON; null when history is off."
  value       = one(module.history[*].log_group_name)
}

output "history_log_resource_policy_json" {
  description = "CloudWatch Logs resource policy that lets EventBridge write to the /aws/events/ log groups of this region, for an account that keeps one such policy itself (history.create_log_resource_policy = false); null when history is off."
  value       = one(module.history[*].log_resource_policy_json)
}

output "history_query_definition_names" {
  description = "Saved Logs Insights queries over the event log (task timeline, failures, stops by family, events by account and region), each filterable by account and region; empty when history is off."
  value       = flatten(module.history[*].query_definition_names)
}

output "history_rule_arn" {
  description = "ARN of the EventBridge rule that sends every ECS event to the event log; null when history is off."
  value       = one(module.history[*].rule_arn)
}

output "monitoring_alarm_arns" {
  description = "ARNs of the self-monitoring alarms by what they watch; empty when monitoring is off."
  value       = var.monitoring.enabled ? module.monitoring[0].alarm_arns : {}
}

output "monitoring_dashboard_name" {
  description = "Name of the pipeline's CloudWatch dashboard; null when monitoring is off."
  value       = var.monitoring.enabled ? module.monitoring[0].dashboard_name : null
}

output "reconciler_dead_letter_queue_arn" {
  description = "ARN of the queue that keeps reconciler runs that failed or could not start; null when the reconciler is off."
  value       = one(module.reconciler[*].dead_letter_queue_arn)
}

output "reconciler_function_arn" {
  description = "ARN of the scheduled reconciler function; null when the reconciler is off."
  value       = one(module.reconciler[*].function_arn)
}

output "reconciler_function_name" {
  description = "Name of the scheduled reconciler function; null when the reconciler is off."
  value       = one(module.reconciler[*].function_name)
}

output "reconciler_log_group_name" {
  description = "Log group of the reconciler: one JSON line per cluster and run; null when the reconciler is off."
  value       = one(module.reconciler[*].log_group_name)
}

output "reconciler_role_arn" {
  description = "ARN of the reconciler's role, the only principal a member account's read role trusts (modules/forwarder read_role); null when the reconciler is off."
  value       = var.reconciler.enabled ? module.reconciler[0].role_arn : null
}

output "reconciler_schedule_arn" {
  description = "ARN of the schedule that starts the reconciler; null when the reconciler is off."
  value       = one(module.reconciler[*].schedule_arn)
}

output "task_table_arn" {
  description = "ARN of the task state table (key taskArn)."
  value       = module.state.task_table_arn
}

output "task_table_index_names" {
  description = "Query indexes of the task table used by `ecs-events tasks`; empty when tables.query_indexes is false."
  value       = module.state.task_table_index_names
}

output "task_table_name" {
  description = "Name of the task state table."
  value       = module.state.task_table_name
}

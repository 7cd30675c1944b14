output "alert_topic_arn" {
  description = "Subscribe to failure alerts here; null unless alerts_enabled."
  value       = module.ecs_events.alert_topic_arn
}

output "console_history_rule_names" {
  description = "The console-named rule (EventsToLogs-...) of each console_history_cluster_arns entry."
  value       = module.ecs_events.console_history_rule_names
}

output "handler_function_name" {
  description = "The function that mirrors the events."
  value       = module.ecs_events.handler_function_name
}

output "handler_queue_url" {
  description = "The queue EventBridge delivers ECS events to, before the function."
  value       = module.ecs_events.handler_queue_url
}

output "task_table_name" {
  description = "Look up a task here by taskArn."
  value       = module.ecs_events.task_table_name
}

output "alert_topic_arn" {
  description = "Subscribe chat or paging integrations here; filter on the cluster, family, severity and kind attributes."
  value       = module.ecs_events.alert_topic_arn
}

output "dead_letter_queue_url" {
  description = "Where undeliverable or unprocessable events wait."
  value       = module.ecs_events.handler_dead_letter_queue_url
}

output "event_log_group_name" {
  description = "Every ECS event of the clusters; run the saved Logs Insights queries on it."
  value       = module.ecs_events.history_log_group_name
}

output "kms_key_arn" {
  description = "The key that encrypts the mirror."
  value       = aws_kms_key.this.arn
}

output "task_table_name" {
  description = "Look up a task here by taskArn."
  value       = module.ecs_events.task_table_name
}

output "reconciler_function_name" {
  description = "Invoke it to heal the mirror now instead of at the next schedule."
  value       = module.ecs_events.reconciler_function_name
}

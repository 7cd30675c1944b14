output "task_table_name" {
  description = "Look up a task here by taskArn."
  value       = module.ecs_events.task_table_name
}

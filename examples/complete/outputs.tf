output "dead_letter_queue_url" {
  description = "Where undeliverable or unprocessable events wait."
  value       = module.ecs_events.handler_dead_letter_queue_url
}

output "kms_key_arn" {
  description = "The key that encrypts the mirror."
  value       = aws_kms_key.this.arn
}

output "task_table_name" {
  description = "Look up a task here by taskArn."
  value       = module.ecs_events.task_table_name
}

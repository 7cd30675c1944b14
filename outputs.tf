output "container_instance_table_arn" {
  description = "ARN of the container-instance state table (key containerInstanceArn)."
  value       = module.state.container_instance_table_arn
}

output "container_instance_table_name" {
  description = "Name of the container-instance state table."
  value       = module.state.container_instance_table_name
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

output "handler_rule_arn" {
  description = "ARN of the EventBridge rule that sends task and container-instance events to the queue."
  value       = module.handler.rule_arn
}

output "task_table_arn" {
  description = "ARN of the task state table (key taskArn)."
  value       = module.state.task_table_arn
}

output "task_table_name" {
  description = "Name of the task state table."
  value       = module.state.task_table_name
}

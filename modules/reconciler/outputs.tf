output "dead_letter_queue_arn" {
  description = "ARN of the queue that keeps runs that failed or could not start."
  value       = module.dead_letter.arn
}

output "function_arn" {
  description = "ARN of the reconciler function."
  value       = aws_lambda_function.this.arn
}

output "function_name" {
  description = "Name of the reconciler function."
  value       = aws_lambda_function.this.function_name
}

output "log_group_name" {
  description = "Log group of the reconciler: one JSON line per cluster and run."
  value       = aws_cloudwatch_log_group.this.name
}

output "role_arn" {
  description = "ARN of the reconciler's IAM role."
  value       = aws_iam_role.this.arn
}

output "schedule_arn" {
  description = "ARN of the EventBridge Scheduler schedule that starts the reconciler."
  value       = aws_scheduler_schedule.this.arn
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue that keeps events the handler or EventBridge could not deliver."
  value       = module.dead_letter.arn
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue (known at plan time, for metric dimensions)."
  value       = module.dead_letter.name
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = module.dead_letter.url
}

output "function_arn" {
  description = "ARN of the handler Lambda function."
  value       = aws_lambda_function.this.arn
}

output "function_name" {
  description = "Name of the handler Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "log_group_name" {
  description = "Log group of the handler (one JSON line per event)."
  value       = aws_cloudwatch_log_group.this.name
}

output "queue_arn" {
  description = "ARN of the queue between EventBridge and the handler."
  value       = aws_sqs_queue.this.arn
}

output "queue_name" {
  description = "Name of the handler queue (known at plan time, for metric dimensions)."
  value       = aws_sqs_queue.this.name
}

output "queue_url" {
  description = "URL of the queue between EventBridge and the handler."
  value       = aws_sqs_queue.this.url
}

output "role_arn" {
  description = "ARN of the handler's IAM role."
  value       = aws_iam_role.this.arn
}

output "rule_arns" {
  description = "ARNs of the EventBridge rules that feed the queue, by purpose."
  value       = { for purpose, rule in aws_cloudwatch_event_rule.this : purpose => rule.arn }
}

output "rule_names" {
  description = "Names of the EventBridge rules that feed the queue, by purpose (known at plan time)."
  value       = { for purpose, rule in aws_cloudwatch_event_rule.this : purpose => rule.name }
}
